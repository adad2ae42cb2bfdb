"""Many outstanding transfers, many threads, closing, cancelling, streaming."""

import builtins
import threading
import time

import pytest

from ovirtsdk4._transport import TransferError
from ovirtsdk4.testing._http import Response


def path_echo(request):
    return Response(200, request.target.encode())


def test_a_thousand_outstanding_transfers(https_server, make_transport):
    https_server.handler = path_echo
    transport = make_transport(connections=8)
    start = time.monotonic()
    transfers = [transport.submit("GET", https_server.url(f"/r/{i}"), []) for i in range(1000)]
    # Wait in reverse order: completion order is free.
    for i in reversed(range(1000)):
        assert transfers[i].result(30).body == f"/r/{i}".encode()
    assert time.monotonic() - start < 20
    assert len(https_server.requests) == 1000
    assert sorted(r.path for r in https_server.requests) == sorted(f"/r/{i}" for i in range(1000))
    assert https_server.max_concurrent_connections <= 8


def test_unlimited_connections_over_plain_http(http_server, transport):
    http_server.handler = path_echo
    transfers = [transport.submit("GET", http_server.url(f"/u/{i}"), []) for i in range(100)]
    assert [t.result(30).body for t in transfers] == [f"/u/{i}".encode() for i in range(100)]


def test_eight_threads_share_one_transport(https_server, make_transport):
    https_server.handler = path_echo
    transport = make_transport(connections=4)
    errors = []
    barrier = threading.Barrier(8)

    def work(n):
        try:
            barrier.wait()
            for i in range(50):
                url = https_server.url(f"/t/{n}/{i}")
                assert transport.submit("GET", url, []).result(30).body == f"/t/{n}/{i}".encode()
            batch = [
                transport.submit("GET", https_server.url(f"/b/{n}/{i}"), []) for i in range(25)
            ]
            for i, transfer in enumerate(batch):
                assert transfer.result(30).body == f"/b/{n}/{i}".encode()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(https_server.requests) == 8 * 75


def test_several_threads_wait_for_one_transfer(https_server, transport):
    https_server.handler = lambda request: Response(200, b"shared", delay=0.2)
    transfer = transport.submit("GET", https_server.url("/"), [])
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(transfer.result(10).body)) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == [b"shared"] * 4


def test_done_and_result_timeout(https_server, transport):
    https_server.handler = lambda request: Response(200, b"late", delay=0.5)
    transfer = transport.submit("GET", https_server.url("/"), [])
    assert not transfer.done()
    with pytest.raises(builtins.TimeoutError):
        transfer.result(0.05)
    assert transfer.result(10).body == b"late"
    assert transfer.done()


def test_done_callback(https_server, transport):
    called = threading.Event()
    seen = []
    transfer = transport.submit("GET", https_server.url("/cb"), [])

    def callback(t):
        seen.append(t)
        called.set()

    transfer.add_done_callback(callback)
    assert called.wait(10)
    assert seen == [transfer]
    assert transfer.result().body == b"GET /cb"
    late = []
    transfer.add_done_callback(late.append)
    assert late == [transfer]


def test_close_fails_outstanding_transfers(https_server, make_transport):
    https_server.handler = lambda request: Response(200, b"never", delay=30)
    transport = make_transport()
    transfers = [transport.submit("GET", https_server.url(f"/{i}"), []) for i in range(20)]
    time.sleep(0.2)  # let them reach the server
    start = time.monotonic()
    transport.close()
    assert time.monotonic() - start < 2
    for transfer in transfers:
        assert transfer.done()
        with pytest.raises(TransferError) as info:
            transfer.result(1)
        assert info.value.curl_code is None
        assert "closed" in str(info.value)
    transport.close()  # idempotent
    after = transport.submit("GET", https_server.url("/"), [])
    with pytest.raises(TransferError, match="closed"):
        after.result(1)


def test_close_unused_transport_and_with_block(tls):
    from ovirtsdk4._transport import Transport

    Transport().close()
    with Transport(ca_file=str(tls.ca_cert)) as transport:
        pass
    assert transport.closed


def test_cancel(https_server, transport):
    def handler(request):
        return Response(200, b"slow", delay=5) if request.path == "/slow" else Response(200, b"ok")

    https_server.handler = handler
    slow = transport.submit("GET", https_server.url("/slow"), [])
    time.sleep(0.1)
    assert slow.cancel()
    with pytest.raises(TransferError, match="cancelled"):
        slow.result(2)
    assert not slow.cancel()
    assert transport.submit("GET", https_server.url("/fast"), []).result(10).body == b"ok"


def test_streaming_sink_gets_chunks_in_order(https_server, transport):
    body = bytes(range(256)) * (32 * 1024)  # 8 MB
    https_server.handler = lambda request: Response(
        200, body, chunked=True, chunk_size=256 * 1024, chunk_delay=0.001
    )
    chunks = []
    reply = transport.submit("GET", https_server.url("/big"), [], sink=chunks.append).result(30)
    assert reply.status == 200
    assert reply.body == b""
    assert len(chunks) > 8
    assert b"".join(chunks) == body


def test_sink_exception_aborts_only_that_transfer(https_server, transport):
    body = b"x" * (4 * 1024 * 1024)
    https_server.handler = lambda request: Response(200, body, chunked=True)

    class Stop(Exception):
        pass

    def sink(chunk):
        raise Stop("parser says no")

    with pytest.raises(Stop, match="parser says no"):
        transport.submit("GET", https_server.url("/"), [], sink=sink).result(10)
    assert len(transport.submit("GET", https_server.url("/"), []).result(10).body) == len(body)


def test_idle_thread_ends_and_restarts(https_server, make_transport, monkeypatch):
    import gc
    import weakref

    from ovirtsdk4 import _transport

    monkeypatch.setattr(_transport, "_IDLE_EXIT", 0.1)
    transport = make_transport()
    assert transport.submit("GET", https_server.url("/1"), []).result(10).status == 200
    deadline = time.monotonic() + 5
    while transport._thread is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert transport._thread is None
    assert transport.submit("GET", https_server.url("/2"), []).result(10).status == 200
    assert [r.path for r in https_server.requests] == ["/1", "/2"]

    # A transport nobody closed can be collected once its thread has ended.
    forgotten = _transport.Transport(ca_file=transport._ca_file)
    assert forgotten.submit("GET", https_server.url("/3"), []).result(10).status == 200
    ref = weakref.ref(forgotten)
    del forgotten
    deadline = time.monotonic() + 5
    while ref() is not None and time.monotonic() < deadline:
        time.sleep(0.05)
        gc.collect()
    assert ref() is None
