"""What the simulator does for each action, and the status an added object starts with.

Every action the simulator answers has a :class:`Rule` in :data:`RULES`, keyed by the type of
the object acted on and the action's URL segment. A rule's ``doc`` says, in a line, what the
API model's documentation asks of that action; the tests (``tests/simulator/
test_state_machine.py``) name that rule for each action. An action without a rule answers a 409
fault ``[Cannot <action> <Type>. The simulator does not model this action.]``.

Transitions: an action sets the intermediate status at once (``powering_up``) and the final one
(``up``) ``transition_delay`` seconds later; with no delay the final status is reached before the
next request is answered. A later action supersedes a pending transition of the same object
(``stop`` while ``powering_up`` ends ``down``). Refusals are 409 faults in the engine's shape,
``[Cannot <verb> <Type>. <the real cause>.]``.
"""

from __future__ import annotations

import copy
import datetime
import secrets
import uuid

from ovirtsdk4 import types

__all__ = ["RULES", "Rule", "check_remove", "perform", "start_status"]

VS, HS, SDS = types.VmStatus, types.HostStatus, types.StorageDomainStatus
DS, SS, JS = types.DiskStatus, types.SnapshotStatus, types.JobStatus

#: VM statuses in which the VM's process exists (it is "running" for the engine's checks).
RUNNING = frozenset(
    [
        VS.UP,
        VS.POWERING_UP,
        VS.POWERING_DOWN,
        VS.PAUSED,
        VS.REBOOT_IN_PROGRESS,
        VS.MIGRATING,
        VS.NOT_RESPONDING,
        VS.WAIT_FOR_LAUNCH,
        VS.SAVING_STATE,
        VS.RESTORING_STATE,
    ]
)


class Rule:
    """An action the simulator models: ``doc`` is the model's rule, ``run(engine, obj, given,
    result, target)`` does it (raising :class:`~ovirtsdk4.testing.engine.Fault` to refuse)."""

    __slots__ = ("doc", "run")

    def __init__(self, doc, run):
        self.doc = doc
        self.run = run


RULES: dict[tuple[type, str], Rule] = {}


def rule(etype, action, doc):
    def register(run):
        RULES[(etype, action)] = Rule(doc, run)
        return run

    return register


def _fault(*args, **kwargs):
    from ovirtsdk4.testing.engine import Fault

    return Fault(*args, **kwargs)


def _refuse(verb, kind, reason):
    subject = f"{verb} {kind}".strip()
    return _fault(409, f"[Cannot {subject}. {reason}]")


def _phrase(status):
    return status.value.replace("_", " ") if status is not None else "in an unknown state"


def perform(engine, target, name, given):
    """Run the action ``name`` on ``target.obj``; returns the ``types.Action`` answered."""
    obj = target.obj
    kind = type(obj).__name__ if obj is not None else target.service.name
    found = RULES.get((type(obj), name)) if obj is not None else None
    if found is None:
        raise _refuse(name, kind, "The simulator does not model this action.")
    result = types.Action(status="complete")
    found.run(engine, obj, given, result, target)
    engine._invalidate(obj.id)
    return result


# ---------------------------------------------------------------------- added objects


def start_status(engine, obj, gets_disks):
    """Give an object added through the API the status it starts with (when it has none):
    ``(status now, status after the delay)``, or ``None``."""
    if getattr(obj, "status", None) is not None:
        return None
    etype = type(obj)
    if etype is types.Vm:
        # image_locked only while disks are being made: from a template with disks, or with
        # new disks in the request; else the VM is down at once.
        template = obj.template
        template_disks = None
        if template is not None and template.href:
            template_disks = engine.collections.get(
                template.href[len("/ovirt-engine/api") :] + "/diskattachments"
            )
        if gets_disks or (template_disks is not None and template_disks.items):
            return VS.IMAGE_LOCKED, VS.DOWN
        return VS.DOWN, None
    return {
        types.Disk: (DS.LOCKED, DS.OK),
        types.Host: (HS.INSTALLING, HS.UP),
        types.DataCenter: (types.DataCenterStatus.UNINITIALIZED, None),
        types.Template: (types.TemplateStatus.LOCKED, types.TemplateStatus.OK),
    }.get(etype)


