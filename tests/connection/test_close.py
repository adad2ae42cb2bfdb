"""``close()`` is final and idempotent (issue 16, P4): no login starts once it has begun,
every token the connection obtained is revoked, and a second call does nothing."""

import threading

import pytest

from ovirtsdk4 import Error

from .conftest import LOGOUT_PATH, TOKEN_PATH

ROUNDS = 10
THREADS = 4


def tokens_issued(engine):
    return len(engine.sso_requests(TOKEN_PATH))


def tokens_revoked(engine):
    return sorted(r.body for r in engine.sso_requests(LOGOUT_PATH))


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_close_racing_with_threads_leaves_no_token_unrevoked(engine, connect, round_):
    """Threads call the API in a loop, each request logging in again when the token is gone
    (as it is once close() has taken it); close() runs in the middle. Every token issued
    must be revoked, and the threads end with an ``Error``, not a new login."""
    connection = connect()
    vm = connection.system_service().vms_service().vm_service("1")
    running = threading.Barrier(THREADS + 1)
    outcomes = []

    def work():
        vm.get()
        running.wait()  # every thread is making requests when close() starts
        try:
            for _ in range(10_000):  # bounded: close() ends it long before
                vm.get()
        except Error as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    running.wait()
    connection.close()
    for thread in threads:
        thread.join()
    issued = tokens_issued(engine)
    assert issued >= 1
    revoked = tokens_revoked(engine)
    assert revoked == [
        f"scope=ovirt-app-api&token=token-{n}".encode() for n in range(1, issued + 1)
    ]
    assert len(outcomes) == THREADS
    requests = len(engine.requests)
    assert connection.close() is None  # the second close does nothing, and sends nothing
    assert len(engine.requests) == requests
    with pytest.raises(Error, match="closed"):
        vm.get()
    assert tokens_issued(engine) == issued


def test_close_waits_for_a_login_under_way_and_revokes_its_token(engine, connect):
    """A login that has begun when close() starts finishes, and its token is revoked."""
    connection = connect()
    in_login = threading.Event()
    release = threading.Event()

    def slow_token(request):
        in_login.set()
        release.wait(10)
        return engine.issue_token(request)

    engine.routes[TOKEN_PATH] = slow_token
    login = threading.Thread(target=connection.authenticate)
    login.start()
    assert in_login.wait(10)
    closer = threading.Thread(target=connection.close)
    closer.start()
    release.set()
    login.join()
    closer.join()
    assert tokens_revoked(engine) == [b"scope=ovirt-app-api&token=token-1"]
    with pytest.raises(Error, match="closed"):
        connection.authenticate()
