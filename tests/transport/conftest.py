"""Fixtures of the transport tests: TLS material made at test time, real local servers,
transports that are closed when the test ends."""

import pytest

from ovirtsdk4._transport import Transport
from ovirtsdk4.testing._http import HttpServer, Response


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
