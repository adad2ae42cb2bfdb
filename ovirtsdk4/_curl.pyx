# cython: language_level=3
"""The parts of the transport (``ovirtsdk4/_transport.py``) that must run without a Python
frame: libcurl's callbacks, the options of a request, the reply, and a request that the main
thread runs alone, from taking the driving role to giving it back.

Python runs signal handlers in the main thread, at the next Python frame or bytecode
boundary: an exception a handler raises (``KeyboardInterrupt``, a ``SIGALRM`` call timeout)
lands wherever Python code happens to run. Compiled code does not check for signals, so
nothing here can be cut in the middle by one: an exception can only come out of the C calls
that check for signals themselves, ``epoll.poll`` (when a signal interrupts its wait) and
pycurl's ``socket_action`` (after libcurl has done the action), and the code is written so
that the transport's state is whole at each of them (docs/transport.md, "The main thread").

No Python code is called from here (only methods of built-in and pycurl objects), so the
promise holds for everything this module does.
"""

from posix.time cimport CLOCK_MONOTONIC, clock_gettime, timespec

import _thread
import io
import select

import pycurl

cdef object get_ident = _thread.get_ident

cdef int POLL_IN = pycurl.POLL_IN
cdef int POLL_OUT = pycurl.POLL_OUT
cdef int POLL_INOUT = pycurl.POLL_INOUT
cdef int EPOLLIN = select.EPOLLIN
cdef int EPOLLOUT = select.EPOLLOUT
cdef int CSELECT_IN = pycurl.CSELECT_IN
cdef int CSELECT_OUT = pycurl.CSELECT_OUT
cdef object SOCKET_TIMEOUT = pycurl.SOCKET_TIMEOUT

cdef object COOKIELIST = pycurl.COOKIELIST
cdef object URL = pycurl.URL
cdef object HTTPGET = pycurl.HTTPGET
cdef object NOBODY = pycurl.NOBODY
cdef object POSTFIELDSIZE_LARGE = pycurl.POSTFIELDSIZE_LARGE
cdef object POSTFIELDS = pycurl.POSTFIELDS
cdef object CUSTOMREQUEST = pycurl.CUSTOMREQUEST
cdef object HTTPHEADER = pycurl.HTTPHEADER
cdef object HEADERFUNCTION = pycurl.HEADERFUNCTION
cdef object WRITEFUNCTION = pycurl.WRITEFUNCTION
cdef object TIMEOUT_MS = pycurl.TIMEOUT_MS
cdef object HTTPAUTH = pycurl.HTTPAUTH
cdef object HTTPAUTH_NEGOTIATE = pycurl.HTTPAUTH_NEGOTIATE
cdef object USERPWD = pycurl.USERPWD

cdef object RESPONSE_CODE = pycurl.RESPONSE_CODE
cdef object EFFECTIVE_URL = pycurl.EFFECTIVE_URL

# More than any reply can have: a larger max_reply_size means no limit.
cdef long long NO_LIMIT = 1LL << 62
# Idle easy handles kept for reuse; more are closed when they finish.
POOL_MAX = 256


cdef inline double now():
    """``time.monotonic()``: CPython reads the same clock."""
    cdef timespec ts
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec + ts.tv_nsec * 1e-9


