"""HTTP/2 when the server offers it (issue 4): futures share one multiplexed connection, and
``pipeline`` bounds how many requests run on it at once.

Runs against nginx (the benchmarks' ``bench/nginx.py``, with HTTP/2, an access log that
records each request's protocol and connection, and for ``pipeline`` a slow upstream behind
it); skipped when there is no nginx binary (``apt-get install nginx-light``; CI installs it).
"""

import threading
import time

import pytest

import ovirtsdk4
from bench import corpus
from bench import nginx as nginx_module
from bench.nginx import Nginx, find_nginx
from ovirtsdk4.testing._http import HttpServer, Response


@pytest.fixture
def h2_nginx(tmp_path, tls):
    """Starts nginx offering HTTP/2, serving a 3-VM list or passing every request to
    ``upstream``; returns it with the path of its access log. Stopped at teardown."""
    binary = find_nginx()
    if binary is None:
        pytest.skip("no nginx binary: apt-get install nginx-light")
    lists = tmp_path / "vms-3.xml"
    lists.write_bytes(corpus.vms_document(3))
    log = tmp_path / "access.log"
    started = []

    def start(upstream=None):
        server = Nginx(
            binary,
            tmp_path / "nginx",
            tls.server_cert,
            tls.server_key,
            {3: lists},
            http2=True,
            access_log=log,
            upstream=upstream,
        )
        started.append(server.start())
        return server, log

    yield start
    for server in started:
        server.stop()


def _requests(log):
    return [line.split(" ", 2) for line in log.read_text().splitlines()]


@pytest.mark.parametrize("connections", [1, 4])
def test_futures_are_multiplexed_over_one_http2_connection(h2_nginx, tls, connections):
    server, log = h2_nginx()
    connection = ovirtsdk4.Connection(
        url=server.url(3), token="x", ca_file=tls.ca_cert, connections=connections
    )
    try:
        vms = connection.system_service().vms_service()
        futures = [vms.vm_service(str(i)).get(wait=False) for i in range(60)]
        names = {future.wait().name for future in futures}
        listed = vms.list()
        streamed = list(vms.list_iter())
    finally:
        connection.close(logout=False)
    server.stop()
    requests = _requests(log)
    assert names == {corpus.facts("vms", 0)["name"]}
    assert (
        [vm.id for vm in listed]
        == [vm.id for vm in streamed]
        == [corpus.facts("vms", i)["id"] for i in range(3)]
    )
    assert len(requests) == 62
    assert {protocol for protocol, _, _ in requests} == {"HTTP/2.0"}
    assert len({serial for _, serial, _ in requests}) == 1


class _Slow:
    """An upstream handler that answers after ``pause`` seconds and keeps the highest number
    of requests it was answering at once."""

    def __init__(self, pause):
        self.pause = pause
        self.lock = threading.Lock()
        self.now = self.most = 0

    def __call__(self, request):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(self.pause)
        with self.lock:
            self.now -= 1
        return Response(200, nginx_module.vm_document(), [("Content-Type", "application/xml")])


@pytest.mark.parametrize(("pipeline", "most"), [(2, 2), (0, 6)])
def test_pipeline_bounds_the_concurrent_streams(h2_nginx, tls, pipeline, most):
    slow = _Slow(0.5)
    with HttpServer(slow) as upstream:
        front, log = h2_nginx(upstream=upstream.url(host="127.0.0.1"))
        connection = ovirtsdk4.Connection(
            url=front.url(3), token="x", ca_file=tls.ca_cert, connections=1, pipeline=pipeline
        )
        try:
            vms = connection.system_service().vms_service()
            futures = [vms.vm_service(str(i)).get(wait=False) for i in range(6)]
            assert len({future.wait().id for future in futures}) == 1
        finally:
            connection.close(logout=False)
        front.stop()
    # At most ``pipeline`` requests at once on the one HTTP/2 connection; without the bound,
    # all six overlap (each takes half a second upstream).
    assert slow.most == most
    requests = _requests(log)
    assert len(requests) == 6 and {protocol for protocol, _, _ in requests} == {"HTTP/2.0"}
    assert len({serial for _, serial, _ in requests}) == 1
