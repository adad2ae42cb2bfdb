# Types of ``writer.py`` (docs/typing.md).

import datetime
from collections.abc import Callable, Sequence
from typing import Any, overload

from ovirtsdk4._bases import Struct
from ovirtsdk4.xml import XmlWriter

__all__ = ["Writer"]

class Writer:
    def __init__(self) -> None: ...
    @classmethod
    def register(
        cls, typ: type[Any], writer: Callable[[Any, XmlWriter, str | None], None]
    ) -> None: ...
    @staticmethod
    def write_string(writer: XmlWriter, name: str, value: str) -> None: ...
    @staticmethod
    def render_boolean(value: bool) -> str: ...
    @staticmethod
    def write_boolean(writer: XmlWriter, name: str, value: bool) -> None: ...
    @staticmethod
    def render_integer(value: int) -> str: ...
    @staticmethod
    def write_integer(writer: XmlWriter, name: str, value: int) -> None: ...
    @staticmethod
    def render_decimal(value: float) -> str: ...
    @staticmethod
    def write_decimal(writer: XmlWriter, name: str, value: float) -> None: ...
    @staticmethod
    def render_date(value: datetime.datetime) -> str: ...
    @staticmethod
    def write_date(writer: XmlWriter, name: str, value: datetime.datetime) -> None: ...
    @overload
    @classmethod
    def write(
        cls,
        obj: Struct | Sequence[Struct],
        target: None = None,
        root: str | None = None,
        indent: bool = False,
    ) -> str: ...
    @overload
    @classmethod
    def write(
        cls,
        obj: Struct | Sequence[Struct],
        target: XmlWriter,
        root: str | None = None,
        indent: bool = False,
    ) -> None: ...
