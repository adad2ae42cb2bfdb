"""Dropped connections release their resources (issue 16, P3): a connection nobody refers to
any more frees its file descriptors and its thread when it is garbage-collected, and running
out of file descriptors is an ``ovirtsdk4.Error``, never a raw ``pycurl.error``.

Each case runs in a child process with a low ``ulimit -n`` (``RLIMIT_NOFILE``) and its own
HTTPS server, so that the limit touches nothing else."""

import json
import os
import subprocess
import sys

import ovirtsdk4

CHILD = r"""
import gc, json, os, resource, sys, tempfile, threading
from pathlib import Path

import ovirtsdk4
from ovirtsdk4.testing._http import HttpServer, Response
from ovirtsdk4.testing._tls import make_tls_material

mode, limit, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tls = make_tls_material(Path(tempfile.mkdtemp()))
server = HttpServer(
    lambda request: Response(200, b'<vm id="1"/>', [("Content-Type", "application/xml")]),
    certfile=tls.server_cert,
    keyfile=tls.server_key,
)
server.start()
url = server.url("/ovirt-engine/api")
resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
failures = {}
kept = []
for _ in range(count):
    try:
        connection = ovirtsdk4.Connection(url=url, token="t", ca_file=str(tls.ca_cert))
        connection.system_service().vms_service().vm_service("1").get()
    except BaseException as error:
        name = f"{type(error).__module__}.{type(error).__name__}"
        failures[name] = failures.get(name, 0) + 1
        if mode == "keep":
            break
    else:
        if mode == "keep":
            kept.append(connection)
    connection = None
kept.clear()
gc.collect()
for thread in threading.enumerate():
    if thread.name == "ovirtsdk4-transport":
        thread.join(10)
# A transport thread in the middle of a turn holds its transport: one in a reference cycle
# then outlives that first collection, and is collected by this one.
gc.collect()
# The server runs in this process: its side of each connection closes when its thread sees
# the client go, which a loaded machine may not have done yet. Stopping it closes them all.
server.stop()
fds = len(os.listdir("/proc/self/fd"))
transport_threads = sum(t.name == "ovirtsdk4-transport" for t in threading.enumerate())
print(json.dumps({"failures": failures, "kept": count, "fds": fds, "threads": transport_threads}))
"""


def run_child(mode, limit, count):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ovirtsdk4.__file__)))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(limit), str(count)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert child.returncode == 0, child.stderr
    return json.loads(child.stdout)


def test_a_thousand_dropped_connections_under_a_low_fd_limit():
    """1,000 connections, each used once and dropped without close(), with at most 256
    file descriptors: none fails, and once collected none holds a descriptor or a thread
    (each holds about 6 while alive)."""
    out = run_child("drop", 256, 1000)
    assert out["failures"] == {}
    assert out["threads"] == 0
    # stdin, stdout, stderr and the listing itself; one leaked connection would hold 6 more
    assert out["fds"] < 10


def test_running_out_of_file_descriptors_is_an_sdk_error():
    """Connections kept open until the descriptors run out: the one that cannot be made, or
    cannot connect, fails with an ``ovirtsdk4.Error`` subclass; everything is freed after."""
    out = run_child("keep", 128, 1000)
    (name,) = out["failures"]
    assert name.startswith("ovirtsdk4.error.")
    assert out["threads"] == 0
    assert out["fds"] < 10
