"""Transport failures: each fails its own transfer with the right libcurl code and SDK class."""

import time

import pytest

from ovirtsdk4 import ConnectionError, Error, TimeoutError
from ovirtsdk4._curl_errors import CURL_ERRORS, TransferError, error_class
from ovirtsdk4.testing._http import Response

BODY = b"<vms>" + b"<vm/>" * 20000 + b"</vms>"


def fail(transport, url, **kwargs):
    with pytest.raises(TransferError) as info:
        transport.submit("GET", url, [], **kwargs).result(10)
    return info.value


def test_error_table():
    assert error_class(6) is ConnectionError
    assert error_class(7) is ConnectionError
    assert error_class(28) is TimeoutError
    for code in (18, 35, 52, 55, 56, 60, 77, 92):
        assert error_class(code) is ConnectionError
    assert error_class(3) is Error
    assert error_class(23) is Error
    assert error_class(None) is Error
    assert all(issubclass(cls, Error) for cls in CURL_ERRORS.values())


def test_sdk_error_message_and_class():
    err = TransferError(7, "Failed to connect to localhost port 1: Couldn't connect to server")
    assert str(err) == ('(7, "Failed to connect to localhost port 1: Couldn\'t connect to server")')
    sdk = err.as_sdk_error("Error while sending HTTP request: ")
    assert type(sdk) is ConnectionError
    assert str(sdk) == "Error while sending HTTP request: " + str(err)
    assert sdk.code is None
    assert str(TransferError(None, "closed").as_sdk_error("x: ")) == "x: closed"


def test_dns_failure(transport):
    err = fail(transport, "https://no-such-host.invalid/ovirt-engine/api")
    assert err.curl_code == 6
    assert type(err.as_sdk_error()) is ConnectionError


def test_connection_refused(transport, refused_port):
    err = fail(transport, f"https://127.0.0.1:{refused_port}/")
    assert err.curl_code == 7
    assert type(err.as_sdk_error("Failed to read response: ")) is ConnectionError
    assert str(err.as_sdk_error("Failed to read response: ")).startswith(
        "Failed to read response: (7, "
    )


def test_timeout(https_server, make_transport):
    https_server.handler = lambda request: Response(200, b"late", delay=3)
    transport = make_transport(timeout=0.3)
    start = time.monotonic()
    err = fail(transport, https_server.url("/"))
    assert time.monotonic() - start < 2
    assert err.curl_code == 28
    assert type(err.as_sdk_error()) is TimeoutError


def test_per_request_timeout_overrides(https_server, make_transport):
    https_server.handler = lambda request: Response(200, b"late", delay=0.5)
    transport = make_transport(timeout=0.1)
    assert transport.submit("GET", https_server.url("/"), [], timeout=0).result(10).body == b"late"
    assert fail(transport, https_server.url("/")).curl_code == 28


def test_connect_timeout_is_accepted(https_server, make_transport):
    transport = make_transport(connect_timeout=5)
    assert transport.submit("GET", https_server.url("/"), []).result(10).status == 200


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_truncated_body_is_an_error(https_server, http_server, transport, scheme):
    server = https_server if scheme == "https" else http_server
    server.handler = lambda request: Response(200, BODY, truncate_at=len(BODY) // 2)
    err = fail(transport, server.url("/"))
    # Plain HTTP: 18 (partial file). TLS: OpenSSL 3 reports the missing close_notify as an
    # unexpected EOF (56) or libcurl sees the short body (18).
    assert err.curl_code in (18, 56)
    assert type(err.as_sdk_error()) is ConnectionError


def test_truncated_body_to_a_sink_is_an_error(http_server, transport):
    http_server.handler = lambda request: Response(200, BODY, truncate_at=1000)
    chunks = []
    with pytest.raises(TransferError) as info:
        transport.submit("GET", http_server.url("/"), [], sink=chunks.append).result(10)
    assert info.value.curl_code == 18


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_connection_reset_is_an_error(https_server, http_server, transport, scheme):
    server = https_server if scheme == "https" else http_server
    server.handler = lambda request: Response(reset=True)
    err = fail(transport, server.url("/"))
    assert err.curl_code in (52, 55, 56)
    assert type(err.as_sdk_error()) is ConnectionError


def test_reset_on_a_reused_connection(http_server, transport):
    # libcurl retries once on a fresh connection when a reused one dies before the reply;
    # if that fails too, the error surfaces.
    assert transport.submit("GET", http_server.url("/"), []).result(10).status == 200
    http_server.handler = lambda request: Response(reset=True)
    err = fail(transport, http_server.url("/"))
    assert err.curl_code in (52, 55, 56)


def test_a_failed_transfer_fails_only_itself(https_server, transport):
    def handler(request):
        if request.path == "/bad":
            return Response(reset=True)
        if request.path == "/slow-bad":
            return Response(200, BODY, truncate_at=10, delay=0.05)
        return Response(200, request.path.encode())

    https_server.handler = handler
    paths = [f"/ok/{i}" if i % 3 else ("/bad" if i % 2 else "/slow-bad") for i in range(60)]
    transfers = [transport.submit("GET", https_server.url(p), []) for p in paths]
    for path, transfer in zip(paths, transfers, strict=True):
        if path.startswith("/ok/"):
            assert transfer.result(10).body == path.encode()
        else:
            with pytest.raises(TransferError):
                transfer.result(10)
    assert transport.submit("GET", https_server.url("/ok/again"), []).result(10).status == 200


def test_raise_from(transport, refused_port):
    # The Connection's pattern: the SDK error is raised from the TransferError.
    with pytest.raises(ConnectionError) as info:
        try:
            transport.submit("GET", f"http://127.0.0.1:{refused_port}/", []).result(10)
        except TransferError as err:
            raise err.as_sdk_error("Failed to read response: ") from err
    assert isinstance(info.value.__cause__, TransferError)