def check_remove(obj):
    """Refuse to remove what the engine would not: a VM that is not down, a host that is not
    in maintenance (or down, or failed), a disk that is locked."""
    etype = type(obj)
    if etype is types.Vm:
        _vm_guard(obj, "remove", {VS.DOWN}, wants_running=False)
    elif etype is types.Host and obj.status not in (
        None,
        HS.MAINTENANCE,
        HS.INSTALL_FAILED,
        HS.NON_OPERATIONAL,
        HS.DOWN,
    ):
        raise _refuse("remove", "Host", "Host is not in Maintenance mode.")
    elif etype is types.Disk and obj.status == DS.LOCKED:
        raise _refuse("remove", "Disk", "Disk is locked. Please try again later.")


# ---------------------------------------------------------------------- VMs


def _vm_guard(vm, verb, allowed, wants_running):
    status = vm.status
    if status is None or status in allowed:
        return
    if status == VS.IMAGE_LOCKED:
        reason = "VM is locked. Please try again in a few minutes."
    elif wants_running:
        reason = "VM is not running." if status not in RUNNING else f"VM is {_phrase(status)}."
    else:
        reason = "VM is running." if status in RUNNING else f"VM is {_phrase(status)}."
    raise _refuse(verb, "VM", reason)


def _up_host(engine, vm, exclude=None):
    cluster_id = vm.cluster.id if vm.cluster is not None else None
    for host in engine.collection("/hosts").items.values():
        if host.status != HS.UP or (exclude is not None and host.id == exclude):
            continue
        if host.cluster is None or host.cluster.id == cluster_id:
            return host
    return None


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


@rule(
    types.Vm,
    "start",
    "VmService.start: a VM that is down, suspended or paused runs (powering_up, then up, or "
    "paused with pause=true) on an up host of its cluster; refused while it runs or is locked",
)
def _vm_start(engine, vm, given, result, target):
    _vm_guard(vm, "run", {VS.DOWN, VS.SUSPENDED, VS.PAUSED}, wants_running=False)
    host = _up_host(engine, vm) if vm.host is None else None
    if vm.host is None and host is None:
        raise _refuse(
            "run", "VM", "There is no host that satisfies current scheduling constraints."
        )
    if host is not None:
        vm.host = engine.ref(host)
    vm.start_time = _now()
    final = VS.PAUSED if given is not None and given.pause else VS.UP
    intermediate = VS.RESTORING_STATE if vm.status == VS.SUSPENDED else VS.POWERING_UP
    engine.transition(vm, intermediate, final)


@rule(
    types.Vm,
    "stop",
    "VmService.stop: forces a running VM off at once (down); refused when it is not running",
)
def _vm_stop(engine, vm, given, result, target):
    _vm_guard(vm, "stop", RUNNING | {VS.SUSPENDED}, wants_running=True)
    vm.host = None
    vm.stop_time = _now()
    engine.transition(vm, VS.DOWN, None)


@rule(
    types.Vm,
    "shutdown",
    "VmService.shutdown: asks a running VM's guest to power off (powering_down, then down); "
    "refused when it is not running",
)
def _vm_shutdown(engine, vm, given, result, target):
    _vm_guard(vm, "shutdown", {VS.UP, VS.POWERING_UP, VS.PAUSED, VS.REBOOT_IN_PROGRESS}, True)
    vm.host = None
    vm.stop_time = _now()
    engine.transition(vm, VS.POWERING_DOWN, VS.DOWN)


