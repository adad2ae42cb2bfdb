"""A pytest plugin: ``pytest -p ovirtsdk4.testing.pytest_plugin`` (or
``pytest_plugins = ["ovirtsdk4.testing.pytest_plugin"]`` in a ``conftest.py``).

Fixtures:

* ``ovirt_simulator`` (session): a started :class:`~ovirtsdk4.testing.server.Simulator` with a
  generated inventory of ``--ovirt-simulator-vms`` VMs (default 20). It has ``url``,
  ``ca_file``, ``username``, ``password``, ``engine`` and ``connection()``.
* ``ovirt_connection``: a connection to it, closed at the end of the test.
"""

import pytest


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
