"""API.md S-6 and H-6: how replies become results or errors."""

import re

import pytest

from ovirtsdk4 import AuthError, Error, NotFoundError, types
from ovirtsdk4.testing._http import Response, html_error_page

from .conftest import fault, xml

VM_XML = '<vm id="123"><name>myvm</name></vm>'
ACTION_FAULT = (
    "<action><status>failed</status>"
    "<fault><reason>Operation Failed</reason><detail>[Cannot start VM.]</detail></fault>"
    "</action>"
)


@pytest.mark.parametrize("status", [200, 201])
def test_success_with_an_empty_body(engine, connection, status):
    engine.api = lambda request: Response(status)
    vms = connection.system_service().vms_service()
    calls = [vms.list, lambda: vms.add(types.Vm(name="x")), connection.service("vms/1").start]
    if status == 200:
        calls += [connection.system_service().get, lambda: vms.vm_service("1").update(types.Vm())]
    for call in calls:
        with pytest.raises(Error) as info:
            call()
        assert type(info.value) is Error
        assert str(info.value) == f"HTTP response code is {status}."
        assert info.value.code == status


def test_wrong_content_type(engine, connection):
    engine.api = lambda request: Response(200, b"{}", [("Content-Type", "application/json")])
    with pytest.raises(Error) as info:
        connection.system_service().get()
    assert type(info.value) is Error
    assert str(info.value) == "The response content type 'application/json' isn't the expected XML"


def test_wrong_content_type_with_the_path_hint(engine, connect):
    engine.api = lambda request: Response(200, b"<html/>", [("Content-Type", "text/html")])
    connection = connect(url=engine.server.url("/api"))
    with pytest.raises(Error) as info:
        connection.system_service().get()
    assert str(info.value) == (
        "The response content type 'text/html' isn't the expected XML. "
        "Is the path '/api' included in the 'url' parameter correct? "
        "The typical one is '/ovirt-engine/api'"
    )


def test_xml_content_types_with_parameters(engine, connection):
    for content_type in ("application/xml; charset=utf-8", "text/xml", "text/xml;charset=UTF-8"):
        engine.api = lambda request, ct=content_type: xml(VM_XML, content_type=ct)
        assert connection.service("vms/123").get().name == "myvm"


def test_html_error_page_with_500(engine, connection):
    engine.api = lambda request: html_error_page(500)
    with pytest.raises(Error) as info:
        connection.system_service().vms_service().list()
    assert type(info.value) is Error
    assert str(info.value) == (
        "The response content type 'text/html; charset=iso-8859-1' isn't the expected XML"
    )


def test_body_truncated_by_the_connection(engine, connection):
    engine.api = lambda request: xml(VM_XML, truncate_at=10)
    with pytest.raises(Error) as info:
        connection.service("vms/123").get()
    # TLS without close_notify: libcurl reports 56 (unexpected EOF) rather than 18.
    assert re.match(r"Failed to read response: \((18|56), ", str(info.value))


def test_document_truncated_mid_element(engine, connection):
    engine.api = lambda request: xml(VM_XML[:20])
    with pytest.raises(Error):
        connection.service("vms/123").get()


def test_connection_reset(engine, connection):
    connection.authenticate()
    engine.api = lambda request: Response(reset=True)
    with pytest.raises(Error) as info:
        connection.service("vms/123").get()
    assert str(info.value).startswith("Failed to read response: ")


@pytest.mark.parametrize("status", [200, 201, 202])
def test_action_with_a_fault_and_a_success_status(engine, connection, status):
    engine.api = lambda request: xml(ACTION_FAULT, status)
    with pytest.raises(Error) as info:
        connection.service("vms/123").start()
    error = info.value
    assert type(error) is Error
    assert str(error) == (
        f'Fault reason is "Operation Failed". Fault detail is "[Cannot start VM.]". '
        f"HTTP response code is {status}."
    )
    assert error.code == status
    assert error.fault.reason == "Operation Failed"


