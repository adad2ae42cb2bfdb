"""The exceptions raised by the SDK, all in one tree::

    Exception
    └── Error                  base of every SDK error: message, code, fault
        ├── AuthError          HTTP 401/403, SSO errors
        ├── ConnectionError    DNS failure, refused connection, TLS, reset
        ├── NotFoundError      HTTP 404
        ├── ReplyTooLargeError a reply body (decoded) larger than the connection's
        │                      max_reply_size
        ├── TimeoutError       the request or the connection timed out
        └── XmlError           a document that is not well-formed XML, is truncated,
            │                  is too deep or too large, or has the wrong shape
            └── XmlValueError  a value in a document that is not of its type (also a
                               ValueError, as the official SDK raises for those)

``ConnectionError`` and ``TimeoutError`` deliberately shadow the built-ins of the
same name and do not derive from them, as in the official SDK. ``ReplyTooLargeError``
and ``XmlError`` are additions of ours; ``XmlError`` also carries ``line`` and ``column``
when libxml2 gives them.
"""

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
