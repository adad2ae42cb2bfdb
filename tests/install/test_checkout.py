"""A source tree whose extensions are not built is not a trap: importing ``ovirtsdk4`` from it
(running from a checkout's root, or ``python -m ovirtsdk4.testing serve`` there) fails with a
message that says what to do, not with a bare ModuleNotFoundError."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ovirtsdk4


@pytest.fixture
def unbuilt_tree(tmp_path):
    """A copy of the package's source files, without its compiled modules."""
    tree = tmp_path / "checkout"
    shutil.copytree(
        Path(ovirtsdk4.__file__).parent,
        tree / "ovirtsdk4",
        ignore=shutil.ignore_patterns("*.so", "__pycache__"),
    )
    return tree


@pytest.mark.parametrize(
    "argv",
    [["-c", "import ovirtsdk4"], ["-m", "ovirtsdk4.testing", "serve", "--help"]],
    ids=["import", "serve"],
)
def test_an_unbuilt_tree_says_how_to_build_it_or_where_to_run(unbuilt_tree, argv):
    result = subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, cwd=unbuilt_tree
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert "ModuleNotFoundError" not in result.stderr, result.stderr
    assert f"ovirtsdk4 was imported from {unbuilt_tree / 'ovirtsdk4'}" in result.stderr
    assert "setup.py build_ext --inplace" in result.stderr
    assert "run from a directory outside the source tree" in result.stderr
