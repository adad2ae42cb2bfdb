"""Waiting for a status against the simulator, whose transitions take DELAY seconds."""

import threading
import time

import pytest

import ovirtsdk4
from ovirtsdk4 import services, types, waiters
from ovirtsdk4.backoff import Backoff
from ovirtsdk4.waiters import (
    REMOVED,
    ObjectRemovedError,
    StateUnreachableError,
    WaitError,
    WaitTimeoutError,
)

from .conftest import QUICK, stored

VS, DS = types.VmStatus, types.DiskStatus


def later(seconds, function, *args):
    """Run ``function(*args)`` in ``seconds`` from another thread (what another client does
    meanwhile); joined by the caller."""
    timer = threading.Timer(seconds, function, args)
    timer.start()
    return timer


def test_start_then_up(down_vm):
    down_vm.start()
    assert down_vm.get().status == VS.POWERING_UP
    vm = down_vm.wait_for(VS.UP, timeout=10, backoff=QUICK)
    assert isinstance(vm, types.Vm)
    assert vm.status == VS.UP


def test_any_of_several_states(down_vm):
    down_vm.start()
    vm = down_vm.wait_for({VS.UP, VS.PAUSED}, timeout=10, backoff=QUICK)
    assert vm.status == VS.UP


def test_a_state_already_there_takes_one_poll(sim, down_vm):
    before = sim.engine.requests_served
    vm = down_vm.wait_for(VS.DOWN, timeout=10, backoff=QUICK)
    assert vm.status == VS.DOWN
    assert sim.engine.requests_served == before + 1


def test_callable_condition(down_vm):
    down_vm.start()
    seen = []

    def up_with_host(vm):
        seen.append(vm.status)
        return vm.status == VS.UP and vm.host is not None

    vm = down_vm.wait_for(up_with_host, timeout=10, backoff=QUICK)
    assert vm.host is not None
    assert seen[0] == VS.POWERING_UP and seen[-1] == VS.UP


def test_timeout_carries_the_last_object(down_vm):
    with pytest.raises(WaitTimeoutError) as caught:
        down_vm.wait_for(VS.UP, timeout=0.2, backoff=QUICK)
    error = caught.value
    assert isinstance(error, ovirtsdk4.TimeoutError) and isinstance(error, ovirtsdk4.Error)
    assert isinstance(error.last, types.Vm) and error.last.status == VS.DOWN
    assert "0.2 s" in str(error) and "reach up" in str(error) and "it is down" in str(error)


def test_deadline_last_poll_at_it_and_no_sleep_past_it(down_vm):
    # The second pause would be 5 s: the wait must cut it at the deadline, poll once more
    # there, and give up.
    slow = Backoff(initial=0.05, factor=100.0, maximum=5.0, jitter=0.0)
    polls = []

    def never(vm):
        polls.append(time.monotonic())
        return False

    start = time.monotonic()
    with pytest.raises(WaitTimeoutError):
        down_vm.wait_for(never, timeout=0.3, backoff=slow)
    ended = time.monotonic()
    assert len(polls) == 3  # at 0, after 0.05 s, and at the deadline
    assert polls[-1] >= start + 0.3
    assert ended - start < 2.5  # not 5 s


def test_zero_timeout_polls_once(down_vm):
    with pytest.raises(WaitTimeoutError):
        down_vm.wait_for(VS.UP, timeout=0, backoff=QUICK)
    assert down_vm.wait_for(VS.DOWN, timeout=0).status == VS.DOWN


def test_failed_start_fails_fast(sim, down_vm):
    # The engine's picture of a start that fails: powering_up, then down.
    vm = stored(sim, down_vm)
    with sim.engine.lock:
        sim.engine.transition(vm, VS.POWERING_UP, VS.DOWN)
    start = time.monotonic()
    with pytest.raises(StateUnreachableError) as caught:
        down_vm.wait_for(VS.UP, timeout=30, backoff=QUICK)
    assert time.monotonic() - start < 10
    error = caught.value
    assert error.state == VS.DOWN and error.last.status == VS.DOWN
    assert "down after powering_up" in str(error) and "will not reach up" in str(error)


def test_settled_state_without_a_transition_is_awaited(sim, down_vm):
    # Down at first (the start not yet applied) is no failure: only down after a transition is.
    timer = later(0.1, down_vm.start)
    try:
        vm = down_vm.wait_for(VS.UP, timeout=10, backoff=QUICK)
    finally:
        timer.join()
    assert vm.status == VS.UP


def test_shutdown_ignored_by_the_guest(sim, down_vm):
    down_vm.start()
    down_vm.wait_for(VS.UP, timeout=10, backoff=QUICK)
    vm = stored(sim, down_vm)
    with sim.engine.lock:
        sim.engine.transition(vm, VS.POWERING_DOWN, VS.UP)
    with pytest.raises(StateUnreachableError, match="up after powering_down"):
        down_vm.wait_for(VS.DOWN, timeout=30, backoff=QUICK)


