"""Seeds (issue 11, points 1 and 2): both formats express the same inventory, members named
``type`` at any depth, sub-collections, references that stay references, a report, errors that
name the entry and the member, seeded objects exactly as given, generation kept apart."""

import datetime
import json

import pytest

import ovirtsdk4
from ovirtsdk4 import types
from ovirtsdk4._xml.tables import SCHEMA
from ovirtsdk4.testing import seed as seeds
from ovirtsdk4.testing.engine import Engine
from ovirtsdk4.testing.inventory import populate
from ovirtsdk4.testing.model import struct_info
from ovirtsdk4.testing.server import Simulator
from ovirtsdk4.writer import Writer

SEED = {
    "inventory": {"vms": 3},
    "objects": [
        {
            "@type": "StorageDomain",
            "name": "iso1",
            "type": "iso",
            "storage": {"type": "nfs", "address": "nfs.example.com", "path": "/iso"},
        },
        {
            "@type": "Host",
            "name": "h1",
            "address": "h1.example.com",
            "type": "rhel",
            "status": "up",
            "cluster": {"name": "Default"},
            "cpu": {"type": "Intel Skylake", "topology": {"cores": 4}},
            "os": {"type": "RHEL"},
            "nics": [{"name": "eth0"}],
            "statistics": [{"name": "cpu.load", "values": [{"datum": 1.5}]}],
        },
        {
            "@type": "Vm",
            "name": "web1",
            "type": "server",
            "cluster": {"name": "Default"},
            "host": {"name": "h1"},
            "display": {"type": "spice"},
            "os": {"type": "rhel_9x64"},
            "cpu": {"type": "Skylake", "topology": {"sockets": 2}},
            "placement_policy": {"hosts": [{"name": "h1"}]},
            "nics": [{"name": "nic1", "vnic_profile": {"name": "ovirtmgmt"}}],
            "disk_attachments": [
                {
                    "bootable": True,
                    "disk": {
                        "name": "web1_disk",
                        "provisioned_size": 1000,
                        "storage_domains": [{"name": "iso1"}],
                    },
                }
            ],
            "checkpoints": [{"id": "cp1", "state": "created"}],
            "snapshots": [{"description": "before", "snapshot_type": "regular"}],
            "permissions": [{"role": {"name": "SuperUser"}, "user": {"name": "admin"}}],
        },
        {"@path": "/vms/web1/tags", "name": "prod"},
        {"@path": "/vms/web1/nics", "name": "nic2"},
    ],
}

EXPECTED_REPORT = {
    "/storagedomains": 1,
    "/hosts": 1,
    "/hosts/*/nics": 1,
    "/hosts/*/statistics": 1,
    "/vms": 1,
    "/vms/*/nics": 2,
    "/vms/*/diskattachments": 1,
    "/vms/*/checkpoints": 1,
    "/vms/*/snapshots": 1,
    "/vms/*/permissions": 1,
    "/vms/*/tags": 1,
}

VM_XML = """
<vm>
  <name>web1</name><type>server</type>
  <cluster><name>Default</name></cluster><host><name>h1</name></host>
  <display><type>spice</type></display><os><type>rhel_9x64</type></os>
  <cpu><type>Skylake</type><topology><sockets>2</sockets></topology></cpu>
  <placement_policy><hosts><host><name>h1</name></host></hosts></placement_policy>
  <nics><nic><name>nic1</name><vnic_profile><name>ovirtmgmt</name></vnic_profile></nic></nics>
  <disk_attachments><disk_attachment><bootable>true</bootable>
    <disk><name>web1_disk</name><provisioned_size>1000</provisioned_size>
      <storage_domains><storage_domain><name>iso1</name></storage_domain></storage_domains>
    </disk></disk_attachment></disk_attachments>
  <snapshots><snapshot><description>before</description>
    <snapshot_type>regular</snapshot_type></snapshot></snapshots>
  <permissions><permission><role><name>SuperUser</name></role><user><name>admin</name></user>
  </permission></permissions>
</vm>
"""


