# Types of ``ovirtsdk4`` (docs/typing.md).

from ovirtsdk4 import http as http
from ovirtsdk4 import reader as reader
from ovirtsdk4 import readers as readers
from ovirtsdk4 import service as service
from ovirtsdk4 import services as services
from ovirtsdk4 import types as types
from ovirtsdk4 import writer as writer
from ovirtsdk4 import writers as writers
from ovirtsdk4 import xml as xml
from ovirtsdk4._bases import List as List
from ovirtsdk4._bases import Struct as Struct
from ovirtsdk4._connection import Connection as Connection
from ovirtsdk4._connection import ConnectionBuilder as ConnectionBuilder
from ovirtsdk4.error import AuthError as AuthError
from ovirtsdk4.error import ConnectionError as ConnectionError
from ovirtsdk4.error import Error as Error
from ovirtsdk4.error import JobFailedError as JobFailedError
from ovirtsdk4.error import NotFoundError as NotFoundError
from ovirtsdk4.error import ObjectRemovedError as ObjectRemovedError
from ovirtsdk4.error import ReplyTooLargeError as ReplyTooLargeError
from ovirtsdk4.error import StateUnreachableError as StateUnreachableError
from ovirtsdk4.error import TimeoutError as TimeoutError
from ovirtsdk4.error import WaitError as WaitError
from ovirtsdk4.error import WaitTimeoutError as WaitTimeoutError
from ovirtsdk4.error import XmlError as XmlError
from ovirtsdk4.error import XmlValueError as XmlValueError
from ovirtsdk4.http import Response as Response
from ovirtsdk4.retries import RetryPolicy as RetryPolicy

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

def get_version() -> str: ...
