"""API.md section 5: what goes on the wire (URL and query, headers, bodies, compression, TLS)."""

import logging

import pytest

from ovirtsdk4 import ConnectionError, Error, types
from ovirtsdk4.testing._http import HttpServer
from ovirtsdk4.writer import Writer

from .conftest import API_PATH, TOKEN_PATH, xml

VM_XML = '<vm id="123"><name>myvm</name></vm>'


@pytest.fixture
def vms(engine, connection):
    engine.api = lambda request: xml(VM_XML if request.method != "GET" else "<vms/>", 200)
    return connection.system_service().vms_service()


def last_target(engine):
    return engine.api_requests[-1].target


# -- H-1 URL and query ----------------------------------------------------------------------


def test_query_sorted_and_form_encoded(engine, vms):
    vms.list(search="name=a b", max=5, all_content=True, query={"z": 1})
    assert last_target(engine) == API_PATH + "/vms?all_content=true&max=5&search=name%3Da+b&z=1"


def test_no_query_no_question_mark(engine, vms):
    vms.list()
    assert last_target(engine) == API_PATH + "/vms"


def test_typed_parameters_are_rendered(engine, vms):
    vms.list(case_sensitive=False, filter=True, max=0, search="user@domain")
    assert last_target(engine) == (
        API_PATH + "/vms?case_sensitive=false&filter=true&max=0&search=user%40domain"
    )
    vms.add(types.Vm(name="x"), auto_pinning_policy=types.AutoPinningPolicy.ADJUST)
    assert last_target(engine) == API_PATH + "/vms?auto_pinning_policy=adjust"


def test_keyword_parameters_get_their_wire_names(engine, connection):
    engine.api = lambda request: xml("<events/>")
    connection.system_service().events_service().list(from_=42, max=1)
    assert last_target(engine) == API_PATH + "/events?from=42&max=1"
    engine.api = lambda request: xml("<x/>")
    connection.service("vms/1").remove(async_=True, force=False)
    assert engine.api_requests[-1].method == "DELETE"
    assert last_target(engine) == API_PATH + "/vms/1?async=true&force=false"


def test_per_call_query_values_are_str(engine, vms):
    vms.list(query={"flag": True, "n": 3, "s": "a&b"})
    assert last_target(engine) == API_PATH + "/vms?flag=True&n=3&s=a%26b"


def test_method_parameters_win_over_the_per_call_query(engine, vms):
    query = {"max": 10, "my": "value"}
    vms.list(max=5, query=query)
    assert last_target(engine) == API_PATH + "/vms?max=5&my=value"
    assert query == {"max": 10, "my": "value"}  # the caller's dict is not changed


@pytest.mark.parametrize(
    ("kwargs", "query"),
    [
        ({"clone": True}, "clone=true"),
        ({"clone": True, "clone_permissions": True}, "clone=true&clone_permissions=true"),
        ({"query": {"my": "value"}}, "my=value"),
        ({"query": {"your": "value", "my": "value"}}, "my=value&your=value"),
    ],
)
def test_h1_examples(engine, vms, kwargs, query):
    vms.add(types.Vm(name="x"), **kwargs)
    assert last_target(engine) == f"{API_PATH}/vms?{query}"


def test_url_is_concatenated_verbatim(engine, connect):
    connection = connect(url=engine.url + "/")
    connection.system_service().vms_service().list()
    assert last_target(engine) == API_PATH + "//vms"


# -- H-2 headers ---------------------------------------------------------------------------


def test_fixed_headers(engine, connection):
    for call in (
        lambda: connection.system_service().get(),
        lambda: connection.service("vms/1").remove(),
    ):
        call()
        request = engine.api_requests[-1]
        assert request.header_all("User-Agent") == ["PythonSDK/4.6.3"]
        assert request.header_all("Version") == ["4"]
        assert request.header_all("Content-Type") == ["application/xml"]
        assert request.header_all("Accept") == ["application/xml"]
        assert request.header_all("Authorization") == ["Bearer token-1"]
        assert request.header("All-Content") is None


def test_connection_headers_then_per_call_headers(engine, connect):
    connection = connect(headers={"X-Conn": "c", "X-Both": "from-connection", "X-Null": None})
    connection.system_service().get(headers={"X-Call": "k", "X-Both": "from-call", "X-Gone": None})
    request = engine.api_requests[-1]
    names = [name for name, _ in request.headers]
    assert names.index("X-Conn") < names.index("X-Call")
    assert request.header_all("X-Both") == ["from-call"]
    assert request.header_all("X-Conn") == ["c"]
    assert request.header("X-Call") == "k"
    assert "X-Gone" not in names
    # The official sends a None of the connection dict as the text None (API.md H-2).
    assert request.header("X-Null") == "None"


