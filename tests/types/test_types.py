"""The generated types (API.md T-1 … T-5, M-5): construction, properties, checks, storage,
equality, enums, List, pickling and copying."""

import copy
import datetime
import enum
import inspect
import pickle
import sys
import weakref

import pytest

import ovirtsdk4
from ovirtsdk4 import types

PRIMITIVE_SAMPLES = {
    "String": "text",
    "Integer": 42,
    "Boolean": True,
    "Decimal": 1.5,
    "Date": datetime.datetime(2026, 11, 26, 12, 30, tzinfo=datetime.timezone.utc),
}


def _sample(member):
    """A value of exactly the member's declared type."""
    if member.kind == "primitive":
        value = PRIMITIVE_SAMPLES[member.type_name]
    elif member.kind == "enum":
        value = list(getattr(types, member.type_name))[-1]
    else:
        value = getattr(types, member.type_name)()
    return [value] if member.is_list else value


def test_every_model_type_exists(api_model):
    for struct in api_model.structs:
        cls = getattr(types, struct.name)
        assert issubclass(cls, ovirtsdk4.Struct)
        assert cls.__mro__[1].__name__ == struct.base_class
    for enum_type in api_model.enums:
        assert issubclass(getattr(types, enum_type.name), enum.Enum)
    assert (len(api_model.structs), len(api_model.enums)) == (220, 115)


def test_every_attribute_round_trips_through_constructor_and_property(api_model):
    for struct in api_model.structs:
        cls = getattr(types, struct.name)
        values = {m.python_name: _sample(m) for m in struct.members}
        obj = cls(**values)
        for member in struct.members:
            assert getattr(obj, member.python_name) is values[member.python_name], member
            replacement = _sample(member)
            setattr(obj, member.python_name, replacement)
            assert vars(obj)[member.storage] is replacement
            setattr(obj, member.python_name, None)
            assert getattr(obj, member.python_name) is None


def test_constructor_signature_is_every_attribute_as_keyword_in_model_order(api_model):
    for struct in api_model.structs:
        parameters = inspect.signature(getattr(types, struct.name)).parameters
        assert list(parameters) == [m.python_name for m in struct.members]
        assert all(p.default is None for p in parameters.values())


def test_instance_dict_holds_every_attribute_with_one_underscore(api_model):
    for struct in api_model.structs:
        obj = getattr(types, struct.name)()
        assert list(vars(obj)) == ["_href"] + [m.storage for m in struct.init_order]
        assert set(vars(obj).values()) == {None}


def test_vm_with_many_keywords():
    cluster = types.Cluster(id="c1")
    vm = types.Vm(
        name="vm1",
        id="123",
        memory=2**33,
        cluster=cluster,
        status=types.VmStatus.UP,
        nics=[types.Nic(name="eth0")],
        cpu=types.Cpu(topology=types.CpuTopology(cores=2, sockets=1)),
        custom_properties=[types.CustomProperty(name="k", value="v")],
    )
    assert (vm.name, vm.id, vm.memory, vm.status) == ("vm1", "123", 2**33, types.VmStatus.UP)
    assert vm.cluster is cluster and vm.cpu.topology.cores == 2 and vm.nics[0].name == "eth0"
    assert vm.href is None
    vm.href = "/ovirt-engine/api/vms/123"
    assert vars(vm)["_href"] == "/ovirt-engine/api/vms/123"


def test_keyword_named_attributes():
    assert types.Range(from_=1, to=2).from_ == 1
    assert vars(types.Range(from_=1))["_from_"] == 1
    assert types.Action(async_=True).async_ is True
    assert types.StorageDomain(import_=True).import_ is True


def test_href_is_not_a_constructor_argument():
    with pytest.raises(TypeError):
        types.Vm(href="/x")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: types.Vm(cluster=types.Host()),
            "The type 'Host' isn't valid for attribute 'cluster', it must be 'Cluster'",
        ),
        (
            lambda: types.Vm(status="up"),
            "The type 'str' isn't valid for attribute 'status', it must be 'VmStatus'",
        ),
        (
            lambda: types.Vm(status=types.HostStatus.UP),
            "The type 'HostStatus' isn't valid for attribute 'status', it must be 'VmStatus'",
        ),
        (
            lambda: types.Action(vm=types.Disk()),
            "The type 'Disk' isn't valid for attribute 'vm', it must be 'Vm'",
        ),
    ],
)
def test_struct_and_enum_attributes_check_the_exact_type(build, message):
    with pytest.raises(TypeError) as raised:
        build()
    assert str(raised.value) == message


def test_assignment_is_checked_too_and_leaves_the_old_value():
    vm = types.Vm(cluster=types.Cluster(id="1"))
    with pytest.raises(TypeError, match="'cluster'"):
        vm.cluster = types.DataCenter()
    assert vm.cluster.id == "1"


def test_subclass_instances_are_rejected():
    class MyCluster(types.Cluster):
        pass

    with pytest.raises(TypeError, match="The type 'MyCluster' isn't valid"):
        types.Vm(cluster=MyCluster())


def test_primitive_and_list_attributes_are_not_checked():
    vm = types.Vm(memory="5", name=7, nics="not a list", stateless="yes")
    assert (vm.memory, vm.name, vm.nics, vm.stateless) == ("5", 7, "not a list", "yes")


def test_structs_compare_and_hash_by_identity():
    a, b = types.Vm(id="1"), types.Vm(id="1")
    assert a != b and a == a
    assert len({a, b, a}) == 2


