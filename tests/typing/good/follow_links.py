"""follow_link gives an object of the link's type, or a List of the linked items."""

from typing_extensions import assert_type

import ovirtsdk4
from ovirtsdk4 import types


def run(connection: ovirtsdk4.Connection) -> None:
    vms_service = connection.system_service().vms_service()
    for vm in vms_service.list(max=3):
        if vm.cluster is not None:
            cluster = connection.follow_link(vm.cluster)
            assert_type(cluster, types.Cluster)
            print(cluster.name)
        if vm.nics is not None:
            nics = connection.follow_link(vm.nics)
            assert_type(nics, ovirtsdk4.List[types.Nic])
            print([nic.name for nic in nics])
        assert vm.href is not None
        service = connection.service(vm.href.split("/api/", 1)[1])
        assert isinstance(service, ovirtsdk4.services.VmService)
        print(service.get().name)