cdef class Sockets:
    """libcurl's socket and timer callbacks (``M_SOCKETFUNCTION``, ``M_TIMERFUNCTION``) of
    one multi handle, and the epoll set they keep.

    libcurl removes the socket of a kept-alive connection at the end of every transfer and
    adds it again at the start of the next, and does the same with the socket of its own
    wake-up pair: rather than two ``epoll_ctl`` calls each time, a removed socket stays
    registered (*parked*) until it signals something (the driving loop then calls
    :meth:`forget`) or libcurl wants it again.

    The multi handle holds these callbacks, and they hold nothing but the epoll object, so the
    transport stays free to be collected."""

    cdef readonly object poller
    cdef dict fds  # fd -> the epoll mask it is registered with
    cdef readonly set parked
    # When libcurl wants socket_action(SOCKET_TIMEOUT), on the time.monotonic() clock; None:
    # never. The driving loop sets it back to None when it acts on it.
    cdef public object deadline

    def __cinit__(self, poller):
        self.poller = poller
        self.fds = {}
        self.parked = set()
        self.deadline = None

    def on_socket(self, int what, int fd, multi, socketp):
        cdef int mask
        if what == POLL_IN:
            mask = EPOLLIN
        elif what == POLL_OUT:
            mask = EPOLLOUT
        elif what == POLL_INOUT:
            mask = EPOLLIN | EPOLLOUT
        else:  # POLL_REMOVE, POLL_NONE
            if fd in self.fds:
                self.parked.add(fd)
            return
        old = self.fds.get(fd)
        if fd in self.parked:
            self.parked.discard(fd)
        elif old is not None and <int>old == mask:
            return
        self.fds[fd] = mask
        if old is None:
            self.poller.register(fd, mask)
            return
        try:
            # Also for a parked fd with the same mask: libcurl may have closed its socket
            # meanwhile (epoll then dropped it by itself) and opened another one with the same
            # number, which epoll refuses to modify (ENOENT) until it is registered.
            self.poller.modify(fd, mask)
        except FileNotFoundError:
            self.poller.register(fd, mask)

    def on_timer(self, long msecs):
        # libcurl quirk: calling socket_action from inside this callback is not allowed
        # (CURLM_RECURSIVE_API_CALL); record the deadline, the driving loop acts on it.
        self.deadline = None if msecs < 0 else now() + msecs / 1000.0

    def forget(self, int fd):
        """Stop watching a parked fd that became readable (the server closed an idle
        connection in libcurl's cache); libcurl notices when it next uses it."""
        self.parked.discard(fd)
        del self.fds[fd]
        try:
            self.poller.unregister(fd)
        except OSError:  # already closed, and dropped by epoll
            pass

    def in_use(self):
        """The fds of the transfers in flight (registered and not parked)."""
        return self.fds.keys() - self.parked


cdef class Content:
    """The reply body of one request as it downloads, and the check of ``max_reply_size``.

    libcurl hands the write function what it decoded from any Content-Encoding, so a gzip
    bomb counts at its expanded size. Called with a chunk, an instance is the write function
    of a body kept whole: a ``BytesIO`` grows its one bytes object in place (realloc, which
    moves large blocks by remapping their pages, not by copying) and ``getvalue()`` hands that
    object over without a copy, so a body of N bytes peaks near 1.1 N (joining a list of
    chunks would hold them all and their copy: 2 N). A body handed to a sink instead is only
    counted (:meth:`fits`, :meth:`took`).

    Past the limit the write function returns 0, a count other than the chunk's length, and
    libcurl stops the transfer with CURLE_WRITE_ERROR (23); ``oversize`` tells why."""

    cdef object buffer
    cdef object write
    cdef long long received
    cdef long long limit
    cdef readonly bint oversize

    def __cinit__(self, limit, bint keep):
        self.limit = NO_LIMIT if limit > NO_LIMIT else limit
        self.received = 0
        self.oversize = False
        if keep:
            self.buffer = io.BytesIO()
            self.write = self.buffer.write

    cpdef bint fits(self, Py_ssize_t size):
        """Whether ``size`` more bytes stay within the limit; if not, mark the body
        ``oversize``."""
        if self.received + size > self.limit:
            self.oversize = True
            return False
        return True

    cpdef took(self, Py_ssize_t size):
        """Count ``size`` bytes a sink accepted."""
        self.received += size

    def __call__(self, chunk):
        cdef Py_ssize_t size = len(chunk)
        if not self.fits(size):
            return 0
        self.received += size
        self.write(chunk)
        return None

    def getvalue(self):
        """The body kept so far (``b""`` when it goes to a sink or was released)."""
        return b"" if self.buffer is None else self.buffer.getvalue()

    def release(self):
        """Drop the body: the handle, which keeps this write function until its next
        request, must not keep the body too."""
        self.buffer = None
        self.write = None