def test_list_takes_only_href():
    nics = ovirtsdk4.List("/ovirt-engine/api/vms/1/nics")
    assert nics == [] and isinstance(nics, list)
    assert nics.href == "/ovirt-engine/api/vms/1/nics"
    assert ovirtsdk4.List("abc") == []
    assert ovirtsdk4.List().href is None
    with pytest.raises(TypeError):
        ovirtsdk4.List("/x", [1])
    nics.append(types.Nic())
    nics.href = "/y"
    assert len(nics) == 1 and vars(nics) == {"_href": "/y"}
    assert types.List is ovirtsdk4.List and types.Struct is ovirtsdk4.Struct


def test_enum_members_lookup_and_str():
    assert str(types.Architecture.X86_64) == "x86_64"
    assert f"{types.VmStatus.UP}" == "up" and "%s" % types.VmStatus.UP == "up"
    assert types.VmStatus("image_locked") is types.VmStatus.IMAGE_LOCKED
    assert types.VmStatus.UP.value == "up"
    assert types.VmStatus.UP != "up"
    assert types.VmStatus.UP.name == "UP"


@pytest.mark.parametrize("value", ["UP", "no_such_status", "", None])
def test_unknown_enum_value_raises_value_error(value):
    with pytest.raises(ValueError):
        types.VmStatus(value)


def test_enums_match_the_model(api_model):
    count = 0
    for enum_model in api_model.enums:
        cls = getattr(types, enum_model.name)
        assert [(m.name, m.value) for m in cls] == [
            (v.python_name, v.name) for v in enum_model.values
        ]
        assert not issubclass(cls, str)
        count += len(cls)
    assert count == 598


def test_pickle_and_deepcopy_keep_nested_values():
    when = datetime.datetime(
        2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    nics = ovirtsdk4.List("/ovirt-engine/api/vms/1/nics")
    nics.append(types.Nic(name="eth0"))
    vm = types.Vm(
        name="a",
        cluster=types.Cluster(id="c"),
        status=types.VmStatus.DOWN,
        creation_time=when,
        nics=nics,
    )
    for clone in (pickle.loads(pickle.dumps(vm)), copy.deepcopy(vm)):
        assert clone is not vm and list(vars(clone)) == list(vars(vm))
        assert (clone.name, clone.cluster.id, clone.status) == ("a", "c", types.VmStatus.DOWN)
        assert clone.creation_time == when
        assert type(clone.nics) is ovirtsdk4.List
        assert clone.nics.href == nics.href and clone.nics[0].name == "eth0"
    shallow = copy.copy(vm)
    assert shallow.cluster is vm.cluster


def test_class_docstring_states_the_structure():
    doc = types.Vm.__doc__
    assert "<vm>" in doc and "<vms>" in doc
    assert "disk_attachments: list[DiskAttachment], struct" in doc
    assert "link (rel ``diskattachments``)" in doc


def test_vars_is_a_view_whose_changes_reach_the_object():
    vm = types.Vm(name="a")
    view = vars(vm)
    assert type(view) is not dict and isinstance(view, dict)
    view["_name"] = "b"
    view.update({"_memory": 1}, _description="d")
    view |= {"_comment": "c"}
    assert (vm.name, vm.memory, vm.description, vm.comment) == ("b", 1, "d", "c")
    assert view.pop("_fqdn") is None and "_fqdn" not in vars(vm)
    with pytest.raises(AttributeError):
        _ = vm.fqdn
    assert view.pop("_fqdn", "gone") == "gone"
    with pytest.raises(KeyError):
        view.pop("_fqdn")
    assert view.setdefault("_fqdn", "h") == "h" and vm.fqdn == "h"
    assert view.setdefault("_fqdn", "other") == "h" and vm.fqdn == "h"
    del view["_comment"]
    with pytest.raises(KeyError):
        del view["_comment"]
    assert "_comment" not in vars(vm)
    vm.comment = "back"
    assert vars(vm)["_comment"] == "back" and list(vars(vm)) == list(vars(types.Vm()))


def test_attributes_a_script_adds_are_kept_listed_and_copied():
    vm = types.Vm(name="a")
    vm.note = "mine"
    vars(vm)["other"] = 2
    assert list(vars(vm))[-2:] == ["note", "other"] and vm.other == 2
    for clone in (
        copy.copy(vm),
        copy.deepcopy(vm),
        pickle.loads(pickle.dumps(vm)),
        pickle.loads(pickle.dumps(vm, protocol=0)),
    ):
        assert vars(clone) == vars(vm) and clone.note == "mine"
    assert vars(vm).popitem() == ("other", 2) and not hasattr(vm, "other")
    empty = types.Vm()
    vars(empty).clear()
    assert vars(empty) == {}
    with pytest.raises(AttributeError):
        _ = empty.name
    with pytest.raises(KeyError):
        vars(empty).popitem()


def test_attributes_live_in_slots_without_a_dict_per_object():
    cluster = types.Cluster(id="c")
    assert types.Cluster.__dict__["__slots__"] == tuple(
        key for key in vars(cluster) if key in types.Cluster.__dict__["__slots__"]
    )
    small, large = types.CpuTopology(cores=1), types.Vm()
    # Each attribute costs one pointer: no dict entry, no dict table.
    assert sys.getsizeof(large) - sys.getsizeof(small) == 8 * (len(vars(large)) - len(vars(small)))


def test_subclasses_and_weak_references_work_as_with_plain_objects():
    class MyVm(types.Vm):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.extra = 1

    mine = MyVm(name="a")
    assert list(vars(mine))[-1] == "extra" and vars(mine)["_name"] == "a"
    nics = ovirtsdk4.List("/n")
    assert weakref.ref(mine)() is mine and weakref.ref(nics)() is nics
    nics.tag = "t"
    assert vars(nics) == {"_href": "/n", "tag": "t"}
    clone = pickle.loads(pickle.dumps(nics))
    assert (type(clone), clone.href, clone.tag) == (ovirtsdk4.List, "/n", "t")
