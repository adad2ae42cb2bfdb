"""Fixtures of the export tests: one simulator over HTTPS for the module, and helpers that run
the command (in this process, or as a child process) against it."""

import json
import os
import subprocess
import sys

import pytest

from ovirtsdk4.testing.server import Simulator

VMS = 30


@pytest.fixture(scope="session")
def sim(tmp_path_factory):
    with Simulator(VMS, tls_dir=tmp_path_factory.mktemp("tls"), password="s3cret") as simulator:
        yield simulator


@pytest.fixture
def url_args(sim, monkeypatch):
    """``url_args(out, *extra)``: the arguments of a quiet export of ``sim`` into ``out``."""
    monkeypatch.setenv("OVIRT_PASSWORD", sim.password)

    def make(out, *extra):
        return [
            "--url",
            sim.url,
            "--username",
            sim.username,
            "--ca-file",
            sim.ca_file,
            "--output",
            str(out),
            "--quiet",
            *extra,
        ]

    return make


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def failure(capsys):
    """The one line a failed run printed on stderr."""
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ovirt-export: error: "), err
    return err


def child_env(**extra):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), **extra)
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(name, None)
    return env


def export_command(*args):
    return [sys.executable, "-m", "ovirtsdk4.cli.export", *args]


def run_child(*args, timeout=120, **kwargs):
    return subprocess.run(
        export_command(*args),
        capture_output=True,
        text=True,
        env=kwargs.pop("env", None) or child_env(),
        timeout=timeout,
        **kwargs,
    )
