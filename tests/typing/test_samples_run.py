"""The good sample scripts also run, against the simulator: the types they assert
(``assert_type``) describe what the SDK really returns, not only what the stubs say."""

import importlib.util
from pathlib import Path

import pytest

from ovirtsdk4.testing.server import Simulator

pytest.importorskip("typing_extensions", reason="the samples import assert_type from it")

GOOD = Path(__file__).resolve().parent / "good"
SAMPLES = sorted(path.stem for path in GOOD.glob("*.py"))


def _load(name):
    spec = importlib.util.spec_from_file_location(f"typing_sample_{name}", GOOD / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    with Simulator(6, tls_dir=tmp_path_factory.mktemp("typing-tls")) as simulator:
        yield simulator


@pytest.fixture
def connection(sim):
    with sim.connection() as conn:
        yield conn


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_runs(name, connection):
    _load(name).run(connection)


def test_the_fixture_sample_runs_with_the_plugin_fixtures(sim, connection):
    _load("simulator").test_with_the_fixtures(sim, connection)


def test_connect_builds_a_connection(sim):
    sample = _load("connect_and_read")
    with sample.connect(sim.url, sim.username, sim.password, sim.ca_file) as conn:
        sample.run(conn)