def test_action_with_a_fault_and_an_error_status(engine, connection):
    engine.api = lambda request: xml(ACTION_FAULT, 403)
    with pytest.raises(AuthError) as info:
        connection.service("vms/123").start()
    assert info.value.code == 403
    assert info.value.fault.detail == "[Cannot start VM.]"


def test_action_with_a_fault_document(engine, connection):
    engine.api = lambda request: fault("Bad", None, 404)
    with pytest.raises(
        NotFoundError, match=r'^Fault reason is "Bad"\. HTTP response code is 404\.$'
    ):
        connection.service("vms/123").stop()


def test_error_status_with_a_non_fault_body(engine, connection):
    engine.api = lambda request: xml(VM_XML, 400)
    with pytest.raises(Error) as info:
        connection.service("vms/123").get()
    assert type(info.value) is Error
    assert str(info.value) == "Expected a fault, but got Vm"


def test_action_reply_that_is_not_an_action(engine, connection):
    engine.api = lambda request: xml(VM_XML)
    with pytest.raises(Error, match="^Expected a fault or action, but got Vm$"):
        connection.service("vms/123").start()


def test_result_type_follows_the_root_tag(engine, connection):
    engine.api = lambda request: xml('<template id="7"/>')
    result = connection.service("vms/123").get()
    assert type(result) is types.Template


# -- H-6 accepted statuses -----------------------------------------------------------------


def test_remove_accepts_only_200(engine, connection):
    engine.api = lambda request: Response(200)
    assert connection.service("vms/1").remove() is None
    engine.api = lambda request: xml("<ignored/>")
    assert connection.service("vms/1").remove() is None
    engine.api = lambda request: Response(204)
    with pytest.raises(Error) as info:
        connection.service("vms/1").remove()
    assert str(info.value) == "HTTP response code is 204."
    assert info.value.code == 204


@pytest.mark.parametrize("status", [200, 201, 202])
def test_add_and_action_accept_200_201_202(engine, connection, status):
    engine.api = lambda request: xml(VM_XML if "start" not in request.path else "<action/>", status)
    assert connection.system_service().vms_service().add(types.Vm()).id == "123"
    assert connection.service("vms/123").start() is None


@pytest.mark.parametrize("status", [201, 202])
def test_get_and_update_accept_only_200(engine, connection, status):
    engine.api = lambda request: xml(VM_XML, status)
    for call in (
        connection.service("vms/123").get,
        lambda: connection.service("vms/123").update(types.Vm()),
        connection.system_service().vms_service().list,
    ):
        with pytest.raises(Error, match="^Expected a fault, but got Vm$"):
            call()


LIST_XML = (
    "<vms>" + "".join(f'<vm id="{i}"><name>vm{i}</name></vm>' for i in range(20000)) + "</vms>"
)


def test_list_reads_a_long_reply_whole(engine, connection):
    engine.api = lambda request: xml(LIST_XML)
    vms = connection.system_service().vms_service().list()
    assert len(LIST_XML) > 1 << 19 and len(vms) == 20000
    assert (vms[0].id, vms[-1].name, vms.href) == ("0", "vm19999", None)


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            lambda: xml(LIST_XML, content_type="application/json"),
            "The response content type 'application/json' isn't the expected XML",
        ),
        (lambda: xml(LIST_XML, truncate_at=300000), r"Failed to read response: \((18|56), "),
        (lambda: xml(LIST_XML[:300000]), r"line 1, column 300000\)"),
        (lambda: xml(LIST_XML.replace('<vm id="9000">', "<vm></nic>")), "mismatch"),
        (lambda: fault("Not here", status=404), "Not here"),
    ],
)
def test_list_reply_errors(engine, connection, reply, message):
    engine.api = lambda request: reply()
    with pytest.raises(Error, match=message):
        connection.system_service().vms_service().list()
    engine.api = lambda request: xml(VM_XML)
    assert connection.service("vms/123").get().name == "myvm"
