"""Golden XML <-> object pairs for every kind of member (API.md R-2 … R-4, W-2 … W-4)."""

import datetime
import gc
import io

import hypothesis
import pytest

import ovirtsdk4
from ovirtsdk4 import types
from ovirtsdk4.reader import TZ, Reader
from ovirtsdk4.readers import FaultReader, VmReader
from ovirtsdk4.writer import Writer
from ovirtsdk4.writers import VmWriter
from ovirtsdk4.xml import XmlReader, XmlWriter


def read(text):
    return Reader.read(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<vm><name>vm1</name></vm>", "vm1"),
        ("<vm><name/></vm>", None),
        ("<vm><name></name></vm>", ""),
        ("<vm><name>  spaced  </name></vm>", "  spaced  "),
        ("<vm><name>a &amp; b &lt;c&gt; &#233;</name></vm>", "a & b <c> é"),
        ("<vm><name><![CDATA[<raw> & ]]></name></vm>", "<raw> & "),
        ("<vm><name>žluťoučký 🐎</name></vm>", "žluťoučký 🐎"),
    ],
)
def test_strings(text, expected):
    assert read(text).name == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("false", False), ("TRUE", True), ("False", False), ("1", True), ("0", False)],
)
def test_booleans(text, expected):
    assert read(f"<vm><stateless>{text}</stateless></vm>").stateless is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("42", 42),
        (" 12 ", 12),
        ("-7", -7),
        ("123456789012345678901234567890", 123456789012345678901234567890),
    ],
)
def test_integers(text, expected):
    assert read(f"<vm><memory>{text}</memory></vm>").memory == expected


def test_decimals():
    statistic = read("<statistic><values><value><datum>1.5</datum></value></values></statistic>")
    assert statistic.values[0].datum == 1.5


@pytest.mark.parametrize(
    ("text", "expected", "offset"),
    [
        (
            "2026-11-26T10:20:30Z",
            datetime.datetime(2026, 11, 26, 10, 20, 30, tzinfo=TZ(0, "UTC")),
            0,
        ),
        (
            "2026-11-26T10:20:30.5+02:00",
            datetime.datetime(2026, 11, 26, 10, 20, 30, 500000, tzinfo=TZ(120, None)),
            120,
        ),
        (
            "2026-11-26T10:20:30.123456-05:30",
            datetime.datetime(2026, 11, 26, 10, 20, 30, 123456, tzinfo=TZ(-330, None)),
            -330,
        ),
    ],
)
def test_dates_with_zones(text, expected, offset):
    value = read(f"<vm><creation_time>{text}</creation_time></vm>").creation_time
    assert value == expected
    assert value.utcoffset() == datetime.timedelta(minutes=offset)


def test_date_without_zone_is_naive():
    value = read("<vm><creation_time>2026-11-26T10:20:30</creation_time></vm>").creation_time
    assert value == datetime.datetime(2026, 11, 26, 10, 20, 30) and value.tzinfo is None


def test_enums_known_unknown_and_upper_case():
    assert read("<vm><status>up</status></vm>").status is types.VmStatus.UP
    assert read("<vm><status>UP</status></vm>").status is None
    assert read("<vm><status>warp_speed</status></vm>").status is None


def test_list_of_enums_keeps_unknown_entries_as_none():
    network = read(
        "<network><usages><usage>bogus</usage><usage>display</usage><usage>vm</usage></usages></network>"
    )
    assert network.usages == [None, types.NetworkUsage.DISPLAY, types.NetworkUsage.VM]
    assert type(network.usages) is list


def test_enum_and_integer_xml_attributes():
    assert read('<method id="GUEST_AGENT"/>').id is types.SsoMethod.GUEST_AGENT
    assert read('<method id="guest_agent"/>').id is types.SsoMethod.GUEST_AGENT
    assert read('<vlan id="10"/>').id == 10
    assert read('<vm id="" href=""/>').id == ""


def test_nested_structs_and_references():
    vm = read(
        "<vm><cpu><topology><cores>2</cores><sockets>4</sockets></topology></cpu>"
        '<cluster href="/ovirt-engine/api/clusters/c1" id="c1"/></vm>'
    )
    assert (vm.cpu.topology.cores, vm.cpu.topology.sockets) == (2, 4)
    assert type(vm.cluster) is types.Cluster
    assert (vm.cluster.id, vm.cluster.href, vm.cluster.name) == (
        "c1",
        "/ovirt-engine/api/clusters/c1",
        None,
    )


def test_list_of_primitives():
    host = read("<host><cpu><topology/></cpu></host>")
    assert host.cpu.topology.cores is None
    options = read("<bonding><options><option><name>mode</name></option></options></bonding>")
    assert options.options[0].name == "mode"
    vm = read(
        "<vm><os><boot><devices><device>hd</device><device>cdrom</device></devices></boot></os></vm>"
    )
    assert vm.os.boot.devices == [types.BootDevice.HD, types.BootDevice.CDROM]


