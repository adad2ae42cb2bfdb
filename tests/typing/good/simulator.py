"""The testing API: the simulator and the pytest fixtures."""

from typing_extensions import assert_type

import ovirtsdk4
from ovirtsdk4 import types
from ovirtsdk4.testing import Simulator, simulator


def test_with_the_fixtures(
    ovirt_simulator: Simulator, ovirt_connection: ovirtsdk4.Connection
) -> None:
    vm = ovirt_simulator.engine.add(
        types.Vm(name="from-a-test", cluster=types.Cluster(name="Default"))
    )
    assert_type(vm, types.Vm)
    found = ovirt_simulator.engine.find(types.Vm, "from-a-test")
    assert_type(found, types.Vm | None)
    assert ovirt_connection.system_service().vms_service().list(search="name=from-a-test")


def run(connection: ovirtsdk4.Connection) -> None:
    with simulator(vms=3) as sim:
        assert_type(sim.url, str)
        with sim.connection() as other:
            print(len(other.system_service().vms_service().list()))
        with ovirtsdk4.Connection(
            url=sim.url, username=sim.username, password=sim.password, ca_file=sim.ca_file
        ) as again:
            print(again.authenticate() != "")
        sim.engine.settle()
    print(connection.url)
