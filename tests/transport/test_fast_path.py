"""The driving role: a thread waiting for its transfer drives the transport itself while no
other thread does; the transport thread drives only what nobody waits for."""

import builtins
import sys
import threading
import time

import pytest

from ovirtsdk4 import _transport
from ovirtsdk4._transport import BodyStream, TransferError, _Waiter
from ovirtsdk4.testing._http import Response


def path_echo(request):
    return Response(200, request.target.encode())


def in_thread(fn):
    """Run ``fn`` in a thread that is not the main thread; return what it returns."""
    result = []
    thread = threading.Thread(target=lambda: result.append(fn()))
    thread.start()
    thread.join()
    return result[0]


def test_a_lone_waiter_drives_its_own_transfer(https_server, transport):
    https_server.handler = path_echo

    def sequential():
        for i in range(20):
            seen = []
            transfer = transport.submit("GET", https_server.url(f"/s/{i}"), [])
            transfer.add_done_callback(lambda t, seen=seen: seen.append(threading.get_ident()))
            assert transfer.result(10).body == f"/s/{i}".encode()
            # The completion (and so the done callback) ran on this thread.
            assert seen == [threading.get_ident()]
        return True

    assert in_thread(sequential)
    assert not transport._driving


def test_the_main_thread_drives_its_requests_and_futures_itself(https_server, transport):
    """Requests and futures that call no Python code are driven by the main thread that
    waits for them, in compiled code (``_curl.run_alone``): it does not wait for another
    thread to drive. (The transport thread, which looks for unclaimed work every few
    milliseconds, may take a request between its submit() and its result() now and then:
    hence a bound, not zero.)"""
    https_server.handler = path_echo
    waits = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_name == "__init__":
            if type(frame.f_locals["self"]) is _Waiter:
                waits.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        for i in range(50):
            assert transport.submit("GET", https_server.url(f"/m/{i}"), []).result(10).body == (
                f"/m/{i}".encode()
            )
        sequential = len(waits)
        futures = [transport.submit("GET", https_server.url(f"/f/{i}"), []) for i in range(50)]
        for i, future in enumerate(futures):
            assert future.result(10).body == f"/f/{i}".encode()
    finally:
        sys.setprofile(None)
    assert sequential <= 5
    assert len(waits) - sequential <= 5


def test_the_main_thread_leaves_python_callbacks_to_the_transport_thread(https_server, transport):
    """Python runs signal handlers in the main thread: a transfer that calls Python code (here
    a done callback) is driven by the transport thread while the main thread waits, so that
    an exception a handler raises never lands in the driver."""
    https_server.handler = path_echo
    for i in range(5):
        seen = []
        transfer = transport.submit("GET", https_server.url(f"/m/{i}"), [])
        transfer.add_done_callback(lambda t, seen=seen: seen.append(threading.current_thread()))
        assert transfer.result(10).body == f"/m/{i}".encode()
        assert seen[0].name == "ovirtsdk4-transport"


def test_nobody_waits_the_transport_thread_drives(https_server, transport):
    https_server.handler = path_echo
    done = threading.Event()
    seen = []

    def callback(transfer):
        seen.append(threading.current_thread().name)
        done.set()

    transfer = transport.submit("GET", https_server.url("/forgotten"), [])
    transfer.add_done_callback(callback)
    assert done.wait(10)
    assert seen == ["ovirtsdk4-transport"]
    assert transfer.result(0).body == b"/forgotten"


