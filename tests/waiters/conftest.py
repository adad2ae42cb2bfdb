"""Fixtures of the waiter, retry and event tests: a simulator whose transitions take
``DELAY`` seconds, shared by the module's tests, and quick back-offs."""

import uuid

import pytest

from ovirtsdk4 import types
from ovirtsdk4.backoff import Backoff
from ovirtsdk4.testing.flaky import FlakyEngine
from ovirtsdk4.testing.server import Simulator

#: Seconds each transition of the simulator takes.
DELAY = 0.05
#: Polls every 10 to 50 ms.
QUICK = Backoff(initial=0.01, factor=1.5, maximum=0.05, jitter=0.2)


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    tls = tmp_path_factory.mktemp("waiters-tls")
    with Simulator(12, tls_dir=tls, transition_delay=DELAY) as simulator:
        yield simulator


@pytest.fixture
def connection(sim):
    conn = sim.connection()
    yield conn
    conn.close()


@pytest.fixture
def flaky_sim(tmp_path):
    """A simulator of its own over a FlakyEngine (its ``engine``), for scripting failures."""
    engine = FlakyEngine(transition_delay=DELAY)
    with Simulator(5, engine=engine, tls_dir=tmp_path / "tls") as simulator:
        yield simulator


@pytest.fixture
def vms(connection):
    return connection.system_service().vms_service()


@pytest.fixture
def make_vm(sim, vms):
    """Makes services of new VMs, down; those still there at the end are removed."""
    made = []

    def make():
        vm = vms.add(
            types.Vm(
                name=f"w-{uuid.uuid4().hex[:12]}",
                cluster=types.Cluster(name="Default"),
                template=types.Template(name="Blank"),
            )
        )
        made.append(vms.vm_service(vm.id))
        return made[-1]

    yield make
    for service in made:
        vm = stored(sim, service)
        if vm is not None:
            if vm.status != types.VmStatus.DOWN:
                service.stop()
            service.remove()


@pytest.fixture
def down_vm(make_vm):
    """The service of a new VM, down."""
    return make_vm()


def stored(sim, service):
    """The simulator's own object behind ``service`` (None once removed)."""
    return sim.engine.get("/" + service._path)
