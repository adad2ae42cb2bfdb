"""The base of every generated service, and the future that ``wait=False`` calls return.

A generated method is a signature and one call to ``Service._invoke`` with its ``Method``
spec; everything else (argument checks, query and action building, replies, errors) is here,
once (API.md S-1 … S-6, H-6).
"""

import datetime
import enum
import gc
import re
from collections import namedtuple
from types import GenericAlias
from urllib.parse import quote

from ovirtsdk4 import http, reader, types, writer, xml
from ovirtsdk4.error import AuthError, Error, NotFoundError

__all__ = ["Future", "Method", "Parameter", "Service", "path_segment"]


# A checked argument of a service method: its Python name, its query key or <action> child
# (None for the body) and the exact type a non-None value must have.
Parameter = namedtuple("Parameter", "python_name wire_name expected")

# What a generated service method sends and how its reply is read: its kind (get, list, add,
# update, remove, action), the action segment appended to the service path, whether the first
# parameter is the object sent (add, update), its Parameters in the order of the values passed
# to _invoke, and for actions the member of the reply's <action> that is returned.
Method = namedtuple("Method", "kind path has_body parameters result")


class Future:
    """The pending result of a ``wait=False`` call (API.md S-5). Generic on what ``wait()``
    returns (``Future[types.Vm]``), at run time too, as annotations may be evaluated."""

    __class_getitem__ = classmethod(GenericAlias)

    def __init__(self, connection, context, code):
        self._connection = connection
        self._context = context
        self._code = code

    def wait(self):
        """Wait for the reply; return what the call with ``wait=True`` returns, or raise what
        it raises."""
        return self._code(self._connection.wait(self._context))