def _xml_seed(root):
    """The same seed as ``SEED``, as a directory of XML documents."""
    root.mkdir()
    (root / "1-storage.xml").write_text(
        "<storage_domains><storage_domain><name>iso1</name><type>iso</type>"
        "<storage><type>nfs</type><address>nfs.example.com</address><path>/iso</path></storage>"
        "</storage_domain></storage_domains>"
    )
    (root / "2-host.xml").write_text(
        "<host><name>h1</name><address>h1.example.com</address><type>rhel</type>"
        "<status>up</status><cluster><name>Default</name></cluster>"
        "<cpu><type>Intel Skylake</type><topology><cores>4</cores></topology></cpu>"
        "<os><type>RHEL</type></os><nics><host_nic><name>eth0</name></host_nic></nics>"
        "<statistics><statistic><name>cpu.load</name><values><value><datum>1.5</datum>"
        "</value></values></statistic></statistics></host>"
    )
    (root / "3-vm.xml").write_text(VM_XML)
    (root / "vms" / "web1" / "checkpoints").mkdir(parents=True)
    (root / "vms" / "web1" / "checkpoints" / "cp1.xml").write_text(
        '<checkpoint id="cp1"><state>created</state></checkpoint>'
    )
    (root / "vms" / "web1" / "tags").mkdir()
    (root / "vms" / "web1" / "tags" / "prod.xml").write_text("<tag><name>prod</name></tag>")
    (root / "vms" / "web1" / "nics").mkdir()
    (root / "vms" / "web1" / "nics" / "nic2.xml").write_text("<nic><name>nic2</name></nic>")
    return root


@pytest.fixture(params=["json", "xml"])
def seeded(request, tmp_path):
    if request.param == "json":
        path = tmp_path / "seed.json"
        path.write_text(json.dumps(SEED))
        sim = Simulator(seed=path, tls_dir=tmp_path / "tls")
    else:
        sim = Simulator(3, seed=_xml_seed(tmp_path / "seed"), tls_dir=tmp_path / "tls")
    with sim:
        yield sim


def test_the_report_says_what_was_added(seeded):
    assert dict(seeded.seeded.counts) == EXPECTED_REPORT
    assert seeded.seeded.total == 12 and "2 in /vms/*/nics" in str(seeded.seeded)
    assert seeded.counts["vms"] == 3


def test_members_named_type_at_any_depth(seeded):
    with seeded.connection() as connection:
        system = connection.system_service()
        sds = system.storage_domains_service().list(search="type=iso")
        assert [(s.name, s.type, s.storage.type) for s in sds] == [
            ("iso1", types.StorageDomainType.ISO, types.StorageType.NFS)
        ]
        host = system.hosts_service().list(search="name=h1")[0]
        assert (host.type, host.cpu.type, host.os.type) == (
            types.HostType.RHEL,
            "Intel Skylake",
            "RHEL",
        )
        vm = system.vms_service().list(search="name=web1")[0]
        assert (vm.type, vm.cpu.type, vm.os.type, vm.display.type) == (
            types.VmType.SERVER,
            "Skylake",
            "rhel_9x64",
            types.DisplayType.SPICE,
        )


def test_sub_collections_and_references(seeded):
    engine = seeded.engine
    host = engine.find(types.Host, "h1")
    prod = engine.find(types.Tag, "prod")
    with seeded.connection() as connection:
        vms = connection.system_service().vms_service()
        vm = vms.list(search="name=web1")[0]
        service = vms.vm_service(vm.id)
        # References stay references: to the one stored host, at any depth.
        assert vm.host.id == host.id and vm.placement_policy.hosts[0].id == host.id
        assert engine.get(f"/vms/{vm.id}").host.href == host.href
        assert sorted(n.name for n in service.nics_service().list()) == ["nic1", "nic2"]
        nic = service.nics_service().list(search="name=nic1")[0]
        profile = engine.find(types.VnicProfile, "ovirtmgmt")
        assert nic.vnic_profile.id == profile.id
        (attachment,) = service.disk_attachments_service().list()
        disk = connection.follow_link(attachment.disk)
        assert disk.name == "web1_disk" and attachment.bootable is True
        assert disk.storage_domains[0].id == engine.find(types.StorageDomain, "iso1").id
        assert [c.id for c in service.checkpoints_service().list()] == ["cp1"]
        assert [s.description for s in service.snapshots_service().list()] == ["before"]
        (permission,) = service.permissions_service().list()
        assert permission.role.id == engine.find(types.Role, "SuperUser").id
        # The tag is the stored one, assigned: not a copy.
        assert [t.id for t in service.tags_service().list()] == [prod.id]
        tags = connection.system_service().tags_service().list()
        assert [t.id for t in tags if t.name == "prod"] == [prod.id]
        hosts = connection.system_service().hosts_service()
        stats = hosts.host_service(host.id).statistics_service().list()
        assert [(s.name, s.values[0].datum) for s in stats] == [("cpu.load", 1.5)]


