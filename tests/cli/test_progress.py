"""Honest progress (point 6 of issue 10): the status line names what is being fetched now,
with its objects and the rate over its own fetch; start-up steps say what they do; the
summary's time per collection is its fetch time."""

import io
import os
import pty
import select
import subprocess

from ovirtsdk4.cli.progress import Progress, format_summary

from .conftest import child_env, export_command


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_the_line_names_running_fetches_with_their_own_rates():
    clock = Clock()
    stream = io.StringIO()
    progress = Progress(stream, enabled=True, clock=clock)
    progress.written = lambda: 2_500_000
    login = progress.begin("logging in to https://engine/ovirt-engine/api")
    assert "logging in to https://engine/ovirt-engine/api..." in stream.getvalue()
    clock.now += 1
    login.done()
    vms = progress.begin("fetching vms")
    clock.now += 2
    disks = progress.begin("fetching disks")
    vms.tick(300)
    clock.now += 1
    disks.tick(50)
    line = progress.line()
    # vms: 300 objects in the 3 s since its request; disks: 50 in its own 1 s
    assert line.startswith("fetching vms: 300 (100/s); fetching disks: 50 (50/s) | ")
    assert "1 done, 2.5 MB written, 4.0 s" in line
    disks.done()
    assert disks.seconds == 1.0 and vms.seconds == 3.0
    assert "disks" not in progress.line()
    progress.render()
    assert stream.getvalue().endswith("\x1b[K")


def test_stall_detection_watches_engine_activities_only():
    clock = Clock()
    progress = Progress(io.StringIO(), enabled=False, clock=clock)
    local = progress.begin("writing csv", engine=False)
    fetch = progress.begin("fetching vms")
    clock.now += 5
    assert progress.stalled(10) is None
    fetch.tick()
    clock.now += 9
    assert progress.stalled(10) is None
    clock.now += 2
    assert progress.stalled(10) is fetch
    fetch.done()
    assert progress.stalled(10) is None and local.finished is None


def test_disabled_progress_writes_nothing():
    stream = io.StringIO()
    progress = Progress(stream, enabled=False)
    progress.begin("fetching vms").tick(5)
    progress.render()
    progress.finish()
    assert stream.getvalue() == ""


def test_summary_rates_use_the_fetch_time():
    text = format_summary([("vms", 1000, 5000, 2.0), ("total", 1000, 5000, 4.0)])
    lines = text.splitlines()
    assert lines[1].split() == ["vms", "1000", "5000", "2.00", "500"]
    assert lines[2].split() == ["total", "1000", "5000", "4.00", "250"]


def test_on_a_terminal_the_steps_and_fetches_are_shown(tmp_path):
    leader, follower = pty.openpty()
    args = ["--demo-vms", "50", "--output", str(tmp_path / "out"), "--collections", "vms"]
    child = subprocess.Popen(
        export_command(*args), env=child_env(), stdout=subprocess.PIPE, stderr=follower
    )
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    out = child.communicate(timeout=60)[0].decode()
    assert child.returncode == 0
    text = seen.decode()
    assert "starting the simulator (50 VMs)..." in text
    assert "logging in to https://localhost:" in text
    assert "fetching vms: " in text
    assert text.endswith("\r\x1b[K")  # the status line is cleared at the end
    assert "vms" in out and "total" in out