def test_per_call_header_replaces_a_fixed_one_once(engine, connection):
    connection.system_service().get(headers={"Version": "3"})
    assert engine.api_requests[-1].header_all("Version") == ["3"]


def test_all_content_header(engine, vms):
    vms.list(all_content=True)
    request = engine.api_requests[-1]
    assert request.header_all("All-Content") == ["true"]
    vms.list(query={"all_content": "false"})
    assert engine.api_requests[-1].header_all("All-Content") == ["false"]
    vms.list(all_content=False)
    assert engine.api_requests[-1].header_all("All-Content") == ["false"]
    vms.list(query={"all_content": None})
    assert engine.api_requests[-1].target.endswith("/vms?all_content=None")
    assert engine.api_requests[-1].header("All-Content") is None


# -- H-3 bodies ----------------------------------------------------------------------------


def test_post_and_put_bodies(engine, connection):
    engine.api = lambda request: xml(VM_XML, 201 if request.method == "POST" else 200)
    vm = types.Vm(name="Žluťoučký", cluster=types.Cluster(name="Default"))
    expected = Writer.write(vm, indent=True).encode("utf-8")
    assert b"\n  <name>" in expected
    assert connection.system_service().vms_service().add(vm).id == "123"
    assert connection.service("vms/123").update(vm).name == "myvm"
    post, put = engine.api_requests
    for request, method in ((post, "POST"), (put, "PUT")):
        assert request.method == method
        assert request.body == expected
        assert request.header_all("Content-Length") == [str(len(expected))]
        assert request.header("Transfer-Encoding") is None
        assert request.header("Expect") is None


def test_large_body_is_not_chunked(engine, connection):
    engine.api = lambda request: xml(VM_XML, 201)
    vm = types.Vm(name="big", description="x" * 2_000_000)
    connection.system_service().vms_service().add(vm)
    (request,) = engine.api_requests
    assert request.header("Transfer-Encoding") is None
    assert int(request.header("Content-Length")) == len(request.body) > 2_000_000


def test_get_and_delete_have_no_body(engine, connection):
    connection.system_service().get()
    connection.service("vms/1").remove()
    get, delete = engine.api_requests
    assert (get.method, delete.method) == ("GET", "DELETE")
    for request in (get, delete):
        assert request.body == b""
        assert request.header("Content-Length") in (None, "0")
        assert request.header("Transfer-Encoding") is None


# -- H-4 compression -----------------------------------------------------------------------


def test_accept_encoding_with_compress(engine, connection):
    connection.system_service().get()
    encodings = engine.api_requests[-1].header("Accept-Encoding")
    assert encodings is not None
    assert {"gzip", "deflate"} <= {e.strip() for e in encodings.split(",")}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"compress": False},
        {"debug": True},
        {"debug": True, "log": logging.getLogger("ovirtsdk4-tests")},
    ],
)
def test_no_accept_encoding(engine, connect, kwargs):
    connect(**kwargs).system_service().get()
    assert engine.api_requests[-1].header("Accept-Encoding") is None
    assert engine.requests[0].header("Accept-Encoding") is None


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_reply_is_decoded(engine, connection, encoding):
    engine.api = lambda request: xml(VM_XML, encoding=encoding)
    vm = connection.service("vms/123").get()
    assert (vm.id, vm.name) == ("123", "myvm")


# -- H-5 TLS -------------------------------------------------------------------------------


def test_ca_file_ok(connection):
    assert connection.test(raise_exception=True) is True


def test_ca_file_as_a_path(engine, connect, tls):
    assert connect(ca_file=tls.ca_cert).test(raise_exception=True) is True


def test_wrong_ca_during_sso(engine, connect, tls):
    connection = connect(ca_file=str(tls.other_ca_cert))
    with pytest.raises(ConnectionError) as info:
        connection.system_service().get()
    assert str(info.value).startswith("Error while sending HTTP request: (60, ")
    assert engine.requests == []


def test_wrong_ca_on_an_api_request(engine, connect, tls):
    connection = connect(ca_file=str(tls.other_ca_cert), token="t")
    with pytest.raises(Error) as info:
        connection.system_service().get()
    assert str(info.value).startswith("Failed to read response: (60, ")
    assert engine.requests == []


def test_insecure_ignores_the_ca(engine, connect, tls):
    connection = connect(ca_file=str(tls.other_ca_cert), insecure=True)
    assert connection.test() is True
    assert [r.path for r in engine.requests] == [TOKEN_PATH, API_PATH]


def test_cn_only_certificate_is_accepted(tls, connect, engine):
    with HttpServer(engine.handle, certfile=tls.cn_only_cert, keyfile=tls.cn_only_key) as server:
        connection = connect(url=server.url(API_PATH, host="localhost"))
        assert connection.test(raise_exception=True) is True
        assert [r.path for r in server.requests] == [TOKEN_PATH, API_PATH]
