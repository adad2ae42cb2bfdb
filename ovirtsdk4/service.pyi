# Types of ``service.py``: ``Service``, and ``Future``, generic on what its ``wait()``
# returns (docs/typing.md).

from collections.abc import Callable, Iterable, Mapping
from types import GenericAlias
from typing import Any, Generic, NamedTuple, TypeVar

from ovirtsdk4._connection import Connection
from ovirtsdk4.http import Response

__all__ = ["Future", "Method", "Parameter", "Service", "path_segment"]

_T_co = TypeVar("_T_co", covariant=True)

class Parameter(NamedTuple):
    python_name: str
    wire_name: str | None
    expected: type[Any]

class Method(NamedTuple):
    kind: str
    path: str | None
    has_body: bool
    parameters: tuple[Parameter, ...]
    result: str | None

class Future(Generic[_T_co]):
    def __init__(
        self, connection: Connection, context: object, code: Callable[[Response], _T_co]
    ) -> None: ...
    def wait(self) -> _T_co: ...
    @classmethod
    def __class_getitem__(cls, item: Any, /) -> GenericAlias: ...

def path_segment(name: str, value: str | None) -> str: ...

class Service:
    def __init__(self, connection: Connection, path: str) -> None: ...
    def service(self, path: str) -> Service: ...
    def _invoke(
        self,
        method: Method,
        values: tuple[object, ...],
        headers: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        wait: bool,
        kwargs: Mapping[str, object],
    ) -> Any: ...
    @staticmethod
    def _check_types(checks: Iterable[tuple[str, object, type[Any]]]) -> None: ...
