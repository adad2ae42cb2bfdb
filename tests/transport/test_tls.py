"""TLS verification against the real local HTTPS server with certificates made at test time."""

import pytest

from ovirtsdk4 import ConnectionError
from ovirtsdk4._transport import TransferError
from ovirtsdk4.testing._http import HttpServer


def get(transport, url):
    return transport.submit("GET", url, []).result(10)


def test_ca_file_ok(https_server, transport):
    assert get(transport, https_server.url("/")).status == 200


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_san_names_and_addresses(tls, make_transport, host):
    with HttpServer(certfile=tls.server_cert, keyfile=tls.server_key, ipv6=True) as server:
        assert get(make_transport(), server.url("/", host=host)).status == 200


def test_wrong_ca_fails_as_connection_error(https_server, tls, make_transport):
    transport = make_transport(ca_file=str(tls.other_ca_cert))
    with pytest.raises(TransferError) as info:
        get(transport, https_server.url("/"))
    assert info.value.curl_code == 60
    error = info.value.as_sdk_error("Failed to read response: ")
    assert type(error) is ConnectionError
    assert str(error).startswith("Failed to read response: (60, ")
    assert https_server.requests == []


def test_system_store_rejects_our_ca(https_server, make_transport):
    transport = make_transport(ca_file=None)
    with pytest.raises(TransferError) as info:
        get(transport, https_server.url("/"))
    assert info.value.curl_code == 60
    assert https_server.requests == []


def test_missing_ca_file_fails_as_connection_error(https_server, make_transport, tmp_path):
    transport = make_transport(ca_file=str(tmp_path / "missing.pem"))
    with pytest.raises(TransferError) as info:
        get(transport, https_server.url("/"))
    assert info.value.curl_code == 77
    assert isinstance(info.value.as_sdk_error(), ConnectionError)


def test_insecure_accepts_an_unknown_ca(https_server, make_transport, tls):
    transport = make_transport(ca_file=str(tls.other_ca_cert), insecure=True)
    assert get(transport, https_server.url("/")).status == 200


def test_insecure_accepts_a_host_name_mismatch(tls, make_transport):
    with HttpServer(certfile=tls.cn_only_cert, keyfile=tls.cn_only_key) as server:
        transport = make_transport(insecure=True)
        assert get(transport, server.url("/", host="127.0.0.1")).status == 200


def test_cn_only_certificate_is_accepted(tls, make_transport):
    # API.md H-5: no subjectAltName, only CN=localhost: libcurl falls back to the CN.
    with HttpServer(certfile=tls.cn_only_cert, keyfile=tls.cn_only_key) as server:
        assert get(make_transport(), server.url("/")).status == 200


def test_cn_only_certificate_still_checks_the_name(tls, make_transport):
    with HttpServer(certfile=tls.cn_only_cert, keyfile=tls.cn_only_key) as server:
        with pytest.raises(TransferError) as info:
            get(make_transport(), server.url("/", host="127.0.0.1"))
    assert info.value.curl_code == 60


def test_tls_1_2_only_server_works(tls, make_transport):
    import ssl

    server = HttpServer(certfile=tls.server_cert, keyfile=tls.server_key)
    server.ssl_context.maximum_version = ssl.TLSVersion.TLSv1_2
    with server:
        assert get(make_transport(), server.url("/")).status == 200


def test_ca_certs_in_memory(https_server, tls, make_transport):
    trusted = make_transport(ca_file=None, ca_certs=tls.ca_cert.read_bytes())
    assert get(trusted, https_server.url("/")).status == 200
    other = make_transport(ca_file=None, ca_certs=tls.other_ca_cert.read_bytes())
    with pytest.raises(TransferError) as info:
        get(other, https_server.url("/"))
    assert info.value.curl_code == 60
    assert len(https_server.requests) == 1
