"""A small threaded HTTP/1.1 (and HTTPS) server on loopback, for tests and the engine simulator.

::

    def handler(request):                       # a Request: method, path, query, headers, body
        return Response(200, b"<ok/>", [("Content-Type", "application/xml")])

    with HttpServer(handler, certfile=tls.server_cert, keyfile=tls.server_key) as server:
        url = server.url("/ovirt-engine/api")   # https://localhost:PORT/ovirt-engine/api
        ...
        server.requests                         # what went on the wire, in arrival order

* ``server.ssl_context`` (HTTPS only) may be adjusted before the first connection, e.g. to
  cap the TLS version.
* Binds ``127.0.0.1`` (and ``::1`` too with ``ipv6=True``, when the machine has an IPv6
  loopback: ``server.ipv6`` says) on a free port, or ``port``; never anything but loopback.
  HTTP/1.1 keep-alive, one thread per connection, TLS 1.2+ with ALPN ``http/1.1``.
* The handler gets a :class:`Request` and returns a :class:`Response` (or ``bytes``, meaning
  200 with that body). If it raises, the client gets a 500 and the exception is kept in
  ``server.errors``.
* A :class:`Response` body may be an iterable of ``bytes``: it is sent chunked, each piece as
  it is produced.
* A :class:`Response` can script misbehaviour: ``delay`` before answering, ``truncate_at``
  (announce the full ``Content-Length``, send only that many body bytes, then close), ``reset``
  (abort the connection with a TCP RST instead of answering), ``encoding`` (``gzip``, ``deflate``
  or ``br``; ``br`` needs the ``brotli`` or ``brotlicffi`` module, see :data:`HAVE_BROTLI`),
  ``chunked`` bodies sent in pieces with ``chunk_delay`` pauses, ``close`` after the answer.
  :func:`html_error_page` makes the HTML page a proxy in front of the engine would send.
* Every request received is recorded (method, target, path, raw query, headers as a list that
  keeps duplicates and order, body, connection number) before the handler runs.
* ``stop()`` (or leaving the ``with`` block) closes the listeners and every connection and
  joins the threads; it is bounded by a few seconds even when a handler is sleeping.
"""

from __future__ import annotations

import errno
import gzip
import selectors
import socket
import ssl
import struct
import threading
import traceback
import zlib
from dataclasses import dataclass, field

__all__ = ["HAVE_BROTLI", "HttpServer", "Request", "Response", "html_error_page"]

try:  # pragma: no cover - depends on the environment
    import brotli as _brotli
except ImportError:  # pragma: no cover
    try:
        import brotlicffi as _brotli
    except ImportError:
        _brotli = None

#: Whether ``Response(encoding="br")`` can be used.
HAVE_BROTLI = _brotli is not None

_REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_MAX_HEAD = 256 * 1024


@dataclass
class Request:
    """One request as received. ``headers`` keeps every header line, in order, as
    ``(name, value)`` pairs with the name as sent."""

    method: str
    target: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    version: str = "HTTP/1.1"
    connection: int = 0

    def header(self, name):
        """The last value of header ``name`` (case-insensitive), or ``None``."""
        name = name.lower()
        found = None
        for key, value in self.headers:
            if key.lower() == name:
                found = value
        return found

    def header_all(self, name):
        """Every value of header ``name`` (case-insensitive), in order."""
        name = name.lower()
        return [value for key, value in self.headers if key.lower() == name]


@dataclass
class Response:
    """What the server answers, and how (see the module docstring for the misbehaviours)."""

    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    reason: str | None = None
    encoding: str | None = None
    delay: float = 0.0
    truncate_at: int | None = None
    reset: bool = False
    chunked: bool = False
    chunk_size: int = 64 * 1024
    chunk_delay: float = 0.0
    close: bool = False