def _query_value(value):
    """How a typed method parameter is written in the query (API.md H-1)."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    return value


# A segment that is sent as it is: characters a path segment carries literally (RFC 3986's
# unreserved ones, sub-delimiters but ';', which Java servers read as matrix parameters, ':' and
# '@'), and not a dot segment ('.' or '..', which the URL would resolve away).
_PLAIN_SEGMENT = re.compile(r"(?!\.\.?\Z)[A-Za-z0-9._~!$&'()*+,=:@-]+").fullmatch
_SEGMENT_SAFE = "!$&'()*+,=:@"


def path_segment(name, value):
    """``value``, the ``name`` argument of a locator, as one segment of a URL path: sent as it
    is when it holds only characters a segment carries literally (every UUID and name the
    engine gives), else percent-encoded as UTF-8, so that no ``/``, ``?``, ``#``, ``%`` or
    space in it can change the resource a request goes to. ``None`` passes the type check
    (API.md S-4) and is written ``None``, as the official does. An empty value, ``.`` and
    ``..`` name no item at all: ``Error``."""
    if type(value) is not str:
        if value is None:
            return "None"
        Service._check_types(((name, value, str),))
    if _PLAIN_SEGMENT(value) is not None:
        return value
    if value in ("", ".", ".."):
        raise Error(f"The '{name}' parameter can't be {value!r}: that names no item")
    try:
        return quote(value, safe=_SEGMENT_SAFE)
    except UnicodeEncodeError as error:
        raise Error(f"The '{name}' parameter can't be written as UTF-8: {error}") from None


def _error_message(response, fault):
    parts = []
    if fault is not None:
        if fault.reason:
            parts.append(f'Fault reason is "{fault.reason}".')
        if fault.detail:
            parts.append(f'Fault detail is "{fault.detail}".')
    if response is not None:
        if response.code:
            parts.append(f"HTTP response code is {response.code}.")
        if response.message:
            parts.append(f'HTTP response message is "{response.message}".')
    return " ".join(parts)


def _raise_error(response, fault=None):
    """Raise the error for a failed reply; the class follows the status (API.md E-3)."""
    code = response.code if response is not None else None
    if code in (401, 403):
        cls = AuthError
    elif code == 404:
        cls = NotFoundError
    else:
        cls = Error
    raise cls(_error_message(response, fault), code=code, fault=fault)


class Service:
    """A service bound to a path of the API; creating one does no I/O (API.md S-1).

    Every generated method ends with the same parameters: ``headers`` and ``query`` (extra HTTP
    headers and query parameters, mappings of names to values), ``wait`` (``False`` returns at
    once a ``Future`` whose ``wait()`` returns what the call returns) and ``**kwargs`` (ignored,
    as by the official SDK; the types reject them, docs/typing.md). A failed call raises
    ``ovirtsdk4.Error``: ``NotFoundError`` for a 404, ``AuthError`` for a 401 or 403, ``Error``
    for another fault (its ``fault`` is the engine's ``types.Fault``, its ``code`` the HTTP
    status), ``ConnectionError`` or ``TimeoutError`` when the request itself fails.
    """

    _locators = {}  # URL segment → name of the locator method
    _id_locator = None  # name of the locator method that takes an id

    def __init__(self, connection, path):
        self._connection = connection
        self._path = path

    def __str__(self):
        return f"{type(self).__name__}:{self._path}"

    def service(self, path):
        """The service at ``path``, relative to this one (API.md S-2, C-17)."""
        if not path:
            return self
        segment, _, rest = path.partition("/")
        locator = self._locators.get(segment)
        if locator is not None:
            return getattr(self, locator)().service(rest)
        if self._id_locator is not None:
            # The segment is URL path text (an href's), sent as it is: the locator would
            # percent-encode it again.
            item = getattr(self, self._id_locator)(segment)
            return type(item)(self._connection, f"{self._path}/{segment}").service(rest)
        raise Error(f'The path "{path}" doesn\'t correspond to any service')

    @staticmethod
    def _check_types(checks):
        """Raise one ``TypeError`` naming every ``(name, value, expected)`` whose value is
        neither ``None`` nor of exactly the expected type (API.md S-4)."""
        messages = [
            f"The '{name}' parameter should be of type '{expected.__name__}', "
            f"but it is of type '{type(value).__name__}'."
            for name, value, expected in checks
            if value is not None and type(value) is not expected
        ]
        if messages:
            raise TypeError(" ".join(messages))

    def _invoke(self, method, values, headers, query, wait, kwargs):
        """Check the arguments, send the request and return the result, or a ``Future``."""
        request = self._request(method, values, headers, query, kwargs)
        if wait and method.kind == "list":
            return self._list(method, request)
        connection = self._connection
        context = connection.send(request)
        if wait:
            return self._reply(method, connection.wait(context))
        return Future(connection, context, lambda response: self._reply(method, response))

    def _request(self, method, values, headers, query, kwargs):
        """The checked ``http.Request`` of a call of ``method`` with ``values``."""
        parameters = method.parameters
        if "async" in kwargs:
            values = tuple(
                kwargs["async"] if p.python_name == "async_" else v
                for p, v in zip(parameters, values, strict=True)
            )
        # A call that gives none of its parameters (most gets and lists) has nothing to check
        # and nothing to put in the query.
        given = values.count(None) != len(values)
        if given:
            Service._check_types(
                (p.python_name, v, p.expected) for p, v in zip(parameters, values, strict=True)
            )
        kind = method.kind
        request = http.Request(
            method=_HTTP_METHODS[kind],
            path=f"{self._path}/{method.path}" if method.path else self._path,
            query=dict(query) if query else {},
            headers=dict(headers) if headers else {},
        )
        if kind == "action":
            action = types.Action()
            for parameter, value in zip(parameters, values, strict=True):
                setattr(action, parameter.python_name, value)
            request.body = writer.Writer.write(action, indent=True)
        else:
            if method.has_body:
                request.body = writer.Writer.write(values[0], indent=True)
            if given:
                for parameter, value in zip(parameters, values, strict=True):
                    if value is not None and parameter.wire_name is not None:
                        request.query[parameter.wire_name] = _query_value(value)
        return request

    def _iterate(self, method, values, page_size, headers, query, kwargs):
        """The items of a ``list`` call, yielded while the reply downloads (constant memory);
        with ``page_size``, fetched in pages of that many (``max`` and ``search=... page N``)."""
        request = self._request(method, values, headers, query, kwargs)
        if page_size is None:
            return self._stream_items(method, request)
        if type(page_size) is not int or page_size < 1:
            raise TypeError(f"The 'page_size' parameter should be a positive int: {page_size!r}")
        if not {"search", "max"} <= {p.wire_name for p in method.parameters}:
            raise Error(f"{type(self).__name__} can't page: its list has no 'search' and 'max'")
        return self._pages(method, request, page_size)

    def _pages(self, method, request, page_size):
        search = request.query.get("search")
        page = 1
        while True:
            query = dict(request.query)
            query["max"] = str(page_size)
            query["search"] = f"{search} page {page}" if search else f"page {page}"
            paged = http.Request(request.method, request.path, query, request.headers)
            count = 0
            for item in self._stream_items(method, paged):
                count += 1
                yield item
            if count < page_size:
                return
            page += 1

    def _list(self, method, request):
        """A waited ``list()``: the reply is read while it downloads, so that its bytes are
        never all in memory at once; the result, and any error, are those of ``_reply``."""
        response, body = self._connection.stream(request)
        try:
            if response.code in _SUCCESS[method.kind]:
                first = body.read(_FIRST_READ)
                if first:
                    self._connection.check_xml_content_type(response)
                    cursor = xml.XmlReader.from_stream(_Resumed(first, body))
                    try:
                        return _read_collected_once(cursor)
                    finally:
                        cursor.close()
            response.body = body.read_all()
            return self._reply(method, response)
        finally:
            body.close()

    def _stream_items(self, method, request):
        response, body = self._connection.stream(request)
        try:
            if response.code in _SUCCESS[method.kind]:
                self._connection.check_xml_content_type(response)
                yield from reader.Reader.iterate(body)
                return
            response.body = body.read_all()
            self._reply(method, response)
        finally:
            body.close()

    def _reply(self, method, response):
        kind = method.kind
        if response.code not in _SUCCESS[kind]:
            self._check_fault(response)
        if kind == "remove":
            return None
        if kind == "action":
            action = self._check_action(response)
            return getattr(action, method.result) if method.result else None
        return self._read_body(response)

    def _read_body(self, response):
        if not response.body:
            _raise_error(response)
        self._connection.check_xml_content_type(response)
        return reader.Reader.read(response.body)

    def _check_fault(self, response):
        """Raise the error a failed reply carries (API.md S-6)."""
        body = self._read_body(response)
        if isinstance(body, types.Fault):
            _raise_error(response, body)
        if isinstance(body, types.Action) and body.fault is not None:
            _raise_error(response, body.fault)
        raise Error(f"Expected a fault, but got {type(body).__name__}")

    def _check_action(self, response):
        body = self._read_body(response)
        if isinstance(body, types.Fault):
            _raise_error(response, body)
        if isinstance(body, types.Action):
            if body.fault is not None:
                _raise_error(response, body.fault)
            return body
        raise Error(f"Expected a fault or action, but got {type(body).__name__}")


_FIRST_READ = 1 << 16


def _read_collected_once(cursor):
    """``Reader.read(cursor)``, with the objects it makes moved to the oldest generation of
    the collector without being walked.

    The reader pauses the collector (docs/differences.md R8); once it ran again, its first
    pass walked every object the read made (the young generation), and a generation-1 pass
    walked them all again soon after, in the caller's code, before they reached the oldest
    generation. When the read made more objects than a generation-1 cycle holds, they are
    moved there at once: ``gc.freeze()`` then ``gc.unfreeze()`` (two list splices; nothing
    stays frozen), so that only full collections walk them, as they walk every old object,
    and cycles among them are found there as before. If the program froze objects itself
    (``gc.get_freeze_count()``), unfreezing would release those too: the new objects are then
    collected once, as generation 1, instead (docs/transport.md)."""
    collecting = gc.isenabled()
    large = False
    try:
        gc.disable()
        result = reader.Reader.read(cursor)
        threshold = gc.get_threshold()
        large = gc.get_count()[0] > threshold[0] * threshold[1]
        return result
    finally:
        if collecting:
            # Still paused, so that no thread's allocation starts the young pass meanwhile;
            # each finally runs even when a signal handler's exception cuts in.
            try:
                if large:
                    if gc.get_freeze_count():
                        gc.collect(1)
                    else:
                        try:
                            gc.freeze()
                        finally:
                            gc.unfreeze()
            finally:
                gc.enable()


class _Resumed:
    """A body stream of which ``first`` was already read: gives it back first."""

    __slots__ = ("_first", "_body")

    def __init__(self, first, body):
        self._first = first
        self._body = body

    def read(self, size):
        if self._first:
            first, self._first = self._first, b""
            return first
        return self._body.read(size)


_HTTP_METHODS = {
    "get": "GET",
    "list": "GET",
    "add": "POST",
    "update": "PUT",
    "remove": "DELETE",
    "action": "POST",
}

# Status codes accepted as success, by method kind (API.md H-6).
_SUCCESS = {
    "get": (200,),
    "list": (200,),
    "add": (200, 201, 202),
    "update": (200,),
    "remove": (200,),
    "action": (200, 201, 202),
}
