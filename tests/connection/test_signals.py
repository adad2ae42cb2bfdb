"""Signals never break a connection (issue 16, P1): an exception raised by a signal handler
during a call (Ctrl-C, or a ``SIGALRM`` call timeout) reaches the caller unchanged, the next
call on the same connection works, and ``close()`` still revokes the token.

The signals are real: ``setitimer`` arms ``SIGALRM``, another thread sends ``SIGINT`` with
``os.kill``, after a delay drawn from a seeded generator, while the main thread makes calls of
one kind in a bounded loop. Where the exception lands (in the caller's code, the XML reader,
the wait for the transfer, the SSO login) is left to chance; what must hold does not depend on
it.

The cyclic garbage collector is off while the rounds run: it would run the finalizers of
unrelated garbage (weak reference callbacks of old ``Thread`` objects...) at random moments
in the main thread, and Python reports an exception a signal handler raises inside a finalizer
as "ignored" instead of raising it; that is the interpreter's doing, not the connection's."""

import gc
import os
import queue
import random
import signal
import threading
import time

import pytest

from ovirtsdk4 import types
from ovirtsdk4.testing._http import Response

from .conftest import LOGOUT_PATH, xml

ROUNDS = 40  # per kind of call and signal
CALLS = 300  # the most calls a round makes before its signal comes (a few ms at most)
KINDS = ["get", "add", "update", "remove", "action", "future", "list", "list_iter", "login"]


class CallTimeout(Exception):
    """What the ``SIGALRM`` handler raises: the caller's own exception."""


def api(request):
    if request.path.endswith("/vms") and request.method == "GET":
        return xml('<vms><vm id="1"><name>a</name></vm><vm id="2"><name>b</name></vm></vms>')
    if request.path.endswith("/vms"):
        return xml('<vm id="2"><name>new</name></vm>', 201)
    if request.path.endswith("/start"):
        return xml("<action><status>complete</status></action>")
    if request.method == "DELETE":
        return Response(200, b"")
    return xml('<vm id="1"><name>a</name></vm>')


def kinds(connection):
    """Each kind of call the issue names, as a function making one such call."""
    vms = connection.system_service().vms_service()
    vm = vms.vm_service("1")

    def login():
        connection._forget_token(connection.authenticate())
        connection.authenticate()

    return {
        "get": vm.get,
        "add": lambda: vms.add(types.Vm(name="new")),
        "update": lambda: vm.update(types.Vm(name="b")),
        "remove": vm.remove,
        "action": vm.start,
        "future": lambda: vm.get(wait=False).wait(),
        "list": vms.list,
        "list_iter": lambda: list(vms.list_iter()),
        "login": login,
    }


class Alarm:
    """``SIGALRM`` from an interval timer; its handler raises :class:`CallTimeout`."""

    expected = CallTimeout

    def __init__(self):
        self.armed = False
        self.previous = signal.signal(signal.SIGALRM, self._handler)

    def _handler(self, signum, frame):
        if self.armed:
            self.armed = False
            raise CallTimeout()

    def arm(self, delay):
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, delay)

    def disarm(self):
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)

    def restore(self):
        signal.signal(signal.SIGALRM, self.previous)


class CtrlC:
    """``SIGINT`` sent by another thread, as a terminal does; the handler raises
    ``KeyboardInterrupt`` as Python's default one does (only while a round runs, so that a
    late signal cannot escape the test). One sender thread serves every round."""

    expected = KeyboardInterrupt

    def __init__(self):
        self.armed = False
        self.delays = queue.SimpleQueue()
        self.sent = queue.SimpleQueue()
        self.sender = threading.Thread(target=self._send)
        self.sender.start()
        self.previous = signal.signal(signal.SIGINT, self._handler)

    def _send(self):
        for delay in iter(self.delays.get, None):
            time.sleep(delay)
            os.kill(os.getpid(), signal.SIGINT)
            self.sent.put(True)

    def _handler(self, signum, frame):
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt

    def arm(self, delay):
        self.armed = True
        self.delays.put(delay)

    def disarm(self):
        self.armed = False
        self.sent.get()  # the signal of this round is gone: it cannot reach the next one

    def restore(self):
        self.delays.put(None)
        self.sender.join()
        signal.signal(signal.SIGINT, self.previous)


@pytest.mark.parametrize("source", [Alarm, CtrlC], ids=["sigalrm", "ctrl-c"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_signal_handler_exception_leaves_the_connection_usable(engine, connect, source, kind):
    engine.api = api
    connection = connect()
    call = kinds(connection)[kind]
    call()
    rng = random.Random(f"{source.__name__}-{kind}")
    interrupted = 0
    signals = source()
    gc.collect()
    gc.disable()
    try:
        for _ in range(ROUNDS):
            caught = None
            try:
                signals.arm(rng.uniform(0.0001, 0.003))
                for _ in range(CALLS):
                    call()
            except signals.expected as error:
                caught = error
            finally:
                signals.disarm()
            if caught is not None:
                interrupted += 1
                # The caller's own exception, not an SDK error wrapping it.
                assert type(caught) is signals.expected
            call()  # the same connection still works
    finally:
        gc.enable()
        signals.restore()
    assert interrupted > 0
    token = connection.authenticate()
    connection.close()
    (logout,) = engine.sso_requests(LOGOUT_PATH)
    assert f"token={token}".encode() in logout.body
    assert connection._transport.closed
