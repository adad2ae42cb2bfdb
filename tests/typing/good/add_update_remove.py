"""Create, change and delete, with objects built from typed keywords."""

import datetime

from typing_extensions import assert_type

import ovirtsdk4
from ovirtsdk4 import types


def run(connection: ovirtsdk4.Connection) -> None:
    tags_service = connection.system_service().tags_service()
    tag = tags_service.add(types.Tag(name="typed", description="made by a typed script"))
    assert_type(tag, types.Tag)
    assert tag.id is not None
    tag_service = tags_service.tag_service(tag.id)
    tag.description = "changed"
    updated = tag_service.update(types.Tag(description="changed"))
    assert_type(updated, types.Tag)
    removed = tag_service.remove()
    assert_type(removed, None)
    vm = types.Vm(
        name="typed-vm",
        memory=2 << 30,
        cluster=types.Cluster(name="Default"),
        template=types.Template(name="Blank"),
        cpu=types.Cpu(topology=types.CpuTopology(cores=2, sockets=1, threads=1)),
        os=types.OperatingSystem(boot=types.Boot(devices=[types.BootDevice.HD])),
        custom_properties=[types.CustomProperty(name="k", value="v")],
        creation_time=datetime.datetime.now(datetime.timezone.utc),
        high_availability=types.HighAvailability(enabled=True, priority=1),
    )
    vm.memory_policy = types.MemoryPolicy(guaranteed=1 << 30, ballooning=True)
    vm.memory = None
    print(vm.name)
