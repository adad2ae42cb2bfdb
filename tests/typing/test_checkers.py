"""mypy --strict and pyright --strict on the sample scripts: the good ones pass, and each line
of the bad ones fails with exactly the error its comments name (docs/typing.md).

The checkers are development dependencies: a test skips, saying so, when its checker is not
installed; CI installs both.
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BAD = HERE / "bad"
MYPY_IGNORE = re.compile(r"# type: ignore\[([a-z-]+(?:, *[a-z-]+)*)\]")
PYRIGHT_IGNORE = re.compile(r"# pyright: ignore\[([A-Za-z]+(?:, *[A-Za-z]+)*)\]")


def _pyright():
    found = shutil.which("pyright", path=str(Path(sys.executable).parent))
    return found or shutil.which("pyright")


def _run(command, **kwargs):
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # the configurations say where the SDK is
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, **kwargs
    )


def test_mypy_strict_passes_on_the_samples(tmp_path):
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (a development dependency)")
    proc = _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(HERE / "mypy.ini"),
            "--cache-dir",
            str(tmp_path / "cache"),
            str(HERE / "good"),
            str(BAD),
        ]
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"no issues found in {len(list(HERE.glob('*/*.py')))} source files" in proc.stdout


def test_pyright_strict_passes_on_the_samples():
    pyright = _pyright()
    if pyright is None:
        pytest.skip("pyright is not installed (a development dependency)")
    proc = _run(
        [
            pyright,
            "--outputjson",
            "--pythonpath",
            sys.executable,
            "-p",
            str(HERE / "pyrightconfig.json"),
        ]
    )
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        pytest.fail(f"pyright did not run: {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    problems = [
        f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']} ({d.get('rule')})"
        for d in report["generalDiagnostics"]
    ]
    assert not problems, "\n".join(problems)
    assert report["summary"]["filesAnalyzed"] >= len(list(HERE.glob("*/*.py")))


def _mistakes():
    for path in sorted(BAD.glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            yield f"{path.name}:{number}", line


def test_every_mistake_is_expected_by_both_checkers():
    expected = 0
    for where, line in _mistakes():
        mypy, pyright = MYPY_IGNORE.search(line), PYRIGHT_IGNORE.search(line)
        assert bool(mypy) == bool(pyright), f"{where}: name the error of both checkers"
        assert "# type: ignore" not in line or mypy, f"{where}: a bare type: ignore"
        expected += bool(mypy)
    assert expected >= 30


def test_the_pyright_configuration_honours_only_its_own_comments():
    config = json.loads((HERE / "pyrightconfig.json").read_text())
    assert config["typeCheckingMode"] == "strict"
    assert config["enableTypeIgnoreComments"] is False
    assert config["reportUnnecessaryTypeIgnoreComment"] == "error"
