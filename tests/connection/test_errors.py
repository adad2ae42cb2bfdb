"""API.md E-3: which error class and message each failure gives, with a real engine."""

import pytest

import ovirtsdk4 as sdk
from ovirtsdk4 import AuthError, ConnectionError, Error, NotFoundError, TimeoutError, types
from ovirtsdk4.testing._http import Response

from .conftest import fault, xml


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_are_auth_errors(engine, connection, status):
    engine.api = lambda request: fault("Forbidden", "No permission", status)
    with pytest.raises(AuthError) as info:
        connection.system_service().vms_service().list()
    error = info.value
    assert type(error) is AuthError
    assert error.code == status
    assert str(error) == (
        f'Fault reason is "Forbidden". Fault detail is "No permission". '
        f"HTTP response code is {status}."
    )
    assert isinstance(error.fault, types.Fault)
    assert error.fault.detail == "No permission"


def test_404_with_a_fault(engine, connection):
    engine.api = lambda request: fault("Operation Failed", "Entity not found: 123", 404)
    with pytest.raises(NotFoundError) as info:
        connection.service("vms/123").get()
    error = info.value
    assert error.code == 404
    assert error.fault.reason == "Operation Failed"
    assert str(error) == (
        'Fault reason is "Operation Failed". Fault detail is "Entity not found: 123". '
        "HTTP response code is 404."
    )


def test_404_without_a_fault(engine, connection):
    engine.api = lambda request: Response(404)
    with pytest.raises(NotFoundError) as info:
        connection.service("vms/123").get()
    assert str(info.value) == "HTTP response code is 404."
    assert info.value.code == 404
    assert info.value.fault is None


@pytest.mark.parametrize(
    ("reason", "detail", "message"),
    [
        (
            "Operation Failed",
            "[Cannot add VM. Name in use.]",
            'Fault reason is "Operation Failed". Fault detail is "[Cannot add VM. Name in use.]". '
            "HTTP response code is 409.",
        ),
        ("Conflict", None, 'Fault reason is "Conflict". HTTP response code is 409.'),
        (None, "only a detail", 'Fault detail is "only a detail". HTTP response code is 409.'),
        (None, None, "HTTP response code is 409."),
    ],
)
def test_other_statuses_are_plain_errors(engine, connection, reason, detail, message):
    engine.api = lambda request: fault(reason, detail, 409)
    with pytest.raises(Error) as info:
        connection.system_service().vms_service().add(types.Vm(name="x"))
    error = info.value
    assert type(error) is Error
    assert str(error) == message
    assert error.code == 409
    assert isinstance(error.fault, types.Fault)
    assert error.fault.reason == reason


def test_500_empty_body(engine, connection):
    engine.api = lambda request: Response(500)
    with pytest.raises(Error) as info:
        connection.system_service().get()
    assert type(info.value) is Error
    assert str(info.value) == "HTTP response code is 500."
    assert info.value.code == 500


# -- transport failures ---------------------------------------------------------------------


def test_dns_failure_during_sso(tls):
    connection = sdk.Connection(
        url="https://engine.invalid/ovirt-engine/api",
        username="admin@internal",
        password="x",
        ca_file=str(tls.ca_cert),
    )
    with pytest.raises(ConnectionError) as info:
        connection.system_service().get()
    assert str(info.value).startswith("Error while sending HTTP request: (6, ")
    assert info.value.code is None
    connection.close()


def test_invalid_ipv4_address_is_a_dns_failure(tls):
    connection = sdk.Connection(
        url="https://300.300.300.300/ovirt-engine/api", username="a", password="b", insecure=True
    )
    with pytest.raises(ConnectionError) as info:
        connection.authenticate()
    assert str(info.value).startswith("Error while sending HTTP request: ")
    connection.close()


def test_refused_port_during_sso(tls, refused_port):
    connection = sdk.Connection(
        url=f"https://127.0.0.1:{refused_port}/ovirt-engine/api",
        username="admin@internal",
        password="x",
        ca_file=str(tls.ca_cert),
    )
    with pytest.raises(ConnectionError) as info:
        connection.authenticate()
    assert str(info.value).startswith("Error while sending HTTP request: (7, ")
    connection.close()


def test_refused_port_on_an_api_request(tls, refused_port):
    connection = sdk.Connection(
        url=f"https://127.0.0.1:{refused_port}/ovirt-engine/api",
        token="abc",
        ca_file=str(tls.ca_cert),
    )
    with pytest.raises(Error) as info:
        connection.system_service().get()
    assert str(info.value).startswith("Failed to read response: (7, ")
    assert info.value.code is None
    connection.close(logout=False)


