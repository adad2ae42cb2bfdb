# Types of ``error.py`` (docs/typing.md).

from ovirtsdk4.types import Fault

__all__ = [
    "AuthError",
    "ConnectionError",
    "Error",
    "NotFoundError",
    "ReplyTooLargeError",
    "TimeoutError",
    "XmlError",
    "XmlValueError",
]

class Error(Exception):
    code: int | None
    fault: Fault | None
    def __init__(
        self, message: str, code: int | None = None, fault: Fault | None = None
    ) -> None: ...

class AuthError(Error): ...
class ConnectionError(Error): ...  # noqa: A001
class NotFoundError(Error): ...

class ReplyTooLargeError(Error):
    limit: int | None
    url: str | None
    def __init__(self, message: str, limit: int | None = None, url: str | None = None) -> None: ...

class TimeoutError(Error): ...  # noqa: A001

class XmlError(Error):
    line: int | None
    column: int | None
    def __init__(
        self, message: str, line: int | None = None, column: int | None = None
    ) -> None: ...

class XmlValueError(XmlError, ValueError): ...
