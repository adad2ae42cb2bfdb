# Types of ``_bases.py``: ``Struct`` and the generic ``List`` (docs/typing.md).

from typing import Any, TypeVar

__all__ = ["List", "Struct", "attribute", "checked_attribute", "enum_str"]

_T = TypeVar("_T")

class List(list[_T]):
    href: str | None
    def __init__(self, href: str | None = None) -> None: ...

class Struct:
    href: str | None
    def __init__(self, href: str | None = None) -> None: ...

def attribute(storage: str) -> property: ...
def checked_attribute(
    storage: str, name: str, expected: str, namespace: dict[str, Any]
) -> property: ...
def enum_str(member: Any) -> str: ...
