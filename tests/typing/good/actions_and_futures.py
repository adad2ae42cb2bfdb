"""Actions return what the model says; wait=False gives a typed Future."""

from typing_extensions import assert_type

import ovirtsdk4
from ovirtsdk4 import types
from ovirtsdk4.service import Future


def run(connection: ovirtsdk4.Connection) -> None:
    vms_service = connection.system_service().vms_service()
    futures = [vms_service.list(max=1, wait=False), vms_service.list(max=2, wait=False)]
    assert_type(futures[0], Future[ovirtsdk4.List[types.Vm]])
    lists = [future.wait() for future in futures]
    vm = lists[1][0]
    assert vm.id is not None
    vm_service = vms_service.vm_service(vm.id)
    pending = vm_service.get(wait=False)
    assert_type(pending.wait(), types.Vm)
    result = vm_service.start(async_=False, use_cloud_init=False)
    assert_type(result, None)
    stopping = vm_service.stop(wait=False)
    assert_type(stopping, Future[None])
    stopping.wait()
    domains = connection.system_service().storage_domains_service().list(max=1)
    if domains and domains[0].id is not None:
        domain = connection.system_service().storage_domains_service()
        attached = domain.storage_domain_service(domains[0].id).is_attached(wait=True)
        assert_type(attached, bool | None)
