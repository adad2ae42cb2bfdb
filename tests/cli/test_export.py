"""The export command, end to end against the simulator, and its failure modes."""

import csv
import datetime
import errno
import json
import os
import socket
import subprocess
import sys

import pytest

from ovirtsdk4 import types
from ovirtsdk4.cli import export
from ovirtsdk4.testing.engine import Engine
from ovirtsdk4.testing.inventory import populate
from ovirtsdk4.testing.server import Simulator


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    with Simulator(30, tls_dir=tmp_path_factory.mktemp("tls"), password="s3cret") as simulator:
        yield simulator


def _read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_embedded_export_matches_the_inventory(tmp_path, capsys):
    out = tmp_path / "out"
    assert export.main(["--demo-vms", "30", "--output", str(out)]) == 0
    summary = capsys.readouterr().out
    assert "vms" in summary and "objects/s" in summary and "total" in summary
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f"{name}.jsonl" for name in export.DEFAULT)
    expected = Engine(password="x")
    populate(expected, 30)
    vms = _read_jsonl(out / "vms.jsonl")
    stored = {vm.id: vm for vm in expected.list("/vms")}
    assert {vm["id"] for vm in vms} == set(stored)
    for record in vms:
        vm = stored[record["id"]]
        assert record["name"] == vm.name
        assert record["status"] == vm.status.value
        assert record["memory"] == vm.memory
        assert record["cluster"]["id"] == vm.cluster.id
        assert record["cpu"]["topology"]["sockets"] == vm.cpu.topology.sockets
        assert datetime.datetime.fromisoformat(record["creation_time"]) == vm.creation_time
        assert "disk_attachments" not in record
    disks = _read_jsonl(out / "disks.jsonl")
    assert {d["id"] for d in disks} == {d.id for d in expected.list("/disks")}
    attachments = _read_jsonl(out / "vm_disk_attachments.jsonl")
    expected_attachments = {
        (vm_id, a.id) for vm_id in stored for a in expected.list(f"/vms/{vm_id}/diskattachments")
    }
    assert {(a["vm_id"], a["id"]) for a in attachments} == expected_attachments
    assert all(a["interface"] == "virtio_scsi" for a in attachments)
    nics = _read_jsonl(out / "vm_nics.jsonl")
    assert len(nics) == 30 and all(n["mac"]["address"].startswith("56:6f") for n in nics)
    hosts = _read_jsonl(out / "hosts.jsonl")
    assert len(hosts) == len(expected.list("/hosts"))
    templates = _read_jsonl(out / "templates.jsonl")
    assert "Blank" in {t["name"] for t in templates}
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def _url_args(sim, out, *extra):
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


def test_export_from_url_csv_and_per_vm(sim, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OVIRT_PASSWORD", sim.password)
    assert export.main(_url_args(sim, tmp_path / "a", "--format", "csv")) == 0
    assert capsys.readouterr().out == ""
    with open(tmp_path / "a" / "vms.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 30
    assert {"id", "name", "status", "cluster.id", "cpu.topology.sockets"} <= set(rows[0])
    assert {r["status"] for r in rows} <= {s.value for s in types.VmStatus}
    assert export.main(_url_args(sim, tmp_path / "b", "--per-vm")) == 0
    assert export.main(_url_args(sim, tmp_path / "c")) == 0
    for name in ("vm_disk_attachments", "vm_nics"):
        per_vm = _read_jsonl(tmp_path / "b" / f"{name}.jsonl")
        follow = _read_jsonl(tmp_path / "c" / f"{name}.jsonl")
        key = lambda r: (r["vm_id"], r["id"])  # noqa: E731
        assert sorted(per_vm, key=key) == sorted(follow, key=key)


def test_password_never_printed(sim, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OVIRT_PASSWORD", sim.password)
    assert export.main(_url_args(sim, tmp_path)[:-1]) == 0
    captured = capsys.readouterr()
    assert sim.password not in captured.out + captured.err


def _failure(capsys):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ovirt-export: error: ")
    return err


def test_bad_credentials(sim, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OVIRT_PASSWORD", "wrong")
    assert export.main(_url_args(sim, tmp_path)) == export.EXIT_AUTH
    assert "authentication failed" in _failure(capsys)
    assert not any(tmp_path.iterdir())


def test_no_password_without_a_terminal(sim, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("OVIRT_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115
    try:
        assert export.main(_url_args(sim, tmp_path)) == export.EXIT_USAGE
    finally:
        sys.stdin.close()
    assert "OVIRT_PASSWORD" in _failure(capsys)


def test_unreachable_engine(tmp_path, monkeypatch, capsys, sim):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("OVIRT_PASSWORD", "x")
    args = [
        "--url",
        f"https://127.0.0.1:{port}/ovirt-engine/api",
        "--ca-file",
        sim.ca_file,
        "--output",
        str(tmp_path),
        "--quiet",
    ]
    assert export.main(args) == export.EXIT_UNREACHABLE
    assert "cannot reach the engine" in _failure(capsys)


def test_tls_problem(sim, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OVIRT_PASSWORD", sim.password)
    other_ca = str(sim.tls.other_ca_cert)
    args = ["--url", sim.url, "--ca-file", other_ca, "--output", str(tmp_path), "--quiet"]
    assert export.main(args) == export.EXIT_TLS
    assert "TLS problem" in _failure(capsys)
    args[3] = str(tmp_path / "missing.pem")
    assert export.main(args) == export.EXIT_TLS
    assert "doesn't exist" in _failure(capsys)


def test_full_disk_leaves_no_file(sim, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OVIRT_PASSWORD", sim.password)
    real_write = export.Output.write

    def write(self, records):
        if self.final.endswith("vms.jsonl"):
            with open(self.temp, "w") as f:
                f.write("partial")
            self.discard()
            raise OSError(errno.ENOSPC, "No space left on device", self.final)
        return real_write(self, records)

    monkeypatch.setattr(export.Output, "write", write)
    assert export.main(_url_args(sim, tmp_path)) == export.EXIT_OUTPUT
    assert "disk full" in _failure(capsys)
    assert list(tmp_path.iterdir()) == []


def test_unknown_collection(tmp_path, capsys):
    assert export.main(["--collections", "vms,bogus", "--output", str(tmp_path)]) == 2
    assert "bogus" in _failure(capsys)


def test_module_entry_point(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ovirtsdk4.cli.export",
            "--demo-vms",
            "5",
            "--output",
            str(tmp_path),
            "--collections",
            "vms,vm_nics",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not a terminal: no progress
    assert len(_read_jsonl(tmp_path / "vms.jsonl")) == 5
    assert len(_read_jsonl(tmp_path / "vm_nics.jsonl")) == 5


def test_demo_without_the_testing_extra_says_what_to_install(tmp_path):
    code = (
        "import sys; sys.modules['cryptography'] = None; "
        "from ovirtsdk4.cli.export import main; "
        f"sys.exit(main(['--demo-vms', '5', '--output', {str(tmp_path / 'out')!r}]))"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert "ovirtsdk4-fast[testing]" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
