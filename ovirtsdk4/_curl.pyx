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
cdef object NOSIGNAL = pycurl.NOSIGNAL
cdef object PROTOCOLS = pycurl.PROTOCOLS
cdef object PROTO_HTTP_HTTPS = pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS
cdef object SSL_VERIFYPEER = pycurl.SSL_VERIFYPEER
cdef object SSL_VERIFYHOST = pycurl.SSL_VERIFYHOST
cdef object CAINFO_BLOB = pycurl.CAINFO_BLOB
cdef object CAINFO = pycurl.CAINFO
cdef object SSLVERSION = pycurl.SSLVERSION
cdef object SSLVERSION_TLSv1_2 = pycurl.SSLVERSION_TLSv1_2
cdef object ACCEPT_ENCODING = pycurl.ACCEPT_ENCODING
cdef object CONNECTTIMEOUT_MS = pycurl.CONNECTTIMEOUT_MS
cdef object PROXY = pycurl.PROXY
cdef object PIPEWAIT = pycurl.PIPEWAIT
cdef object TCP_KEEPALIVE = pycurl.TCP_KEEPALIVE
cdef object COOKIEFILE = pycurl.COOKIEFILE
cdef object VERBOSE = pycurl.VERBOSE

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


def setup_fixed(transport, curl):
    """Set the options every request of ``transport`` has on ``curl``: once for a new or
    reset() handle; a handle back from a plain GET keeps them (:func:`recycle`)."""
    setopt = curl.setopt
    # NOSIGNAL: libcurl must not use signals (SIGALRM for DNS timeouts) in a thread.
    setopt(NOSIGNAL, 1)
    setopt(PROTOCOLS, PROTO_HTTP_HTTPS)
    if transport._insecure:
        setopt(SSL_VERIFYPEER, 0)
        setopt(SSL_VERIFYHOST, 0)
    else:
        setopt(SSL_VERIFYPEER, 1)
        setopt(SSL_VERIFYHOST, 2)
        if transport._ca_certs is not None:
            setopt(CAINFO_BLOB, transport._ca_certs)
        elif transport._ca_file is not None:
            setopt(CAINFO, transport._ca_file)
    # Minimum TLS 1.2, maximum whatever libcurl's TLS library supports.
    setopt(SSLVERSION, SSLVERSION_TLSv1_2)
    if transport._compress:
        # '' means: advertise, and decode, every encoding this libcurl was built with.
        setopt(ACCEPT_ENCODING, "")
    if transport._connect_timeout_ms:
        setopt(CONNECTTIMEOUT_MS, transport._connect_timeout_ms)
    if transport._proxy_url is not None:
        setopt(PROXY, transport._proxy_url)
    # With HTTP/2, wait for a connection that can multiplex rather than open another.
    setopt(PIPEWAIT, 1)
    setopt(TCP_KEEPALIVE, 1)
    # The official SDK turns the cookie engine on for each (new) handle, so cookies set
    # during one request (e.g. between Negotiate rounds) are sent back within it, but never
    # carried to another request.
    setopt(COOKIEFILE, "")
    if transport._debug_log is not None:
        setopt(VERBOSE, 1)


def recycle(transport, curl, bint plain):
    """Put a handle back in the pool. After a ``plain`` GET (no sink, no Negotiate) the
    handle keeps its options: the next request sets every option a GET changes (URL,
    headers, callbacks, timeout, HTTPGET). Any other handle is reset(), which drops every
    option and the references pycurl keeps to our callbacks and the POSTFIELDS bytes, but
    keeps the handle's caches (connections live in the multi), and set up again."""
    free = transport._free
    if len(free) >= POOL_MAX or transport._closed:
        curl.close()
        return
    if not plain:
        curl.reset()
        setup_fixed(transport, curl)
    free.append(curl)


def new_handle(transport):
    """A new easy handle with the options every request of ``transport`` has."""
    curl = pycurl.Curl()
    setup_fixed(transport, curl)
    return curl


