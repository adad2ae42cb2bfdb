# Types of ``pytest_plugin.py``: the fixtures ``ovirt_simulator`` and ``ovirt_connection``
# (docs/typing.md). A test declares them as parameters typed ``Simulator`` and
# ``ovirtsdk4.Connection``.

from collections.abc import Iterator

import pytest

from ovirtsdk4._connection import Connection
from ovirtsdk4.testing.server import Simulator

def pytest_plugin_registered(plugin: object, manager: pytest.PytestPluginManager) -> None: ...
def pytest_addoption(parser: pytest.Parser) -> None: ...
@pytest.fixture(scope="session")
def ovirt_simulator(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Simulator]: ...
@pytest.fixture
def ovirt_connection(ovirt_simulator: Simulator) -> Iterator[Connection]: ...
