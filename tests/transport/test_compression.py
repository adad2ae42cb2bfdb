"""Compression: what is asked for, and that what is advertised is decoded."""

import pytest

from ovirtsdk4.testing._http import HAVE_BROTLI, Response

BODY = b"<vms>" + b"<vm><name>compressible</name></vm>" * 2000 + b"</vms>"


def encodings(request):
    value = request.header("accept-encoding")
    return None if value is None else [part.strip() for part in value.split(",")]


def test_compress_on_advertises_gzip_and_deflate(https_server, transport):
    transport.submit("GET", https_server.url("/"), []).result(10)
    advertised = encodings(https_server.requests[0])
    assert "gzip" in advertised
    assert "deflate" in advertised


@pytest.mark.parametrize(
    "encoding",
    [
        "gzip",
        "deflate",
        pytest.param("br", marks=pytest.mark.skipif(not HAVE_BROTLI, reason="no brotli module")),
    ],
)
def test_encoded_bodies_are_decoded(https_server, transport, encoding):
    https_server.handler = lambda request: Response(200, BODY, encoding=encoding)
    reply = transport.submit("GET", https_server.url("/"), []).result(10)
    assert reply.headers["content-encoding"] == encoding
    assert reply.body == BODY


def test_encoded_body_streamed_to_a_sink_is_decoded(https_server, transport):
    https_server.handler = lambda request: Response(200, BODY, encoding="gzip")
    chunks = []
    reply = transport.submit("GET", https_server.url("/"), [], sink=chunks.append).result(10)
    assert reply.body == b""
    assert b"".join(chunks) == BODY


def test_compress_off_sends_no_accept_encoding(https_server, make_transport):
    transport = make_transport(compress=False)
    reply = transport.submit("GET", https_server.url("/"), []).result(10)
    assert reply.status == 200
    assert encodings(https_server.requests[0]) is None


def test_debug_sends_no_accept_encoding(https_server, make_transport):
    transport = make_transport(debug_log=lambda line: None)
    transport.submit("GET", https_server.url("/"), []).result(10)
    assert encodings(https_server.requests[0]) is None