def setup(curl, request):
    """Set the options of ``request`` (a ``_transport._Request``) on ``curl``, a handle
    with the options every request has (:func:`setup_fixed`)."""
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
    # lines are picked out once the transfer is done (final_header_lines).
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


cpdef retire(transport, curl, request):
    """Take the handle of a finished ``request`` out of the transport (:func:`remove`), drop
    the request's body and header lines (the callbacks of a handle kept as is refer to them)
    and put the handle back in the pool, kept as is after a plain GET (:func:`recycle`)."""
    remove(transport._multi, transport._active, curl)
    request.content.release()
    request.header_lines = []
    recycle(
        transport, curl, request.method == "GET" and request.sink is None and not request.negotiate
    )


cpdef Reply reply_of(curl, request):
    """The :class:`Reply` of ``request``, finished well on ``curl``."""
    return Reply(
        curl.getinfo(RESPONSE_CODE), request.header_lines, request.content.getvalue(),
        curl.getinfo(EFFECTIVE_URL)
    )


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


cdef bint promote(transport) except -1:
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


def release_role(transport):
    """Give up the driving role (with the lock held): to a follower; else to the transport
    thread at once when something must be dealt with in Python (finished transfers, a
    waiting main thread, the end of a closed transport); else, with transfers queued or in
    flight, the transport thread takes them at its next tick unless a thread waiting for one
    takes the role first. Returns whether the transport thread is wanted but has ended (the
    caller then starts one; never while run_alone drives, since the thread does not end while
    the role is taken)."""
    if promote(transport):
        return False
    transport._driving = False
    transport._driver = None
    if transport._closed or transport._backlog or transport._bystander is not None:
        transport._urgent = True
    elif not (transport._queue or transport._active or transport._taken):
        return False
    if transport._thread is None:
        return not transport._closed
    if transport._urgent or transport._asleep:
        transport._asleep = False
        try:  # _transport._Signal.set()
            transport._nudge._lock.release()
        except RuntimeError:
            pass
    return False


cdef bint plain(item):
    """Whether a queued item is a request whose transfer calls no Python code."""
    if type(item) is tuple:  # a command: cancel, resume
        return False
    transfer = item.transfer
    return item.sink is None and transfer._callbacks is None and transfer._waiters is None


