"""A pytest plugin, loaded automatically once the package is installed (its ``pytest11`` entry
point). Naming it explicitly works too, and changes nothing: ``pytest -p
ovirtsdk4.testing.pytest_plugin``, or ``pytest_plugins = ["ovirtsdk4.testing.pytest_plugin"]``
in a ``conftest.py``.

Fixtures:

* ``ovirt_simulator`` (session): a started :class:`~ovirtsdk4.testing.server.Simulator` with a
  generated inventory of ``--ovirt-simulator-vms`` VMs (default 20). It has ``url``,
  ``ca_file``, ``username``, ``password``, ``engine`` and ``connection()``.
* ``ovirt_connection``: a connection to it, closed at the end of the test.
"""

import sys

import pytest

#: The names pytest may register this module under: the entry point's and the module's.
_NAMES = ("ovirtsdk4", __name__)


def pytest_plugin_registered(plugin, manager):
    # Registered under one name (by the entry point, or by -p / pytest_plugins under the
    # module's name), the module would be registered again under the other, which pytest
    # refuses ("Plugin already registered under a different name"). Blocking the other name
    # makes that second registration a no-op.
    if plugin is sys.modules[__name__]:
        registered = manager.get_name(plugin)
        for name in _NAMES:
            if name != registered and manager.get_plugin(name) is None:
                manager.set_blocked(name)


def pytest_addoption(parser):
    parser.addoption(
        "--ovirt-simulator-vms",
        type=int,
        default=20,
        help="VMs in the inventory of the ovirt_simulator fixture",
    )


@pytest.fixture(scope="session")
def ovirt_simulator(request, tmp_path_factory):
    from ovirtsdk4.testing.server import Simulator

    vms = request.config.getoption("--ovirt-simulator-vms")
    with Simulator(vms, tls_dir=tmp_path_factory.mktemp("ovirt-simulator-tls")) as sim:
        yield sim


@pytest.fixture
def ovirt_connection(ovirt_simulator):
    connection = ovirt_simulator.connection()
    try:
        yield connection
    finally:
        connection.close()
