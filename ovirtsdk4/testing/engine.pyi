# Types of ``engine.py``: the simulated engine's Python API (docs/typing.md).

import threading
from typing import Any, Final, TypeVar

from ovirtsdk4 import types
from ovirtsdk4._bases import Struct
from ovirtsdk4.testing._http import Request

__all__ = ["API_PREFIX", "Engine", "Fault"]

_S = TypeVar("_S", bound=Struct)

API_PREFIX: Final[str]

class Fault(Exception):
    status: int
    detail: str
    reason: str
    def __init__(self, status: int, detail: str, reason: str = "Operation Failed") -> None: ...

class Collection:
    path: str
    href: str
    service: Any
    entity_service: Any
    etype: type[Struct] | None
    info: Any
    items: dict[str, Any]
    names: dict[str, Any] | None
    plural: str
    parent: Any
    relation: str | None
    def __init__(
        self, path: str, service: Any, etype: type[Struct] | None, parent: Any = None
    ) -> None: ...
    def by_name(self, name: str) -> Any: ...

class Engine:
    lock: threading.RLock
    username: str
    password: str
    transition_delay: float
    requests_served: int
    errors: list[BaseException]
    def __init__(
        self,
        *,
        username: str = "admin@internal",
        password: str | None = None,
        transition_delay: float = 0.0,
        kerberos: bool = False,
        sso_error_style: str = "oauth",
        basic_auth: bool = True,
    ) -> None: ...
    def collection(self, path: str) -> Collection: ...
    def collection_of(self, cls: type[Struct]) -> Collection: ...
    def add(
        self, obj: _S, path: str | None = None, *, events: bool = False, exact: bool = False
    ) -> _S: ...
    def attach(self, path: str, obj: _S) -> _S: ...
    def get(self, path: str) -> Any: ...
    def list(self, path: str) -> list[Any]: ...
    def find(self, cls: type[_S], name: str) -> _S | None: ...
    def changed(self, obj: Struct) -> None: ...
    def add_event(
        self,
        description: str,
        severity: types.LogSeverity = ...,
        code: int = 0,
        **refs: Struct,
    ) -> types.Event: ...
    def token(self) -> str: ...
    def ref(self, obj: _S) -> _S: ...
    def transition(
        self,
        obj: Struct,
        now: Any,
        later: Any,
        *,
        attribute: str = "status",
        then: Any = None,
    ) -> None: ...
    def settle(self) -> None: ...
    def handle(self, request: Request) -> Any: ...