def run_alone(transport, transfer, deadline):
    """Drive the transport on the calling thread (the main thread) while it waits for
    ``transfer``, if nothing else needs Python code: take the driving role, start what is
    queued, drive libcurl, complete the transfers that finish, until ``transfer`` is done,
    and give the role back. ``deadline``: on the ``time.monotonic()`` clock, or None.

    It drives only when nobody else drives or waits (no follower, no other thread waiting
    for a transfer), the debug log is off, and nothing queued or in flight calls Python code
    (a sink, a done callback) or is a command. It hands over to the general path (returns
    early) when another thread queues work, a command or ``close()`` (the wake-up pair
    becomes readable), when ``deadline`` passes, and when a finished transfer needs Python
    code: its error is made there, and done callbacks and other waiting threads are served
    there. The caller then waits as usual.

    Every change to the transport's state is made between two C calls that cannot raise, so
    that an exception from a signal handler (out of ``poll``, ``socket_action`` or a lock
    wait) leaves it whole; the role is given back whatever happens, and the exception is then
    raised."""
    lock = transport._lock
    pending = acquire(lock)
    try:
        alone = (
            pending is None
            and not transfer._done
            and not (transport._driving or transport._closed or transport._tainted)
            and transport._thread is not None
            and not (transport._followers or transport._taken or transport._backlog)
            and transport._bystander is None
            and transport._debug_log is None
            and transfer._callbacks is None
            and transfer._waiters is None
            and all([plain(item) for item in transport._queue])
            and all([request.sink is None for request in transport._active.values()])
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
    try:
        drive(transport, transfer, deadline)
    except pycurl.error:
        # libcurl's multi handle failed (no signal handler raises this): as when the general
        # path's driver fails, the next driver resets the transport, failing what is in
        # flight with an SDK error.
        transport._tainted = True
    except BaseException as exc:
        pending = exc
    try:
        if transport._closed:
            transport._cleanup()
    finally:
        late = acquire(lock)
        try:
            release_role(transport)
        finally:
            lock.release()
        if pending is None:
            pending = late
    if pending is not None:
        raise pending


cdef bint start(transport, list free, request) except -1:
    """Start a queued request (the first of the queue); False when its options cannot be set
    (the general path then reports why)."""
    curl = free.pop() if free else new_handle(transport)
    try:
        setup(curl, request)
    except Exception:
        curl.close()
        return False
    # Adding a handle makes libcurl call the timer function with 0 ms: the loop then calls
    # socket_action(SOCKET_TIMEOUT), which starts the transfer.
    transport._multi.add_handle(curl)
    del transport._queue[0]
    request.curl = curl
    transport._active[curl] = request
    return True


cdef bint finish(transport) except -1:
    """Complete the transfer of the first handle of the backlog and pool its handle; False
    when it needs the general path (an error, a done callback, a waiting thread)."""
    handle, code, text = transport._backlog[0]
    active = transport._active
    request = active.get(handle)
    if request is None:  # dealt with already
        transport._backlog.popleft()
        return True
    content = request.content
    transfer = request.transfer
    if code is not None or content.oversize or request.sink is not None:
        return False
    reply = reply_of(handle, request)
    lock = transport._lock
    pending = acquire(lock)
    try:
        done = transfer._waiters is None and transfer._callbacks is None
        if done:
            transfer._reply = reply
            transfer._done = True
            transfer._request = None
    finally:
        lock.release()
    if done:
        retire(transport, handle, request)
        transport._backlog.popleft()
    if pending is not None:
        raise pending
    return done


# What pump() saw.
PUMPED = 0
WOKEN = 1
LATE = 2


cpdef int pump(transport, deadline) except -1:
    """One turn of a driving loop, with the driving role held: wait for what libcurl watches
    (at most until libcurl's timer, or ``deadline``: on the ``time.monotonic()`` clock, or
    None), act on it, and move the handles libcurl reports finished to the transport's
    backlog, where they wait until they are dealt with. Returns LATE, without waiting, when
    ``deadline`` has passed; WOKEN when the wake-up pair was readable (another thread queued
    work, a command or ``close()``); else PUMPED."""
    cdef Sockets sockets = transport._sockets
    cdef int wake_fd = transport._wake_r.fileno()
    cdef int fd, mask, action
    cdef int status = PUMPED
    cdef double timeout = -1.0
    cdef double left
    multi = transport._multi
    if sockets.deadline is not None:
        timeout = max(0.0, <double>sockets.deadline - now())
    if deadline is not None:
        left = <double>deadline - now()
        if left <= 0:
            return LATE
        if timeout < 0 or left < timeout:
            timeout = left
    # A timer already due (libcurl asks for 0 ms after add_handle): no poll.
    if timeout != 0:
        for fd, mask in sockets.poller.poll(timeout):
            if fd == wake_fd:
                status = WOKEN
            elif fd in sockets.parked:
                # An idle connection in libcurl's cache became readable (the server closed
                # it): stop watching it; libcurl notices when it next uses it.
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
    # libcurl may finish transfers in any socket_action, and reports each finished handle
    # once.
    backlog = transport._backlog
    info_read = multi.info_read
    while True:
        queued, ok, failed = info_read()
        for handle in ok:
            backlog.append((handle, None, None))
        backlog.extend(failed)
        if not queued:
            return status


cdef drive(transport, transfer, deadline):
    """The body of :func:`run_alone`, with the driving role held."""
    cdef list free = transport._free
    cdef int status
    backlog = transport._backlog
    queue = transport._queue
    while queue:
        if not start(transport, free, queue[0]):
            return
    while not transfer._done:
        status = pump(transport, deadline)
        if status == LATE:
            return
        while backlog:
            if not finish(transport):
                return
        if status == WOKEN:
            return
