"""Benchmark: the bulk export of a simulated inventory, ours vs the same logic on the official
package, against the same simulator (``ovirtsdk4.testing``, in this process).

* ``ours``: :func:`ovirtsdk4.cli.export.export` (what ``ovirt-export`` runs): the top-level
  collections as ``wait=False`` lists, the VMs with ``follow=disk_attachments,nics``, written as
  JSON Lines.
* ``official``: the same requests and the same files, made by ``$OVIRTSDK_REF_PYTHON`` with the
  official package (skipped when the variable is unset); the conversion to records walks the
  objects' attributes, since the official package has no codec tables.

Environment: ``OVIRTSDK_BENCH_EXPORT_VMS`` (default 10000) sets the inventory size;
``OVIRTSDK_BENCH_ROUNDS`` the timed rounds (default 2). Run::

    PYTHONPATH=/work/main OVIRTSDK_REF_PYTHON=/work/ref/bin/python \\
        /work/venv/bin/python -m pytest bench/test_export.py --benchmark-only

The objects per second of each round are in the benchmark's ``extra_info``.
"""

import json
import os
import subprocess
import time

import pytest

VMS = int(os.environ.get("OVIRTSDK_BENCH_EXPORT_VMS", "10000"))
ROUNDS = int(os.environ.get("OVIRTSDK_BENCH_ROUNDS", "2"))

OFFICIAL = r"""
import datetime, enum, json, os, sys, time
import ovirtsdk4
url, ca, user, password, out = sys.argv[1:6]

def record(obj):
    result = {}
    for key, value in vars(obj).items():
        if value is None or key == "_href":
            continue
        name = key.lstrip("_")
        if isinstance(value, list):
            if getattr(value, "href", None) is not None and not len(value):
                continue
            result[name] = [record(v) if hasattr(v, "__dict__") and not isinstance(v, enum.Enum)
                            else getattr(v, "value", v) for v in value]
        elif isinstance(value, enum.Enum):
            result[name] = value.value
        elif isinstance(value, datetime.datetime):
            result[name] = value.isoformat()
        elif hasattr(value, "__dict__"):
            result[name] = record(value)
        else:
            result[name] = value
    return result

start = time.perf_counter()
with ovirtsdk4.Connection(url=url, username=user, password=password, ca_file=ca) as c:
    system = c.system_service()
    futures = {name: getattr(system, loc)().list(wait=False, **kw) for name, loc, kw in [
        ("datacenters", "data_centers_service", {}), ("clusters", "clusters_service", {}),
        ("hosts", "hosts_service", {}), ("storagedomains", "storage_domains_service", {}),
        ("networks", "networks_service", {}), ("templates", "templates_service", {}),
        ("vms", "vms_service", {"follow": "disk_attachments,nics"}),
        ("disks", "disks_service", {})]}
    total = 0
    for name, future in futures.items():
        objects = future.wait()
        rows = [record(o) for o in objects]
        if name == "vms":
            for child, member in (("vm_disk_attachments", "disk_attachments"),
                                  ("vm_nics", "nics")):
                extra = []
                for vm in objects:
                    for item in getattr(vm, member) or ():
                        r = record(item); r["vm_id"] = vm.id; extra.append(r)
                with open(os.path.join(out, child + ".jsonl"), "w") as f:
                    f.write("".join(json.dumps(r) + "\n" for r in extra))
                total += len(extra)
            for r in rows:
                r.pop("disk_attachments", None); r.pop("nics", None)
        with open(os.path.join(out, name + ".jsonl"), "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in rows))
        total += len(rows)
print(json.dumps({"objects": total, "seconds": time.perf_counter() - start}))
"""


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        os.environ.pop(name, None)
    from ovirtsdk4.testing.server import Simulator

    with Simulator(VMS, tls_dir=tmp_path_factory.mktemp("tls")) as sim:
        yield sim


def test_export_ours(benchmark, simulator, tmp_path):
    from ovirtsdk4.cli import export

    results = []

    def one_round():
        out = tmp_path / f"round{len(results)}"
        start = time.perf_counter()
        with simulator.connection(connections=8) as connection:
            summary = export.export(connection, str(out), export.DEFAULT)
        results.append((summary[-1][1], time.perf_counter() - start))

    benchmark.pedantic(one_round, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    objects, seconds = results[-1]
    assert objects > 4 * VMS
    benchmark.extra_info.update(
        implementation="ours",
        vms=VMS,
        objects=objects,
        objects_per_second=round(objects / min(s for _, s in results)),
    )


def test_export_official(benchmark, simulator, tmp_path):
    python = os.environ.get("OVIRTSDK_REF_PYTHON")
    if not python:
        pytest.skip("OVIRTSDK_REF_PYTHON is not set (e.g. /work/ref/bin/python)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and "proxy" not in k.lower()}
    results = []

    def one_round():
        out = tmp_path / f"round{len(results)}"
        out.mkdir()
        done = subprocess.run(
            [
                python,
                "-c",
                OFFICIAL,
                simulator.url,
                simulator.ca_file,
                simulator.username,
                simulator.password,
                str(out),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=str(tmp_path),
            check=True,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))

    benchmark.pedantic(one_round, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    best = min(r["seconds"] for r in results)
    benchmark.extra_info.update(
        implementation="official",
        vms=VMS,
        objects=results[-1]["objects"],
        in_process_seconds=best,
        objects_per_second=round(results[-1]["objects"] / best),
    )
