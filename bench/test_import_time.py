"""Benchmark: wall time of ``python -c "import ovirtsdk4"`` in a fresh subprocess.

Implementations:

* ``ours``: ``sys.executable``, importing the ``ovirtsdk4`` that this pytest
  process would import (its directory is put on the child's PYTHONPATH);
* ``official``: the interpreter named by ``$OVIRTSDK_REF_PYTHON`` (a venv with
  ``ovirt-engine-sdk-python==4.6.3``); skipped when that is unset;
* ``earlier``: ``sys.executable`` importing the ``ovirtsdk4`` of the source tree named by
  ``$OVIRTSDK_EARLIER_TREE`` (an earlier commit, built in place), to see what a change
  costs; skipped when that is unset.

Each interpreter is also timed running ``python -c "pass"`` (``baseline``), so
the reader can subtract interpreter start-up: nothing is subtracted here, and
nothing is asserted about the times.

Run::

    OVIRTSDK_REF_PYTHON=../ref/bin/python python -m pytest bench/test_import_time.py

or, to compare with an earlier commit::

    git worktree add ../earlier REV && (cd ../earlier && python setup.py build_ext --inplace)
    OVIRTSDK_EARLIER_TREE=../earlier python -m pytest bench/test_import_time.py

The timings land in one pytest-benchmark table. ``test_import_memory`` adds what the
import leaves allocated (tracemalloc) and the process's resident size after it (VmRSS), as
``extra_info`` of one more table (``--benchmark-json`` keeps them).
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import pytest

REF_PYTHON_ENV = "OVIRTSDK_REF_PYTHON"
EARLIER_ENV = "OVIRTSDK_EARLIER_TREE"

SNIPPETS = {
    "import": "import ovirtsdk4",
    "baseline": "pass",
}

_LEAKY_ENV = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE")


def _ours_pythonpath():
    spec = importlib.util.find_spec("ovirtsdk4")
    if spec is None or not spec.submodule_search_locations:
        return None
    pkg_dir = list(spec.submodule_search_locations)[0]
    return os.path.dirname(os.path.abspath(pkg_dir))


def _interpreter(implementation):
    """(python, env) for an implementation, or a pytest skip/fail."""
    env = dict(os.environ)
    for key in _LEAKY_ENV:
        env.pop(key, None)
    if implementation == "ours":
        path = _ours_pythonpath()
        if path is None:
            pytest.fail("ovirtsdk4 is not importable in the benchmark environment")
        env["PYTHONPATH"] = path
        return sys.executable, env
    if implementation == "earlier":
        tree = os.environ.get(EARLIER_ENV)
        if not tree:
            pytest.skip("%s is not set; point it at a built source tree to compare" % EARLIER_ENV)
        env["PYTHONPATH"] = os.path.abspath(tree)
        return sys.executable, env
    python = os.environ.get(REF_PYTHON_ENV)
    if not python:
        pytest.skip(
            "%s is not set; point it at a Python with ovirt-engine-sdk-python==4.6.3"
            % REF_PYTHON_ENV
        )
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        pytest.skip("%s=%r is not an executable file" % (REF_PYTHON_ENV, python))
    return python, env


@pytest.fixture(scope="module")
def empty_cwd():
    # An empty working directory, so that ``-c`` (which puts the cwd first on
    # sys.path) cannot pick up the work tree's ovirtsdk4 by accident.
    with tempfile.TemporaryDirectory() as path:
        yield path


@pytest.mark.parametrize("snippet", sorted(SNIPPETS))
@pytest.mark.parametrize("implementation", ["ours", "earlier", "official"])
def test_import_time(request, implementation, snippet, empty_cwd):
    python, env = _interpreter(implementation)
    cmd = [python, "-c", SNIPPETS[snippet]]

    # Untimed pre-flight run: checks that the import works and warms the
    # bytecode and OS file caches.
    proc = subprocess.run(cmd, cwd=empty_cwd, env=env, capture_output=True, timeout=120)
    if proc.returncode != 0:
        pytest.fail(
            "%s failed (rc=%d):\n%s"
            % (" ".join(cmd), proc.returncode, proc.stderr.decode("utf-8", "replace")[-2000:])
        )

    def run():
        subprocess.run(
            cmd,
            cwd=empty_cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            # No timeout here: with one, subprocess polls the child with
            # growing sleeps, which quantises the measured time (the
            # untimed pre-flight run above has one).
        )

    # Requested only now: pytest-benchmark reports an error for a benchmark
    # fixture that a skipped or failed test never used.
    benchmark = request.getfixturevalue("benchmark")
    benchmark.group = "import ovirtsdk4 (fresh subprocess)"
    benchmark.extra_info["python"] = python
    benchmark.extra_info["command"] = SNIPPETS[snippet]
    benchmark.pedantic(run, rounds=15, iterations=1, warmup_rounds=1)


_MEMORY = """
import json, tracemalloc
tracemalloc.start()
import ovirtsdk4
traced = tracemalloc.get_traced_memory()[0]
tracemalloc.stop()
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))
print(json.dumps({"traced_kib": traced // 1024, "rss_kib": rss}))
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="VmRSS is read from /proc")
@pytest.mark.parametrize("implementation", ["ours", "earlier", "official"])
def test_import_memory(request, implementation, empty_cwd):
    python, env = _interpreter(implementation)
    cmd = [python, "-c", _MEMORY]
    # The first run may compile and cache the bytecode: measure the second.
    for _ in range(2):
        proc = subprocess.run(cmd, cwd=empty_cwd, env=env, capture_output=True, timeout=120)
        if proc.returncode != 0:
            pytest.fail(proc.stderr.decode("utf-8", "replace")[-2000:])
    benchmark = request.getfixturevalue("benchmark")
    benchmark.group = "import ovirtsdk4: memory (extra_info), time of the measuring run"
    benchmark.extra_info.update(json.loads(proc.stdout))
    benchmark.extra_info["python"] = python
    benchmark.pedantic(
        subprocess.run,
        args=(cmd,),
        kwargs={"cwd": empty_cwd, "env": env, "stdout": subprocess.DEVNULL, "check": True},
        rounds=3,
        iterations=1,
    )