@pytest.mark.parametrize("link_first", [True, False])
def test_inline_list_and_link_in_either_order(link_first):
    link = '<link rel="nics" href="/ovirt-engine/api/vms/1/nics"/>'
    inline = "<nics><nic id='n1'><name>eth0</name></nic></nics>"
    vm = read(f"<vm>{link + inline if link_first else inline + link}<name>after</name></vm>")
    assert isinstance(vm.nics, ovirtsdk4.List)
    assert vm.nics.href == "/ovirt-engine/api/vms/1/nics"
    assert [n.name for n in vm.nics] == ["eth0"]
    assert vm.name == "after"


def test_links_alone_make_empty_lists_with_href():
    vm = read(
        '<vm><link rel="diskattachments" href="/d"/><link rel="affinitylabels" href="/a"/>'
        '<link rel="nosuchrel" href="/x"/><link href="/no-rel"/><link rel="tags"/></vm>'
    )
    assert vm.disk_attachments == [] and vm.disk_attachments.href == "/d"
    assert vm.affinity_labels.href == "/a"
    assert vm.tags is None


def test_links_with_an_empty_href_or_rel_are_ignored():
    # As in the official: a link counts only when both its rel and its href are non-empty.
    vm = read('<vm><link href="" rel="tags"/><link href="/p" rel=""/></vm>')
    assert vm.tags is None and vm.permissions is None
    assert Writer.write(vm) == "<vm/>"
    vm = read('<vm><link href="/a" rel="tags"/><link href="" rel="tags"/></vm>')
    assert vm.tags.href == "/a"
    vm = read('<vm><tags href="/inline"/><link href="" rel="tags"/></vm>')
    assert vm.tags.href == "/inline"


def test_empty_container_gives_empty_list_and_next_sibling_is_read():
    vm = read("<vm><custom_properties/><name>n</name></vm>")
    assert vm.custom_properties == [] and type(vm.custom_properties) is ovirtsdk4.List
    assert vm.name == "n"
    assert read("<vm><custom_properties></custom_properties></vm>").custom_properties == []
    assert read("<vm/>").custom_properties is None


def test_unknown_elements_are_skipped_with_their_subtree():
    vm = read(
        "<vm><actions><link rel='start' href='/s'/></actions>"
        "<future_thing><name>not the vm name</name></future_thing><name>real</name></vm>"
    )
    assert vm.name == "real"


def test_repeated_element_last_wins():
    assert read("<vm><name>a</name><name>b</name></vm>").name == "b"


def test_list_document():
    vms = read('<vms href="/ovirt-engine/api/vms"><vm id="1"/><other id="2"/></vms>')
    assert isinstance(vms, ovirtsdk4.List) and vms.href == "/ovirt-engine/api/vms"
    assert [type(v) for v in vms] == [types.Vm, types.Vm] and vms[1].id == "2"
    assert read("<vms/>") == []


def test_every_attribute_is_in_the_instance_dict():
    vm = read("<vm><name>x</name></vm>")
    assert list(vars(vm)) == list(vars(types.Vm()))
    assert vars(vm)["_name"] == "x"


def test_reader_sources():
    doc = "<vm><name>x</name></vm>"
    assert Reader.read(doc).name == "x"
    assert Reader.read(doc.encode()).name == "x"
    assert Reader.read(io.BytesIO(doc.encode())).name == "x"
    with pytest.raises(AttributeError):
        Reader.read(io.StringIO(doc))
    with pytest.raises(AttributeError):
        Reader.read(42)


def test_reading_successive_siblings_from_one_xml_reader():
    cursor = XmlReader(io.BytesIO(b"<list><vm id='1'/><disk id='2'/><vm id='3'/></list>"))
    cursor.read()
    found = [Reader.read(cursor) for _ in range(3)]
    assert [(type(x).__name__, x.id) for x in found] == [("Vm", "1"), ("Disk", "2"), ("Vm", "3")]
    assert Reader.read(cursor) is None


def test_unknown_root_tag():
    with pytest.raises(ovirtsdk4.Error, match="^Can't find a reader for tag 'html'$"):
        Reader.read("<html>blah<html>")


def test_empty_source_returns_none():
    assert Reader.read("<!-- only a comment --><vm/>").__class__ is types.Vm


def test_per_type_readers():
    cursor = XmlReader(io.BytesIO(b"<fault><reason>r</reason><detail>d</detail></fault>"))
    fault = FaultReader.read_one(cursor)
    assert type(fault) is types.Fault and (fault.reason, fault.detail) == ("r", "d")
    cursor = XmlReader(io.BytesIO(b"<vms><vm/></vms>"))
    assert len(VmReader.read_many(cursor)) == 1