def html_error_page(status=503, title=None):
    """A ``text/html`` error page such as Apache or a load balancer sends."""
    title = title or f"{status} {_REASONS.get(status, 'Error')}"
    body = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
        f"<html><head>\n<title>{title}</title>\n</head><body>\n<h1>{title}</h1>\n"
        "<p>The server is temporarily unable to service your request.</p>\n</body></html>\n"
    ).encode("ascii")
    return Response(status, body, [("Content-Type", "text/html; charset=iso-8859-1")])


def _default_handler(request):
    return Response(200, b"<ok/>", [("Content-Type", "application/xml")])


def _encode(body, encoding):
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        # HTTP "deflate" is the zlib format (RFC 9110 8.4.1.2), not raw deflate.
        return zlib.compress(body)
    if encoding == "br":
        if _brotli is None:
            raise RuntimeError("no brotli module is available")
        return _brotli.compress(body)
    raise ValueError(f"unknown encoding {encoding!r}")


def _ipv6_listener(port):
    """A socket bound to ``[::1]:port``; ``False`` when the machine has no IPv6 loopback,
    ``None`` when the port is taken there."""
    try:
        v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    except OSError:
        return False
    try:
        v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        v6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        v6.bind(("::1", port))
    except OSError as exc:
        v6.close()
        return None if exc.errno == errno.EADDRINUSE else False
    return v6


class _Closed(Exception):
    """The peer closed the connection, or the server is stopping."""


