"""``python -m ovirtsdk4.testing serve``: run the engine simulator until interrupted, after
printing its URL, the addresses it listens on, its CA file, user name and password, and what
was generated and seeded. ``serve --help`` tells the options."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

_DESCRIPTION = """\
Serve a simulated oVirt engine over HTTPS on the loopback interface (127.0.0.1, and ::1 when
the machine has it), until Ctrl+C or SIGTERM. The API is at https://localhost:PORT/ovirt-engine/api;
clients log in with the printed user name and password and trust the printed CA file.

The inventory is a generated one (--vms VMs, with hosts, clusters, storage, networks, templates,
users, groups, tags, affinity labels, events: the same every time), a seed, or both."""

_EPILOG = """\
seed formats (see docs/simulator.md):
  JSON file      {"inventory": {"vms": 10},
                  "objects": [{"@type": "Vm", "name": "web1", "cluster": {"name": "Default"},
                               "type": "server", "nics": [{"name": "nic1"}]}]}
                 "inventory" holds the generation knobs (vms, hosts, clusters, data_centers,
                 storage_domains, events, seed); each object's keys are members of its
                 "@type" at any depth, "@path" names the collection (names may stand for
                 ids: /vms/web1/nics), and a key naming a sub-collection (nics, snapshots,
                 checkpoints, permissions, statistics ...) holds its entries.
  XML directory  *.xml files in the API's format (<vm>...</vm> or <vms>...</vms>); a file in
                 a sub-directory goes to the collection the sub-directory names
                 (vms/web1/checkpoints/cp1.xml).
  References ({"name": "Default"}, <cluster id="..."/>) name earlier or generated objects;
  seeded objects are exactly what the seed says, nothing is generated into them.

examples:
  python -m ovirtsdk4.testing serve --vms 1000 --port 8443
  python -m ovirtsdk4.testing serve --seed site.json --delay 2"""


def _parser():
    parser = argparse.ArgumentParser(prog="python -m ovirtsdk4.testing")
    commands = parser.add_subparsers(dest="command", required=True, metavar="serve")
    serve = commands.add_parser(
        "serve",
        help="serve a simulated engine over HTTPS",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--vms",
        type=int,
        default=None,
        metavar="N",
        help="VMs to generate (default: 100 without --seed; with --seed, the seed's "
        "'inventory' decides, 0 when it has none)",
    )
    serve.add_argument(
        "--seed", metavar="PATH", help="a JSON seed file or a directory of XML documents"
    )
    serve.add_argument(
        "--port", type=int, default=0, help="the port to listen on (default: a free one)"
    )
    serve.add_argument(
        "--username", default="admin@internal", help="the user name (default: admin@internal)"
    )
    serve.add_argument("--password", help="the password (default: a random one, printed)")
    serve.add_argument(
        "--tls-dir",
        metavar="DIR",
        help="where to write the CA and server certificate (default: a temporary "
        "directory, removed at exit)",
    )
    serve.add_argument(
        "--delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="how long status transitions and jobs take (default: 0, done before the next "
        "request is answered)",
    )
    serve.add_argument(
        "--kerberos",
        action="store_true",
        help="also accept the Kerberos grant (/sso/oauth/token-http-auth) WITHOUT any "
        "credential check: anyone who can connect gets a token (default: refused)",
    )
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)

    from ovirtsdk4.error import Error
    from ovirtsdk4.testing.server import Simulator

    vms = args.vms if args.vms is not None else (0 if args.seed else 100)
    try:
        sim = Simulator(
            vms,
            seed=args.seed,
            port=args.port,
            tls_dir=args.tls_dir,
            username=args.username,
            password=args.password,
            transition_delay=args.delay,
            kerberos=args.kerberos,
        )
        sim.start()
    except (OSError, Error) as exc:
        print(f"python -m ovirtsdk4.testing serve: error: {_reason(exc)}", file=sys.stderr)
        return 1
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with sim:
        listening = ", ".join(
            f"[{host}]:{port}" if ":" in host else f"{host}:{port}" for host, port in sim.addresses
        )
        print(f"url: {sim.url}")
        print(f"listening on: {listening}")
        print(f"ca_file: {sim.ca_file}")
        print(f"username: {sim.username}")
        print(f"password: {sim.password}")
        generated = ", ".join(f"{n} {name}" for name, n in sim.counts.items()) or "nothing"
        print(f"generated: {generated}")
        print(f"seeded: {sim.seeded}")
        if args.kerberos:
            print("kerberos: ON, tokens are given to anyone without credentials")
        print("Serving; press Ctrl+C to stop.", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


def _reason(exc):
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror if not exc.filename else f"{exc.filename}: {exc.strerror}"
    return str(exc)


if __name__ == "__main__":
    sys.exit(main())
