"""``mypy.stubtest``: every ``.pyi`` of the package matches the module it describes at run time
(each public name is there, with the same kind and parameters: names, kinds, defaults).

Stubtest checks the stubs of the checkout from a copy that holds only them, so that it compares
them with the runtime modules (the package this test imports, installed or built in place),
not the modules with themselves. The modules that have no stub (the
command line, the private XML engine and transport, the simulator's internals, and modules of
our own that carry inline annotations) are allowlisted by name: they are not described here.
"""

import importlib.util
import os
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ovirtsdk4

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE = ROOT / "ovirtsdk4"


def _stubbed():
    """The modules that have a stub, by name."""
    names = set()
    for stub in PACKAGE.rglob("*.pyi"):
        parts = stub.relative_to(ROOT).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _runtime_modules():
    found = {"ovirtsdk4"}
    for info in pkgutil.walk_packages(ovirtsdk4.__path__, "ovirtsdk4.", onerror=lambda _: None):
        found.add(info.name)
    return found


def _allowlist(stubbed):
    """One entry per module without a stub (and what is below it)."""
    entries = []
    for name in sorted(_runtime_modules() - stubbed):
        entries.append(re.escape(name) + r"(\..*)?")
    return "\n".join(entries) + "\n"


def test_every_stub_matches_the_runtime(tmp_path):
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (a development dependency)")
    stubs = tmp_path / "stubs"
    for stub in PACKAGE.rglob("*.pyi"):
        target = stubs / stub.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stub, target)
    stubbed = _stubbed()
    assert {"ovirtsdk4", "ovirtsdk4.types", "ovirtsdk4.services", "ovirtsdk4._connection"} <= (
        stubbed
    )
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text(_allowlist(stubbed))
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\n")
    runtime = Path(ovirtsdk4.__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(runtime), MYPYPATH=str(stubs))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy.stubtest",
            "--mypy-config-file",
            str(config),
            "--allowlist",
            str(allowlist),
            "--ignore-unused-allowlist",
            "ovirtsdk4",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
