# Types of ``_connection.py``: ``Connection`` and ``ConnectionBuilder`` (docs/typing.md).
# ``follow_link`` returns what the link names: a ``List`` of its items for a list, else an object
# of the link's own type.

import logging
import os
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Protocol, TypeVar, overload

from typing_extensions import Self

from ovirtsdk4._bases import List, Struct
from ovirtsdk4.http import Request, Response
from ovirtsdk4.retries import RetryPolicy
from ovirtsdk4.service import Service
from ovirtsdk4.services import SystemService

__all__ = ["Connection", "ConnectionBuilder"]

_S = TypeVar("_S", bound=Struct)

class _Log(Protocol):
    def debug(self, msg: str, /, *args: Any) -> object: ...

class _Body(Protocol):
    def read(self, size: int = -1) -> bytes: ...
    def read_all(self) -> bytes: ...
    def close(self) -> None: ...

class Connection:
    def __init__(
        self,
        url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        insecure: bool = False,
        ca_file: str | os.PathLike[str] | None = None,
        debug: bool = False,
        log: logging.Logger | _Log | None = None,
        kerberos: bool = False,
        timeout: float = 0,
        compress: bool = True,
        sso_url: str | None = None,
        sso_revoke_url: str | None = None,
        sso_token_name: str = "access_token",
        headers: Mapping[str, object] | None = None,
        pipeline: int = 0,
        connections: int = 0,
        *,
        connect_timeout: float = 0,
        proxy_url: str | None = None,
        ca_certs: bytes | str | None = None,
        max_reply_size: int = 1073741824,
        retries: RetryPolicy | None = None,
    ) -> None: ...
    @property
    def url(self) -> str: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
    def system_service(self) -> SystemService: ...
    def service(self, path: str) -> Service: ...
    def is_link(self, obj: Struct | List[Any]) -> bool: ...
    @overload
    def follow_link(self, obj: list[_S]) -> List[_S]: ...
    @overload
    def follow_link(self, obj: _S) -> _S: ...
    def test(self, raise_exception: bool = False) -> bool: ...
    def authenticate(self) -> str: ...
    def send(self, request: Request) -> object: ...
    def stream(self, request: Request, failed_auth: bool = False) -> tuple[Response, _Body]: ...
    def wait(self, context: object, failed_auth: bool = False) -> Response: ...
    def check_xml_content_type(self, response: Response) -> None: ...
    def check_json_content_type(self, response: Response) -> None: ...
    def close(self, logout: bool = True) -> None: ...

class ConnectionBuilder:
    def __init__(self, **kwargs: Any) -> None: ...
    def build(self) -> Connection: ...
