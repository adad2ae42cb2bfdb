# Types of ``error.py`` (docs/typing.md).

from enum import Enum
from typing import Any

from ovirtsdk4.types import Fault, Job, Step

__all__ = [
    "AuthError",
    "ConnectionError",
    "Error",
    "JobFailedError",
    "NotFoundError",
    "ObjectRemovedError",
    "ReplyTooLargeError",
    "StateUnreachableError",
    "TimeoutError",
    "WaitError",
    "WaitTimeoutError",
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

class WaitError(Error):
    last: Any
    def __init__(self, message: str, last: Any = None) -> None: ...

class WaitTimeoutError(WaitError, TimeoutError): ...

class StateUnreachableError(WaitError):
    state: Enum | None
    def __init__(self, message: str, last: Any = None, state: Enum | None = None) -> None: ...

class ObjectRemovedError(WaitError, NotFoundError): ...

class JobFailedError(WaitError):
    last: Job
    steps: list[Step]
    jobs: list[Job]
    def __init__(self, message: str, last: Job, steps: list[Step], jobs: list[Job]) -> None: ...

class XmlError(Error):
    line: int | None
    column: int | None
    def __init__(
        self, message: str, line: int | None = None, column: int | None = None
    ) -> None: ...

class XmlValueError(XmlError, ValueError): ...
