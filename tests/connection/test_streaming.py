"""``list_iter``: collections read while they download, in constant memory, optionally paged
(ours; not in the official SDK)."""

import gc
import tracemalloc
from urllib.parse import parse_qs

import pytest

from ovirtsdk4 import Error, NotFoundError, types

from .conftest import fault, xml


def vms_document(count, start=0):
    items = "".join(
        f'<vm href="/ovirt-engine/api/vms/{i}" id="{i}"><name>vm-{i}</name>'
        f"<status>up</status><memory>{i * 1024}</memory>"
        f'<cluster href="/ovirt-engine/api/clusters/c" id="c"/>'
        f'<link rel="nics" href="/ovirt-engine/api/vms/{i}/nics"/></vm>'
        for i in range(start, start + count)
    )
    return f'<vms href="/ovirt-engine/api/vms">{items}</vms>'.encode()


def test_list_iter_yields_what_list_returns(engine, connection):
    body = vms_document(2000)
    engine.api = lambda request: xml(body)
    vms = connection.system_service().vms_service()
    listed = vms.list()
    streamed = list(vms.list_iter(search="name=vm-*", max=5000))
    assert [vm.id for vm in streamed] == [vm.id for vm in listed] == [str(i) for i in range(2000)]
    assert all(type(vm) is types.Vm for vm in streamed)
    assert streamed[7].status is types.VmStatus.UP and streamed[7].nics.href.endswith("/7/nics")
    query = parse_qs(engine.api_requests[-1].query)
    assert query == {"search": ["name=vm-*"], "max": ["5000"]}


def _peak_while_iterating(engine, connection, count):
    body = vms_document(count)
    engine.api = lambda request: xml(body)
    vms = connection.system_service().vms_service()
    gc.collect()
    tracemalloc.start()
    try:
        seen = sum(1 for _ in vms.list_iter())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == count
    return peak


def test_list_iter_memory_does_not_grow_with_the_list(engine, connection):
    small = _peak_while_iterating(engine, connection, 5_000)
    large = _peak_while_iterating(engine, connection, 50_000)  # ~12 MB of XML
    assert large < 6_000_000, large
    assert large < small * 2 + 1_000_000, (small, large)


def test_a_paused_stream_does_not_hold_up_other_requests(engine, connection):
    body = vms_document(40_000)  # several megabytes: the transfer pauses while we hold it

    def api(request):
        if request.path.endswith("/vms"):
            return xml(body)
        return xml('<vm id="other"/>')

    engine.api = api
    vms = connection.system_service().vms_service()
    items = vms.list_iter()
    first = next(items)
    others = [vms.vm_service(str(i)).get() for i in range(10)]
    rest = sum(1 for _ in items)
    assert first.id == "0" and [vm.id for vm in others] == ["other"] * 10
    assert rest == 39_999


def test_paging_asks_page_after_page_until_a_short_one(engine, connection):
    def api(request):
        query = parse_qs(request.query)
        page = int(query["search"][0].rsplit(" ", 1)[1])
        size = int(query["max"][0])
        count = size if page < 3 else 1
        return xml(vms_document(count, start=(page - 1) * size))

    engine.api = api
    vms = connection.system_service().vms_service()
    ids = [vm.id for vm in vms.list_iter(search="status=up", page_size=2)]
    assert ids == ["0", "1", "2", "3", "4"]
    searches = [parse_qs(r.query)["search"][0] for r in engine.api_requests]
    assert searches == ["status=up page 1", "status=up page 2", "status=up page 3"]
    assert {parse_qs(r.query)["max"][0] for r in engine.api_requests} == {"2"}


def test_paging_without_search_and_bad_page_sizes(engine, connection):
    engine.api = lambda request: xml(vms_document(0))
    system = connection.system_service()
    assert list(system.vms_service().list_iter(page_size=10)) == []
    assert parse_qs(engine.api_requests[-1].query)["search"] == ["page 1"]
    with pytest.raises(TypeError, match="page_size"):
        system.vms_service().list_iter(page_size=0)
    with pytest.raises(Error, match="can't page"):
        system.vms_service().vm_service("1").nics_service().list_iter(page_size=5)


def test_errors_surface_when_iteration_starts(engine, connection):
    engine.api = lambda request: fault("Entity not found", "vms", status=404)
    items = connection.system_service().vms_service().list_iter()
    with pytest.raises(NotFoundError, match='Fault reason is "Entity not found"') as raised:
        next(items)
    assert raised.value.code == 404


def test_a_wrong_content_type_is_an_error(engine, connection):
    engine.api = lambda request: xml("<html/>", content_type="text/html")
    with pytest.raises(Error, match="isn't the expected XML"):
        list(connection.system_service().vms_service().list_iter())


def test_a_truncated_stream_is_an_error_after_the_items_before_it(engine, connection):
    body = vms_document(3)
    engine.api = lambda request: xml(body, truncate_at=len(body) - 40)
    items = connection.system_service().vms_service().list_iter()
    got = []
    with pytest.raises(Error):
        for vm in items:
            got.append(vm.id)
    assert got == ["0", "1"]


def test_arguments_are_checked_before_anything_is_sent(engine, connection):
    with pytest.raises(TypeError, match="'max' parameter should be of type 'int'"):
        connection.system_service().vms_service().list_iter(max="5")
    assert engine.api_requests == []


def test_stopping_early_abandons_the_transfer(engine, connection):
    body = vms_document(40_000)
    engine.api = lambda request: xml(body if request.path.endswith("/vms") else "<nics/>")
    vms = connection.system_service().vms_service()
    items = vms.list_iter()
    assert next(items).id == "0"
    items.close()
    assert vms.vm_service("0").nics_service().list() == []
