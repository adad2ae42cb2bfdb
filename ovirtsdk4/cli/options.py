"""The command line of ``ovirt-export``: the parser, and the checks made before anything
starts (every failure here is a usage error, exit status 2)."""

from __future__ import annotations

import argparse
import datetime
import os
import re
from urllib.parse import urlsplit

from ovirtsdk4.cli import catalog
from ovirtsdk4.cli.failures import EXIT_USAGE, ExportFailure

__all__ = ["DEMO_VMS", "PASSWORD_ENV", "check", "parser"]

PASSWORD_ENV = "OVIRT_PASSWORD"
DEMO_VMS = 10_000
DEFAULT_CONNECTIONS = 4
DEFAULT_TIMEOUT = 120.0
_RELATIVE = re.compile(r"^(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
# Options that only mean something for a real engine.
_ENGINE_ONLY = ("username", "ca_file", "insecure", "kerberos", "password_env")


def _count(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value

    return parse


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, not {text}")
    return value


def _since(text, now=None):
    """A point in time: ``7d``, ``12h``, ``30m`` ago, or an ISO 8601 date or date and time
    (UTC unless it names its offset)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    match = _RELATIVE.match(text.strip())
    if match:
        return now - datetime.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a time: {text!r} (give e.g. 7d, 12h, 2024-05-01 or 2024-05-01T08:00+02:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


def parser():
    p = argparse.ArgumentParser(
        prog="ovirt-export",
        description="Export an oVirt inventory to JSON Lines, CSV or SQLite, streaming: memory "
        "does not grow with the inventory. Give --url for an engine, or --demo / --demo-vms N "
        "for the built-in simulator. See docs/export.md.",
    )
    source = p.add_argument_group("where the data comes from")
    source.add_argument("--url", help="API URL, e.g. https://engine.example.com/ovirt-engine/api")
    source.add_argument(
        "--demo",
        action="store_true",
        help=f"export a simulated inventory of {DEMO_VMS} VMs (no engine needed)",
    )
    source.add_argument(
        "--demo-vms",
        type=_count(0),
        metavar="N",
        help="export a simulated inventory of N VMs",
    )
    engine = p.add_argument_group("engine options (with --url)")
    engine.add_argument("--username", help="default admin@internal")
    engine.add_argument("--ca-file", help="CA certificates (PEM) to verify the engine with")
    engine.add_argument(
        "--insecure", action="store_true", help="do not verify the engine's certificate"
    )
    engine.add_argument("--kerberos", action="store_true", help="authenticate with Kerberos")
    engine.add_argument(
        "--password-env",
        metavar="NAME",
        help=f"environment variable holding the password (default {PASSWORD_ENV}); "
        "without it the password is asked for on the terminal",
    )
    what = p.add_argument_group("what is written")
    what.add_argument(
        "--output",
        "-o",
        default="ovirt-export",
        metavar="DIR",
        help="output directory (default ./ovirt-export); must be new, empty, or an earlier "
        "export with --overwrite",
    )
    what.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an earlier export in DIR (as a whole, once this run has succeeded)",
    )
    what.add_argument("--format", choices=("jsonl", "csv", "sqlite"), default="jsonl")
    what.add_argument(
        "--collections",
        default="default",
        metavar="LIST",
        help="comma-separated collections; 'default' is "
        f"{','.join(catalog.DEFAULT)}; 'all' adds "
        f"{','.join(c.name for c in catalog.ALL if not c.default)}",
    )
    what.add_argument(
        "--since",
        type=_since,
        metavar="WHEN",
        help="with events: only events since WHEN (7d, 12h, 30m, or an ISO 8601 date/time)",
    )
    how = p.add_argument_group("how")
    how.add_argument(
        "--per-vm",
        action="store_true",
        help="fetch the VM sub-collections with requests per VM instead of inline (follow)",
    )
    how.add_argument(
        "--connections",
        type=_count(1),
        default=DEFAULT_CONNECTIONS,
        metavar="N",
        help=f"parallel connections to the engine (default {DEFAULT_CONNECTIONS})",
    )
    how.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="the longest the engine may stay silent: connecting, logging in, starting a "
        f"reply or between two objects of a reply (default {DEFAULT_TIMEOUT:.0f})",
    )
    how.add_argument("--quiet", "-q", action="store_true", help="no progress, no summary")
    return p


def _check_url(url):
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ExportFailure(
            EXIT_USAGE,
            f"--url {url!r} is not an http(s) URL; give e.g. "
            "https://engine.example.com/ovirt-engine/api",
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise ExportFailure(EXIT_USAGE, f"--url {url!r}: {exc}") from None


def check(args):
    """Check ``args`` as a whole; sets ``args.selected`` (the collections) and
    ``args.demo_vms`` (None without a demo). Raises :class:`ExportFailure` (usage)."""
    demo = args.demo or args.demo_vms is not None
    if args.url and demo:
        raise ExportFailure(EXIT_USAGE, "give either --url or --demo/--demo-vms, not both")
    if not args.url and not demo:
        raise ExportFailure(
            EXIT_USAGE,
            "nothing to export from: give --url URL for an engine, or --demo (--demo-vms N) "
            "for a simulated inventory",
        )
    if demo:
        given = [f"--{n.replace('_', '-')}" for n in _ENGINE_ONLY if getattr(args, n)]
        if given:
            raise ExportFailure(
                EXIT_USAGE, f"{', '.join(given)} only apply to --url, not to the simulator"
            )
        if args.demo_vms is None:
            args.demo_vms = DEMO_VMS
    else:
        _check_url(args.url)
        if args.ca_file and not args.insecure and not os.path.isfile(args.ca_file):
            raise ExportFailure(EXIT_USAGE, f"the CA file '{args.ca_file}' doesn't exist")
        args.username = args.username or "admin@internal"
        args.password_env = args.password_env or PASSWORD_ENV
    try:
        args.selected = catalog.select(args.collections)
    except ValueError as exc:
        raise ExportFailure(EXIT_USAGE, str(exc)) from None
    names = {c.name for c in args.selected}
    if "events" in names and args.since is None:
        raise ExportFailure(
            EXIT_USAGE, "events need a bound: give --since (e.g. --since 7d or 2024-05-01)"
        )
    if args.since is not None and "events" not in names:
        raise ExportFailure(EXIT_USAGE, "--since applies to events: add events to --collections")
    if args.per_vm and not any(c.is_vm_child for c in args.selected):
        raise ExportFailure(EXIT_USAGE, "--per-vm needs a VM sub-collection (vm_nics, ...)")
    return args