def test_dns_failure_on_an_api_request(tls):
    connection = sdk.Connection(
        url="https://engine.invalid/ovirt-engine/api", token="abc", ca_file=str(tls.ca_cert)
    )
    with pytest.raises(Error) as info:
        connection.system_service().vms_service().list()
    assert str(info.value).startswith("Failed to read response: (6, ")
    connection.close(logout=False)


def test_api_timeout(engine, connect):
    engine.api = lambda request: xml("<api/>", delay=3)
    connection = connect(timeout=1)
    connection.authenticate()
    with pytest.raises(Error) as info:
        connection.system_service().get()
    assert str(info.value).startswith("Failed to read response: (28, ")
    # A subclass is allowed (API.md V-2); ours is the TimeoutError of the SDK.
    assert isinstance(info.value, TimeoutError)


def test_sso_timeout_is_an_error_with_the_sso_prefix(engine, connect):
    slow = engine.routes["/ovirt-engine/sso/oauth/token"]
    engine.routes["/ovirt-engine/sso/oauth/token"] = lambda request: Response(
        **{**vars(slow(request)), "delay": 3}
    )
    connection = connect(timeout=1)
    with pytest.raises(TimeoutError) as info:
        connection.authenticate()
    assert str(info.value).startswith("Error while sending HTTP request: (28, ")


@pytest.mark.parametrize("where", ["connection", "call"])
def test_non_ascii_header_value(engine, connect, where):
    if where == "connection":
        connection = connect(token="abc", headers={"X-Name": "héllo"})
        call_headers = None
    else:
        connection = connect(token="abc")
        call_headers = {"X-Name": "héllo"}
    with pytest.raises(Error) as info:
        connection.system_service().get(headers=call_headers)
    assert type(info.value) is Error
    assert str(info.value) == (
        "The value 'héllo' of header 'X-Name' contains characters that can't be encoded "
        "using ASCII, as required by the HTTP protocol."
    )
    assert engine.requests == []


def test_header_with_a_line_break_is_an_error_and_nothing_is_sent(engine, connect):
    connection = connect(token="abc")
    with pytest.raises(Error):
        connection.system_service().get(headers={"X-Name": "a\r\nInjected: yes"})
    assert engine.requests == []


# -- constructor errors ---------------------------------------------------------------------


def test_url_is_mandatory():
    with pytest.raises(Error) as info:
        sdk.Connection(username="a", password="b")
    assert type(info.value) is Error
    assert str(info.value) == "The 'url' parameter is mandatory"
    with pytest.raises(Error, match="^The 'url' parameter is mandatory$"):
        sdk.ConnectionBuilder(url=None).build()


def test_missing_ca_file(tmp_path):
    path = str(tmp_path / "missing.pem")
    with pytest.raises(Error) as info:
        sdk.Connection(url="https://localhost/ovirt-engine/api", ca_file=path)
    assert type(info.value) is Error
    assert str(info.value) == f"The CA file '{path}' doesn't exist"
    # insecure skips the check
    sdk.Connection(url="https://localhost/ovirt-engine/api", ca_file=path, insecure=True).close()


def test_empty_ca_file_counts_as_missing():
    with pytest.raises(Error) as info:
        sdk.Connection(url="https://localhost/ovirt-engine/api", ca_file="")
    assert str(info.value) == "The CA file '' doesn't exist"
    sdk.Connection(url="https://localhost/ovirt-engine/api", ca_file="", insecure=True).close()


def test_ca_certs_checks(tls):
    url = "https://localhost/ovirt-engine/api"
    pem = tls.ca_cert.read_bytes()
    with pytest.raises(Error, match="^The 'ca_file' and 'ca_certs' parameters can't be used"):
        sdk.Connection(url=url, ca_file=str(tls.ca_cert), ca_certs=pem)
    with pytest.raises(Error, match="^The 'ca_certs' parameter holds no PEM certificate$"):
        sdk.Connection(url=url, ca_certs=b"not a certificate")
    with pytest.raises(TypeError, match="'ca_certs' parameter must be PEM"):
        sdk.Connection(url=url, ca_certs=bytearray(pem))
    # insecure skips the checks, as it does for ca_file
    sdk.Connection(url=url, ca_certs=b"not a certificate", insecure=True).close()


def test_ca_certs_as_text_serve_sso_and_api(engine, connect, tls):
    connection = connect(ca_file=None, ca_certs=tls.ca_cert.read_text())
    assert connection.test(raise_exception=True)
    assert engine.sso_requests() and engine.api_requests