def test_illegal_disk_fails_at_once(sim, connection):
    disks = connection.system_service().disks_service()
    disk = disks.add(
        types.Disk(name="doomed", provisioned_size=1 << 20, format=types.DiskFormat.COW)
    )
    stored = sim.engine.get(f"/disks/{disk.id}")
    with sim.engine.lock:
        sim.engine.transition(stored, DS.LOCKED, DS.ILLEGAL)
    with pytest.raises(StateUnreachableError, match="illegal") as caught:
        waiters.wait_for(disks.disk_service(disk.id), DS.OK, timeout=30, backoff=QUICK)
    assert caught.value.state == DS.ILLEGAL
    # What is wanted is no failure.
    got = waiters.wait_for(disks.disk_service(disk.id), DS.ILLEGAL, timeout=30, backoff=QUICK)
    assert got.status == DS.ILLEGAL


def test_new_disk_locked_then_ok(connection):
    disks = connection.system_service().disks_service()
    disk = disks.add(
        types.Disk(name="fresh", provisioned_size=1 << 20, format=types.DiskFormat.COW)
    )
    assert disk.status == DS.LOCKED
    got = waiters.wait_for(disks.disk_service(disk.id), DS.OK, timeout=10, backoff=QUICK)
    assert got.status == DS.OK and got.id == disk.id


def test_removed_while_waiting(vms, down_vm):
    timer = later(0.1, down_vm.remove)
    try:
        with pytest.raises(ObjectRemovedError) as caught:
            down_vm.wait_for(VS.UP, timeout=10, backoff=QUICK)
    finally:
        timer.join()
    error = caught.value
    assert isinstance(error, ovirtsdk4.NotFoundError) and isinstance(error, WaitError)
    assert isinstance(error.last, types.Vm) and error.last.status == VS.DOWN
    assert "was removed while waiting for it to reach up" in str(error)


def test_wait_for_removal(down_vm):
    timer = later(0.1, down_vm.remove)
    try:
        assert down_vm.wait_for(REMOVED, timeout=10, backoff=QUICK) is None
    finally:
        timer.join()
    # Already gone: at once.
    assert down_vm.wait_for(REMOVED, timeout=0) is None


def test_removal_timeout(down_vm):
    with pytest.raises(WaitTimeoutError, match="to be removed") as caught:
        down_vm.wait_for(REMOVED, timeout=0.1, backoff=QUICK)
    assert caught.value.last.status == VS.DOWN


def test_a_gone_object_never_seen(vms):
    with pytest.raises(ObjectRemovedError, match="VmService") as caught:
        waiters.wait_for(vms.vm_service("no-such-vm"), VS.UP, timeout=10, backoff=QUICK)
    assert caught.value.last is None


@pytest.mark.parametrize(
    "condition",
    [
        "up",
        [],
        [VS.UP, DS.OK],
        types.NicStatus.UP,  # an enum with no lifecycle: NicStatus is not named after HostNic
        42,
    ],
)
def test_bad_conditions(down_vm, condition):
    with pytest.raises(TypeError, match="condition must be"):
        down_vm.wait_for(condition, timeout=1)


def test_status_of_another_type(down_vm):
    with pytest.raises(TypeError, match="VmStatus: it can't reach ok"):
        down_vm.wait_for(DS.OK, timeout=1, backoff=QUICK)
    with pytest.raises(TypeError, match="has no 'phase'"):
        down_vm.wait_for(types.ImageTransferPhase.TRANSFERRING, timeout=1)


def test_other_errors_pass_through(sim):
    conn = sim.connection(password="wrong")
    try:
        service = conn.system_service().vms_service().vm_service("x")
        with pytest.raises(ovirtsdk4.AuthError):
            waiters.wait_for(service, VS.UP, timeout=1)
    finally:
        conn.close()


def test_many_objects_one_request_each_per_round(sim, make_vm):
    services = [make_vm() for _ in range(4)]
    ids = [service.get().id for service in services]
    stored_vms = [stored(sim, service) for service in services]
    with sim.engine.lock:
        for vm in stored_vms:
            sim.engine.transition(vm, VS.POWERING_UP, None)

    def all_up():
        with sim.engine.lock:
            for vm in stored_vms:
                sim.engine.transition(vm, VS.UP, None)

    # All four come up at once (under the engine's lock), a few rounds into the wait, however
    # slowly this machine runs.
    flip = threading.Timer(0.3, all_up)
    before = len(sim.server.requests)
    flip.start()
    try:
        got = waiters.wait_for_all(services, VS.UP, timeout=30, backoff=QUICK)
    finally:
        flip.join()
    assert [vm.id for vm in got] == ids and all(vm.status == VS.UP for vm in got)
    polled = [r.path.rsplit("/", 1)[1] for r in list(sim.server.requests)[before:]]
    counts = [polled.count(vm_id) for vm_id in ids]
    # Every round polls every VM not yet up, once: the counts are the rounds each VM took,
    # which differ by at most the one round during which the flip happened.
    assert len(polled) == sum(counts) and min(counts) >= 2 and max(counts) - min(counts) <= 1
    # A round's replies are all read before the next round: its four GETs are together.
    for start in range(0, 4 * (min(counts) - 1), 4):
        assert sorted(polled[start : start + 4]) == sorted(ids), polled


