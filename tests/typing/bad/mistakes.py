"""Mistakes the types catch. Each line here must fail with the error its two comments name:
mypy (warn_unused_ignores) and pyright (reportUnnecessaryTypeIgnoreComment) report a comment
that silences nothing, and report any other error, so a line that stops failing, or fails for
another reason, fails tests/typing/test_checkers.py."""

import datetime

import ovirtsdk4
from ovirtsdk4 import types


def struct_attributes(vm: types.Vm) -> None:
    vm.memory = "4G"  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
    vm.status = "up"  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
    vm.nics = types.Nic()  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
    vm.creation_time = "2026-01-01"  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
    vm.cluster = types.Host()  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
    vm.nmae = "x"  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]


def struct_keywords() -> None:
    types.Vm(memory="4G")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    types.Vm(memroy=1 << 30)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    types.Vm(status=types.HostStatus.UP)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    types.Vm(nics=[types.Disk()])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    types.Cpu(topology=types.CpuTopology(cores="2"))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    print(types.VmStatus.RUNNING)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownArgumentType]


def optional_values(vm: types.Vm) -> None:
    print(vm.memory.bit_length())  # type: ignore[union-attr]  # pyright: ignore[reportOptionalMemberAccess]
    print(vm.cluster.name)  # type: ignore[union-attr]  # pyright: ignore[reportOptionalMemberAccess]
    print(len(vm.nics))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    for nic in vm.nics:  # type: ignore[union-attr]  # pyright: ignore[reportOptionalIterable]
        print(nic)
    print(vm.creation_time.year)  # type: ignore[union-attr]  # pyright: ignore[reportOptionalMemberAccess]


def services(connection: ovirtsdk4.Connection) -> None:
    vms_service = connection.system_service().vms_service()
    vms_service.start()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    vms_service.list(serach="name=x")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    vms_service.list(max="10")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    vms_service.vm_service(123)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    vms_service.vm_service("1").nics_service().add(types.Disk())  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    vms_service.add()  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    vm: types.Vm = vms_service.vm_service("1").get(wait=False)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    vms_service.list(wait=False)[0]  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
    started: types.Vm = vms_service.vm_service("1").start()  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    print(vm, started)


def connections() -> None:
    ovirtsdk4.Connection(url="https://e/ovirt-engine/api", usrname="admin")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    ovirtsdk4.Connection(url="https://e/ovirt-engine/api", timeout="30")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    connection = ovirtsdk4.Connection(url="https://e/ovirt-engine/api")
    connection.follow_link("/ovirt-engine/api/vms")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    cluster: types.Host = connection.follow_link(types.Cluster())  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    print(cluster)


def errors() -> None:
    try:
        pass
    except ovirtsdk4.Error as error:
        print(error.code.bit_length())  # type: ignore[union-attr]  # pyright: ignore[reportOptionalMemberAccess]
        print(error.fault.reason)  # type: ignore[union-attr]  # pyright: ignore[reportOptionalMemberAccess]


def dates(vm: types.Vm) -> None:
    when: datetime.date = vm.creation_time  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    print(when)
