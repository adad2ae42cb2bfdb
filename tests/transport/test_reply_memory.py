"""A whole body is kept in one growing buffer handed over without a copy: a reply of N bytes
never needs its pieces and their joined copy at once (2 N)."""

import gc
import tracemalloc

import pytest

from ovirtsdk4.testing._http import Response

SIZE = 16 << 20


@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_a_whole_body_peaks_near_its_size(https_server, transport, encoding):
    body = bytes(range(256)) * (SIZE // 256)
    https_server.handler = lambda request: Response(200, body, encoding=encoding)
    url = https_server.url("/")
    transport.submit("GET", url, []).result(30)  # connection and handles made, encoded once
    gc.collect()
    tracemalloc.start()
    try:
        reply = transport.submit("GET", url, []).result(30)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert reply.body == body
    assert peak < 1.2 * SIZE, peak / SIZE
