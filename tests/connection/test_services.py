"""API.md section 6 and C-16…C-21: services on the wire, argument checks, navigation,
follow_link and test()."""

import pytest

import ovirtsdk4 as sdk
from ovirtsdk4 import Error, types
from ovirtsdk4.services import SystemService, VmService, VmsService
from ovirtsdk4.testing._http import Response, html_error_page

from .conftest import API_PATH, fault, xml

VM_XML = '<vm id="123"><name>myvm</name></vm>'


def only_api_request(engine):
    (request,) = engine.api_requests
    return request


def test_vms_add_with_clone(engine, connection):
    engine.api = lambda request: xml(VM_XML, 201)
    vm = types.Vm(name="myvm", template=types.Template(name="Blank"))
    result = connection.system_service().vms_service().add(vm, clone=True)
    assert type(result) is types.Vm
    assert (result.id, result.name) == ("123", "myvm")
    request = only_api_request(engine)
    assert (request.method, request.target) == ("POST", API_PATH + "/vms?clone=true")
    assert request.body == (
        b"<vm>\n  <name>myvm</name>\n  <template>\n    <name>Blank</name>\n  </template>\n</vm>\n"
    )


def test_vm_start_with_vm(engine, connection):
    engine.api = lambda request: xml("<action><status>complete</status></action>")
    vm_service = connection.system_service().vms_service().vm_service("123")
    assert vm_service.start(use_cloud_init=True, vm=types.Vm(name="x"), **{"async": True}) is None
    request = only_api_request(engine)
    assert (request.method, request.target) == ("POST", API_PATH + "/vms/123/start")
    assert request.body == (
        b"<action>\n  <async>true</async>\n  <use_cloud_init>true</use_cloud_init>\n"
        b"  <vm>\n    <name>x</name>\n  </vm>\n</action>\n"
    )


def test_action_without_arguments_posts_an_empty_action(engine, connection):
    engine.api = lambda request: xml("<action/>")
    connection.service("vms/123").stop(query={"correlation_id": "c1"})
    request = only_api_request(engine)
    assert request.target == API_PATH + "/vms/123/stop?correlation_id=c1"
    assert request.body == b"<action/>\n"


def test_is_attached_returns_the_bool(engine, connection):
    engine.api = lambda request: xml("<action><is_attached>true</is_attached></action>")
    sd = connection.system_service().storage_domains_service().storage_domain_service("sd1")
    assert sd.is_attached(host=types.Host(name="h1")) is True
    request = only_api_request(engine)
    assert request.target == API_PATH + "/storagedomains/sd1/isattached"
    assert b"<host>\n    <name>h1</name>\n  </host>" in request.body


def test_ticket_returns_the_ticket(engine, connection):
    engine.api = lambda request: xml(
        "<action><ticket><expiry>120</expiry><value>abc</value></ticket></action>"
    )
    ticket = connection.service("vms/123").ticket(ticket=types.Ticket(expiry=120))
    assert type(ticket) is types.Ticket
    assert (ticket.value, ticket.expiry) == ("abc", 120)
    assert only_api_request(engine).target == API_PATH + "/vms/123/ticket"


def test_host_install_using_root_password_posts_to_install(engine, connection):
    engine.api = lambda request: xml("<action/>")
    host = connection.system_service().hosts_service().host_service("h1")
    host.install_using_root_password(
        root_password="secret", host=types.Host(override_iptables=True), reboot=False
    )
    request = only_api_request(engine)
    assert request.target == API_PATH + "/hosts/h1/install"
    assert request.body == (
        b"<action>\n  <host>\n    <override_iptables>true</override_iptables>\n  </host>\n"
        b"  <reboot>false</reboot>\n  <root_password>secret</root_password>\n</action>\n"
    )