def setup(curl, request):
    """Set the options of ``request`` (a ``_transport._Request``) on ``curl``, a handle
    with the options every request has (``Transport._setup_fixed``)."""
    setopt = curl.setopt
    # A reused handle keeps its cookies, reset() or not: wipe them.
    setopt(COOKIELIST, "ALL")
    setopt(URL, request.url)
    method = request.method
    body = request.body
    if method == "GET":
        setopt(HTTPGET, 1)
    elif method == "HEAD":
        setopt(NOBODY, 1)
    elif body is not None:
        # POSTFIELDS + POSTFIELDSIZE sends the bytes with a Content-Length (never chunked);
        # CUSTOMREQUEST then only changes the method name (PUT, PATCH...).
        setopt(POSTFIELDSIZE_LARGE, len(body))
        setopt(POSTFIELDS, body)
        if method != "POST":
            setopt(CUSTOMREQUEST, method)
    else:
        setopt(CUSTOMREQUEST, method)
    setopt(HTTPHEADER, request.headers)
    # A bound list.append is called from C without a Python frame; the final response's
    # lines are picked out once the transfer is done (_transport._final_header_lines).
    setopt(HEADERFUNCTION, request.header_lines.append)
    if request.sink is not None:
        setopt(WRITEFUNCTION, request.on_sink)
    else:
        setopt(WRITEFUNCTION, request.content)
    # Always set: 0 (no timeout) undoes the one of the handle's previous request.
    setopt(TIMEOUT_MS, request.timeout)
    if request.negotiate:
        # SPNEGO through libcurl's own GSS-API (no Python Kerberos module needed); ':' as
        # user and password tells libcurl to use the credentials cache.
        setopt(HTTPAUTH, HTTPAUTH_NEGOTIATE)
        setopt(USERPWD, ":")


def remove(multi, dict active, curl):
    """Take the handle of a finished or cancelled request out of the multi handle and out of
    ``active`` (the transport's handles in flight), in one step."""
    multi.remove_handle(curl)
    del active[curl]


cdef class Reply:
    """A finished exchange. ``status``: the HTTP status (int); ``reason``: the reason phrase
    (``''`` on HTTP/2); ``headers``: lower-cased name -> value, the last one wins;
    ``header_lines``: the header lines of the final response as received (status line first,
    decoded as Latin-1, without CRLF and without the empty line ending them); ``body``: the
    body, decoded from any Content-Encoding (``b''`` when it went to a sink); ``url``: the
    effective URL. ``header_lines``, ``reason`` and ``headers`` are built from the raw lines
    libcurl passed to the header function on first use (see :func:`final_header_lines`)."""

    cdef readonly object status
    cdef readonly object body
    cdef readonly object url
    cdef object raw
    cdef object lines
    cdef object headers_

    def __cinit__(self, status, raw, body, url):
        self.status = status
        self.raw = raw
        self.body = body
        self.url = url

    @property
    def header_lines(self):
        if self.lines is None:
            self.lines = final_header_lines(self.raw)
            self.raw = None
        return self.lines

    @property
    def reason(self):
        lines = self.header_lines
        parts = lines[0].split(" ", 2) if lines else ()
        return parts[2] if len(parts) == 3 else ""

    @property
    def headers(self):
        if self.headers_ is None:
            headers = {}
            for line in self.header_lines[1:]:
                name, sep, value = line.partition(":")
                if sep:
                    headers[name.strip().lower()] = value.strip()
            self.headers_ = headers
        return self.headers_

    def __repr__(self):
        return f"<Reply {self.status} {self.url} {len(self.body)} bytes>"


