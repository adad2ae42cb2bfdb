"""Tools for testing scripts without an engine: TLS material made on the fly, a scriptable
local HTTPS server, and a model-driven engine simulator. Needs the ``testing`` extra.

::

    from ovirtsdk4.testing import simulator

    with simulator(vms=100) as sim:
        with ovirtsdk4.Connection(url=sim.url, username=sim.username,
                                  password=sim.password, ca_file=sim.ca_file) as connection:
            vms = connection.system_service().vms_service().list(search="status=up")

Command line: ``python -m ovirtsdk4.testing serve [--vms N] [--seed PATH] [--port P]``
(``serve --help`` tells every option). pytest: the fixtures ``ovirt_simulator`` and
``ovirt_connection`` are there once the package is installed (:mod:`.pytest_plugin`). Seeds,
generation and the state machine: ``docs/simulator.md``, :mod:`.seed`, :mod:`.inventory`,
:mod:`.actions`.
"""

__all__ = ["Engine", "Simulator", "populate", "simulator"]


def __getattr__(name):
    # Lazy: importing ovirtsdk4.testing must stay cheap (the TLS helpers need cryptography).
    if name == "Engine":
        from ovirtsdk4.testing.engine import Engine

        return Engine
    if name in ("Simulator", "simulator"):
        from ovirtsdk4.testing import server

        return getattr(server, name)
    if name == "populate":
        from ovirtsdk4.testing.inventory import populate

        return populate
    raise AttributeError(f"module 'ovirtsdk4.testing' has no attribute {name!r}")
