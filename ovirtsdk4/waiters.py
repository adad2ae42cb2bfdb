"""Waiting for objects to reach a state, and for the jobs of a correlation id to end.
(Ours; not in the official SDK.)

::

    from ovirtsdk4 import types, waiters

    vm_service.start()
    vm = waiters.wait_for(vm_service, types.VmStatus.UP, timeout=600)

    waiters.wait_for(disk_service, lambda disk: disk.status == types.DiskStatus.OK)
    waiters.wait_for(vm_service, waiters.REMOVED)              # until the GET answers 404
    vms = waiters.wait_for_all([vms_service.vm_service(i) for i in ids], types.VmStatus.UP)

    cid = waiters.new_correlation_id()
    vm_service.start(query={"correlation_id": cid})
    jobs = waiters.wait_for_jobs(connection, cid)

A wait polls with ``get()``, pausing between polls by a :class:`~ovirtsdk4.backoff.Backoff`
(1 s growing to 30 s by default, with jitter), never past its ``timeout``: the last poll is at
the deadline. Waiting for a status fails early, instead of at the timeout, when the wanted
status cannot come any more:

* the object is in a failed state (a disk ``illegal``, a job ``failed``, a host
  ``install_failed``: the ``failed`` states of :data:`LIFECYCLES`), or
* two polls in a row saw it in a settled state (one the engine does not leave by itself)
  other than the wanted one, after a transitional state was seen during this wait: a VM
  ``powering_up`` then ``down`` while waiting for ``up`` (its start failed); the ``passing``
  states of :data:`LIFECYCLES`, which whole engine flows go through, never count;
* it was removed (404) while waiting for a status.

The errors (``WaitError`` and below) carry the last object seen in ``last``.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Union

from ovirtsdk4 import types
from ovirtsdk4.backoff import Backoff, Deadline
from ovirtsdk4.error import (
    Error,
    JobFailedError,
    NotFoundError,
    ObjectRemovedError,
    StateUnreachableError,
    WaitError,
    WaitTimeoutError,
)

__all__ = [
    "DEFAULT_BACKOFF",
    "LIFECYCLES",
    "REMOVED",
    "Condition",
    "JobFailedError",
    "Lifecycle",
    "Removed",
    "ObjectRemovedError",
    "StateUnreachableError",
    "WaitError",
    "WaitTimeoutError",
    "new_correlation_id",
    "wait_for",
    "wait_for_all",
    "wait_for_jobs",
]


class Removed:
    """The type of :data:`REMOVED`, the condition "the object is gone"."""

    def __repr__(self) -> str:
        return "REMOVED"


#: The condition of a wait that ends when the GET answers 404 (the object was removed).
REMOVED: Final = Removed()

#: What can be awaited: a status value, several of one enum (any of them), a predicate on the
#: object, or :data:`REMOVED`.
Condition = Union[enum.Enum, Iterable[enum.Enum], Callable[[Any], bool], Removed]


@dataclass(frozen=True)
class Lifecycle:
    """What the SDK knows of the states of one status enum, beyond the model: the member that
    holds it, the states the engine leaves by itself (``transitional``), the states that end
    an operation in failure (``failed``), and the settled states that some engine flows pass
    through on their way elsewhere (``passing``: they never end a wait early). Any other state
    is settled: the object stays in it until someone acts."""

    member: str
    transitional: frozenset[enum.Enum]
    failed: frozenset[enum.Enum] = frozenset()
    passing: frozenset[enum.Enum] = frozenset()


_VS, _DS, _HS = types.VmStatus, types.DiskStatus, types.HostStatus
_SDS, _SS, _ITP = types.StorageDomainStatus, types.SnapshotStatus, types.ImageTransferPhase
_JS, _STS, _DCS = types.JobStatus, types.StepStatus, types.DataCenterStatus
_TS, _GVS, _GBS = types.TemplateStatus, types.GlusterVolumeStatus, types.GlusterBrickStatus
_BP, _CS = types.BackupPhase, types.CheckpointState

#: One :class:`Lifecycle` per status enum of an object that has a service (the enum named after
#: the object's type or one of its bases, e.g. ``VmStatus`` for ``Vm.status``). In doubt a
#: state is transitional: waiting too long is better than failing a wait that would succeed.
LIFECYCLES: Final[dict[type[enum.Enum], Lifecycle]] = {
    types.VmStatus: Lifecycle(
        "status",
        frozenset(
            [
                _VS.WAIT_FOR_LAUNCH,  # start: the host is creating the VM
                _VS.POWERING_UP,  # start: the VM booting
                _VS.POWERING_DOWN,  # shutdown: the guest shutting down (or ignoring it)
                _VS.REBOOT_IN_PROGRESS,  # reboot, reset
                _VS.MIGRATING,  # migrate: ends up on one host or the other
                _VS.SAVING_STATE,  # suspend: memory being saved
                _VS.RESTORING_STATE,  # start of a suspended VM
                _VS.IMAGE_LOCKED,  # its disks being created, copied or moved
                # Paused on an I/O error, a VM resumes by itself when its storage comes back
                # (the engine's auto-resume): it does not prove that "up" cannot come.
                _VS.PAUSED,
                _VS.NOT_RESPONDING,  # its host's monitoring lost it for a while
                _VS.UNKNOWN,  # its host is unreachable: known again once it answers or is fenced
                _VS.UNASSIGNED,  # not monitored yet
            ]
        ),
    ),
    types.DiskStatus: Lifecycle(
        "status",
        frozenset([_DS.LOCKED]),  # being created, copied, moved, extended
        frozenset([_DS.ILLEGAL]),  # its image operation failed: only removal helps
    ),
    types.TemplateStatus: Lifecycle(
        "status",
        frozenset([_TS.LOCKED]),  # its disks being copied
        frozenset([_TS.ILLEGAL]),  # making it failed
    ),
    types.SnapshotStatus: Lifecycle(
        # A Snapshot is a Vm too: its own state is snapshot_status (status is the VM's).
        "snapshot_status",
        frozenset([_SS.LOCKED]),  # being taken, restored or removed; a failed one disappears
    ),
    types.HostStatus: Lifecycle(
        "status",
        frozenset(
            [
                _HS.INSTALLING,  # add, reinstall, upgrade
                _HS.INSTALLING_OS,  # provisioning through a host provider
                _HS.INITIALIZING,  # after installation or activation, before up
                _HS.CONNECTING,  # activate: the engine reaching the host
                _HS.REBOOT,  # restarted by the engine (power management, upgrade)
                _HS.PREPARING_FOR_MAINTENANCE,  # deactivate: its VMs migrating away
                _HS.KDUMPING,  # the kernel crashed and is dumping: it reboots afterwards
                # Unreachable for a while: the engine keeps trying, and fences it when it can.
                _HS.NON_RESPONSIVE,
                # Put there after VMs failed to run on it: back to up after a recovery timeout.
                _HS.ERROR,
                _HS.UNASSIGNED,  # not monitored yet
            ]
        ),
        frozenset([_HS.INSTALL_FAILED]),  # only a reinstall gets it out
        frozenset(
            [
                _HS.MAINTENANCE,  # an upgrade: preparing, maintenance, installing, reboot, up
                _HS.DOWN,  # a restart through power management: down, reboot, up
            ]
        ),
    ),
    types.StorageDomainStatus: Lifecycle(
        "status",
        frozenset(
            [
                _SDS.ACTIVATING,  # activate
                _SDS.PREPARING_FOR_MAINTENANCE,  # deactivate
                _SDS.DETACHING,  # detach from its data center
                _SDS.LOCKED,  # being attached, imported or having its OVFs updated
                _SDS.UNKNOWN,  # not monitored yet, or its data center electing an SPM
            ]
        ),
        frozenset(),
        frozenset(
            [
                # Attached to a data center: locked, maintenance, then activating and active.
                _SDS.MAINTENANCE,
                _SDS.UNATTACHED,  # made, then attached: locked, unattached, locked ...
            ]
        ),
    ),
    types.DataCenterStatus: Lifecycle(
        "status",
        frozenset(
            [
                _DCS.CONTEND,  # electing a storage pool manager
                _DCS.PROBLEMATIC,  # its pool manager unreachable: the engine elects another
            ]
        ),
    ),
    types.ImageTransferPhase: Lifecycle(
        "phase",
        frozenset(
            [
                _ITP.INITIALIZING,  # add: the image being prepared on a host
                _ITP.RESUMING,  # resume
                _ITP.FINALIZING_SUCCESS,  # finalize: the image being verified and closed
                _ITP.FINALIZING_FAILURE,  # a failed transfer being closed: finished_failure next
                _ITP.FINALIZING_CLEANUP,  # a cancelled transfer being cleaned up
                _ITP.CANCELLED_SYSTEM,  # cancelled by the engine (inactivity, error): closed next
                _ITP.CANCELLED_USER,  # cancel: then cleaned up
                # Paused by the engine (its ticket or host lost): the engine resumes or cancels it.
                _ITP.PAUSED_SYSTEM,
                _ITP.UNKNOWN,  # not reported yet
            ]
        ),
        frozenset(
            [
                _ITP.FINISHED_FAILURE,  # the transfer failed and is closed
                _ITP.CANCELLED,  # the single cancelled phase of older engines: final there
            ]
        ),
    ),
    types.BackupPhase: Lifecycle(
        "phase",
        frozenset(
            [
                _BP.INITIALIZING,  # add
                _BP.STARTING,  # add: the host preparing the backup
                _BP.FINALIZING,  # finalize
            ]
        ),
        frozenset([_BP.FAILED]),
    ),
    types.CheckpointState: Lifecycle(
        "state",
        frozenset(),  # a checkpoint is made in one step
        frozenset([_CS.INVALID]),  # its bitmaps are broken: no incremental backup from it
    ),
    types.JobStatus: Lifecycle(
        "status",
        frozenset([_JS.STARTED]),
        # Ended without success. Unknown: the engine lost track of it (it restarted meanwhile)
        # and never updates it again.
        frozenset([_JS.FAILED, _JS.ABORTED, _JS.UNKNOWN]),
    ),
    types.StepStatus: Lifecycle(
        "status",
        frozenset([_STS.STARTED]),
        frozenset([_STS.FAILED, _STS.ABORTED, _STS.UNKNOWN]),  # as for jobs
    ),
    types.GlusterVolumeStatus: Lifecycle(
        "status",
        frozenset([_GVS.UNKNOWN]),  # not reported by its servers yet
    ),
    types.GlusterBrickStatus: Lifecycle(
        "status",
        frozenset([_GBS.UNKNOWN]),  # not reported by its server yet
    ),
    # Hooks are enabled, disabled or missing by an action at once: nothing in between.
    types.GlusterHookStatus: Lifecycle("status", frozenset()),
    # Operational or not follows the hosts' networks: a change, not a transition.
    types.NetworkStatus: Lifecycle("status", frozenset()),
}


def _describe(condition: Condition) -> str:
    """What a wait is for, as the end of "waiting for X to ...": "reach up", "be removed"."""
    if isinstance(condition, frozenset):
        return "reach " + " or ".join(sorted(str(state.value) for state in condition))
    if condition is REMOVED:
        return "be removed"
    return f"satisfy {getattr(condition, '__name__', 'the condition')}"


_BAD_CONDITION = (
    "A wait's condition must be a status, or several of one status enum, among "
    f"{', '.join(sorted(kind.__name__ for kind in LIFECYCLES))}; a callable; or REMOVED; "
)


def _enum_of(states: frozenset[enum.Enum]) -> type[enum.Enum]:
    return type(next(iter(states)))


def _name(obj: Any) -> str:
    """How an object is named in messages: its type, and its name or id."""
    label = getattr(obj, "name", None) or getattr(obj, "id", None)
    return f"{type(obj).__name__} {label!r}" if label else type(obj).__name__


class _Watch:
    """One awaited object: its service, its condition, and what was seen so far."""

    __slots__ = (
        "service",
        "condition",
        "wanted",
        "lifecycle",
        "last",
        "transition",
        "suspect",
        "done",
    )

    def __init__(self, service: Any, condition: Condition) -> None:
        self.service = service
        self.last: Any = None
        self.transition: enum.Enum | None = None  # a transitional state seen
        self.suspect: enum.Enum | None = None  # a settled state seen once after a transition
        self.done = False
        self.wanted: frozenset[enum.Enum] | None = None
        self.lifecycle: Lifecycle | None = None
        if isinstance(condition, enum.Enum):
            condition = frozenset([condition])
        elif condition is not REMOVED and not callable(condition):
            try:
                condition = frozenset(condition)  # type: ignore[arg-type]
            except TypeError:
                raise TypeError(_BAD_CONDITION + f"not {condition!r}") from None
        if isinstance(condition, frozenset):
            kinds = {type(state) for state in condition}
            kind = kinds.pop() if len(kinds) == 1 else None
            if kind is None or kind not in LIFECYCLES:
                raise TypeError(_BAD_CONDITION + f"not {condition!r}")
            self.wanted = condition
            self.lifecycle = LIFECYCLES[kind]
        self.condition = condition

    def seen(self, obj: Any) -> None:
        """Take a polled object: mark the watch done, or raise when the wait cannot succeed."""
        self.last = obj
        condition = self.condition
        if condition is REMOVED:
            return
        wanted, lifecycle = self.wanted, self.lifecycle
        if wanted is None or lifecycle is None:
            self.done = bool(condition(obj))  # type: ignore[operator]
            return
        try:
            state = getattr(obj, lifecycle.member)
        except AttributeError:
            raise TypeError(
                f"{type(obj).__name__} has no '{lifecycle.member}': it can't {_describe(condition)}"
            ) from None
        if state is not None and not isinstance(state, _enum_of(wanted)):
            raise TypeError(
                f"{_name(obj)}'s {lifecycle.member} is a {type(state).__name__}: it can't "
                f"{_describe(condition)}"
            )
        suspect, self.suspect = self.suspect, None
        if state in wanted:
            self.done = True
        elif state in lifecycle.failed:
            raise StateUnreachableError(
                f"{_name(obj)} is {state.value}: it will not {_describe(condition)}",
                obj,
                state,
            )
        elif state in lifecycle.transitional:
            self.transition = state
        elif state is not None and self.transition is not None and state not in lifecycle.passing:
            if state != suspect:
                # Seen once: engine flows may show a settled state for a moment (a rerun on
                # another host, a cold reboot). Two polls in a row make it a verdict.
                self.suspect = state
                return
            raise StateUnreachableError(
                f"{_name(obj)} is {state.value} after {self.transition.value}: it will not "
                f"{_describe(condition)}",
                obj,
                state,
            )

    def gone(self, error: NotFoundError) -> None:
        """The GET answered 404: done when removal is awaited, else ``ObjectRemovedError``."""
        if self.condition is REMOVED:
            self.done = True
            return
        what = _name(self.last) if self.last is not None else str(self.service)
        raise ObjectRemovedError(
            f"{what} was removed while waiting for it to {_describe(self.condition)}", self.last
        ) from error


#: The pauses between polls unless a wait is given its own: 1 s growing to 30 s.
DEFAULT_BACKOFF: Final = Backoff()


def wait_for(
    service: Any,
    condition: Condition,
    *,
    timeout: float | None = 600.0,
    backoff: Backoff | None = None,
) -> Any:
    """Poll ``service.get()`` until ``condition`` holds and return the last object (``None``
    for :data:`REMOVED`).

    ``condition`` is a status value (``types.VmStatus.UP``), several values of one status
    enum (any of them will do), a callable that takes the object and returns whether it is
    as wanted, or :data:`REMOVED`. ``backoff`` paces the polls (default
    :data:`DEFAULT_BACKOFF`). Raises :class:`WaitTimeoutError` when ``timeout`` seconds
    pass first (``None``: no limit), :class:`StateUnreachableError` when a status can't come
    any more, :class:`ObjectRemovedError` on a 404 (unless waiting for :data:`REMOVED`), and
    any error the GET raises otherwise."""
    return _wait([_Watch(service, condition)], timeout, backoff)[0]


def wait_for_all(
    services: Sequence[Any],
    condition: Condition,
    *,
    timeout: float | None = 600.0,
    backoff: Backoff | None = None,
) -> list[Any]:
    """:func:`wait_for` on many objects at once: each poll round sends one ``get(wait=False)``
    per object still awaited, all at the same time, from this thread. Returns the objects in
    the order of ``services``. The first object that can't reach ``condition`` raises; on
    timeout, :class:`WaitTimeoutError`'s ``last`` is the list of the last objects seen (``None``
    where none was)."""
    watches = [_Watch(service, condition) for service in services]
    try:
        return _wait(watches, timeout, backoff)
    except WaitTimeoutError as error:
        error.last = [watch.last for watch in watches]
        raise


def _wait(watches: list[_Watch], timeout: float | None, backoff: Backoff | None) -> list[Any]:
    """Poll the watches until all are done, or raise; a timeout's ``last`` is the object of
    the first watch not done."""
    deadline = Deadline(timeout)
    pauses = backoff or DEFAULT_BACKOFF
    attempt = 0
    while True:
        attempt += 1
        pending = [watch for watch in watches if not watch.done]
        futures = [watch.service.get(wait=False) for watch in pending]
        # Every reply is read before any verdict, so that no request is left in flight.
        outcomes: list[Any] = []
        for future in futures:
            try:
                outcomes.append(future.wait())
            except Error as error:
                outcomes.append(error)
        for watch, outcome in zip(pending, outcomes, strict=True):
            if isinstance(outcome, NotFoundError):
                watch.gone(outcome)
            elif isinstance(outcome, Error):
                raise outcome
            else:
                watch.seen(outcome)
        if all(watch.done for watch in watches):
            return [None if watch.condition is REMOVED else watch.last for watch in watches]
        if not deadline.pause(pauses.delay(attempt)):
            waiting = [watch for watch in watches if not watch.done]
            first = waiting[0]
            what = _name(first.last) if first.last is not None else first.service
            more = f" (and {len(waiting) - 1} more)" if len(waiting) > 1 else ""
            raise WaitTimeoutError(
                f"Timed out after {deadline.timeout:g} s waiting for {what}{more} to "
                f"{_describe(first.condition)}{_state_note(first)}",
                first.last,
            )


def _state_note(watch: _Watch) -> str:
    if watch.lifecycle is None or watch.last is None:
        return ""
    state = getattr(watch.last, watch.lifecycle.member, None)
    return f"; it is {state.value}" if state is not None else ""


# What the engine accepts as a correlation id: letters, digits, '-' and '_', at most 50.
_CORRELATION_ID = re.compile(r"[A-Za-z0-9_-]{1,50}")


def new_correlation_id(prefix: str = "sdk") -> str:
    """A new correlation id, ``PREFIX-`` and 32 random hex digits. Pass it to any method as
    ``query={"correlation_id": cid}``: the engine tags the jobs and events of that request
    with it (:func:`wait_for_jobs`)."""
    cid = f"{prefix}-{uuid.uuid4().hex}"
    if _CORRELATION_ID.fullmatch(cid) is None:
        raise Error(
            f"The correlation id prefix {prefix!r} must be letters, digits, '-' and '_', at "
            "most 17 of them"
        )
    return cid


def wait_for_jobs(
    connection: Any,
    correlation_id: str,
    *,
    timeout: float | None = 600.0,
    backoff: Backoff | None = None,
) -> list[types.Job]:
    """Wait until every job the engine started for ``correlation_id`` has finished, and
    return them. Each poll lists ``jobs?search=correlation_id=...`` (one request); jobs that
    appear later are awaited too, and an id with no job yet is polled until one appears. A job
    that ends without success raises :class:`JobFailedError` naming its failed step (read from
    the job's steps); the timeout raises :class:`WaitTimeoutError` whose ``last`` is the jobs
    seen last."""
    deadline = Deadline(timeout)
    pauses = backoff or DEFAULT_BACKOFF
    jobs_service = connection.system_service().jobs_service()
    quoted = correlation_id if _CORRELATION_ID.fullmatch(correlation_id) else f'"{correlation_id}"'
    failed = LIFECYCLES[types.JobStatus].failed
    attempt = 0
    while True:
        attempt += 1
        jobs: list[types.Job] = list(jobs_service.list(search=f"correlation_id={quoted}"))
        for job in jobs:
            if job.status in failed:
                raise _job_failure(jobs_service, job, jobs, correlation_id)
        if jobs and all(job.status == types.JobStatus.FINISHED for job in jobs):
            return jobs
        if not deadline.pause(pauses.delay(attempt)):
            running = [job for job in jobs if job.status != types.JobStatus.FINISHED]
            state = (
                f"{len(running)} of {len(jobs)} jobs still running, the first "
                f"{running[0].description!r}"
                if running
                else "no job found"
            )
            raise WaitTimeoutError(
                f"Timed out after {deadline.timeout:g} s waiting for the jobs of correlation id "
                f"{correlation_id!r}: {state}",
                jobs,
            )


def _job_failure(
    jobs_service: Any, job: types.Job, jobs: list[types.Job], correlation_id: str
) -> JobFailedError:
    steps = list(jobs_service.job_service(job.id).steps_service().list())
    bad = LIFECYCLES[types.StepStatus].failed
    failed = sorted(
        (step for step in steps if step.status in bad), key=lambda step: _depth(step, steps)
    )
    where = f" at step {failed[-1].description!r}" if failed else ""
    status = job.status.value if job.status is not None else "?"
    return JobFailedError(
        f"Job {job.description!r} ({job.id}) of correlation id {correlation_id!r} ended "
        f"{status}{where}",
        job,
        failed,
        jobs,
    )


def _depth(step: types.Step, steps: list[types.Step]) -> int:
    """How many parent steps ``step`` has (bounded by the number of steps: no loop)."""
    by_id = {s.id: s for s in steps}
    depth = 0
    parent = step.parent_step
    while parent is not None and parent.id in by_id and depth < len(steps):
        depth += 1
        parent = by_id[parent.id].parent_step
    return depth
