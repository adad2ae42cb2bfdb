"""HTTP/2 when the server offers it (issue 4): futures share one multiplexed connection.

Runs against nginx (the benchmarks' ``bench/nginx.py``, with HTTP/2 and an access log that
records each request's protocol and connection); skipped when there is no nginx binary
(``apt-get install nginx-light``; CI installs it).
"""

import pytest

import ovirtsdk4
from bench import corpus
from bench.nginx import Nginx, find_nginx


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
