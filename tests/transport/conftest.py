"""Fixtures of the transport tests: TLS material made at test time, real local servers,
transports that are closed when the test ends."""

import socket

import pytest

from ovirtsdk4._transport import Transport
from ovirtsdk4.testing._http import HttpServer, Response
from ovirtsdk4.testing._tls import make_tls_material

_PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
)


@pytest.fixture(autouse=True)
def _no_proxy_from_the_environment(monkeypatch):
    """libcurl reads proxy variables from the environment: keep the tests on loopback."""
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def tls(tmp_path_factory):
    """A CA, server certificates (with SAN; CN only) and an unrelated CA, as PEM files."""
    return make_tls_material(tmp_path_factory.mktemp("tls"))


def echo(request):
    """A handler that answers 200 with the request's method and target as the body."""
    return Response(
        200,
        f"{request.method} {request.target}".encode(),
        [("Content-Type", "text/plain")],
    )


@pytest.fixture
def https_server(tls):
    """An HTTPS server on 127.0.0.1 with the SAN certificate; set ``.handler`` to script it."""
    with HttpServer(echo, certfile=tls.server_cert, keyfile=tls.server_key) as server:
        yield server


@pytest.fixture
def http_server():
    """A plain HTTP server on 127.0.0.1."""
    with HttpServer(echo) as server:
        yield server


@pytest.fixture
def make_transport(tls):
    """Make transports (trusting the test CA unless told otherwise), closed at teardown."""
    made = []

    def make(**kwargs):
        kwargs.setdefault("ca_file", str(tls.ca_cert))
        transport = Transport(**kwargs)
        made.append(transport)
        return transport

    yield make
    for transport in made:
        transport.close()


@pytest.fixture
def transport(make_transport):
    return make_transport()


@pytest.fixture
def refused_port():
    """A loopback port nobody listens on."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