def test_import_posts_to_import(engine, connection):
    engine.api = lambda request: xml("<action/>")
    template = connection.service("storagedomains/sd1/templates/t1")
    template.import_(
        storage_domain=types.StorageDomain(name="export"),
        cluster=types.Cluster(name="c"),
        clone=True,
    )
    request = only_api_request(engine)
    assert request.target == API_PATH + "/storagedomains/sd1/templates/t1/import"
    assert request.body == (
        b"<action>\n  <clone>true</clone>\n  <cluster>\n    <name>c</name>\n  </cluster>\n"
        b"  <storage_domain>\n    <name>export</name>\n  </storage_domain>\n</action>\n"
    )


def test_update_and_remove(engine, connection):
    engine.api = lambda request: xml(VM_XML)
    vm_service = connection.service("vms/123")
    assert vm_service.update(types.Vm(name="new"), async_=False).name == "myvm"
    assert vm_service.remove(**{"async": True}, template="ignored", detach_only=True) is None
    put, delete = engine.api_requests
    assert (put.method, put.target) == ("PUT", API_PATH + "/vms/123?async=false")
    assert put.body == b"<vm>\n  <name>new</name>\n</vm>\n"
    assert (delete.method, delete.target) == (
        "DELETE",
        API_PATH + "/vms/123?async=true&detach_only=true",
    )


def test_list_returns_a_list(engine, connection):
    engine.api = lambda request: xml('<vms><vm id="1"/><vm id="2"/></vms>')
    result = connection.system_service().vms_service().list(search="name=x")
    assert isinstance(result, sdk.List)
    assert [vm.id for vm in result] == ["1", "2"]
    engine.api = lambda request: xml("<vms/>")
    assert connection.system_service().vms_service().list() == []


# -- S-4 argument checks -------------------------------------------------------------------


def test_type_check_messages():
    with pytest.raises(TypeError) as info:
        VmService(None, None).start(use_cloud_init="true", vm=types.Disk())
    assert str(info.value) == (
        "The 'use_cloud_init' parameter should be of type 'bool', but it is of type 'str'. "
        "The 'vm' parameter should be of type 'Vm', but it is of type 'Disk'."
    )
    with pytest.raises(TypeError) as info:
        VmsService(None, "/vms").vm_service(types.Vm())
    assert str(info.value) == "The 'id' parameter should be of type 'str', but it is of type 'Vm'."
    with pytest.raises(TypeError) as info:
        VmsService(None, "/vms").list(max=True)
    assert (
        str(info.value) == "The 'max' parameter should be of type 'int', but it is of type 'bool'."
    )
    with pytest.raises(TypeError) as info:
        VmsService(None, "/vms").add(types.Template(), clone=1)
    assert str(info.value) == (
        "The 'vm' parameter should be of type 'Vm', but it is of type 'Template'. "
        "The 'clone' parameter should be of type 'bool', but it is of type 'int'."
    )


def test_literal_async_is_type_checked():
    # (the official raises a TypeError of the writer here, with another message)
    with pytest.raises(TypeError):
        VmService(None, None).start(**{"async": "yes"})
    with pytest.raises(TypeError):
        VmService(None, None).remove(**{"async": 1})


def test_type_errors_send_nothing(engine, connection):
    with pytest.raises(TypeError):
        connection.system_service().vms_service().list(max="5")
    assert engine.requests == []


# -- navigation ----------------------------------------------------------------------------


def test_locators_and_str(connection):
    system = connection.system_service()
    assert system is connection.system_service()
    assert type(system) is SystemService
    assert str(system) == "SystemService:"
    vms = system.vms_service()
    assert str(vms) == "VmsService:/vms"
    vm = vms.vm_service("123")
    assert str(vm) == "VmService:/vms/123"
    assert str(vm.disk_attachments_service()) == "DiskAttachmentsService:/vms/123/diskattachments"
    assert str(system.data_centers_service()) == "DataCentersService:/datacenters"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", "SystemService:"),
        ("vms", "VmsService:/vms"),
        ("vms/", "VmsService:/vms"),
        ("vms/123", "VmService:/vms/123"),
        ("vms/123/diskattachments", "DiskAttachmentsService:/vms/123/diskattachments"),
        ("vms/123/diskattachments/d1", "DiskAttachmentService:/vms/123/diskattachments/d1"),
        (
            "datacenters/1/storagedomains/2",
            "AttachedStorageDomainService:/datacenters/1/storagedomains/2",
        ),
        (
            "storagedomains/1/templates/5",
            "StorageDomainTemplateService:/storagedomains/1/templates/5",
        ),
    ],
)
def test_service_path(connection, path, expected):
    assert str(connection.service(path)) == expected