# -- writing --------------------------------------------------------------------------------


def test_write_element_order_and_attributes():
    vm = types.Vm(
        id="1",
        name="n",
        memory=1024,
        stateless=True,
        status=types.VmStatus.UP,
        cpu=types.Cpu(topology=types.CpuTopology(cores=2)),
        creation_time=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=TZ(60, None)),
        custom_properties=[types.CustomProperty(name="k", value="v")],
        cluster=types.Cluster(id="c"),
        nics=[types.Nic(name="eth0")],
        tags=[],
    )
    vm.href = "/ovirt-engine/api/vms/1"
    assert Writer.write(vm) == (
        '<vm href="/ovirt-engine/api/vms/1" id="1"><cpu><topology><cores>2</cores></topology></cpu>'
        "<creation_time>2026-01-02T03:04:05+01:00</creation_time>"
        "<custom_properties><custom_property><name>k</name><value>v</value></custom_property>"
        "</custom_properties><memory>1024</memory><name>n</name><stateless>true</stateless>"
        '<status>up</status><cluster id="c"/><nics><nic><name>eth0</name></nic></nics><tags/></vm>'
    )


def test_write_lists_of_primitives_and_enums():
    network = types.Network(usages=[types.NetworkUsage.VM, None, types.NetworkUsage.DISPLAY])
    assert (
        Writer.write(network)
        == "<network><usages><usage>vm</usage><usage>display</usage></usages></network>"
    )
    assert Writer.write(types.Network(usages=[])) == "<network><usages/></network>"


def test_write_keeps_the_href_of_nested_lists():
    vm = Reader.read('<vm><link rel="nics" href="/ovirt-engine/api/vms/1/nics"/></vm>')
    assert Writer.write(vm) == '<vm><nics href="/ovirt-engine/api/vms/1/nics"/></vm>'


def test_write_nested_struct_under_attribute_name():
    action = types.Action(iscsi=types.IscsiDetails(address="a", port=3260))
    assert (
        Writer.write(action)
        == "<action><iscsi><address>a</address><port>3260</port></iscsi></action>"
    )


def test_write_enum_and_integer_xml_attributes():
    assert (
        Writer.write(types.Method(id=types.SsoMethod.GUEST_AGENT)) == '<method id="guest_agent"/>'
    )
    assert Writer.write(types.Vlan(id=10)) == '<vlan id="10"/>'


def test_write_root_and_lists():
    assert Writer.write(types.Vm()) == "<vm/>"
    assert Writer.write(types.Vm(), root="list") == "<list/>"
    assert Writer.write([types.Vm(), types.Disk()], root="list") == "<list><vm/><disk/></list>"
    assert Writer.write([], root="vms") == "<vms/>"
    with pytest.raises(
        ovirtsdk4.Error, match=r"^The 'root' parameter is mandatory when writing lists\.$"
    ):
        Writer.write([types.Vm()])
    with pytest.raises(ovirtsdk4.Error, match="^Can't find a writer for type '<class 'object'>'$"):
        Writer.write(object())
    with pytest.raises(ovirtsdk4.Error):
        Writer.write(types.Vm(), target=io.BytesIO())


def test_write_indented():
    vm = types.Vm(name="n", cpu=types.Cpu(topology=types.CpuTopology(cores=2)))
    assert Writer.write(vm, indent=True) == (
        "<vm>\n  <cpu>\n    <topology>\n      <cores>2</cores>\n    </topology>\n  </cpu>\n"
        "  <name>n</name>\n</vm>\n"
    )


def test_write_into_a_given_writer_and_write_many():
    target = XmlWriter(None, False)
    assert Writer.write(types.Vm(name="a"), target=target) is None
    vms = ovirtsdk4.List("/ovirt-engine/api/vms")
    vms.append(types.Vm(id="1"))
    other = XmlWriter(None, False)
    VmWriter.write_many(vms, other)
    VmWriter.write_one(types.Vm(id="2"), other, "machine")
    assert target.string() == "<vm><name>a</name></vm>"
    assert other.string() == '<vms href="/ovirt-engine/api/vms"><vm id="1"/></vms><machine id="2"/>'


@pytest.mark.parametrize(
    ("vm", "word"),
    [
        (types.Vm(stateless="yes"), "bool"),
        (types.Vm(memory="5"), "int"),
        (types.Vm(creation_time="today"), "datetime"),
    ],
)
def test_writing_a_wrong_primitive_type_fails(vm, word):
    with pytest.raises(TypeError, match=word):
        Writer.write(vm)