def test_seeded_objects_are_exactly_what_the_seed_says(seeded):
    with seeded.connection() as connection:
        vms = connection.system_service().vms_service()
        seeded_vm = vms.vm_service(vms.list(search="name=web1")[0].id)
        assert seeded_vm.affinity_labels_service().list() == []
        assert seeded_vm.statistics_service().list() == []
        generated = vms.vm_service(vms.list(search="name=vm00000")[0].id)
        # Generated VMs keep their generated content, apart from the seeded ones.
        assert len(generated.tags_service().list()) == 1
        assert len(generated.affinity_labels_service().list()) == 1
        assert len(generated.statistics_service().list()) == 5
        assert len(generated.snapshots_service().list()) == 1


def test_the_first_json_format_still_works(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps(
            [
                {"type": "Tag", "name": "t1"},
                {"type": "StorageConnection", "path": "/exports/a", "address": "nfs"},
                {"type": "Tag", "path": "/tags", "name": "t2"},
            ]
        )
    )
    engine = Engine(password="x")
    report = seeds.load(engine, path)
    assert report.counts == {"/tags": 2, "/storageconnections": 1}
    assert engine.list("/storageconnections")[0].path == "/exports/a"


def test_a_mapping_of_collections(tmp_path):
    engine = Engine(password="x")
    populate(engine, 1)
    data = {"objects": {"/tags": [{"name": "a"}], "/vms/vm00000/nics": [{"name": "extra"}]}}
    report = seeds.load(engine, seeds.from_json(data))
    assert report.counts == {"/tags": 1, "/vms/*/nics": 1}


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            {"@type": "Vm", "name": "x", "memory": "lots"},
            "objects[0] (Vm 'x'): member 'memory': 'lots' is not a valid integer",
        ),
        (
            {"@type": "Vm", "name": "x", "cpu": {"topology": {"cores": "many"}}},
            "objects[0] (Vm 'x'): member 'cpu.topology.cores': 'many' is not a valid integer",
        ),
        (
            {"@type": "Vm", "name": "x", "colour": "red"},
            "objects[0] (Vm 'x'): Vm has no member 'colour'",
        ),
        (
            {"@type": "Vm", "name": "x", "os": {"flavour": "red"}},
            "objects[0] (Vm 'x'): member 'os': OperatingSystem has no member 'flavour'",
        ),
        (
            {"@type": "StorageDomain", "name": "s", "type": "tape"},
            "objects[0] (StorageDomain 's'): member 'type': 'tape' is not a valid "
            "StorageDomainType value",
        ),
        (
            {"@type": "Vm", "name": "x", "cluster": {"name": "Nope"}},
            "objects[0] (Vm 'x'): Entity not found: Cluster: name=Nope (member 'cluster')",
        ),
        (
            {"@type": "Vm", "name": "x", "placement_policy": {"hosts": [{"name": "nope"}]}},
            "Entity not found: Host: name=nope (member 'placement_policy.hosts')",
        ),
        ({"name": "x"}, "objects[0]: the entry needs an '@type'"),
        ({"@type": "Vmm"}, "objects[0]: '@type' 'Vmm' is not an ovirtsdk4.types class"),
        (
            {"@path": "/vms/nope/nics", "name": "n"},
            "objects[0] (Nic 'n'): '/vms/nope/nics': no object with id or name 'nope'",
        ),
        (
            {"@type": "Vm", "name": "x", "nics": [{"name": "n", "mac": 5}]},
            "objects[0] (Vm 'x').nics[0] (Nic 'n'): member 'mac' takes an object, not 5",
        ),
        (
            {"@type": "Checkpoint", "id": "c"},
            "objects[0] (Checkpoint 'c'): no top-level collection holds Checkpoint",
        ),
    ],
)
def test_errors_name_the_entry_and_the_member(tmp_path, entry, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"inventory": {"vms": 1}, "objects": [entry]}))
    with pytest.raises(seeds.SeedError) as info:
        Simulator(seed=path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)
    assert isinstance(info.value, ovirtsdk4.Error)


@pytest.mark.parametrize(
    "seed, message",
    [
        ({"inventory": {"vm": 3}}, "inventory: unknown knob 'vm'"),
        ({"inventory": {"vms": "3"}}, "inventory: 'vms' takes an integer"),
        ({"objects": 3}, "'objects' takes a list of entries or a mapping of lists"),
        ({"object": []}, "unknown key(s) 'object'"),
    ],
)
def test_errors_in_the_seed_itself(seed, message):
    with pytest.raises(seeds.SeedError, match=message.replace("(", r"\(").replace(")", r"\)")):
        seeds.from_json(seed)


