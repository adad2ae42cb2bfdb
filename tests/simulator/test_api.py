"""The simulator through the real client: method kinds, search, paging, follow, links."""

import uuid

import pytest

import ovirtsdk4
from ovirtsdk4 import types
from ovirtsdk4.testing import model
from ovirtsdk4.testing.engine import API_PREFIX


def test_root_and_every_top_level_collection_lists(connection):
    system = connection.system_service()
    api = system.get()
    assert api.product_info.name == "oVirt Engine"
    assert api.special_objects.blank_template.id == "00000000-0000-0000-0000-000000000000"
    assert api.summary.vms.total >= 40
    root = model.service_info(type(system))
    listed = 0
    for segment, cls in sorted(root.locators.items()):
        service = system.service(segment)
        if "list" in model.service_info(cls).methods:
            assert isinstance(service.list(), list), segment
            listed += 1
    assert listed > 30


def test_every_sub_collection_of_a_vm_lists(connection):
    vms = connection.system_service().vms_service()
    vm = vms.list(max=1)[0]
    vm_service = vms.vm_service(vm.id)
    info = model.service_info(type(vm_service))
    for segment, cls in info.locators.items():
        if "list" in model.service_info(cls).methods:
            assert isinstance(vm_service.service(segment).list(), list), segment


# Resource types chosen generically: every top-level collection whose entity service has get,
# update and remove, whose type has a name, and that an object with just a name (plus the
# references below) can be added to.
def _crud_cases():
    root = model.service_info(model.root_service())
    cases = []
    for segment, cls in sorted(root.locators.items()):
        info = model.service_info(cls)
        if not info.is_collection or "add" not in info.methods:
            continue
        entity = model.service_info(info.id_child)
        if not {"get", "update", "remove"} <= set(entity.methods):
            continue
        etype = model.collection_type(cls, segment, None)
        if etype is None or "name" not in {m.name for m in model.struct_info(etype).members}:
            continue
        cases.append((segment, etype))
    return cases


_REFS = {
    types.Vm: {"cluster": types.Cluster(name="Default"), "template": types.Template(name="Blank")},
    types.Cluster: {"data_center": types.DataCenter(name="Default")},
    types.Network: {"data_center": types.DataCenter(name="Default")},
    types.Host: {"address": "new.example.com"},
    types.Template: {"vm": types.Vm(name="vm00001")},
    types.Disk: {"provisioned_size": 1 << 30},
}

CRUD = _crud_cases()


def test_there_are_enough_crud_cases():
    assert len(CRUD) >= 8
    assert {"vms", "clusters", "tags", "datacenters"} <= {segment for segment, _ in CRUD}


@pytest.mark.parametrize("segment,etype", CRUD, ids=[c[0] for c in CRUD])
def test_add_get_update_list_remove(connection, segment, etype):
    system = connection.system_service()
    collection = system.service(segment)
    name = f"t-{uuid.uuid4().hex[:8]}"
    obj = etype(name=name, **_REFS.get(etype, {}))
    added = collection.add(obj)
    assert type(added) is etype
    assert added.id and added.name == name
    assert added.href == f"{API_PREFIX}/{segment}/{added.id}"
    service = collection.service(added.id)
    assert service.get().name == name
    updated = service.update(etype(description="changed"))
    assert updated.description == "changed" and updated.name == name
    assert service.get().description == "changed"
    assert added.id in {o.id for o in collection.list()}
    if etype is types.Host:
        service.deactivate()  # the engine removes hosts in maintenance only
    service.remove()
    with pytest.raises(ovirtsdk4.NotFoundError) as info:
        service.get()
    assert info.value.code == 404 and info.value.fault is not None


def test_add_resolves_references_and_emits_links(connection):
    vms = connection.system_service().vms_service()
    vm = vms.add(
        types.Vm(
            name="refs-vm",
            cluster=types.Cluster(name="Default"),
            template=types.Template(name="Blank"),
        )
    )
    try:
        cluster = connection.follow_link(vm.cluster)
        assert cluster.name == "Default"
        assert vm.cluster.href == f"{API_PREFIX}/clusters/{cluster.id}"
        assert vm.disk_attachments.href == f"{vm.href}/diskattachments"
        assert connection.follow_link(vm.disk_attachments) == []
        assert connection.follow_link(vm.nics) == []
    finally:
        vms.vm_service(vm.id).remove()


def test_sub_collection_add_and_disk_lifecycle(fresh):
    sim = fresh(2)
    with sim.connection() as connection:
        vms = connection.system_service().vms_service()
        vm = vms.list(search="status=down", max=1)[0]
        attachments = vms.vm_service(vm.id).disk_attachments_service()
        attachment = attachments.add(
            types.DiskAttachment(
                disk=types.Disk(
                    name="extra", provisioned_size=1 << 30, format=types.DiskFormat.COW
                ),
                interface=types.DiskInterface.VIRTIO,
                bootable=False,
                active=True,
            )
        )
        disk_service = connection.system_service().disks_service().disk_service(attachment.id)
        # Disks are created locked; the next request sees them ok (no delay configured).
        assert connection.follow_link(attachment.disk).status in (
            types.DiskStatus.LOCKED,
            types.DiskStatus.OK,
        )
        assert disk_service.get().status == types.DiskStatus.OK
        nics = vms.vm_service(vm.id).nics_service()
        nic = nics.add(types.Nic(name="nic9", interface=types.NicInterface.VIRTIO))
        assert nic.href == f"{API_PREFIX}/vms/{vm.id}/nics/{nic.id}"
        assert {n.name for n in nics.list()} >= {"nic1", "nic9"}
        nics.nic_service(nic.id).remove()
        assert "nic9" not in {n.name for n in nics.list()}


