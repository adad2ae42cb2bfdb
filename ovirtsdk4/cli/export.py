"""``ovirt-export``: a fast bulk export of an oVirt inventory to JSON Lines or CSV.

::

    ovirt-export --output out/                                  # embedded simulator, 10,000 VMs
    ovirt-export --demo-vms 500 --output out/ --format csv
    OVIRT_PASSWORD=... ovirt-export --url https://engine/ovirt-engine/api \\
        --username admin@internal --ca-file ca.pem --output out/

One file per collection in ``--output`` (``vms.jsonl``, ``disks.jsonl`` ...). Enums are
written as their values, dates in ISO 8601, references as ``{"id": ...}`` (CSV: ``cluster.id``
columns). The VMs' disk attachments and NICs go to ``vm_disk_attachments`` and ``vm_nics``,
each row with a ``vm_id``. Each file is written under a temporary name; all are renamed
when the whole export has succeeded, so a failed export leaves no file that looks complete.
Built on the public SDK API only: every top-level collection is requested at once with
``wait=False``; the VMs' attachments and NICs come inline with ``follow`` (default), or from
one request per VM (``--per-vm``), also with ``wait=False``.

Exit codes: 0 success, 2 usage, 3 authentication failed, 4 engine unreachable, 5 TLS problem,
6 cannot write the output (e.g. disk full), 1 anything else. Failures are one line on stderr.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import enum
import errno
import getpass
import io
import json
import os
import sys
import time

import ovirtsdk4

__all__ = ["COLLECTIONS", "main", "to_record"]

PASSWORD_ENV = "OVIRT_PASSWORD"

# name -> (locator on the system service, list keyword arguments)
COLLECTIONS = {
    "datacenters": ("data_centers_service", {}),
    "clusters": ("clusters_service", {}),
    "hosts": ("hosts_service", {}),
    "storagedomains": ("storage_domains_service", {}),
    "networks": ("networks_service", {}),
    "templates": ("templates_service", {}),
    "vms": ("vms_service", {}),
    "disks": ("disks_service", {}),
}
# Exported with the VMs: file name -> Vm member.
VM_CHILDREN = {"vm_disk_attachments": "disk_attachments", "vm_nics": "nics"}
DEFAULT = list(COLLECTIONS) + list(VM_CHILDREN)

EXIT_OK, EXIT_OTHER, EXIT_USAGE, EXIT_AUTH, EXIT_UNREACHABLE, EXIT_TLS, EXIT_OUTPUT = range(7)


class ExportFailure(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------- records


def _members(cls, _cache={}):  # noqa: B006 - a deliberate per-process cache
    members = _cache.get(cls)
    if members is None:
        from ovirtsdk4._xml.tables import SCHEMA

        members = _cache[cls] = [
            (m.name, m.kind_name, m.is_list, m.is_link) for m in SCHEMA.by_class[cls].members
        ]
    return members


def _value(kind, value):
    if kind == "struct":
        return to_record(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def to_record(obj):
    """A JSON-ready dict of ``obj``: every set member, enums as values, dates in ISO 8601,
    references as ``{"id": ...}`` (and ``name`` when known), list links left out."""
    record = {}
    for name, kind, is_list, is_link in _members(type(obj)):
        value = getattr(obj, name)
        if value is None:
            continue
        if is_link:
            if is_list:
                continue
            ref = {"id": value.id} if value.id is not None else {}
            ref_name = getattr(value, "name", None)
            if ref_name is not None:
                ref["name"] = ref_name
            record[name] = ref
        elif is_list:
            record[name] = [_value(kind, item) for item in value]
        else:
            record[name] = _value(kind, value)
    return record


def _flatten(record, prefix="", out=None):
    out = {} if out is None else out
    for key, value in record.items():
        name = prefix + key
        if isinstance(value, dict):
            _flatten(value, name + ".", out)
        elif isinstance(value, list):
            out[name] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = value
    return out


# ---------------------------------------------------------------------------- output


class Output:
    """Writes one collection under a temporary name; ``commit`` renames it."""

    def __init__(self, directory, name, fmt):
        self.final = os.path.join(directory, f"{name}.{'jsonl' if fmt == 'jsonl' else 'csv'}")
        self.temp = os.path.join(directory, f".{name}.{fmt}.partial-{os.getpid()}")
        self.fmt = fmt
        self.bytes = 0
        self.count = 0

    def write(self, records):
        try:
            with open(self.temp, "w", encoding="utf-8", newline="") as f:
                if self.fmt == "jsonl":
                    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
                    chunk = []
                    for record in records:
                        chunk.append(dumps(record))
                        self.count += 1
                        if len(chunk) >= 2000:
                            f.write("\n".join(chunk) + "\n")
                            chunk.clear()
                    if chunk:
                        f.write("\n".join(chunk) + "\n")
                else:
                    rows = [_flatten(r) for r in records]
                    columns = []
                    seen = set()
                    for row in rows:
                        for key in row:
                            if key not in seen:
                                seen.add(key)
                                columns.append(key)
                    buffer = io.StringIO()
                    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
                    writer.writeheader()
                    writer.writerows(rows)
                    f.write(buffer.getvalue())
                    self.count = len(rows)
                f.flush()
                os.fsync(f.fileno())
            self.bytes = os.path.getsize(self.temp)
        except BaseException:
            self.discard()
            raise

    def commit(self):
        os.replace(self.temp, self.final)

    def discard(self):
        try:
            os.unlink(self.temp)
        except OSError:
            pass


# ---------------------------------------------------------------------------- progress


class Progress:
    def __init__(self, enabled, total):
        self.enabled = enabled
        self.total = total
        self.done = 0
        self.objects = 0
        self.start = time.perf_counter()

    def step(self, name, count):
        self.done += 1
        self.objects += count
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.perf_counter() - self.start
        sys.stderr.write(
            f"\r[{bar}] {self.done}/{self.total} collections, {self.objects} objects, "
            f"{elapsed:.1f} s ({name})\x1b[K"
        )
        sys.stderr.flush()

    def finish(self):
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


# ---------------------------------------------------------------------------- export


def _classify(exc):
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, ovirtsdk4.AuthError):
        return ExportFailure(EXIT_AUTH, f"authentication failed: {text}")
    if any(word in lowered for word in ("ssl", "certificate", "tls")):
        return ExportFailure(EXIT_TLS, f"TLS problem: {text}")
    if isinstance(exc, ovirtsdk4.ConnectionError) or any(
        word in lowered
        for word in (
            "couldn't connect",
            "could not resolve",
            "connection refused",
            "failed to connect",
            "timed out",
            "timeout",
        )
    ):
        return ExportFailure(EXIT_UNREACHABLE, f"cannot reach the engine: {text}")
    return ExportFailure(EXIT_OTHER, f"the engine failed: {text}")


def fetch(connection, names, per_vm=False, page_size=None):
    """Yield ``(name, records)`` for each requested collection, fetching concurrently."""
    system = connection.system_service()
    futures = {}
    wanted_children = [c for c in VM_CHILDREN if c in names]
    for name in names:
        if name not in COLLECTIONS:
            continue
        locator, kwargs = COLLECTIONS[name]
        kwargs = dict(kwargs)
        if name == "vms" and wanted_children and not per_vm:
            kwargs["follow"] = ",".join(VM_CHILDREN[c] for c in wanted_children)
        futures[name] = getattr(system, locator)().list(wait=False, **kwargs)
    vms = None
    if wanted_children and "vms" not in futures:
        futures["vms"] = system.vms_service().list(
            wait=False,
            **({} if per_vm else {"follow": ",".join(VM_CHILDREN[c] for c in wanted_children)}),
        )
    for name, future in futures.items():
        objects = future.wait()
        if name == "vms":
            vms = objects
        if name in names:
            yield name, [to_record(o) for o in objects]
    if not wanted_children:
        return
    if per_vm:
        vms_service = system.vms_service()
        pending = {child: [] for child in wanted_children}
        for vm in vms:
            vm_service = vms_service.vm_service(vm.id)
            for child in wanted_children:
                locator = f"{VM_CHILDREN[child]}_service"
                pending[child].append((vm.id, getattr(vm_service, locator)().list(wait=False)))
        for child in wanted_children:
            records = []
            for vm_id, future in pending[child]:
                for item in future.wait():
                    record = to_record(item)
                    record["vm_id"] = vm_id
                    records.append(record)
            yield child, records
    else:
        for child in wanted_children:
            member = VM_CHILDREN[child]
            records = []
            for vm in vms:
                for item in getattr(vm, member) or ():
                    record = to_record(item)
                    record["vm_id"] = vm.id
                    records.append(record)
            yield child, records


def export(connection, directory, names, fmt="jsonl", progress=None, per_vm=False):
    """Export ``names`` to ``directory``; returns ``[(name, objects, bytes, seconds)]``."""
    os.makedirs(directory, exist_ok=True)
    summary = []
    outputs = []
    start = time.perf_counter()
    try:
        iterator = fetch(connection, names, per_vm=per_vm)
        while True:
            began = time.perf_counter()
            try:
                name, records = next(iterator)
            except StopIteration:
                break
            output = Output(directory, name, fmt)
            outputs.append(output)
            output.write(records)
            seconds = time.perf_counter() - began
            summary.append((name, output.count, output.bytes, seconds))
            if progress is not None:
                progress.step(name, output.count)
        # Every file is complete: only now do they get their final names.
        for output in outputs:
            output.commit()
    except BaseException:
        for output in outputs:
            output.discard()
        raise
    summary.append(
        (
            "total",
            sum(s[1] for s in summary),
            sum(s[2] for s in summary),
            time.perf_counter() - start,
        )
    )
    return summary


def format_summary(summary):
    lines = [f"{'collection':<22}{'objects':>10}{'bytes':>14}{'seconds':>10}{'objects/s':>12}"]
    for name, count, size, seconds in summary:
        rate = count / seconds if seconds > 0 else 0.0
        lines.append(f"{name:<22}{count:>10}{size:>14}{seconds:>10.2f}{rate:>12.0f}")
    return "\n".join(lines)


def _parser():
    parser = argparse.ArgumentParser(
        prog="ovirt-export",
        description="Export an oVirt inventory to JSON Lines or CSV files. Without --url, "
        "an embedded simulator with a generated inventory is exported.",
    )
    parser.add_argument("--url", help="API URL, e.g. https://engine.example.com/ovirt-engine/api")
    parser.add_argument("--username", default="admin@internal")
    parser.add_argument("--ca-file", help="CA certificates (PEM) to verify the engine with")
    parser.add_argument(
        "--insecure", action="store_true", help="do not verify the engine's certificate"
    )
    parser.add_argument("--kerberos", action="store_true", help="authenticate with Kerberos")
    parser.add_argument(
        "--password-env",
        default=PASSWORD_ENV,
        metavar="NAME",
        help=f"environment variable holding the password (default "
        f"{PASSWORD_ENV}); without it the password is asked for",
    )
    parser.add_argument(
        "--demo-vms",
        type=int,
        default=10_000,
        metavar="N",
        help="without --url: VMs of the simulated inventory (default 10000)",
    )
    parser.add_argument(
        "--output",
        "-o",
        default="ovirt-export",
        metavar="DIR",
        help="output directory (default ./ovirt-export)",
    )
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument(
        "--collections",
        default=",".join(DEFAULT),
        help=f"comma-separated subset of: {','.join(DEFAULT)}",
    )
    parser.add_argument(
        "--per-vm",
        action="store_true",
        help="fetch the VMs' attachments and NICs with one request per VM instead of follow",
    )
    parser.add_argument(
        "--connections", type=int, default=8, help="parallel connections to the engine (default 8)"
    )
    parser.add_argument("--timeout", type=int, default=0, help="seconds per request (0: none)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress, no summary")
    return parser


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


def run(args, out=None):
    names = [n.strip() for n in args.collections.split(",") if n.strip()]
    unknown = [n for n in names if n not in DEFAULT]
    if unknown:
        raise ExportFailure(EXIT_USAGE, f"unknown collection(s): {', '.join(unknown)}")
    simulator = None
    try:
        if args.url:
            kwargs = dict(
                url=args.url,
                username=args.username,
                ca_file=args.ca_file,
                insecure=args.insecure,
                kerberos=args.kerberos,
                timeout=args.timeout,
                connections=args.connections,
            )
            if not args.kerberos:
                kwargs["password"] = _password(args)
            if args.ca_file and not os.path.isfile(args.ca_file):
                raise ExportFailure(EXIT_TLS, f"the CA file '{args.ca_file}' doesn't exist")
        else:
            try:
                from ovirtsdk4.testing.server import Simulator
            except ModuleNotFoundError as exc:
                raise ExportFailure(
                    EXIT_USAGE,
                    f"the built-in engine simulator needs {exc.name!r}: "
                    "pip install 'ovirtsdk4-fast[testing]', or give --url",
                ) from None
            simulator = Simulator(args.demo_vms).start()
            kwargs = simulator.connection_kwargs(timeout=args.timeout, connections=args.connections)
        try:
            connection = ovirtsdk4.Connection(**kwargs)
        except ovirtsdk4.Error as exc:
            raise _classify(exc) from None
        progress = Progress(not args.quiet and sys.stderr.isatty(), len(names))
        try:
            try:
                connection.authenticate()
                summary = export(
                    connection, args.output, names, args.format, progress, per_vm=args.per_vm
                )
            except ovirtsdk4.Error as exc:
                raise _classify(exc) from None
            except OSError as exc:
                reason = "disk full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
                where = exc.filename or args.output
                raise ExportFailure(EXIT_OUTPUT, f"cannot write {where}: {reason}") from None
            finally:
                progress.finish()
        finally:
            try:
                connection.close()
            except ovirtsdk4.Error:
                pass
    finally:
        if simulator is not None:
            simulator.stop()
    if not args.quiet:
        print(format_summary(summary), file=out or sys.stdout)
    return summary


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        run(args)
    except ExportFailure as failure:
        print(f"ovirt-export: error: {failure}", file=sys.stderr)
        return failure.code
    except KeyboardInterrupt:
        print("ovirt-export: interrupted", file=sys.stderr)
        return 130
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