@rule(
    types.Vm,
    "suspend",
    "VmService.suspend: saves an up VM's state to disk and stops it (saving_state, then "
    "suspended); start restores it",
)
def _vm_suspend(engine, vm, given, result, target):
    _vm_guard(vm, "hibernate", {VS.UP}, wants_running=True)
    vm.host = None
    engine.transition(vm, VS.SAVING_STATE, VS.SUSPENDED)


@rule(
    types.Vm,
    "reboot",
    "VmService.reboot: an up VM reboots (reboot_in_progress, then up)",
)
def _vm_reboot(engine, vm, given, result, target):
    _vm_guard(vm, "reboot", {VS.UP}, wants_running=True)
    engine.transition(vm, VS.REBOOT_IN_PROGRESS, VS.UP)


@rule(
    types.Vm,
    "reset",
    "VmService.reset: an up VM is reset (reboot_in_progress, then up)",
)
def _vm_reset(engine, vm, given, result, target):
    _vm_guard(vm, "reset", {VS.UP}, wants_running=True)
    engine.transition(vm, VS.REBOOT_IN_PROGRESS, VS.UP)


@rule(
    types.Vm,
    "migrate",
    "VmService.migrate: an up VM moves to another host of its cluster, or the given host "
    "(migrating, then up there); refused when no other up host fits",
)
def _vm_migrate(engine, vm, given, result, target):
    _vm_guard(vm, "migrate", {VS.UP}, wants_running=True)
    current = vm.host.id if vm.host is not None else None
    wanted = given.host if given is not None else None
    if wanted is not None and (wanted.id or wanted.name):
        hosts = engine.collection("/hosts")
        host = hosts.items.get(wanted.id) if wanted.id else hosts.by_name(wanted.name)
        if host is None or host.status != HS.UP or host.id == current:
            raise _refuse("migrate", "VM", "The destination host is not available.")
    else:
        host = _up_host(engine, vm, exclude=current)
    if host is None:
        raise _refuse(
            "migrate", "VM", "There is no host that satisfies current scheduling constraints."
        )
    destination = engine.ref(host)

    def arrive(moved):
        moved.host = destination

    engine.transition(vm, VS.MIGRATING, VS.UP, then=arrive)


@rule(
    types.Vm,
    "cancelmigration",
    "VmService.cancel_migration: a migrating VM stays where it is (up)",
)
def _vm_cancel_migration(engine, vm, given, result, target):
    if vm.status != VS.MIGRATING:
        raise _refuse("cancel migration for", "VM", "VM is not being migrated.")
    engine.transition(vm, VS.UP, None)


@rule(
    types.Vm,
    "ticket",
    "VmService.ticket: a console ticket (the given value and expiry, else a new one valid "
    "7,200 s) for a running VM",
)
def _vm_ticket(engine, vm, given, result, target):
    _vm_guard(vm, "set ticket for", RUNNING, wants_running=True)
    ticket = given.ticket if given is not None else None
    result.ticket = types.Ticket(
        value=ticket.value if ticket and ticket.value else secrets.token_urlsafe(9),
        expiry=ticket.expiry if ticket and ticket.expiry else 7200,
    )


@rule(types.Vm, "logon", "VmService.logon: logs the user on to an up VM's guest")
def _vm_logon(engine, vm, given, result, target):
    _vm_guard(vm, "log on to", {VS.UP}, wants_running=True)


@rule(
    types.Vm,
    "freezefilesystems",
    "VmService.freeze_filesystems: freezes an up VM's guest file systems",
)
def _vm_freeze(engine, vm, given, result, target):
    _vm_guard(vm, "freeze file systems of", {VS.UP}, wants_running=True)


@rule(
    types.Vm,
    "thawfilesystems",
    "VmService.thaw_filesystems: thaws an up VM's guest file systems",
)
def _vm_thaw(engine, vm, given, result, target):
    _vm_guard(vm, "thaw file systems of", {VS.UP}, wants_running=True)


@rule(
    types.Vm,
    "reordermacaddresses",
    "VmService.reorder_mac_addresses: renumbers a down VM's NIC MAC addresses",
)
def _vm_reorder(engine, vm, given, result, target):
    _vm_guard(vm, "reorder MAC addresses of", {VS.DOWN}, wants_running=False)


