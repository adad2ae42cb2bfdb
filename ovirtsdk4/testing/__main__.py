"""``python -m ovirtsdk4.testing serve --vms N [--seed FILE] [--port P]``: run the simulator
until interrupted, after printing its URL, CA file, user name and password."""

from __future__ import annotations

import argparse
import signal
import sys
import threading


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m ovirtsdk4.testing")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve a simulated engine over HTTPS")
    serve.add_argument("--vms", type=int, default=100, help="VMs in the generated inventory")
    serve.add_argument("--seed", help="a JSON seed file or a directory of XML documents")
    serve.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    serve.add_argument("--username", default="admin@internal")
    serve.add_argument("--password", help="default: a random one, printed")
    serve.add_argument(
        "--tls-dir",
        help="where to write the CA and certificate (default: a "
        "temporary directory, removed at exit)",
    )
    serve.add_argument(
        "--delay", type=float, default=0.0, help="seconds status transitions take (default 0)"
    )
    args = parser.parse_args(argv)

    from ovirtsdk4.testing.server import Simulator

    sim = Simulator(
        args.vms,
        seed=args.seed,
        port=args.port,
        tls_dir=args.tls_dir,
        username=args.username,
        password=args.password,
        transition_delay=args.delay,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with sim:
        print(f"url: {sim.url}")
        print(f"ca_file: {sim.ca_file}")
        print(f"username: {sim.username}")
        print(f"password: {sim.password}")
        print("Serving; press Ctrl+C to stop.", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