class HttpServer:
    """A threaded HTTP/1.1 server on loopback. With ``certfile``/``keyfile`` it speaks HTTPS."""

    def __init__(self, handler=None, *, certfile=None, keyfile=None, ipv6=False, port=0):
        self.handler = handler or _default_handler
        self.requests: list[Request] = []
        self.errors: list[BaseException] = []
        self.tls_errors: list[BaseException] = []
        self.connections_accepted = 0
        self.max_concurrent_connections = 0
        self._active = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._conns: dict[int, socket.socket] = {}
        self._threads: list[threading.Thread] = []
        self._listeners: list[socket.socket] = []
        self._accept_thread = None
        self.ssl_context = None
        if certfile is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(str(certfile), str(keyfile))
            ctx.set_alpn_protocols(["http/1.1"])
            self.ssl_context = ctx
        self._bind(ipv6, port)
        self._wake_r, self._wake_w = socket.socketpair()

    # -- lifecycle -------------------------------------------------------------------------

    def _bind(self, ipv6, port):
        """Listen on ``127.0.0.1`` (and ``::1`` with ``ipv6``, when the machine has it): the
        same port on both. ``self.ipv6`` tells whether ``::1`` is listened on."""
        self.ipv6 = False
        for _ in range(20):
            v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            v4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                v4.bind(("127.0.0.1", port))
            except OSError:
                v4.close()
                raise
            listeners = [v4]
            if ipv6:
                v6 = _ipv6_listener(v4.getsockname()[1])
                if v6 is None:  # the port is taken on ::1 only: try another free one
                    v4.close()
                    if port:
                        raise OSError(errno.EADDRINUSE, f"port {port} is in use on ::1")
                    continue
                if v6 is not False:
                    listeners.append(v6)
                    self.ipv6 = True
            break
        else:  # pragma: no cover
            raise OSError("could not bind the same free port on 127.0.0.1 and ::1")
        for sock in listeners:
            sock.listen(1024)
            sock.setblocking(False)
        self._listeners = listeners
        self.port = listeners[0].getsockname()[1]

    @property
    def addresses(self):
        """The ``(host, port)`` pairs listened on."""
        return [sock.getsockname()[:2] for sock in self._listeners]

    @property
    def scheme(self):
        return "https" if self.ssl_context is not None else "http"

    def url(self, path="", host="localhost"):
        """``scheme://host:port`` + ``path``; ``host`` may be ``localhost``, ``127.0.0.1``
        or ``[::1]``."""
        return f"{self.scheme}://{host}:{self.port}{path}"

    def start(self):
        if self._accept_thread is None:
            self._accept_thread = threading.Thread(
                target=self._accept_loop, name=f"HttpServer:{self.port}", daemon=True
            )
            self._accept_thread.start()
        return self

    def stop(self, timeout=5.0):
        """Stop accepting, abort every connection, join the threads. Idempotent."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        try:
            self._wake_w.send(b"x")
        except OSError:  # pragma: no cover
            pass
        if self._accept_thread is not None:
            self._accept_thread.join(timeout)
        with self._lock:
            conns = list(self._conns.values())
            threads = list(self._threads)
        for conn in conns:
            try:
                socket.socket.shutdown(conn, socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(timeout)
        for sock in self._listeners:
            sock.close()
        self._wake_r.close()
        self._wake_w.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def clear(self):
        """Forget the recorded requests and errors."""
        with self._lock:
            self.requests.clear()
            self.errors.clear()

    # -- accepting ---------------------------------------------------------------------------

    def _accept_loop(self):
        sel = selectors.DefaultSelector()
        sel.register(self._wake_r, selectors.EVENT_READ)
        for sock in self._listeners:
            sel.register(sock, selectors.EVENT_READ)
        try:
            while not self._stopping.is_set():
                for key, _ in sel.select():
                    if key.fileobj is self._wake_r:
                        return
                    self._accept(key.fileobj)
        finally:
            sel.close()

    def _accept(self, listener):
        while True:
            try:
                conn, _ = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # pragma: no cover - e.g. EMFILE: let the client see a failure
                return
            conn.setblocking(True)
            if conn.family in (socket.AF_INET, socket.AF_INET6):
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self.connections_accepted += 1
                number = self.connections_accepted
                self._active += 1
                self.max_concurrent_connections = max(self.max_concurrent_connections, self._active)
                self._conns[number] = conn
                self._threads = [t for t in self._threads if t.is_alive()]
                thread = threading.Thread(
                    target=self._serve, args=(conn, number), name=f"HttpConn:{number}", daemon=True
                )
                self._threads.append(thread)
            thread.start()

    # -- one connection ----------------------------------------------------------------------

    def _serve(self, conn, number):
        try:
            if self.ssl_context is not None:
                try:
                    conn = self.ssl_context.wrap_socket(conn, server_side=True)
                except (OSError, ssl.SSLError) as exc:
                    self.tls_errors.append(exc)
                    return
                with self._lock:
                    self._conns[number] = conn
            buf = bytearray()
            while not self._stopping.is_set():
                request = self._read_request(conn, buf, number)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                try:
                    response = self.handler(request)
                    if isinstance(response, (bytes, bytearray)):
                        response = Response(200, bytes(response))
                except Exception as exc:
                    self.errors.append(exc)
                    text = "".join(traceback.format_exception(exc)).encode("utf-8", "replace")
                    response = Response(500, text, [("Content-Type", "text/plain")])
                if not self._write_response(conn, request, response):
                    return
        except (_Closed, OSError, ssl.SSLError):
            return
        finally:
            with self._lock:
                self._active -= 1
                self._conns.pop(number, None)
            try:
                conn.close()
            except OSError:  # pragma: no cover
                pass

    def _recv(self, conn, buf):
        data = conn.recv(256 * 1024)
        if not data:
            raise _Closed
        buf += data

    def _read_request(self, conn, buf, number):
        while True:
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                break
            if len(buf) > _MAX_HEAD:
                raise _Closed
            try:
                self._recv(conn, buf)
            except _Closed:
                return None
        head = bytes(buf[:end]).decode("latin-1")
        del buf[: end + 4]
        lines = head.split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and headers:  # obsolete line folding
                name, value = headers[-1]
                headers[-1] = (name, value + " " + line.strip())
                continue
            name, _, value = line.partition(":")
            headers.append((name, value.strip()))
        lowered = {name.lower(): value for name, value in headers}
        if "chunked" in lowered.get("transfer-encoding", "").lower():
            body = self._read_chunked(conn, buf)
        else:
            length = int(lowered.get("content-length", "0") or 0)
            while len(buf) < length:
                self._recv(conn, buf)
            body = bytes(buf[:length])
            del buf[:length]
        path, _, query = target.partition("?")
        return Request(method, target, path, query, headers, body, version, number)

    def _read_chunked(self, conn, buf):
        body = bytearray()
        while True:
            while (end := buf.find(b"\r\n")) < 0:
                self._recv(conn, buf)
            size = int(bytes(buf[:end]).split(b";")[0], 16)
            del buf[: end + 2]
            if size == 0:
                while (end := buf.find(b"\r\n")) != 0:  # trailers, then the empty line
                    if end < 0:
                        self._recv(conn, buf)
                    else:
                        del buf[: end + 2]
                del buf[:2]
                return bytes(body)
            while len(buf) < size + 2:
                self._recv(conn, buf)
            body += buf[:size]
            del buf[: size + 2]

    def _write_response(self, conn, request, response):
        """Send ``response``; return whether the connection stays open."""
        if response.delay and self._stopping.wait(response.delay):
            return False
        if response.reset:
            # SO_LINGER with a zero timeout makes close() send an RST instead of a FIN.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if not isinstance(response.body, (bytes, bytearray, memoryview)):
            return self._write_stream(conn, request, response)
        body = bytes(response.body)
        headers = list(response.headers)
        if response.encoding:
            body = _encode(body, response.encoding)
            headers.append(("Content-Encoding", response.encoding))
        close = response.close or (request.header("connection") or "").lower() == "close"
        if close:
            headers.append(("Connection", "close"))
        no_body = request.method == "HEAD" or response.status in (204, 304)
        if response.chunked:
            headers.append(("Transfer-Encoding", "chunked"))
        else:
            headers.append(("Content-Length", str(len(body))))
        reason = response.reason or _REASONS.get(response.status, "Unknown")
        head = f"HTTP/1.1 {response.status} {reason}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
        head = head.encode("latin-1")
        if no_body:
            conn.sendall(head)
            return not close
        # The body goes out from a view of itself: a large body is not copied (tests measure
        # the memory of clients running in the same process).
        if response.truncate_at is not None:
            conn.sendall(head)
            conn.sendall(memoryview(body)[: response.truncate_at])
            return False
        if not response.chunked:
            conn.sendall(head)
            conn.sendall(memoryview(body))
            return not close
        conn.sendall(head)
        for start in range(0, len(body), response.chunk_size):
            if response.chunk_delay and self._stopping.wait(response.chunk_delay):
                return False
            piece = body[start : start + response.chunk_size]
            conn.sendall(b"%x\r\n%b\r\n" % (len(piece), piece))
        conn.sendall(b"0\r\n\r\n")
        return not close

    def _write_stream(self, conn, request, response):
        """Send a body given as an iterable of ``bytes``, chunked, as it is produced."""
        close = response.close or (request.header("connection") or "").lower() == "close"
        headers = list(response.headers) + [("Transfer-Encoding", "chunked")]
        if close:
            headers.append(("Connection", "close"))
        reason = response.reason or _REASONS.get(response.status, "Unknown")
        head = f"HTTP/1.1 {response.status} {reason}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
        conn.sendall(head.encode("latin-1"))
        pieces = iter(response.body)
        try:
            if request.method != "HEAD":
                for piece in pieces:
                    if self._stopping.is_set():
                        return False
                    if piece:
                        conn.sendall(b"%x\r\n%b\r\n" % (len(piece), piece))
        except (OSError, ssl.SSLError):
            raise
        except Exception as exc:
            # The head is gone: the client sees a truncated chunked body (no last chunk).
            self.errors.append(exc)
            return False
        finally:
            close_pieces = getattr(pieces, "close", None)
            if close_pieces is not None:
                close_pieces()
        if request.method != "HEAD":
            conn.sendall(b"0\r\n\r\n")
        return not close