@rule(
    types.Vm,
    "clone",
    "VmService.clone: a down VM is copied to a new VM named by the action (image_locked while "
    "its disks are copied, then down)",
)
def _vm_clone(engine, vm, given, result, target):
    _vm_guard(vm, "clone", {VS.DOWN}, wants_running=False)
    name = given.vm.name if given is not None and given.vm is not None else None
    if not name:
        raise _fault(400, "Vm [name] required for clone", reason="Incomplete parameters")
    vms = engine.collection("/vms")
    if vms.by_name(name) is not None:
        raise _refuse("add", "VM", f"The name {name} is already in use.")
    clone = copy.copy(vm)
    clone.id = str(uuid.uuid4())
    clone.name = name
    clone.host = None
    clone.status = None
    clone.creation_time = _now()
    disks = engine.collection(f"{target.collection.path}/{vm.id}/diskattachments").items
    clone = engine._add(vms, clone, api=False, events=False)
    if disks:
        engine.transition(clone, VS.IMAGE_LOCKED, VS.DOWN)
    else:
        clone.status = VS.DOWN


def _snapshot(engine, vm, target, given, verb):
    snapshots = engine.collection(f"{target.collection.path}/{vm.id}/snapshots")
    wanted = given.snapshot if given is not None else None
    if wanted is None or wanted.id is None:
        raise _fault(400, "Action [snapshot.id] required for " + verb, "Incomplete parameters")
    snap = snapshots.items.get(wanted.id)
    if snap is None:
        raise _fault(404, f"Entity not found: Snapshot: id={wanted.id}")
    return snapshots, snap


@rule(
    types.Vm,
    "previewsnapshot",
    "VmService.preview_snapshot: a down VM previews one of its snapshots (that snapshot "
    "in_preview; the VM image_locked, then down); one preview at a time",
)
def _vm_preview(engine, vm, given, result, target):
    _vm_guard(vm, "preview Snapshot of", {VS.DOWN}, wants_running=False)
    snapshots, snap = _snapshot(engine, vm, target, given, "preview")
    if any(s.snapshot_status == SS.IN_PREVIEW for s in snapshots.items.values()):
        raise _refuse("preview Snapshot of", "VM", "A snapshot is already in preview.")
    snap.snapshot_status = SS.IN_PREVIEW
    engine._invalidate(snap.id)
    engine.transition(vm, VS.IMAGE_LOCKED, VS.DOWN)


def _end_preview(engine, vm, target, verb):
    _vm_guard(vm, f"{verb} Snapshot of", {VS.DOWN}, wants_running=False)
    snapshots = engine.collection(f"{target.collection.path}/{vm.id}/snapshots")
    previewed = [s for s in snapshots.items.values() if s.snapshot_status == SS.IN_PREVIEW]
    if not previewed:
        raise _refuse(f"{verb} Snapshot of", "VM", "No snapshot is in preview.")
    for snap in previewed:
        snap.snapshot_status = SS.OK
        engine._invalidate(snap.id)


@rule(
    types.Vm,
    "commitsnapshot",
    "VmService.commit_snapshot: the snapshot in preview becomes the VM's state (ok again)",
)
def _vm_commit(engine, vm, given, result, target):
    _end_preview(engine, vm, target, "commit")


@rule(
    types.Vm,
    "undosnapshot",
    "VmService.undo_snapshot: the preview is dropped (the snapshot ok again)",
)
def _vm_undo(engine, vm, given, result, target):
    _end_preview(engine, vm, target, "undo")


