"""The base of every generated service, and the future that ``wait=False`` calls return."""

from ovirtsdk4._pending import not_implemented

__all__ = ["Future", "Service"]


class Future:
    """The pending result of a ``wait=False`` call (API.md S-5)."""

    def __init__(self, connection, context, code):
        self._connection = connection
        self._context = context
        self._code = code

    def wait(self):
        not_implemented("Future.wait (issue #4)")


class Service:
    """A service bound to a path of the API; creating one does no I/O (API.md S-1)."""

    def __init__(self, connection, path):
        self._connection = connection
        self._path = path

    def __str__(self):
        return f"{type(self).__name__}:{self._path}"
