"""The HTTP transport: one ``CurlMulti`` driven by socket callbacks, by one thread at a time.

The Connection is the only user. It calls :meth:`Transport.submit` (thread-safe, returns at
once) and later :meth:`Transfer.result` (blocks until that transfer is done). One thread at a
time holds the *driving role* and runs an ``epoll`` loop that drives libcurl with
``socket_action`` (leader/followers):

* a thread waiting in ``result()`` takes the role if nobody holds it and drives until its own
  transfer is done, serving every other transfer meanwhile; so a sequential request costs no
  thread switch. Threads that wait while another drives sleep on a lock of their own, woken
  when their transfer completes or when the role is handed to them (the driver hands it to a
  waiter when it leaves). A daemon thread drives what nobody waits for (futures not yet waited
  for, streams, fire-and-forget requests): it looks every ``_TICK`` seconds while requests come
  and go, and takes streams at once;
* the main thread never runs the Python driving loop: Python runs signal handlers there, and
  an exception one raises (Ctrl-C, a ``SIGALRM`` call timeout) must reach the caller without
  leaving libcurl or our bookkeeping half done. While no other thread drives or waits and
  nothing queued or in flight calls Python code, it drives in compiled code
  (``ovirtsdk4._curl.run_alone``), which such an exception cannot cut in the middle;
  otherwise it waits on its lock while the daemon thread drives for it (one thread switch
  each way); every wait in it is a C-level lock operation, which such an exception
  interrupts cleanly (see :class:`_Signal`);
* the daemon thread holds its transport only while it works, and libcurl's multi callbacks
  do not hold it (``_curl.Sockets``): a transport nobody refers to is garbage-collected,
  closes itself (its file descriptors) and its thread ends;
* libcurl tells us which sockets to watch (``M_SOCKETFUNCTION``) and when to call it back
  (``M_TIMERFUNCTION``); a reply is handled as soon as its bytes arrive (the official SDK
  sleeps in ``select(1.0)`` and tops out near 200 req/s);
* ``submit()`` puts the request on a queue under a short lock; if a thread drives, it writes
  one byte to a socketpair its loop watches, so it wakes at once; no lock is held across
  network waits;
* every finished easy handle is found in ``self._active`` (a dict keyed by the handle, never
  state stored on the handle), removed, reset and put back in a small pool for reuse; one
  failed transfer fails only its own :class:`Transfer`.

Errors: a failed transfer raises :class:`TransferError` (``curl_code`` and libcurl's text),
or ``ovirtsdk4.ReplyTooLargeError`` when its body went past ``max_reply_size``.
``ovirtsdk4._curl_errors`` holds the one table from libcurl codes to ``ovirtsdk4.error``
classes; :meth:`TransferError.as_sdk_error` builds the SDK error for the Connection.
"""

from __future__ import annotations

import builtins
import collections
import os
import re
import select
import socket
import threading
import time
import weakref

import pycurl

from ovirtsdk4 import _curl
from ovirtsdk4._curl import Reply
from ovirtsdk4._curl_errors import TransferError
from ovirtsdk4.error import ReplyTooLargeError

__all__ = ["BodyStream", "Reply", "Transfer", "TransferError", "Transport"]

# --------------------------------------------------------------------------------------------
# Replies and transfers.
# --------------------------------------------------------------------------------------------


class Transfer:
    """A submitted request. :meth:`result` waits for it; :meth:`done` tells whether it is
    finished; :meth:`cancel` aborts it. Results may be waited for in any order and from any
    thread, by several threads at once."""

    __slots__ = ("_callbacks", "_done", "_error", "_reply", "_request", "_transport", "_waiters")

    def __init__(self, transport, request):
        self._transport = transport
        self._request = request
        self._done = False
        self._reply = None
        self._error = None
        self._callbacks = None
        self._waiters = None  # the _Waiter of each thread blocked in result(), if any

    def done(self):
        """Whether the transfer has finished (successfully or not)."""
        return self._done

    def result(self, timeout=None):
        """Wait for the transfer and return its :class:`Reply`, or raise its error
        (:class:`TransferError`, or the exception raised by the sink). With a ``timeout`` in
        seconds, raise the built-in ``TimeoutError`` if it is not done by then (the transfer
        goes on). The waiting thread drives the transport itself while no other thread does."""
        if not self._done:
            self._transport._wait(self, None if timeout is None else max(timeout, 0))
        if self._error is not None:
            # Drop the traceback of an earlier raise, so repeated result() calls do not pile up.
            raise self._error.with_traceback(None)
        return self._reply

    def cancel(self):
        """Abort the transfer if it is not finished; it then fails with a ``TransferError``
        (``curl_code`` ``None``). Returns whether it was still running."""
        request = self._request
        if self._done or request is None:
            return False
        self._transport._cancel(request)
        return True

    close = cancel

    def add_done_callback(self, fn):
        """Call ``fn(transfer)`` when the transfer finishes (at once if it is done). The call
        happens on the thread driving the transport: keep it short and do not wait on
        transfers in it."""
        if self._done:
            fn(self)
            return
        with self._transport._lock:
            if not self._done:
                if self._callbacks is None:
                    self._callbacks = []
                self._callbacks.append(fn)
                return
        fn(self)

    def _complete(self, reply=None, error=None):
        if self._done:
            return
        self._reply = reply
        self._error = error
        transport = self._transport
        with transport._lock:
            if self._done:
                return
            self._done = True
            callbacks = self._callbacks
            self._callbacks = None
            waiters = self._waiters
            if waiters:
                self._waiters = None
                driving = transport._driver == threading.get_ident()
                for waiter in waiters:
                    transport._forget_waiter(waiter)
                    if driving and not waiter.leads:
                        # The main thread: woken when this driver next blocks (_flush_wakes).
                        transport._wake_later.append(waiter.lock)
                    else:
                        waiter.lock.release()
        self._request = None
        if callbacks:
            for fn in callbacks:
                try:
                    fn(self)
                except Exception:  # a callback must not break the driving thread
                    pass


