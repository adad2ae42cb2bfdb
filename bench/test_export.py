"""Benchmark: ``ovirt-export`` as a client, against the simulator in another process
(``python -m ovirtsdk4.testing serve``), and the official SDK doing the equivalent listing
(``bench/export_official.py``, skipped without ``$OVIRTSDK_REF_PYTHON``).

Each round is a fresh process; its wall time is what pytest-benchmark times, and its peak
RSS (``wait4``) goes into ``extra_info["peak_rss_mb"]``. Before the timed rounds, one untimed
export warms the simulator's reply cache, so every round meets the same server. Ours runs with
the default ``--connections`` and with ``--connections 1``; the client must stay under 100 MB.
A table of every round is printed at the end of the module (run with ``-s`` to see it).

Environment: ``OVIRTSDK_BENCH_EXPORT_VMS`` (default 10000; 100000 takes about 15 minutes with
both sides on a 2-core machine), ``OVIRTSDK_BENCH_ROUNDS`` (default 1). Run::

    OVIRTSDK_REF_PYTHON=$REF/bin/python PYTHONPATH=. \\
        .venv/bin/python -m pytest bench/test_export.py --benchmark-only -s -p no:cacheprovider
"""

import json
import os
import subprocess
import sys
import time

import pytest

VMS = int(os.environ.get("OVIRTSDK_BENCH_EXPORT_VMS", "10000"))
ROUNDS = int(os.environ.get("OVIRTSDK_BENCH_ROUNDS", "1"))
RSS_BUDGET_MB = 100
HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = []


def _clean_env(keep_pythonpath):
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    if keep_pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(sys.path)
    else:
        env.pop("PYTHONPATH", None)
    return env


# Runs a module (``-m``) or a script in a fresh interpreter and, at exit, writes the process's
# peak RSS (VmHWM) to $BENCH_PEAK_FILE. wait4's ru_maxrss would not do: it keeps the RSS of
# the forked pytest process from before the exec.
_PEAK = """
import atexit, os, runpy, sys
def _peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(kb)
atexit.register(_peak)
target = sys.argv.pop(1)
sys.argv[0] = target
if target.endswith(".py"):
    runpy.run_path(target, run_name="__main__")
else:
    runpy.run_module(target, run_name="__main__", alter_sys=True)
"""


def measure(python, target, args, env, cwd):
    """Run ``python`` on ``target`` (a module name or a script) with ``args``; its wall
    seconds, peak RSS in MB and stdout."""
    peak_file = os.path.join(cwd, f"peak-{time.monotonic_ns()}")
    env = dict(env, BENCH_PEAK_FILE=peak_file)
    command = [python, "-c", _PEAK, target, *args]
    began = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - began
    assert done.returncode == 0, f"{target} exited {done.returncode}"
    with open(peak_file) as f:
        rss_mb = int(f.read()) / 1024
    os.unlink(peak_file)
    return seconds, rss_mb, done.stdout


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """The simulator with VMS VMs, in a process of its own; yields (url, ca_file)."""
    tls = tmp_path_factory.mktemp("tls")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ovirtsdk4.testing",
            "serve",
            "--vms",
            str(VMS),
            "--tls-dir",
            str(tls),
            "--password",
            "pw",
        ],
        env=_clean_env(True),
        cwd=str(tls),
        stdout=subprocess.PIPE,
        text=True,
    )
    facts = {}
    for line in server.stdout:
        key, _, value = line.partition(": ")
        facts[key] = value.strip()
        if line.startswith("Serving"):
            break
    try:
        url, ca_file = facts["url"], facts["ca_file"]
        out = tmp_path_factory.mktemp("warm-up") / "out"
        env = dict(_clean_env(True), OVIRT_PASSWORD="pw")
        measure(sys.executable, "ovirtsdk4.cli.export", _ours(url, ca_file, out), env, str(tls))
        yield url, ca_file
    finally:
        server.terminate()
        server.wait(timeout=60)
        server.stdout.close()
        _print_table()


def _ours(url, ca_file, out, *extra):
    return ["--url", url, "--ca-file", ca_file, "--output", str(out), "--quiet", *extra]


def _print_table():
    if not RESULTS:
        return
    print(f"\nexport of {VMS} VMs, simulator in another process (best of {ROUNDS}):")
    print(f"{'client':<34}{'objects':>10}{'wall s':>9}{'peak RSS MB':>13}")
    for name, objects, seconds, rss in RESULTS:
        print(f"{name:<34}{objects:>10}{seconds:>9.2f}{rss:>13.1f}")


def _bench(benchmark, name, run):
    rounds = []
    benchmark.pedantic(lambda: rounds.append(run()), rounds=ROUNDS, iterations=1)
    seconds = min(r[0] for r in rounds)
    rss = max(r[1] for r in rounds)
    objects = rounds[-1][2]
    benchmark.extra_info.update(
        client=name,
        vms=VMS,
        objects=objects,
        peak_rss_mb=round(rss, 1),
        wall_seconds=round(seconds, 2),
    )
    RESULTS.append((name, objects, seconds, rss))
    return rss


@pytest.mark.parametrize("connections", [None, 1], ids=["default-connections", "connections-1"])
def test_export_ours(benchmark, engine, tmp_path, connections):
    url, ca_file = engine
    extra = [] if connections is None else ["--connections", str(connections)]
    env = dict(_clean_env(True), OVIRT_PASSWORD="pw")

    def run():
        out = tmp_path / f"round{time.monotonic_ns()}"
        args = _ours(url, ca_file, out, *extra)
        seconds, rss, _ = measure(sys.executable, "ovirtsdk4.cli.export", args, env, str(tmp_path))
        manifest = json.loads((out / "manifest.json").read_text())
        objects = sum(c["objects"] for c in manifest["collections"].values())
        return seconds, rss, objects

    name = "ovirt-export " + (
        "(default connections)" if connections is None else f"--connections {connections}"
    )
    rss = _bench(benchmark, name, run)
    assert rss < RSS_BUDGET_MB, f"peak RSS {rss:.1f} MB at {VMS} VMs"


def test_export_official(benchmark, engine, tmp_path):
    python = os.environ.get("OVIRTSDK_REF_PYTHON")
    if not python:
        pytest.skip("OVIRTSDK_REF_PYTHON is not set")
    url, ca_file = engine

    def run():
        out = tmp_path / f"round{time.monotonic_ns()}"
        script = os.path.join(HERE, "export_official.py")
        args = [url, ca_file, "admin@internal", "pw", str(out)]
        seconds, rss, printed = measure(python, script, args, _clean_env(False), str(tmp_path))
        return seconds, rss, json.loads(printed.strip().splitlines()[-1])["objects"]

    _bench(benchmark, "official SDK, list() per collection", run)
