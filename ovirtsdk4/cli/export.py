"""``ovirt-export``: a streaming bulk export of an oVirt inventory to JSON Lines, CSV or SQLite.

::

    OVIRT_PASSWORD=... ovirt-export --url https://engine/ovirt-engine/api \\
        --username admin@internal --ca-file ca.pem --output out/
    ovirt-export --demo-vms 500 --output out/ --format sqlite     # the built-in simulator

Every collection is streamed from the engine to its file, so memory does not grow with the
inventory; the collections are fetched in parallel (``--connections``). The run writes into a
hidden sibling of ``--output`` and puts it in place only when everything, ``manifest.json``
included, is written; a failed or interrupted run leaves ``--output`` as it was. The files, the
manifest, the options and the exit codes are described in docs/export.md. Failures are one
line on stderr.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import errno
import getpass
import os
import signal
import sys
import threading

import ovirtsdk4
from ovirtsdk4.cli import manifest, options
from ovirtsdk4.cli.csv_writer import CsvOutput
from ovirtsdk4.cli.failures import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_TERMINATED,
    EXIT_USAGE,
    ExportFailure,
    Terminated,
    classify,
)
from ovirtsdk4.cli.fetch import Fetch, supervise
from ovirtsdk4.cli.jsonl_writer import JsonlOutput
from ovirtsdk4.cli.outdir import Staging
from ovirtsdk4.cli.progress import Progress, format_summary
from ovirtsdk4.cli.sqlite_writer import SqliteOutput

__all__ = ["main", "run"]

OUTPUTS = {"jsonl": JsonlOutput, "csv": CsvOutput, "sqlite": SqliteOutput}
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _password(args):
    value = os.environ.get(args.password_env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise ExportFailure(
            EXIT_USAGE,
            f"no password: set {args.password_env} or run on a terminal to be asked for it",
        )
    return getpass.getpass(f"Password for {args.username}: ")


def _start_simulator(vms, progress):
    activity = progress.begin(f"starting the simulator ({vms:,} VMs)", engine=False)
    try:
        from ovirtsdk4.testing.server import Simulator
    except ModuleNotFoundError as exc:
        raise ExportFailure(
            EXIT_USAGE,
            f"the built-in engine simulator needs {exc.name!r}: "
            "pip install 'ovirtsdk4-fast[testing]', or give --url",
        ) from None
    simulator = Simulator(vms).start()
    activity.done()
    return simulator


def _connection_kwargs(args, simulator):
    if simulator is not None:
        kwargs = simulator.connection_kwargs()
    else:
        kwargs = dict(
            url=args.url,
            username=args.username,
            ca_file=args.ca_file,
            insecure=args.insecure,
            kerberos=args.kerberos,
        )
        if not args.kerberos:
            kwargs["password"] = args.password
    kwargs.update(connections=args.connections, connect_timeout=args.timeout)
    return kwargs


def _prologue(connection, progress):
    """Log in and read the API root (product and version, for the manifest)."""
    activity = progress.begin(f"logging in to {manifest.public_url(connection.url)}")
    connection.authenticate()
    activity.done()
    activity = progress.begin("reading the API root")
    api = connection.system_service().get()
    activity.done()
    return api


def _logout(pool, connection, progress, timeout):
    """Revoke the token; a logout that fails or hangs does not spoil a finished export."""

    def logout():
        activity = progress.begin("logging out")
        connection.close()
        activity.done()

    try:
        supervise(pool, [logout], progress, timeout, lambda: connection.close(logout=False))
    except (ovirtsdk4.Error, ExportFailure):
        connection.close(logout=False)


def _options(args):
    chosen = {
        "format": args.format,
        "collections": [c.name for c in args.selected],
        "connections": args.connections,
        "timeout": args.timeout,
        "per_vm": args.per_vm,
        "since": args.since.isoformat() if args.since is not None else None,
    }
    if args.url:
        chosen.update(username=args.username, insecure=args.insecure, kerberos=args.kerberos)
    else:
        chosen["demo_vms"] = args.demo_vms
    return chosen


def _publish(staging):
    """Put the export in place with SIGINT and SIGTERM held back, so that it happens whole."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        staging.publish()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _export(args, staging, progress):
    started = _now()
    simulator = connection = output = None
    try:
        if args.demo_vms is not None:
            simulator = _start_simulator(args.demo_vms, progress)
        try:
            connection = ovirtsdk4.Connection(**_connection_kwargs(args, simulator))
        except ovirtsdk4.Error as exc:
            raise classify(exc) from None
        output = OUTPUTS[args.format](staging.path)
        progress.written = output.written

        def abort():
            connection.close(logout=False)

        with concurrent.futures.ThreadPoolExecutor(
            max_workers=args.connections, thread_name_prefix="ovirt-export"
        ) as pool:
            try:
                [api] = supervise(
                    pool, [lambda: _prologue(connection, progress)], progress, args.timeout, abort
                )
                fetch = Fetch(
                    connection,
                    output,
                    progress,
                    args.selected,
                    per_vm=args.per_vm,
                    since=args.since,
                    spool_dir=staging.path,
                    window=4 * args.connections,
                )
                supervise(pool, fetch.jobs(), progress, args.timeout, abort)
            except ovirtsdk4.Error as exc:
                raise classify(exc) from None
            _logout(pool, connection, progress, args.timeout)
        activity = progress.begin(f"writing {args.format}", engine=False)
        output.finish()
        activity.done()
        rows = [
            (name, fetch.sinks[name].objects, fetch.activity[name].seconds) for name in fetch.names
        ]
        finished = _now()
        manifest.write(
            staging.path,
            manifest.build(
                url=connection.url,
                api=api,
                simulated=simulator is not None,
                started=started,
                finished=finished,
                output=output,
                collections=rows,
                options=_options(args),
            ),
        )
        progress.finish()
        _publish(staging)
    except BaseException:
        progress.finish()
        try:
            if output is not None:
                output.close()
        finally:
            staging.discard()
        raise
    finally:
        if connection is not None:
            connection.close(logout=False)
        if simulator is not None:
            simulator.stop()
    summary = [(name, objects, output.describe(name).get("bytes"), s) for name, objects, s in rows]
    summary.append(
        (
            "total",
            sum(r[1] for r in rows),
            sum(r[2] or 0 for r in summary),
            (finished - started).total_seconds(),
        )
    )
    return summary


def run(argv=None, stdout=None, stderr=None):
    """Parse ``argv``, export, print the summary; returns it. Raises :class:`ExportFailure`."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = options.check(options.parser().parse_args(argv))
    staging = Staging(args.output, args.overwrite)
    staging.check()
    if args.url and not args.kerberos:
        args.password = _password(args)
    progress = Progress(stderr, enabled=not args.quiet and stderr.isatty())
    staging.create()
    try:
        summary = _export(args, staging, progress)
    except OSError as exc:
        reason = "disk full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
        raise ExportFailure(EXIT_OUTPUT, f"cannot write {args.output}: {reason}") from None
    if not args.quiet:
        print(format_summary(summary), file=stdout)
    return summary


def _terminate(signum, frame):
    raise Terminated()


def main(argv=None):
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        run(argv)
    except ExportFailure as failure:
        print(f"ovirt-export: error: {failure}", file=sys.stderr)
        return failure.code
    except KeyboardInterrupt:
        print("ovirt-export: interrupted; the output directory is as it was", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("ovirt-export: terminated; the output directory is as it was", file=sys.stderr)
        return EXIT_TERMINATED
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
