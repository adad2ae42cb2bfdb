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
def nginx(tmp_path, tls):
    binary = find_nginx()
    if binary is None:
        pytest.skip("no nginx binary: apt-get install nginx-light")
    lists = tmp_path / "vms-3.xml"
    lists.write_bytes(corpus.vms_document(3))
    log = tmp_path / "access.log"
    server = Nginx(
        binary,
        tmp_path / "nginx",
        tls.server_cert,
        tls.server_key,
        {3: lists},
        http2=True,
        access_log=log,
    )
    with server:
        yield server, log


def _requests(log):
    return [line.split(" ", 2) for line in log.read_text().splitlines()]


@pytest.mark.parametrize("connections", [1, 4])
def test_futures_are_multiplexed_over_one_http2_connection(nginx, tls, connections):
    server, log = nginx
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
def test_pipeline_bounds_the_concurrent_streams(tmp_path, tls, pipeline, most):
    binary = find_nginx()
    if binary is None:
        pytest.skip("no nginx binary: apt-get install nginx-light")
    slow = _Slow(0.5)
    (tmp_path / "unused.xml").write_bytes(b"<vms/>")
    with HttpServer(slow) as upstream:
        log = tmp_path / "access.log"
        front = Nginx(
            binary,
            tmp_path / "nginx",
            tls.server_cert,
            tls.server_key,
            {1: tmp_path / "unused.xml"},
            http2=True,
            access_log=log,
            upstream=upstream.url(host="127.0.0.1"),
        )
        with front:
            connection = ovirtsdk4.Connection(
                url=front.url(1), token="x", ca_file=tls.ca_cert, connections=1, pipeline=pipeline
            )
            try:
                vms = connection.system_service().vms_service()
                futures = [vms.vm_service(str(i)).get(wait=False) for i in range(6)]
                assert len({future.wait().id for future in futures}) == 1
            finally:
                connection.close(logout=False)
    # At most ``pipeline`` requests at once on the one HTTP/2 connection; without the bound,
    # all six overlap (each takes half a second upstream).
    assert slow.most == most
    requests = _requests(log)
    assert len(requests) == 6 and {protocol for protocol, _, _ in requests} == {"HTTP/2.0"}
    assert len({serial for _, serial, _ in requests}) == 1
