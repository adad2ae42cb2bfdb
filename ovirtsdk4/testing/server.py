"""The simulator's faces: a context manager that serves an :class:`Engine` over HTTPS.

::

    from ovirtsdk4.testing import simulator

    with simulator(vms=50) as sim:
        connection = ovirtsdk4.Connection(url=sim.url, username=sim.username,
                                          password=sim.password, ca_file=sim.ca_file)
        ...
        sim.engine.add(types.Vm(name="extra", cluster=types.Cluster(name="Default")))

The server listens on ``127.0.0.1`` and ``::1`` (when the machine has an IPv6 loopback), on a
free port (or ``port=``; a busy one raises ``OSError`` saying so), with a CA and a server
certificate made on the fly in a temporary directory (or ``tls_dir=``), and serves HTTP/1.1
keep-alive with one thread per connection.
"""

from __future__ import annotations

import collections
import errno
import shutil
import tempfile
from pathlib import Path

from ovirtsdk4.testing._http import HttpServer
from ovirtsdk4.testing._tls import make_tls_material
from ovirtsdk4.testing.engine import API_PREFIX, Engine
from ovirtsdk4.testing.inventory import populate
from ovirtsdk4.testing.seed import Seed, SeedReport
from ovirtsdk4.testing.seed import load as load_seed
from ovirtsdk4.testing.seed import read as read_seed

__all__ = ["Simulator", "simulator"]


class Simulator:
    """An engine served over HTTPS. Use it as a context manager (or ``start``/``stop``).

    ``vms`` VMs are generated (with ``inventory``'s other knobs of
    :func:`~ovirtsdk4.testing.inventory.populate`, or the seed's; ``vms`` replaces the knobs'
    count when not 0), then ``seed`` (a path or a :class:`~ovirtsdk4.testing.seed.Seed`) is
    loaded. ``counts`` tells what was generated, ``seeded`` what was seeded.

    Attributes once started: ``url`` (``https://localhost:PORT/ovirt-engine/api``; it names
    ``127.0.0.1`` instead when the machine has no IPv6 loopback), ``addresses`` (what is
    listened on), ``ca_file`` (path of the CA's PEM), ``username``, ``password``, ``engine``
    (the :class:`Engine`), ``server`` (the HTTP server, whose ``requests`` keeps the last
    10,000 requests received).
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
        host=None,
        record=10_000,
        **engine_options,
    ):
        self.engine = engine or Engine(
            username=username,
            password=password,
            transition_delay=transition_delay,
            **engine_options,
        )
        if seed is not None and not isinstance(seed, Seed):
            seed = read_seed(seed)
        knobs = dict(seed.inventory or {}) if seed is not None else {}
        knobs.update(inventory or {})
        if vms:
            knobs["vms"] = vms
        #: What :func:`~ovirtsdk4.testing.inventory.populate` generated (counts per collection).
        self.counts = populate(self.engine, **knobs) if knobs else {}
        #: What the seed added (a :class:`~ovirtsdk4.testing.seed.SeedReport`).
        self.seeded = load_seed(self.engine, seed) if seed is not None else SeedReport()
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
        try:
            server = HttpServer(
                self.engine.handle,
                certfile=self.tls.server_cert,
                keyfile=self.tls.server_key,
                port=self._port,
                ipv6=True,
            )
        except OSError as exc:
            self.stop()
            if exc.errno == errno.EADDRINUSE:
                raise OSError(
                    exc.errno, f"cannot listen on port {self._port}: it is already in use"
                ) from None
            raise
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
    def addresses(self):
        """The ``(address, port)`` pairs listened on: ``127.0.0.1`` and, when the machine
        has an IPv6 loopback, ``::1``."""
        return self.server.addresses

    @property
    def base_url(self):
        host = self._host
        if host is None:
            # "localhost" may resolve to ::1 first: name it only when ::1 is listened on too.
            host = "localhost" if self.server.ipv6 else "127.0.0.1"
        return f"https://{host}:{self.server.port}"

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