@pytest.mark.parametrize(
    "files, message",
    [
        ({"a.xml": "<vm><name>x</name"}, "a.xml: cannot read the document"),
        ({"a.xml": "<colour/>"}, "a.xml: <colour> is not an API type or list"),
        (
            {"a.xml": "<vm><name>x</name><memory>lots</memory></vm>"},
            "a.xml (Vm 'x'): ",
        ),
        (
            {"vms/nope/nics/n.xml": "<nic><name>n</name></nic>"},
            "no object with id or name 'nope'",
        ),
        ({"vms/x/nics/n.xml": "<vm><name>n</name></vm>"}, "/vms/x/nics holds Nic, not Vm"),
    ],
)
def test_xml_directory_errors_name_the_file(tmp_path, files, message):
    for name, text in files.items():
        path = tmp_path / "seed" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    engine = Engine(password="x")
    with pytest.raises(seeds.SeedError, match=message.replace("(", r"\(").replace(")", r"\)")):
        seeds.load(engine, tmp_path / "seed")


def test_generation_is_deterministic_and_seeding_does_not_change_it(tmp_path):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(SEED))
    plain = Engine(password="x")
    populate(plain, 3)
    with Simulator(seed=path, tls_dir=tmp_path / "tls") as sim:
        with sim.connection() as connection:
            vms = connection.system_service().vms_service()
            for vm in plain.list("/vms"):
                got = vms.vm_service(vm.id).get()
                assert (got.name, got.memory, got.status, got.cpu.topology.sockets) == (
                    vm.name,
                    vm.memory,
                    vm.status,
                    vm.cpu.topology.sockets,
                )
                nics = vms.vm_service(vm.id).nics_service().list()
                assert [n.mac.address for n in nics] == [
                    n.mac.address for n in plain.list(f"/vms/{vm.id}/nics")
                ]


def _sample(member, depth):
    """A JSON value for ``member`` and the Python value it stands for."""
    kind = member.kind_name
    if kind == "struct":
        if depth == 0:
            return None, None
        cls = member.struct.cls
        data, obj = {}, cls()
        for sub in struct_info(cls).members:
            value, expected = _sample(sub, depth - 1)
            if value is not None:
                if sub.is_list:
                    value, expected = [value], [expected]
                data[sub.name] = value
                setattr(obj, sub.name, expected)
        return data, obj
    if kind == "enum":
        first = next(iter(getattr(types, member.target_name)))
        return first.value.upper(), first
    return {
        "string": ("text <&> ünï", "text <&> ünï"),
        "integer": (42, 42),
        "decimal": (1.5, 1.5),
        "boolean": ("true", True),
        "date": (
            "2024-05-01T10:00:00+00:00",
            datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.timezone.utc),
        ),
    }[kind]


def _entry(cls, depth=3):
    """Every member of ``cls`` but its sub-collections (which seeds add to the collections)."""
    data, obj = {}, cls()
    for member in struct_info(cls).members:
        if seeds._segment(cls, member.name, member) is not None:
            continue
        value, expected = _sample(member, depth)
        if value is None:
            continue
        if member.is_list:
            value, expected = [value], [expected]
        data[member.name] = value
        setattr(obj, member.name, expected)
    return data, obj


@pytest.mark.parametrize("info", list(SCHEMA.by_name.values()), ids=lambda info: info.cls.__name__)
def test_any_member_of_any_type_at_any_depth(info):
    """Every member of every type (three levels deep), ``type`` and ``path`` included."""
    data, expected = _entry(info.cls)
    got = seeds.object_from_json({"@type": info.cls.__name__, **data})
    assert Writer.write(got) == Writer.write(expected)


def test_the_worked_example_of_the_docs_loads(tmp_path):
    from tests.conftest import ROOT

    docs = ROOT / "docs" / "simulator.md"
    if not docs.is_file():
        pytest.skip("docs/simulator.md is not in this checkout")
    text = docs.read_text(encoding="utf-8")
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "site.json"
    path.write_text(example)
    with Simulator(seed=path, tls_dir=tmp_path / "tls") as sim:
        assert sim.counts["vms"] == 10 and sim.counts["hosts"] == 4
        assert sim.seeded.counts["/vms"] == 1 and sim.seeded.counts["/vms/*/nics"] == 2
        with sim.connection() as connection:
            vm = connection.system_service().vms_service().list(search="name=web1")[0]
            assert vm.cpu.topology.cores == 2 and vm.type == types.VmType.SERVER
