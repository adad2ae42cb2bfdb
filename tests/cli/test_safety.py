"""What the export refuses and how it fails, against the simulator over HTTPS: no surprise
data, arguments checked up front, an output directory that never mixes runs or keeps debris,
a default timeout and a stall detector, clear one-line errors (points 5 and 7 of issue 10)."""

import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from ovirtsdk4.cli import export
from ovirtsdk4.cli.failures import (
    EXIT_AUTH,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT,
    EXIT_TERMINATED,
    EXIT_TLS,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
)
from ovirtsdk4.testing._http import HttpServer, Response
from ovirtsdk4.testing.engine import Engine
from ovirtsdk4.testing.inventory import populate

from .conftest import child_env, export_command, failure, read_jsonl, run_child


def _listing(path):
    return sorted(
        (os.path.relpath(os.path.join(d, f), path), os.path.getsize(os.path.join(d, f)))
        for d, _, files in os.walk(path)
        for f in files
    )


# ----------------------------------------------------------------- no surprise data (point 5)


def test_no_source_is_a_usage_error(tmp_path, capsys):
    assert export.main(["--output", str(tmp_path / "out")]) == EXIT_USAGE
    assert "--url" in failure(capsys) and not (tmp_path / "out").exists()


def test_engine_options_without_url_are_refused(sim, tmp_path, capsys):
    args = ["--username", "admin@internal", "--ca-file", sim.ca_file, "--output", str(tmp_path)]
    assert export.main(args) == EXIT_USAGE
    assert "nothing to export from: give --url" in failure(capsys)
    assert export.main(["--demo", *args]) == EXIT_USAGE
    assert "--username, --ca-file only apply to --url" in failure(capsys)
    assert export.main(["--demo", "--url", sim.url, "--output", str(tmp_path)]) == EXIT_USAGE
    assert "not both" in failure(capsys)


# ----------------------------------------------------------------- up-front checks (point 7)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--demo-vms", "-1"], "must be at least 0"),
        (["--demo", "--timeout", "-5"], "more than 0 seconds"),
        (["--demo", "--timeout", "0"], "more than 0 seconds"),
        (["--demo", "--connections", "0"], "must be at least 1"),
        (["--demo", "--since", "yesterday-ish", "--collections", "events"], "not a time"),
    ],
)
def test_bad_numbers_are_usage_errors(tmp_path, capsys, args, words):
    with pytest.raises(SystemExit) as exit_info:
        export.main([*args, "--output", str(tmp_path / "out")])
    assert exit_info.value.code == EXIT_USAGE
    assert words in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--url", "engine.example.com/ovirt-engine/api"], "is not an http(s) URL"),
        (["--url", "ftp://engine/ovirt-engine/api"], "is not an http(s) URL"),
        (["--url", "https://engine:99999/api"], "port"),
        (["--url", "https://e/api", "--ca-file", "missing.pem"], "doesn't exist"),
        (["--demo", "--collections", "vms,bogus"], "unknown collection(s): bogus"),
        (["--demo", "--collections", "events"], "give --since"),
        (["--demo", "--since", "7d"], "add events"),
        (["--demo", "--collections", "vms", "--per-vm"], "--per-vm needs"),
    ],
)
def test_bad_arguments_are_caught_before_anything_starts(tmp_path, capsys, args, words):
    assert export.main([*args, "--output", str(tmp_path / "out")]) == EXIT_USAGE
    assert words in failure(capsys)
    assert list(tmp_path.iterdir()) == []


def test_tls_failure_names_the_options_that_fix_it(sim, url_args, tmp_path, capsys):
    args = url_args(tmp_path / "out")
    args[args.index("--ca-file") + 1] = str(sim.tls.other_ca_cert)
    assert export.main(args) == EXIT_TLS
    err = failure(capsys)
    assert "TLS problem" in err and "--ca-file" in err and "--insecure" in err
    assert list(tmp_path.iterdir()) == []