def final_header_lines(raw):
    """The decoded header lines of the final response among the raw lines libcurl passed to
    the header function: it passes those of every response it reads, including interim ones
    (100 Continue), the 401 of an HTTP Negotiate round and a proxy's CONNECT reply, so only
    the lines from the last status line on are kept."""
    data = b"".join(raw)
    text = None
    if b"\nHTTP/" not in data:  # one response (libcurl hands over one line per call)
        text = data.decode("latin-1")
        # Every line ending with CRLF, as HTTP says, and none with more CRs: one split.
        if text.count("\r\n") != len(raw) or "\r\r" in text:
            text = None
    if text is not None:
        lines = text.split("\r\n")
    else:
        start = len(raw) - 1
        while start > 0 and raw[start][:5] != b"HTTP/":
            start -= 1
        lines = [line.rstrip(b"\r\n").decode("latin-1") for line in raw[max(start, 0):]]
    while lines and not lines[-1]:
        lines.pop()
    return lines


cdef object acquire(lock):
    """Take ``lock``, however long it takes. An exception a signal handler raises while this
    thread waits (lock waits are interruptible in the main thread) does not end the wait: the
    first one is returned, for the caller to raise once the transport's state is whole."""
    pending = None
    while True:
        try:
            lock.acquire()
            return pending
        except BaseException as exc:
            if pending is None:
                pending = exc


def promote(transport):
    """Hand the driving role to the first thread waiting as a follower, if any and the
    transport is open (with the lock held); return whether it was handed."""
    followers = transport._followers
    if not followers or transport._closed:
        return False
    waiter = followers.pop(0)
    waiter.transfer._waiters.remove(waiter)
    waiter.promoted = True
    transport._driver = None
    waiter.lock.release()
    return True


cdef leave(transport):
    """Give up the driving role of :func:`run_alone` (with the lock held): to a follower,
    else to the transport thread at once when anything is left (work, a waiting main thread,
    or the end of a closed transport)."""
    if promote(transport):
        return
    transport._driving = False
    transport._driver = None
    if (
        transport._closed
        or transport._queue
        or transport._active
        or transport._taken
        or transport._backlog
        or transport._bystander is not None
    ):
        transport._urgent = True
        transport._asleep = False
        try:  # _transport._Signal.set()
            transport._nudge._lock.release()
        except RuntimeError:
            pass


def run_alone(transport, transfer, deadline, spare):
    """Run ``transfer`` on the calling thread (the main thread) if it is the transport's only
    work: take the driving role, drive libcurl until the transfer is finished and complete
    it, and give the role back. ``deadline``: on the ``time.monotonic()`` clock, or None.
    ``spare``: a set-up handle for the pool when it is empty, or None.

    Return None when the transfer is not run alone (it is not the only work, somebody drives,
    something in it calls Python code: a sink, the debug log, a done callback, a waiting
    thread), or was handed over to the transport thread (another thread queued work, a
    command or ``close()``, ``deadline`` passed, or it failed: errors are made by the general
    path); the caller then waits as usual. Else the transfer is done, and the return value is
    its handle when the caller is to reset it and pool it, or None when it is pooled already.

    Every change to the transport's state is made between two C calls that cannot raise, so
    that an exception from a signal handler (out of ``poll``, ``socket_action`` or a lock
    wait) leaves it whole; the role is given back whatever happens, and the exception is then
    raised."""
    request = transfer._request
    lock = transport._lock
    pending = acquire(lock)
    try:
        queue = transport._queue
        alone = (
            pending is None
            and request is not None
            and not (transport._driving or transport._closed or transport._tainted)
            and transport._thread is not None
            and len(queue) == 1
            and queue[0] is request
            and not (transport._active or transport._taken or transport._backlog)
            and request.sink is None
            and transport._debug_log is None
            and transfer._callbacks is None
            and transfer._waiters is None
            and (spare is not None or transport._free)
        )
        if alone:
            transport._driving = True
            transport._driver = get_ident()
    finally:
        lock.release()
    if pending is not None:
        raise pending
    if not alone:
        return None
    if spare is not None:
        transport._free.append(spare)
    spent = None
    try:
        spent = drive(transport, transfer, request, deadline)
    except pycurl.error:
        # libcurl's multi handle failed (no signal handler raises this): as when the general
        # path's driver fails, the next driver resets the transport, failing what is in
        # flight, this transfer included, with an SDK error.
        transport._tainted = True
    except BaseException as exc:
        pending = exc
    try:
        if transport._closed:
            transport._cleanup()
    finally:
        late = acquire(lock)
        try:
            leave(transport)
        finally:
            lock.release()
        if pending is None:
            pending = late
    if pending is not None:
        raise pending
    return spent


