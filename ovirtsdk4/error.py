"""The exceptions raised by the SDK, all in one tree::

    Exception
    └── Error                  base of every SDK error: message, code, fault
        ├── AuthError          HTTP 401/403, SSO errors
        ├── ConnectionError    DNS failure, refused connection, TLS, reset
        ├── NotFoundError      HTTP 404
        ├── ReplyTooLargeError a reply body (decoded) larger than the connection's
        │                      max_reply_size
        ├── TimeoutError       the request or the connection timed out
        ├── WaitError          a wait of ovirtsdk4.waiters ended without its outcome
        │   ├── WaitTimeoutError       the timeout passed (also a TimeoutError)
        │   ├── StateUnreachableError  the wanted state cannot come any more
        │   ├── ObjectRemovedError     the object was removed (also a NotFoundError)
        │   └── JobFailedError         a job of the correlation id failed
        └── XmlError           a document that is not well-formed XML, is truncated,
            │                  is too deep or too large, or has the wrong shape
            └── XmlValueError  a value in a document that is not of its type (also a
                               ValueError, as the official SDK raises for those)

``ConnectionError`` and ``TimeoutError`` deliberately shadow the built-ins of the
same name and do not derive from them, as in the official SDK. ``ReplyTooLargeError``,
``XmlError`` and the wait errors are additions of ours; ``XmlError`` also carries ``line``
and ``column`` when libxml2 gives them.
"""

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
    """Base class of all SDK errors.

    ``code`` is the HTTP status when the error comes from an HTTP response, else ``None``;
    ``fault`` is the ``types.Fault`` the server sent, else ``None``.
    """

    def __init__(self, message, code=None, fault=None):
        super().__init__(message)
        self.code = code
        self.fault = fault


class AuthError(Error):
    """Authentication or authorization failed (HTTP 401/403, SSO errors)."""


class ConnectionError(Error):  # noqa: A001 - shadows the built-in on purpose (API.md E-1)
    """The server could not be reached."""


class NotFoundError(Error):
    """The server answered 404."""


class ReplyTooLargeError(Error):
    """A reply body, counted after decoding any Content-Encoding, went past the
    connection's ``max_reply_size``: the download was stopped there. ``limit`` is that size
    in bytes, ``url`` the URL of the request."""

    def __init__(self, message, limit=None, url=None):
        super().__init__(message)
        self.limit = limit
        self.url = url


class TimeoutError(Error):  # noqa: A001 - shadows the built-in on purpose (API.md E-1)
    """The operation did not finish in time."""


class WaitError(Error):
    """A wait ended without the wanted outcome. ``last`` is the last object seen (``None``
    when none was); for ``waiters.wait_for_all``, the list of the last objects, in order."""

    def __init__(self, message, last=None):
        super().__init__(message)
        self.last = last


class WaitTimeoutError(WaitError, TimeoutError):
    """The timeout passed before the wanted state came."""


class StateUnreachableError(WaitError):
    """The object reached a state from which the wanted one cannot come without another
    action: a failed state, or a settled one after a transition. ``state`` is that state."""

    def __init__(self, message, last=None, state=None):
        super().__init__(message, last)
        self.state = state


class ObjectRemovedError(WaitError, NotFoundError):
    """The object was removed (the GET answered 404) while a state was awaited."""


class JobFailedError(WaitError):
    """A job of the correlation id ended without success (``failed``, ``aborted``, or
    ``unknown``: the engine lost track of it). ``last`` is that job, ``steps`` its steps that
    failed (innermost last; maybe empty) and ``jobs`` every job of the correlation id."""

    def __init__(self, message, last, steps, jobs):
        super().__init__(message, last)
        self.steps = steps
        self.jobs = jobs


class XmlError(Error):
    """A document could not be read: malformed, truncated, too deep, too large or of the
    wrong shape. ``line`` and ``column`` locate the problem when known (else ``None``)."""

    def __init__(self, message, line=None, column=None):
        super().__init__(message)
        self.line = line
        self.column = column


class XmlValueError(XmlError, ValueError):
    """A value in a document that does not parse as its type, such as
    ``<memory>abc</memory>``, or a value to write that holds a character XML 1.0 does not
    allow (NUL, other C0 controls than tab/LF/CR, U+FFFE, U+FFFF)."""
