"""ovirtsdk4-fast beside the official ovirt-engine-sdk-python, in real virtual environments.

Both distributions install the package ``ovirtsdk4``. Whichever is installed second, the first
``import ovirtsdk4``, ``ovirt-export`` and the simulator's command fail with one message (no
traceback) whose commands repair the environment; running those commands gives a working one.

Needs a wheelhouse with a wheel of ours for this Python, a wheel of the official 4.6.3 and
pycurl: ``OVIRTSDK_WHEELHOUSE=DIR`` (.ci/run makes one); skipped without it. pip works offline
(``PIP_NO_INDEX``, ``PIP_FIND_LINKS``), so the printed commands run exactly as printed.
"""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

HOUSE = os.environ.get("OVIRTSDK_WHEELHOUSE")
pytestmark = pytest.mark.skipif(
    not HOUSE, reason="OVIRTSDK_WHEELHOUSE does not name a wheelhouse with both packages"
)
OURS = "ovirtsdk4-fast"
OFFICIAL = "ovirt-engine-sdk-python"


class Env:
    def __init__(self, path):
        self.path = path
        self.python = str(path / "bin" / "python")
        self.vars = dict(
            os.environ,
            PIP_NO_INDEX="1",
            PIP_FIND_LINKS=HOUSE,
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PYTHONPATH="",
        )
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)

    def run(self, *argv, check=False):
        return subprocess.run(
            argv, capture_output=True, text=True, env=self.vars, cwd=self.path, check=check
        )

    def pip(self, *arguments):
        return self.run(self.python, "-m", "pip", "-q", *arguments, check=True)

    def which_sdk(self):
        """'fast', 'official', or the failure's stderr."""
        code = (
            "import ovirtsdk4, importlib.util as u; "
            "print('fast' if u.find_spec('ovirtsdk4._xml') else 'official')"
        )
        result = self.run(self.python, "-c", code)
        return result.stdout.strip() if result.returncode == 0 else result.stderr


def _assert_refused(env, result):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert "error: ovirtsdk4 cannot be imported." in result.stderr, result.stderr


def _commands_after(message, heading):
    """The indented commands that follow the line containing ``heading``."""
    lines = message.splitlines()
    start = next(i for i, line in enumerate(lines) if heading in line) + 1
    commands = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        commands.append(shlex.split(line.strip()))
    assert commands, message
    return commands


def _mixed(tmp_path, first, second):
    env = Env(tmp_path / "venv")
    env.pip("install", first)
    env.pip("install", second)
    return env


@pytest.mark.parametrize(
    "order", [(OURS, OFFICIAL), (OFFICIAL, OURS)], ids=["official-second", "ours-second"]
)
def test_a_mix_is_refused_by_every_entry_point_with_the_repair(tmp_path, order):
    env = _mixed(tmp_path, *order)
    message = env.which_sdk()
    assert "ovirtsdk4-fast and the official ovirt-engine-sdk-python are both installed" in message
    _assert_refused(env, env.run(env.python, "-c", "import ovirtsdk4"))
    _assert_refused(env, env.run(str(env.path / "bin" / "ovirt-export"), "--help"))
    serve = env.run(env.python, "-m", "ovirtsdk4.testing", "serve", "--help")
    assert serve.returncode != 0 and "both installed" in serve.stderr, serve.stderr


@pytest.mark.parametrize(
    ("order", "keep", "expected"),
    [
        ((OURS, OFFICIAL), "To keep ovirtsdk4-fast", "fast"),
        ((OFFICIAL, OURS), "to go back to the official package", "official"),
    ],
    ids=["keep-ours", "back-to-official"],
)
def test_the_printed_commands_repair_the_environment(tmp_path, order, keep, expected):
    env = _mixed(tmp_path, *order)
    for command in _commands_after(env.which_sdk(), keep):
        env.run(*command, check=True)
    assert env.which_sdk() == expected
    if expected == "fast":
        env.run(str(env.path / "bin" / "ovirt-export"), "--help", check=True)


@pytest.mark.parametrize(
    "order", [(OURS, OFFICIAL), (OFFICIAL, OURS)], ids=["official-second", "ours-second"]
)
def test_uninstalling_the_official_from_a_mix_is_detected_and_repaired(tmp_path, order):
    env = _mixed(tmp_path, *order)
    env.pip("uninstall", "-y", OFFICIAL)
    message = env.which_sdk()
    assert message.startswith("error: ovirtsdk4 cannot be imported."), message
    assert "Traceback" not in message
    for command in _commands_after(message, "einstall"):
        env.run(*command, check=True)
    assert env.which_sdk() == "fast"


def test_an_official_copy_earlier_on_sys_path_is_named(tmp_path):
    env = Env(tmp_path / "venv")
    env.pip("install", OURS)
    elsewhere = tmp_path / "elsewhere"
    env.pip("install", "--no-deps", "--target", str(elsewhere), OFFICIAL)
    env.vars["PYTHONPATH"] = str(elsewhere)
    message = env.which_sdk()
    assert message.startswith("error: ovirtsdk4 cannot be imported."), message
    assert f"the official {OFFICIAL} in {elsewhere / 'ovirtsdk4'}" in message
    assert "Traceback" not in message
    env.vars["PYTHONPATH"] = ""
    assert env.which_sdk() == "fast"


def test_a_clean_install_imports_without_a_word(tmp_path):
    env = Env(tmp_path / "venv")
    env.pip("install", OURS)
    result = env.run(env.python, "-c", "import ovirtsdk4")
    assert (result.returncode, result.stderr) == (0, "")
    assert env.which_sdk() == "fast"
    site = Path(
        env.run(
            env.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        ).stdout.strip()
    )
    assert (site / "ovirtsdk4_fast.pth").read_text().startswith("import _ovirtsdk4_fast")