def test_bad_credentials_leave_nothing(url_args, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OVIRT_PASSWORD", "wrong")
    assert export.main(url_args(tmp_path / "out")) == EXIT_AUTH
    assert "authentication failed" in failure(capsys)
    assert list(tmp_path.iterdir()) == []


def test_no_password_without_a_terminal(url_args, tmp_path, monkeypatch, capsys):
    args = url_args(tmp_path / "out")
    monkeypatch.delenv("OVIRT_PASSWORD")
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115
    try:
        assert export.main(args) == EXIT_USAGE
    finally:
        sys.stdin.close()
    assert "OVIRT_PASSWORD" in failure(capsys)


def test_password_never_printed(sim, url_args, tmp_path, capsys):
    assert export.main(url_args(tmp_path / "out")[:-1]) == 0
    captured = capsys.readouterr()
    assert sim.password not in captured.out + captured.err


def test_unreachable_engine(sim, tmp_path, monkeypatch, capsys, refused_port):
    monkeypatch.setenv("OVIRT_PASSWORD", "x")
    url = f"https://127.0.0.1:{refused_port}/ovirt-engine/api"
    args = ["--url", url, "--ca-file", sim.ca_file, "--output", str(tmp_path / "o"), "-q"]
    assert export.main(args) == EXIT_UNREACHABLE
    assert "cannot reach the engine" in failure(capsys)
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------- never hangs (point 7)


def test_an_engine_that_accepts_and_never_answers_times_out(sim, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OVIRT_PASSWORD", "x")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/ovirt-engine/api"
        args = ["--url", url, "--ca-file", sim.ca_file, "--output", str(tmp_path / "o"), "-q"]
        began = time.monotonic()
        assert export.main([*args, "--timeout", "1"]) == EXIT_UNREACHABLE
    assert time.monotonic() - began < 30
    # the connect timeout or the stall detector, whichever comes first
    assert "(see --timeout)" in failure(capsys)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def stalling_engine(tls):
    """An engine whose VM list sends its first VMs, then nothing until the test ends."""
    engine = Engine(password="pw")
    populate(engine, 50)
    release = threading.Event()

    def handler(request):
        response = engine.handle(request)
        if request.path.endswith("/vms") and request.method == "GET":
            body = response.body

            def pieces():
                yield body[: len(body) // 3]
                release.wait(60)

            return Response(response.status, pieces(), response.headers)
        return response

    server = HttpServer(handler, certfile=tls.server_cert, keyfile=tls.server_key).start()
    yield server.url("/ovirt-engine/api")
    release.set()
    server.stop()


def test_a_stalled_download_is_detected(stalling_engine, tls, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OVIRT_PASSWORD", "pw")
    out = tmp_path / "out"
    args = ["--url", stalling_engine, "--ca-file", str(tls.ca_cert), "--output", str(out), "-q"]
    began = time.monotonic()
    assert export.main([*args, "--timeout", "1.5"]) == EXIT_UNREACHABLE
    assert time.monotonic() - began < 30
    assert "sent nothing for 1.5 s while fetching vms" in failure(capsys)
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------- never mixes (point 7)


def test_an_earlier_export_is_refused_then_replaced_whole(url_args, tmp_path, capsys):
    out = tmp_path / "out"
    assert export.main(url_args(out)) == 0
    before = _listing(out)
    assert export.main(url_args(out, "--collections", "vms", "--format", "csv")) == EXIT_USAGE
    assert "--overwrite" in failure(capsys)
    assert _listing(out) == before
    args = url_args(out, "--collections", "vms", "--format", "csv", "--overwrite")
    assert export.main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "vms.csv",
        "vms_os_boot_devices.csv",
    ]
    assert not [p for p in tmp_path.iterdir() if p.name != "out"]


def test_a_directory_that_is_not_an_export_is_never_touched(url_args, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert export.main(url_args(out, "--overwrite")) == EXIT_USAGE
    assert "not an export" in failure(capsys)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_an_empty_directory_is_used(url_args, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert export.main(url_args(out, "--collections", "tags")) == 0
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "tags.jsonl"]


def test_a_full_disk_leaves_the_directory_as_it_was(sim, tmp_path):
    """A real write failure: the child may not write files over 200 kB (RLIMIT_FSIZE)."""
    out = tmp_path / "out"
    out.mkdir()

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    args = ["--demo-vms", "2000", "--output", str(out), "--collections", "vms", "-q"]
    result = run_child(*args, preexec_fn=limit, timeout=300)
    assert result.returncode == EXIT_OUTPUT, result.stderr
    assert result.stderr.startswith("ovirt-export: error: cannot write")
    assert "File too large" in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == [out] and list(out.iterdir()) == []


# ----------------------------------------------------------------- never leaves debris (point 7)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_leaves_the_directory_as_it_was(stalling_engine, tls, tmp_path, signum):
    out = tmp_path / "out"
    assert export.main(["--demo-vms", "3", "--output", str(out), "-q"]) == 0
    before = _listing(out)
    args = ["--url", stalling_engine, "--ca-file", str(tls.ca_cert), "--output", str(out)]
    child = subprocess.Popen(
        export_command(*args, "--overwrite", "-q"),
        env=child_env(OVIRT_PASSWORD="pw"),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        staging = None
        while staging is None and time.monotonic() < deadline and child.poll() is None:
            found = [p for p in tmp_path.iterdir() if p.name.startswith(".out.ovirt-export")]
            if found and (found[0] / "vms.jsonl").exists():
                staging = found[0]
            time.sleep(0.05)
        assert staging is not None, "the run never started writing"
        child.send_signal(signum)
        err = child.communicate(timeout=60)[1]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    want = EXIT_TERMINATED if signum == signal.SIGTERM else EXIT_INTERRUPTED
    assert child.returncode == want, err
    assert "the output directory is as it was" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert _listing(out) == before
    assert json.loads((out / "manifest.json").read_text())["options"]["demo_vms"] == 3


def test_module_entry_point_is_quiet_off_a_terminal(tmp_path):
    result = run_child(
        "--demo-vms", "5", "--output", str(tmp_path / "o"), "--collections", "vms,vm_nics"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(read_jsonl(tmp_path / "o" / "vm_nics.jsonl")) == 5


def test_demo_without_the_testing_extra_says_what_to_install(tmp_path):
    code = (
        "import sys; sys.modules['cryptography'] = None; "
        "from ovirtsdk4.cli.export import main; "
        f"sys.exit(main(['--demo-vms', '5', '--output', {str(tmp_path / 'out')!r}]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=60
    )
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "ovirtsdk4-fast[testing]" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
