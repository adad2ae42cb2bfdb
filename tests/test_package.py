"""The package layout (API.md M-1 … M-3), the error tree (E-1, E-2) and the placeholders of
parts that later work fills in."""

import builtins
import pickle
import subprocess
import sys

import pytest

import ovirtsdk4

SUBMODULES = [
    "http",
    "types",
    "services",
    "readers",
    "writers",
    "reader",
    "writer",
    "service",
    "xml",
]


def test_plain_import_exposes_the_submodules(tmp_path):
    code = "import ovirtsdk4 as s; print(' '.join(type(getattr(s, n)).__name__ for n in %r))"
    out = subprocess.run(
        [sys.executable, "-c", code % SUBMODULES],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.split()
    assert out == ["module"] * len(SUBMODULES)


def test_pycurl_is_loaded_with_the_first_connection_not_with_the_package(tmp_path):
    code = (
        "import sys, ovirtsdk4; before = 'pycurl' in sys.modules; "
        "ovirtsdk4.Connection('https://e/ovirt-engine/api', insecure=True).close(); "
        "print(before, 'pycurl' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.split()
    assert out == ["False", "True"]


def test_version():
    from ovirtsdk4.version import VERSION

    assert VERSION == ovirtsdk4.get_version() == "4.6.3"


@pytest.mark.parametrize("name", ["AuthError", "ConnectionError", "NotFoundError", "TimeoutError"])
def test_error_classes_derive_from_error_only(name):
    cls = getattr(ovirtsdk4, name)
    assert cls.__bases__ == (ovirtsdk4.Error,)
    assert not issubclass(cls, (builtins.ConnectionError, builtins.TimeoutError))


def test_error_attributes_and_pickling():
    fault = ovirtsdk4.types.Fault(reason="Operation Failed", detail="[busy]")
    error = ovirtsdk4.NotFoundError("HTTP response code is 404.", code=404, fault=fault)
    assert str(error) == "HTTP response code is 404."
    assert (error.code, error.fault) == (404, fault)
    plain = ovirtsdk4.Error("boom")
    assert (plain.code, plain.fault) == (None, None)
    clone = pickle.loads(pickle.dumps(error))
    assert (type(clone), str(clone), clone.code, clone.fault.reason) == (
        ovirtsdk4.NotFoundError,
        "HTTP response code is 404.",
        404,
        "Operation Failed",
    )


def test_xml_error_is_a_documented_error_with_a_position():
    error = ovirtsdk4.XmlError("Premature end of data", line=3, column=7)
    assert isinstance(error, ovirtsdk4.Error)
    assert (error.line, error.column, error.code) == (3, 7, None)


def test_connection_checks_its_arguments(tmp_path):
    with pytest.raises(ovirtsdk4.Error, match="^The 'url' parameter is mandatory$"):
        ovirtsdk4.Connection()
    missing = tmp_path / "missing.pem"
    with pytest.raises(ovirtsdk4.Error, match=f"^The CA file '{missing}' doesn't exist$"):
        ovirtsdk4.Connection(url="https://e/ovirt-engine/api", ca_file=str(missing))
    with pytest.raises(ovirtsdk4.Error, match="^The CA file '' doesn't exist$"):
        ovirtsdk4.Connection(url="https://e/ovirt-engine/api", ca_file="")
    connection = ovirtsdk4.Connection("https://e/ovirt-engine/api", ca_file="", insecure=True)
    assert connection.url == "https://e/ovirt-engine/api"
    with connection as entered:
        assert entered is connection


def test_builder_makes_a_new_connection_each_time():
    builder = ovirtsdk4.ConnectionBuilder(url="https://e/ovirt-engine/api", insecure=True)
    first, second = builder.build(), builder.build()
    assert first is not second and first.url == second.url == "https://e/ovirt-engine/api"


def test_request_and_response_defaults():
    request = ovirtsdk4.http.Request()
    assert (request.method, request.path, request.query, request.headers, request.body) == (
        "GET",
        "",
        {},
        {},
        None,
    )
    response = ovirtsdk4.http.Response(body=b"<vm/>", code=200)
    assert (response.body, response.code, response.headers, response.message) == (
        b"<vm/>",
        200,
        {},
        None,
    )


def test_service_base_does_no_io():
    service = ovirtsdk4.service.Service(None, "/vms")
    assert str(service) == "Service:/vms"
