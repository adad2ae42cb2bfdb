"""The maximum reply size: enforced while the body downloads, on the decoded bytes, for whole
bodies and sinks alike; the transport goes on working after a reply is refused."""

import gzip
import inspect

import pytest

from ovirtsdk4 import Error
from ovirtsdk4._transport import Transport
from ovirtsdk4.error import ReplyTooLargeError
from ovirtsdk4.testing._http import Response

LIMIT = 64 * 1024


def body_of(size):
    return (b"<vm><name>x</name></vm>" * (size // 23 + 1))[:size]


@pytest.fixture
def limited(make_transport):
    return make_transport(max_reply_size=LIMIT)


def serve(server, body, **options):
    server.handler = lambda request: (
        Response(200, body, [("Content-Type", "application/xml")], **options)
        if request.path == "/big"
        else Response(200, b"<ok/>", [("Content-Type", "application/xml")])
    )


def assert_refused(error, url):
    assert isinstance(error, Error)
    assert error.limit == LIMIT and error.url == url
    assert f"{LIMIT} bytes" in str(error) and url in str(error)
    assert "max_reply_size" in str(error)


@pytest.mark.parametrize("size", [0, 1, LIMIT - 1, LIMIT])
@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_a_reply_up_to_the_limit_is_whole(https_server, limited, size, encoding):
    body = body_of(size)
    serve(https_server, body, encoding=encoding)
    assert limited.submit("GET", https_server.url("/big"), []).result(10).body == body
    chunks = []
    limited.submit("GET", https_server.url("/big"), [], sink=chunks.append).result(10)
    assert b"".join(chunks) == body


@pytest.mark.parametrize("sink", [False, True])
@pytest.mark.parametrize(
    "options",
    [{}, {"chunked": True, "chunk_size": 4096}, {"encoding": "gzip"}, {"encoding": "deflate"}],
    ids=["length", "chunked", "gzip", "deflate"],
)
def test_a_reply_over_the_limit_is_refused_and_the_transport_goes_on(
    https_server, limited, options, sink
):
    serve(https_server, body_of(LIMIT + 1), **options)
    url = https_server.url("/big")
    chunks = []
    transfer = limited.submit("GET", url, [], sink=chunks.append if sink else None)
    with pytest.raises(ReplyTooLargeError) as caught:
        transfer.result(10)
    assert_refused(caught.value, url)
    assert sum(map(len, chunks)) <= LIMIT
    for _ in range(3):
        assert limited.submit("GET", https_server.url("/small"), []).result(10).body == b"<ok/>"


def test_a_gzip_bomb_is_stopped_near_the_limit(https_server, limited):
    # 32 MB of zeros that cross the wire as less than the limit: what counts is what they
    # decode to.
    bomb = gzip.compress(bytes(32 << 20), 9)
    assert len(bomb) < LIMIT
    https_server.handler = lambda request: Response(
        200, bomb, [("Content-Type", "application/xml"), ("Content-Encoding", "gzip")]
    )
    chunks = []
    url = https_server.url("/big")
    with pytest.raises(ReplyTooLargeError) as caught:
        limited.submit("GET", url, [], sink=chunks.append).result(10)
    assert_refused(caught.value, url)
    assert sum(map(len, chunks)) <= LIMIT
    with pytest.raises(ReplyTooLargeError):
        limited.submit("GET", url, []).result(10)


def test_the_default_limit_is_one_gibibyte(https_server, transport):
    serve(https_server, body_of(LIMIT + 1))
    reply = transport.submit("GET", https_server.url("/big"), []).result(10)
    assert len(reply.body) == LIMIT + 1
    assert inspect.signature(Transport).parameters["max_reply_size"].default == 1 << 30