def test_service_path_on_a_service(connection):
    vm = connection.service("vms/123")
    assert vm.service("") is vm
    assert str(vm.service("nics/n1")) == "VmNicService:/vms/123/nics/n1"


@pytest.mark.parametrize(
    ("path", "rest"),
    [("vms/123/foo/bar", "foo/bar"), ("nothing", "nothing"), ("vms/1/nics/2/zzz", "zzz")],
)
def test_unknown_path(connection, path, rest):
    with pytest.raises(Error) as info:
        connection.service(path)
    assert type(info.value) is Error
    assert str(info.value) == f'The path "{rest}" doesn\'t correspond to any service'


# -- follow_link and test() ----------------------------------------------------------------


def test_follow_link_on_a_list(engine, connection):
    engine.api = lambda request: xml('<nics><nic id="n1"><name>eth0</name></nic></nics>')
    nics = connection.follow_link(sdk.List(href=API_PATH + "/vms/123/nics"))
    assert [nic.name for nic in nics] == ["eth0"]
    request = only_api_request(engine)
    assert (request.method, request.target) == ("GET", API_PATH + "/vms/123/nics")


def test_follow_link_on_a_reference(engine, connection):
    engine.api = lambda request: xml('<cluster id="c1"><name>Default</name></cluster>')
    vm = types.Vm(cluster=types.Cluster(id="c1"))
    vm.cluster.href = API_PATH + "/clusters/c1"
    assert connection.is_link(vm.cluster)
    cluster = connection.follow_link(vm.cluster)
    assert type(cluster) is types.Cluster
    assert cluster.name == "Default"
    assert only_api_request(engine).target == API_PATH + "/clusters/c1"


def test_follow_link_errors(engine, connection):
    with pytest.raises(Error) as info:
        connection.follow_link(types.Cluster(id="c1"))
    assert str(info.value) == "Can't follow link because the 'href' attribute does't have a value"
    elsewhere = types.Cluster(id="c1")
    elsewhere.href = "/api/clusters/c1"
    with pytest.raises(Error) as info:
        connection.follow_link(elsewhere)
    assert str(info.value) == (
        "The URL '/api/clusters/c1' isn't compatible with the base URL of the connection"
    )
    assert not connection.is_link(types.Cluster(id="c1"))
    assert engine.requests == []


def test_test_true(engine, connection):
    assert connection.test() is True
    request = only_api_request(engine)
    assert (request.method, request.target) == ("GET", API_PATH)


def test_test_false_and_raise(engine, connection):
    engine.api = lambda request: fault("Down", None, 503)
    assert connection.test() is False
    with pytest.raises(Error, match=r'^Fault reason is "Down"\. HTTP response code is 503\.$'):
        connection.test(raise_exception=True)


def test_test_with_a_transport_failure(tls, refused_port):
    connection = sdk.Connection(
        url=f"https://127.0.0.1:{refused_port}/ovirt-engine/api",
        username="a",
        password="b",
        ca_file=str(tls.ca_cert),
    )
    assert connection.test() is False
    with pytest.raises(sdk.ConnectionError):
        connection.test(raise_exception=True)
    connection.close()


def test_test_wraps_other_exceptions(engine, connection):
    engine.api = lambda request: html_error_page(502)
    assert connection.test() is False
    engine.api = lambda request: Response(200, b"<api>", [("Content-Type", "application/xml")])
    with pytest.raises(Error):
        connection.test(raise_exception=True)