def test_many_objects_timeout_lists_the_last(vms, down_vm):
    up_id = vms.list(search="status=up")[0].id
    services = [vms.vm_service(up_id), down_vm]
    with pytest.raises(WaitTimeoutError, match=r"w-\w+'? to reach up") as caught:
        waiters.wait_for_all(services, VS.UP, timeout=0.2, backoff=QUICK)
    last = caught.value.last
    assert [vm.status for vm in last] == [VS.UP, VS.DOWN]


def test_many_objects_one_fails(sim, vms, down_vm):
    up_id = vms.list(search="status=up")[0].id
    vm = stored(sim, down_vm)
    with sim.engine.lock:
        sim.engine.transition(vm, VS.POWERING_UP, VS.DOWN)
    with pytest.raises(StateUnreachableError):
        waiters.wait_for_all([vms.vm_service(up_id), down_vm], VS.UP, timeout=30, backoff=QUICK)


def test_lifecycles_are_consistent():
    for kind, lifecycle in waiters.LIFECYCLES.items():
        assert lifecycle.transitional <= set(kind), kind
        assert lifecycle.failed <= set(kind), kind
        assert not lifecycle.transitional & lifecycle.failed, kind
        settled = set(kind) - lifecycle.transitional - lifecycle.failed
        assert settled, f"{kind.__name__}: nothing to wait for"


def test_lifecycles_follow_the_generator_rule(api_model):
    """The services the generator gives ``wait_for`` (those whose ``get`` returns a struct with
    a status, codegen's ``Watched``) have it, the others not; every status they poll has a
    lifecycle, on that member, and no lifecycle is for another enum."""
    watched = {s.name: s.watched for s in api_model.services if s.watched is not None}
    for name in api_model.service_names:
        assert hasattr(getattr(services, name), "wait_for") == (name in watched), name
    found = {}
    for status in watched.values():
        found.setdefault(status.enum, set()).add(status.member)
    assert {k.__name__ for k in waiters.LIFECYCLES} == set(found)
    for kind, lifecycle in waiters.LIFECYCLES.items():
        assert found[kind.__name__] == {lifecycle.member}, kind


def test_backoff_grows_to_its_cap_with_jitter():
    backoff = Backoff(initial=1.0, factor=2.0, maximum=10.0, jitter=0.5)
    assert [backoff.delay(n, lambda: 0.0) for n in range(1, 6)] == [1, 2, 4, 8, 10]
    assert backoff.delay(3, lambda: 0.999) == pytest.approx(2.002)
    assert backoff.delay(100_000) <= 10.0
    for bad in (dict(initial=-1), dict(factor=0.5), dict(jitter=2), dict(initial=5, maximum=1)):
        with pytest.raises(ovirtsdk4.Error):
            Backoff(**bad)


def test_many_objects_timeout_lists_even_one(down_vm):
    with pytest.raises(WaitTimeoutError) as caught:
        waiters.wait_for_all([down_vm], VS.UP, timeout=0)
    assert [vm.status for vm in caught.value.last] == [VS.DOWN]


def test_a_settled_state_for_a_moment_is_no_failure(sim, down_vm):
    # A cold reboot: powering_down, down for a moment, then up again. The poll that sees down
    # is followed by one that sees up: one sighting is not a verdict.
    down_vm.start()
    down_vm.wait_for(VS.UP, timeout=10, backoff=QUICK)
    engine = sim.engine
    with engine.lock:
        engine.transition(
            stored(sim, down_vm),
            VS.POWERING_DOWN,
            VS.DOWN,
            then=lambda vm: engine.transition(vm, None, VS.UP),
        )
    steady = Backoff(initial=0.1, factor=1.0, maximum=0.1, jitter=0.0)
    assert down_vm.wait_for(VS.UP, timeout=10, backoff=steady).status == VS.UP


def test_states_a_flow_passes_through(sim, connection):
    # A host upgrade: preparing_for_maintenance, maintenance (for a while), installing, up.
    engine = sim.engine
    host = next(h for h in engine.list("/hosts") if h.status == types.HostStatus.UP)
    HS = types.HostStatus
    with engine.lock:
        engine.transition(host, HS.PREPARING_FOR_MAINTENANCE, HS.MAINTENANCE)

    def install():
        with engine.lock:
            engine.transition(host, HS.INSTALLING, HS.UP)

    timer = later(0.3, install)
    try:
        service = connection.system_service().hosts_service().host_service(host.id)
        assert waiters.wait_for(service, HS.UP, timeout=10, backoff=QUICK).status == HS.UP
    finally:
        timer.join()