def test_inline_children_go_to_sub_collections(connection):
    vms = connection.system_service().vms_service()
    vm = vms.add(
        types.Vm(
            name="inline-vm",
            cluster=types.Cluster(name="Default"),
            template=types.Template(name="Blank"),
            nics=[types.Nic(name="a"), types.Nic(name="b")],
        )
    )
    try:
        assert sorted(n.name for n in connection.follow_link(vm.nics)) == ["a", "b"]
    finally:
        vms.vm_service(vm.id).remove()


@pytest.mark.parametrize(
    "search,expected",
    [
        ("name=vm00003", ["vm00003"]),
        ("name=vm0000*", [f"vm0000{i}" for i in range(10)]),
        ("name=VM00003", []),
        ("name=vm0000* and name!=vm00001", [f"vm0000{i}" for i in range(10) if i != 1]),
        ("name=vm00001 or name=vm00002", ["vm00001", "vm00002"]),
        ('name="vm00004"', ["vm00004"]),
        ("Vms: name=vm00005", ["vm00005"]),
    ],
)
def test_search(connection, search, expected):
    found = connection.system_service().vms_service().list(search=search)
    assert sorted(v.name for v in found) == expected


def test_search_case_insensitive_status_and_references(connection, sim):
    vms = connection.system_service().vms_service()
    assert [v.name for v in vms.list(search="name=VM00003", case_sensitive=False)] == ["vm00003"]
    up = vms.list(search="status=up")
    stored = [v for v in sim.engine.list("/vms") if v.status == types.VmStatus.UP]
    assert {v.id for v in up} == {v.id for v in stored} and up
    default = sim.engine.find(types.Cluster, "Default")
    in_default = vms.list(search="cluster=Default")
    assert in_default and all(v.cluster.id == default.id for v in in_default)
    assert {v.id for v in vms.list(search="cluster.name=Default")} == {v.id for v in in_default}
    both = vms.list(search="cluster=Default and status=up")
    assert {v.id for v in both} == {v.id for v in in_default if v.status == types.VmStatus.UP}
    hosts = connection.system_service().hosts_service()
    assert all(h.status == types.HostStatus.UP for h in hosts.list(search="status=up"))


@pytest.mark.parametrize(
    "bad", ["name=", "name=a and", "foo bar", "nosuchfield=1", "page x", "name=a and and name=b"]
)
def test_unknown_search_syntax_is_a_400_fault(connection, bad):
    with pytest.raises(ovirtsdk4.Error) as info:
        connection.system_service().vms_service().list(search=bad)
    assert info.value.code == 400
    assert info.value.fault is not None


def test_max_and_paging(connection):
    vms = connection.system_service().vms_service()
    assert len(vms.list(max=7)) == 7
    everything = [v.name for v in vms.list(search="name=vm* sortby name asc")]
    assert everything == sorted(everything)
    pages = [
        [v.name for v in vms.list(search=f"name=vm* sortby name asc page {n}", max=10)]
        for n in (1, 2, 3, 4, 5)
    ]
    assert sum(pages, []) == everything[:50]
    assert pages[0] == everything[:10] and pages[1] == everything[10:20]
    assert vms.list(search="name=vm* page 99", max=10) == []
    descending = [v.name for v in vms.list(search="sortby name desc", max=3)]
    assert descending == sorted(descending, reverse=True)


def test_follow_on_list_and_get(connection, sim):
    vms = connection.system_service().vms_service()
    listed = vms.list(search="name=vm00002", follow="disk_attachments.disk,nics,cluster")
    vm = listed[0]
    stored = sim.engine.list(f"/vms/{vm.id}/diskattachments")
    assert len(vm.disk_attachments) == len(stored) > 0
    assert vm.disk_attachments[0].disk.id == stored[0].disk.id
    assert vm.disk_attachments[0].disk.name.startswith("vm00002_disk")
    assert vm.disk_attachments[0].disk.provisioned_size > 0
    assert [n.name for n in vm.nics] == ["nic1"]
    assert vm.cluster.name is not None
    got = vms.vm_service(vm.id).get(follow="nics")
    assert got.nics[0].mac.address == vm.nics[0].mac.address
    with pytest.raises(ovirtsdk4.Error) as info:
        vms.vm_service(vm.id).get(follow="nosuchthing")
    assert info.value.code == 400


def test_hrefs_resolve_with_follow_link(connection):
    system = connection.system_service()
    host = system.hosts_service().list(max=1)[0]
    assert connection.follow_link(host).id == host.id
    nics = connection.follow_link(host.nics)
    assert [n.name for n in nics] == ["eth0", "eth1"]
    assert connection.follow_link(nics[0]).name == "eth0"
    stats = connection.follow_link(host.statistics)
    assert {s.name for s in stats} >= {"memory.installed", "memory.used"}
    vm = system.vms_service().list(max=1)[0]
    assert connection.follow_link(vm.template).id is not None
    for rel in ("snapshots", "permissions", "tags", "affinity_labels", "statistics"):
        items = connection.follow_link(getattr(vm, rel))
        assert items, rel
        assert connection.follow_link(items[0]).id == items[0].id
    disk = connection.follow_link(connection.follow_link(vm.disk_attachments)[0].disk)
    assert connection.follow_link(disk.storage_domains[0]).name.startswith("data")


def test_data_center_sub_collections(connection):
    system = connection.system_service()
    dc = system.data_centers_service().list(search="name=Default")[0]
    sds = connection.follow_link(dc.storage_domains)
    assert sds and all(sd.status == types.StorageDomainStatus.ACTIVE for sd in sds)
    assert sds[0].href == f"{dc.href}/storagedomains/{sds[0].id}"