class _Signal:
    """Wakes one waiting thread: ``wait()`` blocks until ``set()`` was called since the
    last ``wait()`` returned. Made only of C-level lock operations: unlike
    ``threading.Condition`` or ``threading.Event``, whose Python code an exception raised by
    a signal handler can cut in the middle (leaving their lock held, and every other thread
    blocked on it), an interrupted ``wait()`` changes nothing."""

    __slots__ = ("_lock",)

    def __init__(self):
        self._lock = threading.Lock()
        self._lock.acquire()

    def set(self):
        try:
            self._lock.release()
        except RuntimeError:  # set already: one wake-up is as good as two
            pass

    def wait(self, timeout=-1):
        """Whether it was set (false when ``timeout`` seconds passed first)."""
        return self._lock.acquire(timeout=timeout)


class _Waiter:
    """A thread blocked in :meth:`Transfer.result` while another thread drives: its lock is
    released when its transfer completes, or when the driving role is handed to it
    (``promoted``). The main thread never ``leads`` (see :meth:`Transport._wait`)."""

    __slots__ = ("leads", "lock", "promoted", "transfer")

    def __init__(self, transfer, leads):
        self.transfer = transfer
        self.leads = leads
        self.promoted = False
        self.lock = threading.Lock()
        self.lock.acquire()


class _Request:
    """Everything about one request, owned by the driving thread once queued."""

    __slots__ = (
        "body",
        "content",
        "curl",
        "header_lines",
        "headers",
        "method",
        "limit",
        "negotiate",
        "sink",
        "sink_error",
        "timeout",
        "trace",
        "transfer",
        "url",
    )

    def __init__(self, method, url, headers, body, sink, negotiate, timeout, limit):
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.sink = sink
        self.negotiate = negotiate
        self.timeout = timeout
        self.transfer = None
        self.curl = None
        self.header_lines = []
        # The body kept whole (the write function), or only counted for a sink.
        self.content = _curl.Content(limit, sink is None)
        self.limit = limit
        self.sink_error = None
        self.trace = None  # the _Trace of this transfer when the transport logs

    def on_sink(self, chunk):
        """The write function of a reply handed to a sink."""
        if not self.content.fits(len(chunk)):
            return 0
        try:
            # A sink may return pycurl.WRITEFUNC_PAUSE to pause the transfer until
            # Transport.resume() (libcurl then keeps this chunk and hands it over again,
            # so it is counted once accepted).
            outcome = self.sink(chunk)
            if outcome != pycurl.WRITEFUNC_PAUSE:
                self.content.took(len(chunk))
                if self.trace is not None:
                    self.trace.received(chunk)
            return outcome
        except BaseException as exc:  # noqa: BLE001 - re-raised from Transfer.result()
            self.sink_error = exc
            # Returning a count different from len(chunk) makes libcurl abort the transfer
            # with CURLE_WRITE_ERROR (23); the sink's own exception is what we report.
            return 0