cdef object drive(transport, transfer, request, deadline):
    """The body of :func:`run_alone`, with the driving role held."""
    cdef Sockets sockets = transport._sockets
    cdef list free = transport._free
    cdef int wake_fd = transport._wake_r.fileno()
    cdef int fd, mask, action
    cdef bint handover
    cdef double timeout, left
    curl = free.pop()
    try:
        setup(curl, request)
    except Exception:
        curl.close()
        return None  # still queued: the general path sets it up again and reports the error
    multi = transport._multi
    active = transport._active
    # Adding a handle makes libcurl call the timer function with 0 ms: the loop then calls
    # socket_action(SOCKET_TIMEOUT), which starts the transfer.
    multi.add_handle(curl)
    transport._queue.remove(request)
    request.curl = curl
    active[curl] = request
    poll = sockets.poller.poll
    info_read = multi.info_read
    backlog = transport._backlog
    while True:
        timeout = -1.0
        if sockets.deadline is not None:
            timeout = max(0.0, <double>sockets.deadline - now())
        if deadline is not None:
            left = <double>deadline - now()
            if left <= 0:
                return None
            if timeout < 0 or left < timeout:
                timeout = left
        handover = False
        # A timer already due (libcurl asks for 0 ms after add_handle): no poll.
        if timeout != 0:
            for fd, mask in poll(timeout):
                if fd == wake_fd:
                    handover = True
                elif fd in sockets.parked:
                    sockets.forget(fd)
                else:
                    # As selectors does: error and hang-up count as readable and writable.
                    action = 0
                    if mask & ~EPOLLOUT:
                        action |= CSELECT_IN
                    if mask & ~EPOLLIN:
                        action |= CSELECT_OUT
                    multi.socket_action(fd, action)
        if sockets.deadline is not None and now() >= <double>sockets.deadline:
            sockets.deadline = None
            multi.socket_action(SOCKET_TIMEOUT, 0)
        # libcurl reports each finished handle once: it waits in the backlog until it is
        # dealt with (here, or by the general path).
        while True:
            queued, ok, failed = info_read()
            for handle in ok:
                backlog.append((handle, None, None))
            backlog.extend(failed)
            if not queued:
                break
        if backlog:
            break
        if handover:
            return None
    handle, code, text = backlog[0]
    content = request.content
    if handle is not curl or code is not None or content.oversize or len(backlog) != 1:
        return None
    reply = Reply(
        curl.getinfo(RESPONSE_CODE), request.header_lines, content.getvalue(),
        curl.getinfo(EFFECTIVE_URL)
    )
    lock = transport._lock
    pending = acquire(lock)
    try:
        # A thread that began to wait for this transfer meanwhile is woken by the general path.
        alone = transfer._waiters is None and transfer._callbacks is None
        if alone:
            transfer._reply = reply
            transfer._done = True
            transfer._request = None
    finally:
        lock.release()
    if alone:
        remove(multi, active, curl)
        backlog.clear()
        content.release()
        request.header_lines = []  # the reply's now
        if request.method == "GET" and not request.negotiate:
            # Its options stay: the next request sets every option a GET changes.
            if len(free) < POOL_MAX and not transport._closed:
                free.append(curl)
            else:
                curl.close()
            curl = None
    if pending is not None:
        raise pending
    return curl if alone else None
