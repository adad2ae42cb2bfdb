"""Connect, list, search, page, get: each result has the model's type."""

from typing_extensions import assert_type

import ovirtsdk4
from ovirtsdk4 import types


def connect(url: str, username: str, password: str, ca_file: str) -> ovirtsdk4.Connection:
    return ovirtsdk4.Connection(
        url=url, username=username, password=password, ca_file=ca_file, timeout=30
    )


def run(connection: ovirtsdk4.Connection) -> None:
    system = connection.system_service()
    assert_type(system, ovirtsdk4.services.SystemService)
    vms_service = system.vms_service()
    vms = vms_service.list(search="name=*", max=5)
    assert_type(vms, ovirtsdk4.List[types.Vm])
    for vm in vms:
        name: str | None = vm.name
        memory = vm.memory if vm.memory is not None else 0
        assert_type(memory, int)
        if vm.status is types.VmStatus.UP:
            print(name, memory // (1 << 20), str(vm.status))
    if vms:
        vm_id = vms[0].id
        assert vm_id is not None
        vm = vms_service.vm_service(vm_id).get(all_content=True)
        assert_type(vm, types.Vm)
        if vm.creation_time is not None:
            print(vm.creation_time.isoformat())
    for vm in vms_service.list_iter(page_size=2):
        assert_type(vm, types.Vm)
    clusters = system.clusters_service().list()
    names = [cluster.name for cluster in clusters if cluster.name]
    assert_type(names, list[str])
    api = system.get()
    if api.product_info is not None and api.product_info.version is not None:
        print(api.product_info.version.major)
    assert connection.test(raise_exception=True)
