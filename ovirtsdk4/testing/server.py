"""The simulator's faces: a context manager that serves an :class:`Engine` over HTTPS.

::

    from ovirtsdk4.testing import simulator

    with simulator(vms=50) as sim:
        connection = ovirtsdk4.Connection(url=sim.url, username=sim.username,
                                          password=sim.password, ca_file=sim.ca_file)
        ...
        sim.engine.add(types.Vm(name="extra", cluster=types.Cluster(name="Default")))

The server binds a free loopback port (or ``port=``), with a CA and a server certificate made
on the fly in a temporary directory (or ``tls_dir=``), and serves HTTP/1.1 keep-alive with one
thread per connection.
"""

from __future__ import annotations

import collections
import shutil
import tempfile
from pathlib import Path

from ovirtsdk4.testing._http import HttpServer
from ovirtsdk4.testing._tls import make_tls_material
from ovirtsdk4.testing.engine import API_PREFIX, Engine
from ovirtsdk4.testing.inventory import load_seed, populate

__all__ = ["Simulator", "simulator"]


class Simulator:
    """An engine served over HTTPS. Use it as a context manager (or ``start``/``stop``).

    Attributes once started: ``url`` (``https://localhost:PORT/ovirt-engine/api``),
    ``ca_file`` (path of the CA's PEM), ``username``, ``password``, ``engine`` (the
    :class:`Engine`), ``server`` (the HTTP server, whose ``requests`` keeps the last 10,000
    requests received).
    """

    def __init__(
        self,
        vms=0,
        *,
        seed=None,
        engine=None,
        port=0,
        tls_dir=None,
        username="admin@internal",
        password=None,
        transition_delay=0.0,
        inventory=None,
        host="localhost",
        record=10_000,
        **engine_options,
    ):
        self.engine = engine or Engine(
            username=username,
            password=password,
            transition_delay=transition_delay,
            **engine_options,
        )
        self.counts = {}
        if vms or inventory:
            self.counts = populate(self.engine, vms, **(inventory or {}))
        if seed is not None:
            load_seed(self.engine, seed)
        self._port = port
        self._tls_dir = tls_dir
        self._own_tls_dir = None
        self._host = host
        self._record = record
        self.server = None
        self.tls = None

    @property
    def username(self):
        return self.engine.username

    @property
    def password(self):
        return self.engine.password

    def start(self):
        if self.server is not None:
            return self
        directory = self._tls_dir
        if directory is None:
            directory = self._own_tls_dir = tempfile.mkdtemp(prefix="ovirt-simulator-")
        self.tls = make_tls_material(Path(directory))
        server = HttpServer(
            self.engine.handle,
            certfile=self.tls.server_cert,
            keyfile=self.tls.server_key,
            port=self._port,
        )
        # A bounded record, so that a long-running simulator does not grow without end.
        server.requests = collections.deque(maxlen=self._record)
        self.server = server.start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self._own_tls_dir is not None:
            shutil.rmtree(self._own_tls_dir, ignore_errors=True)
            self._own_tls_dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self.server.port

    @property
    def base_url(self):
        return f"https://{self._host}:{self.server.port}"

    @property
    def url(self):
        return self.base_url + API_PREFIX

    @property
    def ca_file(self):
        return str(self.tls.ca_cert)

    def connection_kwargs(self, **extra):
        """Keyword arguments for ``ovirtsdk4.Connection``."""
        kwargs = dict(
            url=self.url, username=self.username, password=self.password, ca_file=self.ca_file
        )
        kwargs.update(extra)
        return kwargs

    def connection(self, **extra):
        """A new ``ovirtsdk4.Connection`` to this simulator."""
        import ovirtsdk4

        return ovirtsdk4.Connection(**self.connection_kwargs(**extra))


def simulator(vms=0, **kwargs) -> Simulator:
    """A :class:`Simulator` (not started: use it in a ``with`` block)."""
    return Simulator(vms, **kwargs)