@rule(
    types.Snapshot,
    "restore",
    "SnapshotService.restore: a down VM returns to the snapshot (the VM image_locked, then down)",
)
def _snapshot_restore(engine, snap, given, result, target):
    vm = engine.get(target.collection.path.rsplit("/", 1)[0])
    if vm is None:
        raise _fault(404, "Entity not found: Vm")
    _vm_guard(vm, "restore Snapshot of", {VS.DOWN}, wants_running=False)
    if snap.snapshot_status == SS.LOCKED:
        raise _refuse("restore", "Snapshot", "Snapshot is locked. Please try again later.")
    engine.transition(vm, VS.IMAGE_LOCKED, VS.DOWN)


# ---------------------------------------------------------------------- hosts, storage


@rule(
    types.Host,
    "deactivate",
    "HostService.deactivate: a host goes to maintenance (preparing_for_maintenance, then "
    "maintenance); the VMs running on it move to other up hosts of their cluster, else refused",
)
def _host_deactivate(engine, host, given, result, target):
    verb = "switch Host to Maintenance mode"
    if host.status in (HS.MAINTENANCE, HS.PREPARING_FOR_MAINTENANCE):
        raise _refuse(verb, "", "Host is already in Maintenance mode.")
    running = [
        vm
        for vm in engine.collection("/vms").items.values()
        if vm.host is not None and vm.host.id == host.id and vm.status in RUNNING
    ]
    moves = []
    for vm in running:
        other = _up_host(engine, vm, exclude=host.id)
        if other is None:
            raise _refuse(verb, "", f"There is no host to migrate VM {vm.name} to.")
        moves.append((vm, engine.ref(other)))
    for vm, destination in moves:
        vm.host = destination
        engine._invalidate(vm.id)
    engine.transition(host, HS.PREPARING_FOR_MAINTENANCE, HS.MAINTENANCE)


@rule(
    types.Host,
    "activate",
    "HostService.activate: a host in maintenance (or down, non operational) becomes usable "
    "(connecting, then up)",
)
def _host_activate(engine, host, given, result, target):
    if host.status in (HS.UP, HS.CONNECTING):
        raise _refuse("activate", "Host", "Host is already active.")
    engine.transition(host, HS.CONNECTING, HS.UP)


@rule(types.Host, "refresh", "HostService.refresh: the host's capabilities are read again")
def _host_refresh(engine, host, given, result, target):
    if host.status not in (HS.UP, HS.MAINTENANCE):
        raise _refuse("refresh", "Host", f"Host is {_phrase(host.status)}.")


@rule(
    types.StorageDomain,
    "activate",
    "AttachedStorageDomainService.activate: an attached storage domain becomes usable by its "
    "data center (activating, then active)",
)
def _sd_activate(engine, sd, given, result, target):
    if sd.status in (SDS.ACTIVE, SDS.ACTIVATING):
        raise _refuse("activate", "Storage", "Storage Domain is already active.")
    engine.transition(sd, SDS.ACTIVATING, SDS.ACTIVE)


@rule(
    types.StorageDomain,
    "deactivate",
    "AttachedStorageDomainService.deactivate: an active attached storage domain goes to "
    "maintenance (preparing_for_maintenance, then maintenance); the master one cannot",
)
def _sd_deactivate(engine, sd, given, result, target):
    if sd.status not in (SDS.ACTIVE, SDS.UNKNOWN, None):
        raise _refuse("deactivate", "Storage", "Storage Domain is not active.")
    if sd.master:
        raise _refuse(
            "deactivate",
            "Storage",
            "The master Storage Domain cannot be deactivated while other domains are active; "
            "set another one as master first.",
        )
    engine.transition(sd, SDS.PREPARING_FOR_MAINTENANCE, SDS.MAINTENANCE)


@rule(
    types.StorageDomain,
    "isattached",
    "StorageDomainService.is_attached: whether the domain is attached to a data center",
)
def _sd_is_attached(engine, sd, given, result, target):
    result.is_attached = bool(sd.data_centers)


