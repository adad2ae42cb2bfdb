"""ovirtsdk4-fast: a fast, drop-in replacement for the oVirt Engine Python SDK 4.6.3.

This module only re-exports. Importing it makes the submodules of the official package
available as attributes and fills the reader and writer registries (API.md M-2).
First it checks how it is installed (_ovirtsdk4_fast.py): beside the official package, or
from an unbuilt source tree, it fails with one message that says how to repair that.
"""

import _ovirtsdk4_fast

_ovirtsdk4_fast.check()


from ovirtsdk4._bases import List, Struct
from ovirtsdk4._connection import Connection, ConnectionBuilder
from ovirtsdk4.error import (
    AuthError,
    ConnectionError,
    Error,
    JobFailedError,
    NotFoundError,
    ObjectRemovedError,
    ReplyTooLargeError,
    StateUnreachableError,
    TimeoutError,
    WaitError,
    WaitTimeoutError,
    XmlError,
    XmlValueError,
)
from ovirtsdk4.http import Response
from ovirtsdk4.version import VERSION as _VERSION

__all__ = [
    "AuthError",
    "Connection",
    "ConnectionBuilder",
    "ConnectionError",
    "Error",
    "JobFailedError",
    "List",
    "NotFoundError",
    "ObjectRemovedError",
    "ReplyTooLargeError",
    "Response",
    "RetryPolicy",
    "StateUnreachableError",
    "Struct",
    "TimeoutError",
    "WaitError",
    "WaitTimeoutError",
    "XmlError",
    "XmlValueError",
    "get_version",
    "http",
    "reader",
    "readers",
    "service",
    "services",
    "types",
    "writer",
    "writers",
    "xml",
]


def __getattr__(name):
    # RetryPolicy is imported on first use: its module costs dataclasses, which the package
    # does not otherwise import.
    if name == "RetryPolicy":
        from ovirtsdk4.retries import RetryPolicy

        return RetryPolicy
    raise AttributeError(f"module 'ovirtsdk4' has no attribute {name!r}")


def get_version():
    """The version of the official SDK this package is compatible with: ``'4.6.3'``."""
    return _VERSION


from ovirtsdk4 import (  # noqa: E402 - the submodules need the names above
    http,
    reader,
    readers,
    service,
    services,
    types,
    writer,
    writers,
    xml,
)
