"""Fixtures for the differential tests against the official ovirtsdk4 4.6.3.

The official package lives in its own virtual environment (never in ours):

    python -m venv ref && ref/bin/pip install ovirt-engine-sdk-python==4.6.3
    OVIRTSDK_REF_PYTHON=$PWD/ref/bin/python python -m pytest tests/differential

(docs/differences.md, "Checking", lists these tests.)

Without ``OVIRTSDK_REF_PYTHON`` (or when it does not name an executable) the
differential tests are skipped.
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import pytest

REF_PYTHON_ENV = "OVIRTSDK_REF_PYTHON"

SURFACE_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "surface.py")

# Environment variables that would let one interpreter see the other's packages.
_LEAKY_ENV = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV")


def reference_python():
    """Path of the interpreter that has the official package, or None with a reason."""
    path = os.environ.get(REF_PYTHON_ENV)
    if not path:
        return None, (
            "%s is not set; point it at a Python that has the official "
            "ovirt-engine-sdk-python==4.6.3 installed (see docs/differences.md)" % REF_PYTHON_ENV
        )
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        return None, "%s=%r is not an executable file" % (REF_PYTHON_ENV, path)
    return path, None


@pytest.fixture(scope="session")
def ref_python():
    path, reason = reference_python()
    if path is None:
        pytest.skip(reason)
    return path


def _ours_pythonpath():
    """The directory from which this test process imports ``ovirtsdk4``.

    It is put first on the subprocess's PYTHONPATH so that the surface script
    inspects exactly the package this pytest run tests (installed, or built in
    place in the work tree).
    """
    spec = importlib.util.find_spec("ovirtsdk4")
    if spec is None or not spec.submodule_search_locations:
        return None
    pkg_dir = list(spec.submodule_search_locations)[0]
    return os.path.dirname(os.path.abspath(pkg_dir))


def _clean_env():
    env = dict(os.environ)
    for key in _LEAKY_ENV:
        env.pop(key, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_surface(python, modules, extra_path=None, isolated=False):
    """Run surface.py under ``python`` for ``modules`` and return the parsed JSON."""
    env = _clean_env()
    cmd = [python]
    if isolated:
        # -I: ignore PYTHON* variables and the user site, and do not put the
        # script's directory on sys.path (surface.py imports nothing local).
        cmd.append("-I")
    elif extra_path:
        env["PYTHONPATH"] = extra_path
    cmd.append(SURFACE_SCRIPT)
    cmd.extend(modules)
    with tempfile.TemporaryDirectory() as cwd:  # keep the work tree off sys.path
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(
            "surface.py failed under %s (rc=%d):\n%s"
            % (python, proc.returncode, proc.stderr.decode("utf-8", "replace")[-4000:])
        )
    return json.loads(proc.stdout.decode("utf-8"))


_CACHE = {}


@pytest.fixture(scope="session")
def surface_of(ref_python):
    """``surface_of(side, modules)`` -> surface JSON; ``side`` is "ref" or "ours".

    Results are cached per (side, modules) for the session, so each
    interpreter runs surface.py once for a given module tuple.
    """
    ours_path = _ours_pythonpath()

    def get(side, modules):
        modules = tuple(modules)
        key = (side, modules)
        if key not in _CACHE:
            if side == "ref":
                _CACHE[key] = run_surface(ref_python, modules, isolated=True)
            elif side == "ours":
                if ours_path is None:
                    pytest.fail("ovirtsdk4 is not importable in the test environment")
                _CACHE[key] = run_surface(sys.executable, modules, extra_path=ours_path)
            else:
                raise ValueError(side)
        return _CACHE[key]

    return get


WORKER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")


class Worker:
    """``worker.py`` run by the official package's interpreter for the whole session: one JSON
    command per line in, one answer per line out."""

    def __init__(self, python):
        self._cwd = tempfile.TemporaryDirectory()  # keeps the work tree off its sys.path
        self._proc = subprocess.Popen(
            [python, "-I", WORKER_SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=self._cwd.name,
            env=_clean_env(),
            text=True,
            encoding="utf-8",
        )

    def ask(self, command):
        self._proc.stdin.write(json.dumps(command) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the reference worker exited with {self._proc.wait()}")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"the reference worker failed: {reply['error']}")
        return reply["ok"]

    def close(self):
        self._proc.stdin.close()
        self._proc.wait(timeout=30)
        self._proc.stdout.close()
        self._cwd.cleanup()


def _load_worker_module():
    spec = importlib.util.spec_from_file_location("differential_worker", WORKER_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def both_sides(ref_python):
    """``both_sides(command)`` -> ``(ours, official)``: the answers of ``worker.py`` run in this
    process (our package) and in the reference worker (the official one), both through JSON."""
    ours = _load_worker_module()
    worker = Worker(ref_python)
    if worker.ask({"op": "hello"}).startswith(os.path.dirname(ours.ovirtsdk4.__file__)):
        pytest.fail("the reference worker imported our ovirtsdk4")

    def ask(command):
        mine = json.loads(json.dumps(ours.answer(json.loads(json.dumps(command)))))
        return mine, worker.ask(command)

    yield ask
    worker.close()