class BodyStream:
    """A reply body read while it downloads: ``read(n)`` for a consumer thread, fed by the
    transfer's sink on the driving thread.

    At most about ``limit`` bytes wait in memory: past that the transfer is paused (never
    blocked: the driving thread goes on serving the other transfers) until the consumer has
    read half of them. ``start_line()`` waits for the reply to begin.

    A consumer that finds nothing to read sleeps until a quarter of ``limit`` has come (or
    the transfer has ended, or :data:`_BATCH_WAIT` has passed), not until the next chunk:
    libcurl hands the body over 16 KB at a time, and the sink needs the GIL for each one,
    which a consumer busy parsing holds. Woken at every chunk, the two threads would take
    turns 16 KB at a time (measured: 5,000 of the 6,100 reads of a 102 MB list), each turn
    two thread switches and the GIL changing hands.
    """

    def __init__(self, transport, limit=1 << 20):
        self._transport = transport
        self._limit = limit
        self._batch = max(1, limit // 4)
        self._chunks = collections.deque()
        self._size = 0
        # The sink wakes the consumer once this many bytes wait (then no more until the
        # consumer asks again): the first chunk, for start_line(); a batch, for read().
        self._wake_at = 1
        self._paused = False
        self._lines = None
        # The reader (often the main thread, where signal handlers run) waits on _news with
        # nothing locked; see _Signal.
        self._lock = threading.Lock()
        self._news = _Signal()
        self.transfer = None

    def start(self, method, url, headers, **options):
        """Submit the request, with this stream as its sink; returns the stream."""
        # The sink may run before submit() returns: it waits for this lock, so it always
        # sees self.transfer.
        with self._lock:
            self.transfer = self._transport.submit(method, url, headers, sink=self._sink, **options)
        self.transfer.add_done_callback(self._done)
        self._transport._hurry()
        return self

    def _sink(self, chunk):
        with self._lock:
            if self._lines is None:
                self._lines = _curl.final_header_lines(self.transfer._request.header_lines)
            if self._size >= self._limit:
                # libcurl keeps this chunk and hands it over again after resume().
                self._paused = True
                return pycurl.WRITEFUNC_PAUSE
            self._chunks.append(bytes(chunk))
            self._size += len(chunk)
            wake = self._size >= self._wake_at
            if wake:
                self._wake_at = _NEVER
        if wake:
            self._news.set()
        return None

    def _done(self, transfer):
        self._news.set()

    def start_line(self):
        """Wait until the body starts (or the transfer ends) and return ``(status, header
        lines)``; raises the transfer's error if it failed before any of the body came."""
        while self._lines is None and not self.transfer.done():
            self._news.wait()
        lines = self._lines
        if lines is None:
            reply = self.transfer.result()
            return reply.status, reply.header_lines
        parts = lines[0].split(" ", 2) if lines else []
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        return status, lines

    def read(self, size=-1):
        """Up to ``size`` bytes of the body (a buffered chunk for -1), ``b''`` at its end.
        Raises the transfer's error if it failed."""
        if not self._chunks:
            self._await_batch()
        with self._lock:
            if not self._chunks:
                self.transfer.result()  # raises the error, if any
                return b""
            chunk = self._chunks.popleft()
            if 0 <= size < len(chunk):
                self._chunks.appendleft(chunk[size:])
                chunk = chunk[:size]
            self._size -= len(chunk)
            resume = self._paused and self._size < self._limit // 2
            if resume:
                self._paused = False
        if resume:
            self._transport.resume(self.transfer)
        return chunk

    def _await_batch(self):
        """Sleep until a batch of the body waits, or the transfer has ended; once
        :data:`_BATCH_WAIT` has passed (a body that comes slowly), until anything waits."""
        batch = self._batch
        while not self.transfer.done():
            with self._lock:
                if self._size >= batch:
                    return
                self._wake_at = batch
            if not self._news.wait(_BATCH_WAIT if batch > 1 else -1):
                batch = 1


# --------------------------------------------------------------------------------------------
# Debug logging with redaction.
# --------------------------------------------------------------------------------------------

_REDACTIONS = (
    # Authorization / Proxy-Authorization header values (Bearer tokens, Negotiate blobs).
    (re.compile(r"(?im)^((?:proxy-)?authorization:[ \t]*).*?(\r?)$"), r"\1***\2"),
    # Form values: password=..., token=..., access_token=..., refresh_token=...
    (re.compile(r"(?i)((?:password|token)=)[^&\s]*"), r"\1***"),
    # JSON string values of keys mentioning a token or a password ("access_token": "...").
    (
        re.compile(r'(?i)("[^"\\]*(?:token|password)[^"\\]*"\s*:\s*)"(?:[^"\\]|\\.)*"'),
        r'\1"***"',
    ),
)

# The official prefixes (API.md C-6): '* ' libcurl's info, '< ' data sent, '> ' data received.
_DEBUG_PREFIXES = {
    pycurl.INFOTYPE_TEXT: "* ",
    pycurl.INFOTYPE_HEADER_OUT: "< ",
    pycurl.INFOTYPE_DATA_OUT: "< ",
    pycurl.INFOTYPE_HEADER_IN: "> ",
    pycurl.INFOTYPE_DATA_IN: "> ",
}


def redact(text):
    """``text`` with Authorization values, password/token form values and JSON token or
    password values replaced by ``***`` (docs/differences.md C3)."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class _Trace:
    """The debug log of one transfer: libcurl's trace (its ``DEBUGFUNCTION``), redacted.

    libcurl hands over the bodies as they cross the wire: in pieces cut anywhere, and a
    chunked reply with its chunk framing in the middle, so that a secret cut in two would
    escape every pattern of :func:`redact`. The bodies are therefore not taken from the
    trace: the request body is logged whole, where libcurl starts sending it, and the reply
    body from the decoded bytes (:meth:`received`), a whole line at a time; :meth:`finish`
    logs what remains when the transfer ends."""

    __slots__ = ("_body", "_log", "_pending")

    def __init__(self, log, body):
        self._log = log
        self._body = body
        self._pending = b""

    def __call__(self, kind, data):
        if kind == pycurl.INFOTYPE_DATA_IN:
            return
        if kind == pycurl.INFOTYPE_DATA_OUT:
            body, self._body = self._body, None
            if body:
                self._write("< ", body)
            return
        prefix = _DEBUG_PREFIXES.get(kind)
        if prefix is not None:  # else TLS records: binary, useless in a text log
            self._write(prefix, data)

    def received(self, data):
        """Log the decoded reply body ``data`` follows, up to its last complete line."""
        pending = self._pending + data
        lines, newline, self._pending = pending.rpartition(b"\n")
        if newline:
            self._write("> ", lines)

    def finish(self):
        pending, self._pending = self._pending, b""
        if pending:
            self._write("> ", pending)

    def _write(self, prefix, data):
        text = redact(bytes(data).decode("utf-8", "replace"))
        log = self._log
        try:
            for line in text.replace("\r\n", "\n").strip().split("\n"):
                log(prefix + line)
        except Exception:  # a failing logger must not abort the transfer
            pass


# --------------------------------------------------------------------------------------------
# The system trust store.
# --------------------------------------------------------------------------------------------

_CA_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Alpine, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL, CentOS
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # RHEL (the same, extracted)
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # macOS, FreeBSD, Alpine
)


def system_ca_file():
    """The system CA bundle, or ``None`` to leave libcurl's compiled-in default.

    libcurl quirk: the CA path is fixed when libcurl is built. The manylinux pycurl wheels are
    built on RHEL clones and look only for ``/etc/pki/tls/certs/ca-bundle.crt``, which does not
    exist on Debian or Ubuntu, so every verified request would fail with code 77. We therefore
    name the bundle ourselves: ``SSL_CERT_FILE`` if set, else Python's OpenSSL default, else
    the first well-known location that exists."""
    env = os.environ.get("SSL_CERT_FILE")
    if env and os.path.isfile(env):
        return env
    import ssl  # only here: importing it costs milliseconds at every `import ovirtsdk4`

    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.openssl_cafile, *_CA_BUNDLES):
        if candidate and os.path.isfile(candidate):
            return candidate
    return None


# --------------------------------------------------------------------------------------------
# The transport.
# --------------------------------------------------------------------------------------------

_BODYLESS = frozenset(("GET", "DELETE", "HEAD"))
_BAD_HEADER_CHARS = re.compile(r"[\r\n\0]")
_IDLE_EXIT = 10.0  # seconds without any work after which the transport thread ends
# The transport thread looks for work nobody drives every _TICK seconds while requests come
# and go (for _WATCH seconds after the last one), so that submit() need not wake it: a thread
# that waits for its transfer claims the driving role first. Waking it for every request
# costs more than the whole transport does; ticking costs little. After _WATCH seconds
# without work it sleeps until submit() notifies it. A request nobody waits for therefore
# starts within _TICK seconds; streams are started at once (see Transport._hurry).
_TICK = 0.01
_WATCH = 0.5
# BodyStream: how long a consumer waits for a batch of a body before it takes less.
_BATCH_WAIT = 0.02
_NEVER = float("inf")


class Transport:
    """An HTTP client for one Connection.

    * ``ca_file``: PEM bundle of trusted CAs; ``None``: the system store (see
      :func:`system_ca_file`). ``ca_certs``: the same bundle as ``bytes``, used instead of
      any file (``CURLOPT_CAINFO_BLOB``). ``insecure``: verify neither the chain nor the
      host name.
      TLS 1.2 is the minimum. A certificate with only a CN and no subjectAltName is accepted
      (libcurl with OpenSSL falls back to the CN when there is no subjectAltName).
    * ``timeout``: seconds for a whole request, connect included (``CURLOPT_TIMEOUT_MS``);
      ``connect_timeout``: seconds for the connect phase; 0 means none (libcurl's own
      300 s connect default then applies).
    * ``compress``: ask for every encoding libcurl decodes (``Accept-Encoding: deflate, gzip,
      br, zstd`` as built) and decode the reply; off, or with ``debug_log``, no
      ``Accept-Encoding`` is sent.
    * ``connections``: most connections per host (``M_MAX_HOST_CONNECTIONS``), 0 = unlimited.
      Requests over the limit wait in libcurl's queue. With HTTP/2 (offered through ALPN),
      requests are multiplexed on one connection and wait for it (``PIPEWAIT``) rather than
      opening new ones.
    * ``pipeline``: most requests at once on one connection, 0 = libcurl's default (100).
      HTTP/1.1 pipelining was removed from libcurl in 7.62, so this bounds the concurrent
      streams of an HTTP/2 connection (``M_MAX_CONCURRENT_STREAMS``); an HTTP/1.1
      connection carries one request at a time anyway.
    * ``proxy_url``: a proxy for every request; ``None`` leaves libcurl to read the usual
      environment variables (``https_proxy``, ``http_proxy``, ``all_proxy``, ``no_proxy``).
    * ``debug_log``: a callable taking one ``str`` per line; when given, libcurl's verbose
      trace goes through it with the prefixes ``* `` (info), ``< `` (sent), ``> `` (received),
      after :func:`redact`.
    * ``max_reply_size``: the most bytes a reply body may have, counted after decoding any
      Content-Encoding, whether kept whole or handed to a sink; the download of a larger one
      is stopped as soon as it goes past, and the transfer fails with
      ``ovirtsdk4.ReplyTooLargeError`` (its connection is closed, the transport goes on).
    """

    def __init__(
        self,
        *,
        ca_file=None,
        ca_certs=None,
        insecure=False,
        timeout=0,
        connect_timeout=0,
        compress=True,
        connections=0,
        pipeline=0,
        proxy_url=None,
        debug_log=None,
        max_reply_size=1 << 30,
    ):
        self._ca_certs = None if insecure else ca_certs
        self._ca_file = None if insecure or ca_certs else (ca_file or system_ca_file())
        self._insecure = bool(insecure)
        self._timeout_ms = _to_ms(timeout)
        self._connect_timeout_ms = _to_ms(connect_timeout)
        self._compress = bool(compress) and debug_log is None
        self._proxy_url = proxy_url
        self._debug_log = debug_log
        self._connections = int(connections or 0)
        self._pipeline = int(pipeline or 0)
        self._max_reply_size = max_reply_size
        self._last_headers = None  # (a tuple of header pairs, its lines), see _header_lines

        # Guards the queue, the closed flag, done callbacks, the driving role and the waiters.
        self._lock = threading.Lock()
        self._nudge = _Signal()  # wakes the transport thread from its sleep
        self._queue = []
        # Work the driver has taken but not yet done: requests and commands taken from the
        # queue, and handles libcurl reported finished. Each item leaves these only once it is
        # done; a driver that fails half-way resets the transport, which fails them.
        self._taken = collections.deque()
        self._backlog = collections.deque()
        self._wake_pending = False
        self._closed = False
        self._cleaned = False
        self._cleaned_signal = _Signal()  # for close() waiting on another thread's cleanup
        self._thread = None
        self._asleep = False  # the transport thread waits for a notify(), not for a tick
        self._urgent = False  # the transport thread is to drive at once (see _hurry)
        # The driving role: the one thread that calls into the multi handle, either a thread
        # waiting in Transfer.result() or the transport thread when nobody waits.
        self._driving = False
        self._driver = None  # the ident of the driving thread
        self._followers = []  # _Waiters of the threads waiting while another one drives
        self._bystander = None  # the _Waiter of the main thread, which never runs _drive
        self._wake_later = []  # locks of main-thread waiters to release, see _flush_wakes
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        # Owned by the driving thread only, and made anew by _reset (see _new_engine).
        self._multi = None
        self._poller = None
        self._active: dict[pycurl.Curl, _Request] = {}
        self._free: list[pycurl.Curl] = []
        self._sockets = None  # libcurl's socket and timer callbacks, see _curl.Sockets
        self._tainted = False  # a reset is due: see _reset and _curl.run_alone
        try:
            self._new_engine()
        except pycurl.error as error:  # e.g. no file descriptor left for its wake-up pair
            self._wake_r.close()
            self._wake_w.close()
            raise OSError(f"libcurl cannot make a multi handle: {error.args[-1]}") from None
        except BaseException:
            self._wake_r.close()
            self._wake_w.close()
            raise
        _OPEN.add(self)

    def _after_fork(self):
        """Start afresh in a child process forked while this transport was open: the
        parent's threads are gone (a lock one of them held stays held here) and its sockets
        are shared with the parent. New locks and wake-up pair, no thread, no waiter, every
        transfer in flight failed, a new engine. The sockets of the transfers in flight are
        closed here before libcurl's handles are freed, so that freeing them sends nothing on
        connections the parent is using (a parked socket may be closed and its number reused
        already: it is left alone; libcurl may end such an idle connection, which the parent
        then replaces when it next needs it)."""
        self._lock = threading.Lock()
        self._nudge = _Signal()
        self._cleaned_signal = _Signal()
        self._thread = None
        self._asleep = self._urgent = self._wake_pending = False
        self._driving = False
        self._driver = None
        self._followers = []
        self._bystander = None
        self._wake_later = []
        for fd in self._sockets.in_use():
            try:
                os.close(fd)
            except OSError:
                pass
        self._abandon("The request was abandoned: the process forked while it was under way")
        self._wake_r.close()
        self._wake_w.close()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._tainted = False
        self._new_engine()

    def _new_engine(self):
        """A new multi handle and epoll instance, with no transfer, socket or handle yet."""
        multi = pycurl.CurlMulti()
        # Multiplex over HTTP/2 when the server offers it; HTTP/1.1 pipelining is gone.
        multi.setopt(pycurl.M_PIPELINING, pycurl.PIPE_MULTIPLEX)
        if self._connections:
            multi.setopt(pycurl.M_MAX_HOST_CONNECTIONS, self._connections)
            # Keep at least as many idle connections cached as we may open, or libcurl
            # closes and reopens them between bursts.
            multi.setopt(pycurl.M_MAXCONNECTS, max(self._connections, 8))
        if self._pipeline:
            # HTTP/2 streams: libcurl no longer pipelines HTTP/1.1 (docs/differences.md C4).
            multi.setopt(pycurl.M_MAX_CONCURRENT_STREAMS, self._pipeline)
        try:
            poller = select.epoll()
            poller.register(self._wake_r.fileno(), select.EPOLLIN)
        except BaseException:
            multi.close()
            raise
        sockets = _curl.Sockets(poller)
        multi.setopt(pycurl.M_SOCKETFUNCTION, sockets.on_socket)
        multi.setopt(pycurl.M_TIMERFUNCTION, sockets.on_timer)
        self._multi = multi
        self._poller = poller
        self._sockets = sockets
        self._active = {}
        self._free = []

    # -- public API --------------------------------------------------------------------------

    def submit(self, method, url, headers, body=None, sink=None, *, negotiate=False, timeout=None):
        """Queue a request and return its :class:`Transfer` at once. Thread-safe.

        ``headers``: a list of ``(name, value)`` ASCII ``str`` pairs, sent in order. ``body``:
        ``bytes`` sent with ``Content-Length`` (never chunked, never ``Expect: 100-continue``);
        ``None`` for POST/PUT means an empty body; GET, DELETE and HEAD take none. If a body
        is sent without a ``Content-Type`` header, libcurl adds
        ``application/x-www-form-urlencoded``. ``sink``: a callable receiving the body chunk
        by chunk, in order, on the driving thread (the reply's body is then ``b''``); if it
        raises, the transfer is aborted and ``result()`` raises that exception.
        ``negotiate``: offer HTTP Negotiate (Kerberos/SPNEGO) if the server asks for it.
        ``timeout``: seconds for this request, overriding the transport's (0 = none).
        """
        method = method.upper()
        if body is not None:
            if method in _BODYLESS:
                raise ValueError(f"a {method} request has no body")
            body = bytes(body)
        elif method in ("POST", "PUT", "PATCH"):
            body = b""
        lines = self._header_lines(headers)
        request = _Request(
            method,
            url,
            lines,
            body,
            sink,
            negotiate,
            self._timeout_ms if timeout is None else _to_ms(timeout),
            self._max_reply_size,
        )
        transfer = request.transfer = Transfer(self, request)
        with self._lock:
            closed = self._closed
            if not closed:
                self._queue.append(request)
                self._kick()
        if closed:
            transfer._complete(error=TransferError(None, "The transport is closed"))
        return transfer

    def _header_lines(self, headers):
        """The ``HTTPHEADER`` lines of the ``(name, value)`` pairs ``headers``, checked. The
        lines of the last tuple of pairs are kept: a connection sends the same tuple with most
        requests (see ``Connection._make_fixed_headers``), so they are built once."""
        last = self._last_headers
        if last is not None and last[0] is headers:
            return last[1]
        # libcurl quirk: "Name:" with nothing after the colon *removes* that header; "Name;"
        # is how an empty value is sent.
        lines = [f"{name}: {value}" if value.strip() else f"{name};" for name, value in headers]
        joined = "".join(lines)
        if not joined.isascii() or _BAD_HEADER_CHARS.search(joined):
            for name, value in headers:
                if not (name.isascii() and value.isascii()):
                    raise ValueError(f"header {name!r} is not ASCII")
                if _BAD_HEADER_CHARS.search(name) or _BAD_HEADER_CHARS.search(value):
                    # libcurl would put a CR or LF on the wire as is: a header injection.
                    raise ValueError(f"header {name!r} contains a line break or NUL")
        # libcurl quirk: for bodies over 1 MB libcurl adds "Expect: 100-continue" and waits
        # up to a second for the server's "100 Continue"; an empty "Expect:" suppresses it.
        lines.append("Expect:")
        lines = tuple(lines)
        if type(headers) is tuple:  # immutable, and kept alive here: its identity is its value
            self._last_headers = (headers, lines)
        return lines

    def close(self):
        """Stop the transport thread, fail every outstanding transfer with a ``TransferError``
        (``curl_code`` ``None``) and free the libcurl handles. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
            lead = not self._driving
            if lead:
                self._take_role()
            else:
                self._nudge.set()
        if lead:
            try:
                self._cleanup()
            finally:
                with self._lock:
                    self._release_role()
        else:
            self._wake()
            if self._driver != threading.get_ident():
                self._cleaned_signal.wait()
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    @property
    def closed(self):
        return self._closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # A forgotten transport must not leak: nothing drives it (a driver holds a reference),
        # and its thread holds none while it sleeps; it wakes, finds it gone, and ends.
        try:
            if not self._closed:
                self._closed = True
                self._cleanup()
            self._nudge.set()
        except Exception:  # pragma: no cover
            pass

    # -- the driving role --------------------------------------------------------------------

    def _kick(self):
        """Make sure queued work is seen (with the lock held): wake the driving thread out of
        its poll(), or, when nobody drives, make sure the transport thread will look."""
        if self._driving:
            if not self._wake_pending:
                self._wake_pending = True
                self._wake()
        elif self._thread is None:
            self._thread = threading.Thread(
                target=_serve, args=(weakref.ref(self),), name="ovirtsdk4-transport", daemon=True
            )
            self._thread.start()
        elif self._asleep:
            self._asleep = False
            self._nudge.set()

    def _hurry(self):
        """Have the transport thread drive at once if nobody does, rather than at its next
        tick: for a stream, whose reader waits for the body, not for the transfer."""
        with self._lock:
            if not (self._driving or self._closed):
                self._summon()

    def _summon(self, later=False):
        """Make the transport thread take the driving role at once (with the lock held). With
        ``later``, return whether the caller is to wake it with ``self._nudge.set()`` once it
        has let the lock go."""
        self._urgent = True
        if self._thread is None:
            self._kick()
            return False
        self._asleep = False
        if later:
            return True
        self._nudge.set()
        return False

    def _take_role(self):
        self._driving = True
        self._driver = threading.get_ident()

    def _release_role(self):
        """Give up the driving role (with the lock held): to a waiting thread if there is one,
        else to whoever comes next (the transport thread looks for work nobody drives)."""
        if _curl.release_role(self):
            self._kick()

    def _wait(self, transfer, timeout):
        """Block until ``transfer`` is done: drive the transport while no other thread does,
        else wait to be woken by its completion or to be handed the driving role.

        The main thread never runs :meth:`_drive`: Python runs signal handlers in the main
        thread, between any two bytecodes, so an exception a handler raises
        (``KeyboardInterrupt``, a ``SIGALRM`` call timeout) could land in the middle of the
        driver's bookkeeping, or inside a libcurl callback written in Python, where libcurl
        then marks its multi handle dead. When nothing needs Python code, the main thread
        drives with :func:`_curl.run_alone`, compiled code that such an exception cannot cut
        in the middle; otherwise it waits as the ``_bystander`` while the transport thread
        drives. Waiting on a lock, it is
        interrupted cleanly. Either way the exception reaches the caller unchanged and the
        transfer goes on without it."""
        deadline = None if timeout is None else time.monotonic() + timeout
        me = threading.get_ident()
        leads = me != threading.main_thread().ident
        if not leads:
            _curl.run_alone(self, transfer, deadline)
        while not transfer._done:
            driving = False
            try:
                with self._lock:
                    if transfer._done:
                        return
                    nudge = False
                    if self._driving or self._closed or not leads:
                        waiter = _Waiter(transfer, leads)
                        if leads:
                            self._followers.append(waiter)
                        else:
                            self._bystander = waiter
                            if not (self._driving or self._closed):
                                nudge = self._summon(later=True)
                        if transfer._waiters is None:
                            transfer._waiters = []
                        transfer._waiters.append(waiter)
                    else:
                        waiter = None
                        driving = True
                        self._take_role()
                if waiter is not None:
                    if nudge:
                        # Last, just before this thread blocks: the transport thread then
                        # finds the GIL free when it wakes (see _flush_wakes).
                        self._nudge.set()
                    try:
                        if deadline is None:
                            woken = waiter.lock.acquire()
                        else:
                            left = max(deadline - time.monotonic(), 0)
                            woken = waiter.lock.acquire(timeout=left)
                    except BaseException:  # e.g. KeyboardInterrupt: leave no waiter behind
                        with self._lock:
                            self._drop_waiter(waiter)
                        raise
                    if not woken:
                        with self._lock:
                            if not waiter.promoted and not transfer._done:
                                self._drop_waiter(waiter)
                                raise builtins.TimeoutError("the transfer is not finished")
                    if not waiter.promoted:
                        continue
                    driving = True
                    self._driver = me
                self._drive(transfer, deadline)
            finally:
                if driving:
                    with self._lock:
                        self._release_role()
            if deadline is not None and not transfer._done and time.monotonic() >= deadline:
                raise builtins.TimeoutError("the transfer is not finished")

    def _drop_waiter(self, waiter):
        """Forget a waiter that gives up (with the lock held); if the role was handed to it
        meanwhile, hand it on, or nobody would drive."""
        if waiter.promoted:
            self._release_role()
        elif waiter.transfer._waiters and waiter in waiter.transfer._waiters:
            self._forget_waiter(waiter)
            waiter.transfer._waiters.remove(waiter)

    def _forget_waiter(self, waiter):
        """Take a waiter off the followers, or off the bystander seat (with the lock held)."""
        if waiter.leads:
            if waiter in self._followers:
                self._followers.remove(waiter)
        elif self._bystander is waiter:
            self._bystander = None

    def _run_slice(self, state):
        """One turn of the transport thread (see :func:`_serve`): drive the transfers nobody
        waits for (futures not yet waited for, streams, fire-and-forget requests), then say
        how many seconds to sleep, or ``None`` when the thread is to end. It takes work it
        finds unclaimed at a tick; after a long sleep it first waits a tick, so a thread about
        to wait gets it. ``state`` is ``[quiet_since, fresh]``, kept between turns."""
        quiet_since, fresh = state
        with self._lock:
            self._asleep = False
            while not self._closed:
                work = self._queue or self._active or self._taken or self._backlog
                if not self._driving and (self._urgent or (work and not fresh)):
                    self._urgent = False
                    self._take_role()
                    self._lock.release()
                    try:
                        self._drive(None, None)
                    except Exception:  # pragma: no cover - a bug: _drive reset the transport
                        pass
                    finally:
                        self._lock.acquire()
                        self._release_role()
                    quiet_since = time.monotonic()
                    continue
                fresh = False
                now = time.monotonic()
                if work or self._driving:
                    quiet_since = now
                elif now - quiet_since >= _IDLE_EXIT:
                    # Nothing to do for a while: end the thread (submit() starts another).
                    self._thread = None
                    return None
                if now - quiet_since < _WATCH:
                    state[:] = quiet_since, False
                    return _TICK
                self._asleep = True
                state[:] = quiet_since, True
                return _IDLE_EXIT - (now - quiet_since)
            return None

    def _drive(self, transfer, deadline):
        """Drive the multi handle (the caller holds the driving role and gives it up after)
        until ``transfer`` is done or ``deadline`` passes; with no transfer (the transport
        thread), while there is work and no other thread waits. The one driving when the
        transport is closed cleans up. If anything fails half-way (a bug), the transport is
        reset (see :meth:`_reset`) and the error propagates: the transfers in flight fail
        with it, the next request starts afresh."""
        if self._tainted:
            self._reset("a reset cut short")
        try:
            while not self._closed:
                # The backlog first: a command taken from the queue (a cancel) may free a
                # handle that a request started after it reuses.
                if self._backlog:
                    self._finish_backlog()
                if self._queue or self._taken:
                    self._take_queue()
                if transfer is None:
                    if self._followers or not self._active:
                        break
                elif transfer._done:
                    break
                if self._wake_later:
                    self._flush_wakes()
                status = _curl.pump(self, deadline)
                if status == _curl.LATE:
                    break
                self._finish_backlog()
                if status == _curl.WOKEN:
                    self._drain_wake()
        except BaseException as exc:
            self._reset(exc)
            raise
        finally:
            if self._closed:
                self._cleanup()
            if transfer is not None:  # the transport thread wakes them before it sleeps
                self._flush_wakes()

    def _flush_wakes(self):
        """Wake the main-thread waiters whose transfers this driver completed. Done when the
        driver is about to block (its poll, the end of its turn) rather than at once: the two
        threads then run Python code in turn, and neither wakes only to find the GIL taken
        and sleep again (measured: most of the system calls a main-thread request added)."""
        _release_all(self._wake_later)

    def _wake(self):
        try:
            self._wake_w.send(b"\0")
        except (BlockingIOError, InterruptedError):
            pass  # the socketpair is full of wake-ups already: the driver will wake
        except OSError:  # pragma: no cover - closed during close()
            pass

    def _drain_wake(self):
        try:
            while self._wake_r.recv(4096):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        with self._lock:
            self._wake_pending = False

    def _take_queue(self):
        with self._lock:
            self._taken.extend(self._queue)
            self._queue = []
        taken = self._taken
        while taken:
            item = taken[0]
            if not isinstance(item, tuple):
                self._start(item)
            elif item[0] == "cancel":
                self._do_cancel(item[1])
            elif item[1].curl is not None and item[1].curl in self._active:
                # libcurl may call the write function again from inside pause().
                item[1].curl.pause(pycurl.PAUSE_CONT)
            taken.popleft()

    def _start(self, request):
        if request.curl is not None or request.transfer._done:
            return  # started (or cancelled) by a driver that was interrupted afterwards
        curl = self._free.pop() if self._free else _curl.new_handle(self)
        try:
            self._setup(curl, request)
        except Exception as exc:
            if isinstance(exc, pycurl.error):
                code, text = exc.args[0], exc.args[1]
            else:  # e.g. a URL pycurl cannot encode
                code, text = None, f"Cannot set up the request: {exc}"
            _curl.recycle(self, curl, False)
            request.transfer._complete(error=TransferError(code, text))
            return
        request.curl = curl
        self._active[curl] = request
        # Adding a handle makes libcurl call the timer function with 0 ms: the loop then
        # calls socket_action(SOCKET_TIMEOUT), which starts the transfer.
        self._multi.add_handle(curl)

    def _setup(self, curl, request):
        _curl.setup(curl, request)
        if self._debug_log is not None:
            request.trace = _Trace(self._debug_log, request.body)
            curl.setopt(pycurl.DEBUGFUNCTION, request.trace)

    def _finish_backlog(self):
        backlog = self._backlog
        while backlog:
            self._finish(*backlog[0])
            backlog.popleft()

    def _finish(self, curl, code, text):
        request = self._active.get(curl)
        if request is None:
            return  # dealt with already, by a driver interrupted before it could say so
        trace = request.trace
        if trace is not None:
            if request.sink is None:
                trace.received(request.content.getvalue())
            trace.finish()
        if not request.transfer._done:
            if request.sink_error is not None:
                error, reply = request.sink_error, None
            elif request.content.oversize:
                error, reply = self._oversize_error(request), None
            elif code is not None:
                error, reply = TransferError(code, text or f"libcurl error {code}"), None
            else:
                error, reply = None, _curl.reply_of(curl, request)
            request.transfer._complete(reply, error)
        _curl.retire(self, curl, request)

    @staticmethod
    def _oversize_error(request):
        limit = request.limit
        return ReplyTooLargeError(
            f"The reply to {request.method} {request.url} is larger than the maximum reply "
            f"size of {limit} bytes (the 'max_reply_size' parameter of the connection); its "
            "download was stopped",
            limit=limit,
            url=request.url,
        )

    def resume(self, transfer):
        """Resume a transfer whose sink paused it (returned ``pycurl.WRITEFUNC_PAUSE``)."""
        request = transfer._request
        if request is not None:
            self._command("resume", request)

    def _cancel(self, request):
        self._command("cancel", request)

    def _command(self, what, request):
        with self._lock:
            if self._closed:
                return
            self._queue.append((what, request))
            self._kick()

    def _do_cancel(self, request):
        transfer = request.transfer
        if transfer.done():
            return
        curl = request.curl
        if curl is not None and curl in self._active:
            _curl.remove(self._multi, self._active, curl)
            _curl.recycle(self, curl, False)
        transfer._complete(error=TransferError(None, "The request was cancelled"))

    def _cleanup(self):
        """Fail what is outstanding and free everything. Runs once, by the thread holding the
        driving role when the transport is closed."""
        if self._cleaned:
            return
        self._abandon("The transport was closed before the request finished")
        self._wake_r.close()
        self._wake_w.close()
        self._cleaned = True
        self._cleaned_signal.set()

    def _reset(self, cause):
        """Start afresh after a driver failed half-way (a bug, or no file descriptor left):
        fail every transfer in flight, free the multi handle, its connections and the pooled
        handles, and make a new engine. Done by the thread holding the driving role; a reset
        that fails itself is done again by the next driver (``_tainted``)."""
        self._tainted = True
        self._abandon(f"The request was abandoned: the transport was reset after {cause!r}")
        if not self._closed:
            try:
                self._new_engine()
            except (OSError, pycurl.error):  # no file descriptor left: the next driver retries
                return
        self._tainted = False

    def _abandon(self, text):
        """Fail every transfer queued or in flight with ``text``, wake every thread waiting
        for one, and free the engine (see _new_engine)."""
        with self._lock:
            queue = list(self._taken) + self._queue
            self._queue = []
        self._taken.clear()
        self._backlog.clear()
        active = self._active
        self._active = {}
        for request in active.values():
            request.transfer._complete(error=TransferError(None, text))
        for item in queue:
            if not isinstance(item, tuple):
                item.transfer._complete(error=TransferError(None, text))
        with self._lock:
            # A completion cut short may have left a waiter unwoken.
            for waiter in [*self._followers, self._bystander]:
                if waiter is not None and waiter.transfer._done and not waiter.promoted:
                    self._forget_waiter(waiter)
                    if waiter.lock.locked():
                        waiter.lock.release()
        free = self._free
        self._free = []
        # Closing a handle removes it from the multi handle first. In a child forked while a
        # parent thread was inside a multi call, pycurl's "running" mark on the multi handle
        # was copied and nothing ever clears it: its close() methods refuse, and the objects
        # are freed when dropped instead (their deallocation does not check that mark).
        for curl in [*active, *free]:
            try:
                curl.close()
            except pycurl.error:
                pass
        try:
            self._multi.close()
        except pycurl.error:
            pass
        self._poller.close()
        self._flush_wakes()


# Every transport not closed yet, for a forked child to start them afresh (see _after_fork).
_OPEN = weakref.WeakSet()


def _after_fork_in_child():
    for transport in list(_OPEN):
        if not transport._closed:
            transport._after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _serve(ref):
    """The transport thread of the transport ``ref`` refers to (a weak reference): it holds
    the transport only during a turn (:meth:`Transport._run_slice`), so that a transport
    nobody refers to any more is collected, wakes the thread, and the thread ends."""
    state = [time.monotonic(), True]
    while True:
        transport = ref()
        if transport is None:
            return
        try:
            seconds = transport._run_slice(state)
        except BaseException:
            transport._flush_wakes()
            raise
        nudge = transport._nudge
        later = transport._wake_later
        del transport
        _release_all(later)  # as late as can be: the next thing is to sleep
        if seconds is None:
            return
        nudge.wait(seconds)


def _release_all(locks):
    """Release and forget every lock in the list ``locks`` (see Transport._flush_wakes)."""
    while locks:
        try:
            lock = locks.pop()
        except IndexError:  # another thread emptied it meanwhile
            return
        lock.release()


def _to_ms(seconds):
    if not seconds:
        return 0
    return max(1, int(round(float(seconds) * 1000)))