def test_primitive_render_rules():
    assert Writer.render_boolean(True) == "true" and Writer.render_boolean(False) == "false"
    assert Writer.render_integer(0) == "0" and Writer.render_decimal(1.5) == "1.5"
    with pytest.raises(TypeError):
        Writer.render_boolean("true")
    with pytest.raises(TypeError):
        Writer.render_decimal(1)


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (Reader.parse_boolean, "TRUE", True),
        (Reader.parse_boolean, "0", False),
        (Reader.parse_integer, " 42 ", 42),
        (Reader.parse_decimal, "2.5", 2.5),
        (Reader.parse_boolean, None, None),
    ],
)
def test_primitive_parse_rules(parse, text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (Reader.parse_boolean, "yes"),
        (Reader.parse_boolean, " true"),
        (Reader.parse_integer, "1.5"),
        (Reader.parse_decimal, "abc"),
        (Reader.parse_date, "2026-11-26"),
        (Reader.parse_date, "2026-11-26T10:20:30+0100"),
    ],
)
def test_primitive_parse_errors(parse, text):
    with pytest.raises(ValueError):
        parse(text)


def test_parse_enum_never_raises():
    assert Reader.parse_enum(types.VmStatus, "up") is types.VmStatus.UP
    assert Reader.parse_enum(types.VmStatus, "nope") is None


def test_write_objects_with_extra_or_deleted_attributes():
    vm = types.Vm(name="a", memory=1)
    del vm._name
    vm.name = "b"
    vm.extra = "not an attribute of the type"
    assert Writer.write(vm) == "<vm><memory>1</memory><name>b</name></vm>"
    cluster = types.Cluster(name="c")
    del cluster._name
    with pytest.raises(AttributeError):
        Writer.write(cluster)


def test_write_objects_of_another_type_by_their_public_attributes():
    # As the official writers: any object that has the attributes the writer reads (by their
    # public names) is written, whatever its type (docs/differences.md lists none here).
    class Duck:
        href = None
        id = "n1"
        _name = "not read"

        def __getattr__(self, name):
            return "eth0" if name == "name" else None

    assert Writer.write(types.Vm(nics=[Duck()])) == (
        '<vm><nics><nic id="n1"><name>eth0</name></nic></nics></vm>'
    )
    with pytest.raises(AttributeError):
        Writer.write(types.Vm(nics=[types.Disk(name="d")]))


def test_the_collector_is_paused_while_reading_and_left_as_it_was():
    # docs/differences.md: paused during a read, then restored, whatever it was before.
    document = "<vms>" + "<vm><name>n</name></vm>" * 100 + "</vms>"
    assert gc.isenabled()
    assert len(Reader.read(document)) == 100 and gc.isenabled()
    gc.disable()
    try:
        assert len(Reader.read(document)) == 100 and not gc.isenabled()
        assert len(list(Reader.iterate(document.encode()))) == 100 and not gc.isenabled()
    finally:
        gc.enable()


def test_equal_values_of_one_document_are_one_object_and_stay_right_past_the_table_size():
    # 9,000 distinct names overflow the cursor's table of shared strings (8,192), which is
    # then emptied; every value must still be read right, and repeats shared again.
    items = "".join(
        f'<vm id="{i}"><name>vm-{i}</name><description>{"é" if i % 2 else "same"}</description>'
        f'<status>up</status><cluster href="/c/1" id="c1"/></vm>'
        for i in range(9000)
    )
    vms = Reader.read(f"<vms>{items}</vms>")
    assert [vm.name for vm in vms] == [f"vm-{i}" for i in range(9000)]
    assert [vm.description for vm in vms] == ["é" if i % 2 else "same" for i in range(9000)]
    for a, b in ((vms[0], vms[2]), (vms[-4], vms[-2])):
        assert a.cluster.href is b.cluster.href and a.cluster.id is b.cluster.id
        assert a.description is b.description == "same"
    assert {vm.status for vm in vms} == {types.VmStatus.UP}


class _NoOffset(datetime.tzinfo):
    def utcoffset(self, when):
        return None


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(
    when=hypothesis.strategies.datetimes(),
    offset=hypothesis.strategies.one_of(
        hypothesis.strategies.none(),
        hypothesis.strategies.timedeltas(
            min_value=-datetime.timedelta(hours=23, minutes=59),
            max_value=datetime.timedelta(hours=23, minutes=59),
        ),
        hypothesis.strategies.sampled_from(["tz", "none"]),
    ),
)
def test_dates_are_written_as_isoformat_writes_them(when, offset):
    if offset == "tz":
        when = when.replace(tzinfo=TZ(-330, "-05:30"))
    elif offset == "none":
        when = when.replace(tzinfo=_NoOffset())
    elif offset is not None:
        when = when.replace(tzinfo=datetime.timezone(offset))
    written = Writer.write(types.Vm(creation_time=when))
    assert written == f"<vm><creation_time>{when.isoformat()}</creation_time></vm>"
