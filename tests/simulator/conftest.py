"""Fixtures of the simulator tests: one simulator per session, and fresh ones on demand."""

import pytest

from ovirtsdk4.testing.server import Simulator


@pytest.fixture(scope="session")
def sim(tmp_path_factory):
    with Simulator(40, tls_dir=tmp_path_factory.mktemp("sim-tls")) as simulator:
        yield simulator


@pytest.fixture
def connection(sim):
    conn = sim.connection()
    yield conn
    conn.close()


@pytest.fixture
def fresh(tmp_path):
    """A simulator of its own (for tests that change the inventory a lot or set options)."""
    sims = []

    def make(vms=5, **kwargs):
        simulator = Simulator(vms, tls_dir=tmp_path / f"tls{len(sims)}", **kwargs).start()
        sims.append(simulator)
        return simulator

    yield make
    for simulator in sims:
        simulator.stop()