def test_waiters_drive_while_other_threads_submit_and_wait(https_server, make_transport):
    https_server.handler = path_echo
    transport = make_transport(connections=4)
    errors = []
    barrier = threading.Barrier(8)
    futures = []

    def sequential(n):
        barrier.wait()
        for i in range(40):
            url = https_server.url(f"/q/{n}/{i}")
            assert transport.submit("GET", url, []).result(30).body == f"/q/{n}/{i}".encode()

    def fire(n):
        barrier.wait()
        for i in range(40):
            futures.append(
                (f"/f/{n}/{i}", transport.submit("GET", https_server.url(f"/f/{n}/{i}"), []))
            )
            time.sleep(0.001)

    def interleaved(n):
        barrier.wait()
        for i in range(10):
            batch = [
                transport.submit("GET", https_server.url(f"/i/{n}/{i}/{j}"), []) for j in range(5)
            ]
            for j, transfer in reversed(list(enumerate(batch))):
                assert transfer.result(30).body == f"/i/{n}/{i}/{j}".encode()

    def run(work, n):
        try:
            work(n)
        except BaseException as exc:  # reported below
            errors.append(exc)

    works = [sequential] * 4 + [fire] * 2 + [interleaved] * 2
    threads = [threading.Thread(target=run, args=(work, n)) for n, work in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    # The futures nobody waited for finished too (driven by whichever thread drove).
    for path, transfer in futures:
        assert transfer.result(30).body == path.encode()
    assert len(https_server.requests) == 4 * 40 + 2 * 40 + 2 * 50
    assert not transport._followers


def test_the_role_passes_to_a_waiter_when_the_driver_is_done(https_server, transport):
    def handler(request):
        return Response(200, request.path.encode(), delay=0.3 if request.path == "/slow" else 0)

    https_server.handler = handler

    def pair():
        return (
            transport.submit("GET", https_server.url("/slow"), []),
            transport.submit("GET", https_server.url("/fast"), []),
        )

    # The first time, libcurl (PIPEWAIT) waits for the first connection to learn whether it
    # multiplexes before it opens a second one: warm up two connections.
    for transfer in pair():
        transfer.result(10)
    slow, fast = pair()
    results = {}
    started = threading.Event()

    def wait_slow():
        started.set()
        results["slow"] = (slow.result(10).body, time.monotonic())

    thread = threading.Thread(target=wait_slow)
    thread.start()
    started.wait()
    results["fast"] = (fast.result(10).body, time.monotonic())
    thread.join(10)
    assert results["fast"][0] == b"/fast" and results["slow"][0] == b"/slow"
    assert results["fast"][1] + 0.1 < results["slow"][1]


def test_a_driver_that_times_out_hands_the_transfer_on(https_server, transport):
    https_server.handler = lambda request: Response(200, b"late", delay=0.4)
    transfer = transport.submit("GET", https_server.url("/"), [])
    with pytest.raises(builtins.TimeoutError):
        transfer.result(0.05)
    assert not transport._driving or transport._driver != threading.get_ident()
    done = threading.Event()
    transfer.add_done_callback(lambda t: done.set())
    assert done.wait(10)  # driven by the transport thread, nobody waiting
    assert transfer.result(0).body == b"late"


def test_a_follower_times_out_while_another_thread_drives(https_server, transport):
    https_server.handler = lambda request: Response(200, request.path.encode(), delay=0.5)
    driving = transport.submit("GET", https_server.url("/a"), [])
    following = transport.submit("GET", https_server.url("/b"), [])
    thread = threading.Thread(target=driving.result, args=(10,))
    thread.start()
    deadline = time.monotonic() + 5
    while not transport._driving and time.monotonic() < deadline:
        time.sleep(0.005)
    with pytest.raises(builtins.TimeoutError):
        following.result(0.05)
    assert following.result(10).body == b"/b"
    thread.join(10)
    assert not transport._followers


def test_a_paused_stream_goes_on_while_its_reader_also_waits(https_server, transport):
    body = bytes(range(256)) * (16 * 1024)  # 4 MB, paused several times with a 256 KB limit

    def handler(request):
        if request.path == "/big":
            return Response(200, body, chunked=True, chunk_size=64 * 1024)
        return Response(200, request.path.encode())

    https_server.handler = handler
    stream = BodyStream(transport, limit=256 * 1024).start("GET", https_server.url("/big"), [])
    assert stream.start_line()[0] == 200
    received = []
    i = 0
    while True:
        chunk = stream.read(100_000)
        if not chunk:
            break
        received.append(chunk)
        i += 1
        if i % 5 == 0:  # this thread drives for its own request meanwhile
            assert transport.submit("GET", https_server.url(f"/x/{i}"), []).result(10).body == (
                f"/x/{i}".encode()
            )
    assert b"".join(received) == body


def test_close_while_a_waiter_drives(https_server, make_transport):
    https_server.handler = lambda request: Response(200, b"never", delay=30)
    transport = make_transport()
    transfer = transport.submit("GET", https_server.url("/"), [])
    errors = []

    def wait():
        try:
            transfer.result(20)
        except TransferError as exc:
            errors.append(exc)

    thread = threading.Thread(target=wait)
    thread.start()
    time.sleep(0.2)
    start = time.monotonic()
    transport.close()
    thread.join(5)
    assert time.monotonic() - start < 2
    assert len(errors) == 1 and "closed" in str(errors[0])


def test_close_from_a_done_callback_on_the_driving_thread(https_server, make_transport):
    https_server.handler = lambda request: Response(
        200, b"", delay=5 if request.path == "/2" else 0
    )
    transport = make_transport()
    first = transport.submit("GET", https_server.url("/1"), [])
    second = transport.submit("GET", https_server.url("/2"), [])
    first.add_done_callback(lambda t: transport.close())
    first.result(10)
    with pytest.raises(TransferError):
        second.result(10)
    assert transport.closed


def test_an_interrupted_waiter_leaves_no_trace(https_server, transport, monkeypatch):
    from ovirtsdk4 import _transport

    def handler(request):
        return Response(200, request.path.encode(), delay=0.5 if request.path == "/slow" else 0)

    https_server.handler = handler
    slow = transport.submit("GET", https_server.url("/slow"), [])
    deadline = time.monotonic() + 5
    while not transport._driving and time.monotonic() < deadline:
        time.sleep(0.005)  # the transport thread takes the transfer nobody waits for

    class Interrupted(_transport._Waiter):
        __slots__ = ()

        def __init__(self, transfer, leads):
            super().__init__(transfer, leads)
            self.lock = self  # its acquire() is interrupted, as by Ctrl-C

        def acquire(self, *args, **kwargs):
            raise KeyboardInterrupt

    monkeypatch.setattr(_transport, "_Waiter", Interrupted)
    fast = transport.submit("GET", https_server.url("/fast"), [])
    with pytest.raises(KeyboardInterrupt):
        fast.result(10)
    assert transport._followers == [] and transport._bystander is None and not fast._waiters
    monkeypatch.undo()
    assert fast.result(10).body == b"/fast"
    assert slow.result(10).body == b"/slow"


@pytest.mark.parametrize("where", ["_finish", "_start"])
def test_a_driver_failing_mid_bookkeeping_resets_the_transport(
    https_server, transport, monkeypatch, where
):
    """A driver that fails half-way (a bug) resets the transport: the transfers in flight
    fail with a clear error (none hangs, none is half done) and the next request works."""
    https_server.handler = path_echo
    others = [transport.submit("GET", https_server.url(f"/o/{i}"), []) for i in range(5)]
    original = getattr(type(transport), where)
    calls = []

    def failing_once(self, *args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("a bug")
        return original(self, *args)

    monkeypatch.setattr(type(transport), where, failing_once)

    def wait_all():
        with pytest.raises(RuntimeError):
            for transfer in others:
                transfer.result(10)
        return True

    assert in_thread(wait_all)
    monkeypatch.undo()
    outcomes = []
    for i, transfer in enumerate(others):
        try:
            outcomes.append(transfer.result(10).body == f"/o/{i}".encode())
        except TransferError as error:
            assert "the transport was reset after RuntimeError('a bug')" in str(error)
            outcomes.append("reset")
    assert "reset" in outcomes and False not in outcomes
    assert transport.submit("GET", https_server.url("/after"), []).result(10).body == b"/after"
    assert not transport._tainted


class CountingSignal:
    """A stream's wake-up signal, counting how often its reader waits."""

    def __init__(self, signal):
        self.signal = signal
        self.waits = 0

    def set(self):
        self.signal.set()

    def wait(self, timeout=-1):
        self.waits += 1
        return self.signal.wait(timeout)


def test_a_reader_with_nothing_to_read_waits_for_a_batch_not_for_each_chunk(
    https_server, transport, monkeypatch
):
    """libcurl hands a body over 16 KB at a time; a reader woken for each piece would trade
    the GIL with the driving thread 16 KB at a time. It sleeps until a quarter of the
    stream's limit has come (or the transfer has ended). The wait for a batch is made long,
    so that a slow test server on a loaded machine gets no smaller batches."""
    monkeypatch.setattr(_transport, "_BATCH_WAIT", 30)
    body = bytes(range(256)) * (16 * 1024)  # 4 MB: 256 pieces of 16 KB, 16 batches of 256 KB
    https_server.handler = lambda request: Response(200, body, chunked=True, chunk_size=64 * 1024)
    stream = BodyStream(transport)
    stream._news = counting = CountingSignal(stream._news)
    stream.start("GET", https_server.url("/big"), [])
    assert stream.start_line()[0] == 200
    received = []
    while chunk := stream.read(100_000):
        received.append(chunk)
    assert b"".join(received) == body
    assert counting.waits < 64, counting.waits


def test_a_body_that_comes_slowly_is_read_as_it_comes(https_server, transport):
    """The wait for a batch is short: a reader of a slow body gets each piece soon after it
    came, not once a batch (or the whole body) is there. Pieces come a second apart."""
    https_server.handler = lambda request: Response(
        200, b"x" * 3000, chunked=True, chunk_size=1000, chunk_delay=1.0
    )
    stream = BodyStream(transport).start("GET", https_server.url("/slow"), [])
    assert stream.start_line()[0] == 200
    pieces = [stream.read(100_000)]
    started = time.monotonic()
    pieces.append(stream.read(100_000))  # the second piece, not the second and third
    assert time.monotonic() - started < 1.6
    while chunk := stream.read(100_000):
        pieces.append(chunk)
    assert b"".join(pieces) == b"x" * 3000