@rule(
    types.DataCenter,
    "setmaster",
    "DataCenterService.set_master: the given active attached storage domain (by id or name) "
    "becomes the data center's master; the previous master is no longer",
)
def _dc_set_master(engine, dc, given, result, target):
    wanted = given.storage_domain if given is not None else None
    if wanted is None or not (wanted.id or wanted.name):
        raise _fault(
            400, "Action [storage_domain.id|name] required for setMaster", "Incomplete parameters"
        )
    attached = engine.collection(f"/datacenters/{dc.id}/storagedomains")
    sd = attached.items.get(wanted.id) if wanted.id else attached.by_name(wanted.name)
    if sd is None:
        raise _refuse(
            "set master", "Storage Domain", "Storage Domain is not attached to the Data Center."
        )
    if sd.status not in (SDS.ACTIVE, None):
        raise _refuse("set master", "Storage Domain", "Storage Domain is not active.")
    top = engine.collection("/storagedomains")
    for other in attached.items.values():
        master = other.id == sd.id
        for copy_ in (other, top.items.get(other.id)):
            if copy_ is not None and copy_.master != master:
                copy_.master = master
                engine._invalidate(copy_.id)


@rule(
    types.DataCenter,
    "cleanfinishedtasks",
    "DataCenterService.clean_finished_tasks: finished tasks are cleaned",
)
def _dc_clean(engine, dc, given, result, target):
    """The simulator keeps no tasks: there is nothing to clean."""


# ---------------------------------------------------------------------- disks, jobs


def _disk_target(engine, disk, given, verb):
    if disk.status not in (DS.OK, None):
        raise _refuse(verb, "Disk", f"Disk is {_phrase(disk.status)}. Please try again later.")
    wanted = given.storage_domain if given is not None else None
    if wanted is None or not (wanted.id or wanted.name):
        raise _fault(400, f"Action [storage_domain] required for {verb}", "Incomplete parameters")
    sds = engine.collection("/storagedomains")
    sd = sds.items.get(wanted.id) if wanted.id else sds.by_name(wanted.name)
    if sd is None:
        what = f"id={wanted.id}" if wanted.id else f"name={wanted.name}"
        raise _fault(404, f"Entity not found: StorageDomain: {what}")
    return sd


@rule(
    types.Disk,
    "move",
    "DiskService.move: the disk moves to the given storage domain (locked, then ok)",
)
def _disk_move(engine, disk, given, result, target):
    sd = _disk_target(engine, disk, given, "move")
    disk.storage_domains = [engine.ref(sd)]
    engine.transition(disk, DS.LOCKED, DS.OK)


@rule(
    types.Disk,
    "copy",
    "DiskService.copy: a new disk, copy of this one, on the given storage domain (locked, then ok)",
)
def _disk_copy(engine, disk, given, result, target):
    sd = _disk_target(engine, disk, given, "copy")
    new = copy.copy(disk)
    new.id = str(uuid.uuid4())
    alias = given.disk.alias or given.disk.name if given.disk is not None else None
    new.name = new.alias = alias or f"{disk.name}_copy"
    new.storage_domains = [engine.ref(sd)]
    new.status = None
    new = engine._add(engine.collection("/disks"), new, api=False, events=False)
    engine.transition(new, DS.LOCKED, DS.OK)
    result.disk = engine.ref(new)


@rule(
    types.Job,
    "end",
    "JobService.end: an external job ends, finished (succeeded, the default) or failed",
)
def _job_end(engine, job, given, result, target):
    if not job.external:
        raise _refuse("end", "Job", "The job is not an external job.")
    if job.status != JS.STARTED:
        raise _refuse("end", "Job", f"The job is {_phrase(job.status)}.")
    succeeded = given.succeeded if given is not None and given.succeeded is not None else True
    job.status = JS.FINISHED if succeeded else JS.FAILED
    job.end_time = job.last_updated = _now()


@rule(types.Job, "clear", "JobService.clear: an external job is left for the system to clear")
def _job_clear(engine, job, given, result, target):
    if not job.external:
        raise _refuse("clear", "Job", "The job is not an external job.")
    job.auto_cleared = True
