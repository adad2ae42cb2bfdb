"""The simulator's state machine (issue 11, point 3): every action it answers follows the rule
of :data:`ovirtsdk4.testing.actions.RULES` that the scenario below names, through our SDK over
HTTPS; the actions it does not model answer an engine-shaped 409 fault, never a 500."""

import time

import pytest

import ovirtsdk4
from ovirtsdk4 import services, types
from ovirtsdk4.testing.actions import RULES
from ovirtsdk4.testing.model import service_info

VS, HS, SDS = types.VmStatus, types.HostStatus, types.StorageDomainStatus


def _vm(connection, status):
    vms = connection.system_service().vms_service()
    return vms.vm_service(vms.list(search=f"status={status.value}", max=1)[0].id)


def _refused(call, *fragments):
    with pytest.raises(ovirtsdk4.Error) as info:
        call()
    assert info.value.code == 409, info.value
    for fragment in fragments:
        assert fragment in info.value.fault.detail, info.value.fault.detail
    return info.value.fault.detail


def _added_down_vm(connection, name):
    vms = connection.system_service().vms_service()
    vm = vms.add(types.Vm(name=name, cluster=types.Cluster(name="Default")))
    return vms.vm_service(vm.id)


# ---------------------------------------------------------------------- one scenario per rule


def vm_start(sim, connection):
    service = _vm(connection, VS.DOWN)
    service.start()
    vm = service.get()
    assert vm.status == VS.UP and vm.host is not None and vm.start_time is not None
    _refused(service.start, "Cannot run VM. VM is running.")
    paused = _vm(connection, VS.DOWN)
    paused.start(pause=True)
    assert paused.get().status == VS.PAUSED
    suspended = _vm(connection, VS.SUSPENDED)
    suspended.start()
    assert suspended.get().status == VS.UP


def vm_stop(sim, connection):
    service = _vm(connection, VS.UP)
    service.stop()
    assert service.get().status == VS.DOWN and service.get().host is None
    _refused(service.stop, "Cannot stop VM. VM is not running.")


def vm_shutdown(sim, connection):
    service = _vm(connection, VS.UP)
    service.shutdown()
    assert service.get().status == VS.DOWN
    _refused(service.shutdown, "Cannot shutdown VM. VM is not running.")


def vm_suspend(sim, connection):
    service = _vm(connection, VS.UP)
    service.suspend()
    assert service.get().status == VS.SUSPENDED
    _refused(service.suspend, "Cannot hibernate VM. VM is not running.")


def vm_reboot(sim, connection):
    service = _vm(connection, VS.UP)
    service.reboot()
    assert service.get().status == VS.UP
    _refused(_vm(connection, VS.DOWN).reboot, "Cannot reboot VM. VM is not running.")


def vm_reset(sim, connection):
    service = _vm(connection, VS.UP)
    service.reset()
    assert service.get().status == VS.UP
    _refused(_vm(connection, VS.DOWN).reset, "Cannot reset VM. VM is not running.")


def vm_migrate(sim, connection):
    service = _vm(connection, VS.UP)
    before = service.get().host.id
    service.migrate()
    vm = service.get()
    assert vm.status == VS.UP and vm.host.id != before
    hosts = connection.system_service().hosts_service()
    target = next(h for h in hosts.list(search="status=up") if h.id != vm.host.id)
    service.migrate(host=types.Host(name=target.name))
    assert service.get().host.id == target.id
    _refused(lambda: service.migrate(host=types.Host(id=target.id)), "not available")
    _refused(_vm(connection, VS.DOWN).migrate, "Cannot migrate VM. VM is not running.")


def vm_cancelmigration(sim, connection):
    service = _vm(connection, VS.UP)
    _refused(service.cancel_migration, "VM is not being migrated.")
    before = service.get().host.id
    sim.engine.transition_delay = 30
    try:
        service.migrate()
        assert service.get().status == VS.MIGRATING
        service.cancel_migration()
    finally:
        sim.engine.transition_delay = 0
    sim.engine.settle()
    vm = service.get()
    assert vm.status == VS.UP and vm.host.id == before  # the pending arrival was dropped


def vm_ticket(sim, connection):
    service = _vm(connection, VS.UP)
    ticket = service.ticket()
    assert ticket.value and ticket.expiry == 7200
    given = service.ticket(ticket=types.Ticket(value="abc", expiry=60))
    assert (given.value, given.expiry) == ("abc", 60)
    _refused(_vm(connection, VS.DOWN).ticket, "VM is not running.")


def vm_logon(sim, connection):
    _vm(connection, VS.UP).logon()
    _refused(_vm(connection, VS.DOWN).logon, "Cannot log on to VM. VM is not running.")


def vm_freezefilesystems(sim, connection):
    _vm(connection, VS.UP).freeze_filesystems()
    _refused(_vm(connection, VS.DOWN).freeze_filesystems, "VM is not running.")


def vm_thawfilesystems(sim, connection):
    _vm(connection, VS.UP).thaw_filesystems()
    _refused(_vm(connection, VS.DOWN).thaw_filesystems, "VM is not running.")


def vm_reordermacaddresses(sim, connection):
    _vm(connection, VS.DOWN).reorder_mac_addresses()
    _refused(_vm(connection, VS.UP).reorder_mac_addresses, "VM is running.")


def vm_clone(sim, connection):
    service = _vm(connection, VS.DOWN)
    service.clone(vm=types.Vm(name="the-clone"))
    vms = connection.system_service().vms_service()
    (clone,) = vms.list(search="name=the-clone")
    assert clone.status == VS.DOWN and clone.id != service.get().id
    _refused(lambda: service.clone(vm=types.Vm(name="the-clone")), "already in use")
    _refused(lambda: _vm(connection, VS.UP).clone(vm=types.Vm(name="x")), "VM is running.")


def _snapshots(service):
    return service.snapshots_service()


def vm_previewsnapshot(sim, connection):
    service = _vm(connection, VS.DOWN)
    snap = _snapshots(service).add(types.Snapshot(description="s1"))
    service.preview_snapshot(snapshot=types.Snapshot(id=snap.id))
    status = _snapshots(service).snapshot_service(snap.id).get().snapshot_status
    assert status == types.SnapshotStatus.IN_PREVIEW and service.get().status == VS.DOWN
    _refused(
        lambda: service.preview_snapshot(snapshot=types.Snapshot(id=snap.id)), "already in preview"
    )
    up = _vm(connection, VS.UP)
    _refused(lambda: up.preview_snapshot(snapshot=types.Snapshot(id="x")), "VM is running.")


def vm_commitsnapshot(sim, connection):
    service = _vm(connection, VS.DOWN)
    _refused(service.commit_snapshot, "No snapshot is in preview.")
    snap = _snapshots(service).add(types.Snapshot(description="s1"))
    service.preview_snapshot(snapshot=types.Snapshot(id=snap.id))
    service.commit_snapshot()
    status = _snapshots(service).snapshot_service(snap.id).get().snapshot_status
    assert status == types.SnapshotStatus.OK


def vm_undosnapshot(sim, connection):
    service = _vm(connection, VS.DOWN)
    _refused(service.undo_snapshot, "No snapshot is in preview.")
    snap = _snapshots(service).add(types.Snapshot(description="s1"))
    service.preview_snapshot(snapshot=types.Snapshot(id=snap.id))
    service.undo_snapshot()
    status = _snapshots(service).snapshot_service(snap.id).get().snapshot_status
    assert status == types.SnapshotStatus.OK


def snapshot_restore(sim, connection):
    service = _vm(connection, VS.DOWN)
    snap = _snapshots(service).add(types.Snapshot(description="s1"))
    _snapshots(service).snapshot_service(snap.id).restore()
    assert service.get().status == VS.DOWN
    up = _vm(connection, VS.UP)
    up_snap = _snapshots(up).add(types.Snapshot(description="live"))
    _refused(_snapshots(up).snapshot_service(up_snap.id).restore, "VM is running.")


def host_deactivate(sim, connection):
    hosts = connection.system_service().hosts_service()
    vms = connection.system_service().vms_service()
    busy = next(v.host.id for v in vms.list(search="status=up") if v.host is not None)
    host = hosts.host_service(busy)
    host.deactivate()
    assert host.get().status == HS.MAINTENANCE
    assert all(v.host.id != busy for v in vms.list(search="status=up"))  # moved away
    _refused(host.deactivate, "Host is already in Maintenance mode.")
    # The last up host of a cluster with running VMs cannot go.
    for other in hosts.list(search="status=up"):
        running = [v for v in vms.list(search="status=up") if v.host.id == other.id]
        if running:
            cluster = other.cluster.id
            for peer in hosts.list(search="status=up"):
                if peer.cluster.id == cluster and peer.id != other.id:
                    hosts.host_service(peer.id).deactivate()
            _refused(hosts.host_service(other.id).deactivate, "There is no host to migrate VM")
            break


def host_activate(sim, connection):
    hosts = connection.system_service().hosts_service()
    host = hosts.host_service(hosts.list(search="status=up", max=1)[0].id)
    host.deactivate()
    host.activate()
    assert host.get().status == HS.UP
    _refused(host.activate, "Host is already active.")


def host_refresh(sim, connection):
    hosts = connection.system_service().hosts_service()
    hosts.host_service(hosts.list(search="status=up", max=1)[0].id).refresh()


def _attached(connection):
    dcs = connection.system_service().data_centers_service()
    dc = dcs.list(search="name=Default")[0]
    return dcs.data_center_service(dc.id), dcs.data_center_service(dc.id).storage_domains_service()


def storagedomain_deactivate(sim, connection):
    _, attached = _attached(connection)
    master = next(s for s in attached.list() if s.master)
    other = next(s for s in attached.list() if not s.master)
    service = attached.storage_domain_service(other.id)
    service.deactivate()
    assert service.get().status == SDS.MAINTENANCE
    _refused(service.deactivate, "Storage Domain is not active.")
    _refused(attached.storage_domain_service(master.id).deactivate, "master")


def storagedomain_activate(sim, connection):
    _, attached = _attached(connection)
    other = next(s for s in attached.list() if not s.master)
    service = attached.storage_domain_service(other.id)
    _refused(service.activate, "Storage Domain is already active.")
    service.deactivate()
    service.activate()
    assert service.get().status == SDS.ACTIVE


def storagedomain_isattached(sim, connection):
    sds = connection.system_service().storage_domains_service()
    sd = sds.list(max=1)[0]
    assert sds.storage_domain_service(sd.id).is_attached() is True


def datacenter_setmaster(sim, connection):
    dc, attached = _attached(connection)
    old = next(s for s in attached.list() if s.master)
    new = next(s for s in attached.list() if not s.master)
    dc.set_master(storage_domain=types.StorageDomain(name=new.name))
    masters = {s.id: s.master for s in attached.list()}
    assert masters[new.id] is True and masters[old.id] is False
    top = connection.system_service().storage_domains_service()
    assert top.storage_domain_service(new.id).get().master is True
    assert top.storage_domain_service(old.id).get().master is False
    _refused(lambda: dc.set_master(storage_domain=types.StorageDomain(id="nope")), "not attached")


def datacenter_cleanfinishedtasks(sim, connection):
    dc, _ = _attached(connection)
    dc.clean_finished_tasks()


def _disk(connection):
    disks = connection.system_service().disks_service()
    return disks, disks.list(max=1)[0]


def disk_move(sim, connection):
    disks, disk = _disk(connection)
    target = connection.system_service().storage_domains_service().list()[-1]
    disks.disk_service(disk.id).move(storage_domain=types.StorageDomain(name=target.name))
    moved = disks.disk_service(disk.id).get()
    assert [s.id for s in moved.storage_domains] == [target.id]
    assert moved.status == types.DiskStatus.OK


def disk_copy(sim, connection):
    disks, disk = _disk(connection)
    target = connection.system_service().storage_domains_service().list()[-1]
    disks.disk_service(disk.id).copy(
        storage_domain=types.StorageDomain(id=target.id), disk=types.Disk(alias="copied")
    )
    (copied,) = [d for d in disks.list() if d.name == "copied"]
    assert copied.id != disk.id and copied.storage_domains[0].id == target.id
    with pytest.raises(ovirtsdk4.NotFoundError):
        disks.disk_service(disk.id).copy(storage_domain=types.StorageDomain(name="nope"))


def job_end(sim, connection):
    jobs = connection.system_service().jobs_service()
    job = jobs.add(types.Job(description="external work"))
    assert job.status == types.JobStatus.STARTED and job.external is True
    jobs.job_service(job.id).end(succeeded=False)
    assert jobs.job_service(job.id).get().status == types.JobStatus.FAILED
    _refused(jobs.job_service(job.id).end, "The job is failed.")


def job_clear(sim, connection):
    jobs = connection.system_service().jobs_service()
    job = jobs.add(types.Job(description="external work"))
    jobs.job_service(job.id).clear()
    assert jobs.job_service(job.id).get().auto_cleared is True


SCENARIOS = {
    (types.Vm, "start"): vm_start,
    (types.Vm, "stop"): vm_stop,
    (types.Vm, "shutdown"): vm_shutdown,
    (types.Vm, "suspend"): vm_suspend,
    (types.Vm, "reboot"): vm_reboot,
    (types.Vm, "reset"): vm_reset,
    (types.Vm, "migrate"): vm_migrate,
    (types.Vm, "cancelmigration"): vm_cancelmigration,
    (types.Vm, "ticket"): vm_ticket,
    (types.Vm, "logon"): vm_logon,
    (types.Vm, "freezefilesystems"): vm_freezefilesystems,
    (types.Vm, "thawfilesystems"): vm_thawfilesystems,
    (types.Vm, "reordermacaddresses"): vm_reordermacaddresses,
    (types.Vm, "clone"): vm_clone,
    (types.Vm, "previewsnapshot"): vm_previewsnapshot,
    (types.Vm, "commitsnapshot"): vm_commitsnapshot,
    (types.Vm, "undosnapshot"): vm_undosnapshot,
    (types.Snapshot, "restore"): snapshot_restore,
    (types.Host, "deactivate"): host_deactivate,
    (types.Host, "activate"): host_activate,
    (types.Host, "refresh"): host_refresh,
    (types.StorageDomain, "deactivate"): storagedomain_deactivate,
    (types.StorageDomain, "activate"): storagedomain_activate,
    (types.StorageDomain, "isattached"): storagedomain_isattached,
    (types.DataCenter, "setmaster"): datacenter_setmaster,
    (types.DataCenter, "cleanfinishedtasks"): datacenter_cleanfinishedtasks,
    (types.Disk, "move"): disk_move,
    (types.Disk, "copy"): disk_copy,
    (types.Job, "end"): job_end,
    (types.Job, "clear"): job_clear,
}


def test_every_modelled_action_has_a_scenario():
    assert set(SCENARIOS) == set(RULES)


@pytest.mark.parametrize(
    "key", list(SCENARIOS), ids=[f"{cls.__name__}.{action}" for cls, action in SCENARIOS]
)
def test_each_action_follows_its_rule(fresh, key):
    rule = RULES[key]
    # The rule names the model's service method it follows, and what that method does.
    service, _, what = rule.doc.partition(": ")
    assert service.endswith("Service." + service.rpartition(".")[2]) and what
    sim = fresh(30, inventory={"hosts": 8})
    with sim.connection() as connection:
        SCENARIOS[key](sim, connection)
    assert sim.engine.errors == []


# ---------------------------------------------------------------------- unmodelled actions


def _unmodelled(cls, service_cls):
    return sorted(
        segment for segment in service_info(service_cls).actions if (cls, segment) not in RULES
    )


@pytest.mark.parametrize(
    "cls, service_cls, path",
    [
        (types.Vm, services.VmService, "/vms"),
        (types.Host, services.HostService, "/hosts"),
        (types.Template, services.TemplateService, "/templates"),
        (types.Disk, services.DiskService, "/disks"),
        (types.StorageDomain, services.StorageDomainService, "/storagedomains"),
        (types.Cluster, services.ClusterService, "/clusters"),
    ],
    ids=["vm", "host", "template", "disk", "storagedomain", "cluster"],
)
def test_unmodelled_actions_answer_an_engine_shaped_fault(sim, cls, service_cls, path):
    from tests.simulator.test_faces import _raw

    obj = sim.engine.list(path)[-1]
    actions = _unmodelled(cls, service_cls)
    assert actions
    for action in actions:
        status, content_type, data = _raw(
            sim, "POST", f"/ovirt-engine/api{path}/{obj.id}/{action}", b"<action/>"
        )
        assert status == 409 and content_type.startswith("application/xml"), (action, data)
        assert b"The simulator does not model this action." in data, data
        assert f"Cannot {action} {cls.__name__}".encode() in data
    assert sim.engine.errors == []


def test_root_actions_are_unmodelled_faults_too(sim):
    from tests.simulator.test_faces import _raw

    status, _, data = _raw(sim, "POST", "/ovirt-engine/api/reloadconfigurations", b"<action/>")
    assert status == 409 and b"does not model" in data


# ---------------------------------------------------------------------- with a delay


def _wait_for(get, status, seconds=5):
    deadline = time.monotonic() + seconds
    while get().status != status:
        assert time.monotonic() < deadline, get().status
        time.sleep(0.05)


def test_image_locked_only_while_disks_are_made(fresh):
    sim = fresh(3, transition_delay=0.5)
    with sim.connection() as connection:
        vms = connection.system_service().vms_service()
        bare = vms.add(
            types.Vm(
                name="bare",
                cluster=types.Cluster(name="Default"),
                template=types.Template(name="Blank"),
            )
        )
        assert bare.status == VS.DOWN
        service = vms.vm_service(bare.id)
        service.start()
        assert service.get().status == VS.POWERING_UP
        with_disk = vms.add(
            types.Vm(
                name="with-disk",
                cluster=types.Cluster(name="Default"),
                disk_attachments=[
                    types.DiskAttachment(disk=types.Disk(name="d", provisioned_size=1 << 30))
                ],
            )
        )
        assert with_disk.status == VS.IMAGE_LOCKED
        locked = vms.vm_service(with_disk.id)
        _refused(locked.start, "Cannot run VM. VM is locked. Please try again in a few minutes.")
        _wait_for(locked.get, VS.DOWN)
        locked.start()
        _wait_for(locked.get, VS.UP)


def test_a_later_action_supersedes_a_pending_transition(fresh):
    sim = fresh(3, transition_delay=0.3)
    with sim.connection() as connection:
        service = _vm(connection, VS.DOWN)
        service.start()
        assert service.get().status == VS.POWERING_UP
        service.stop()
        time.sleep(0.5)
        assert service.get().status == VS.DOWN


def test_jobs_for_correlation_ids_are_polled_to_the_end(fresh):
    sim = fresh(3, transition_delay=0.3)
    with sim.connection() as connection:
        service = _vm(connection, VS.DOWN)
        service.start(query={"correlation_id": "corr-1"})
        jobs = connection.system_service().jobs_service()
        (job,) = jobs.list(search="correlation_id=corr-1")
        assert job.status == types.JobStatus.STARTED
        _wait_for(lambda: jobs.job_service(job.id).get(), types.JobStatus.FINISHED)
        assert jobs.job_service(job.id).get().end_time is not None
        events = connection.system_service().events_service().list(search="correlation_id=corr-1")
        assert [e.correlation_id for e in events] == ["corr-1"]


# ---------------------------------------------------------------------- assignments


def test_assigning_a_tag_assigns_the_existing_tag(fresh):
    sim = fresh(3)
    with sim.connection() as connection:
        system = connection.system_service()
        tags = system.tags_service()
        before = {t.id: t.name for t in tags.list()}
        service = _added_down_vm(connection, "tagged")
        assigned = service.tags_service()
        by_name = assigned.add(types.Tag(name="prod"))
        assert before[by_name.id] == "prod"
        dev_id = next(i for i, n in before.items() if n == "dev")
        assert assigned.add(types.Tag(id=dev_id)).id == dev_id
        assert {t.id: t.name for t in tags.list()} == before  # no new tag
        assert sorted(t.name for t in assigned.list()) == ["dev", "prod"]
        _refused(lambda: assigned.add(types.Tag(name="prod")), "already assigned")
        with pytest.raises(ovirtsdk4.NotFoundError):
            assigned.add(types.Tag(name="no-such-tag"))
        assigned.tag_service(dev_id).remove()
        assert [t.name for t in assigned.list()] == ["prod"]
        assert dev_id in {t.id for t in tags.list()}  # unassigned, not deleted
        tags.tag_service(by_name.id).remove()
        assert assigned.list() == []


def test_affinity_labels_are_one_relation_seen_from_both_sides(fresh):
    sim = fresh(3)
    with sim.connection() as connection:
        system = connection.system_service()
        labels = system.affinity_labels_service()
        label = labels.add(types.AffinityLabel(name="fast"))
        label_vms = labels.label_service(label.id).vms_service()
        service = _added_down_vm(connection, "labelled")
        vm_id = service.get().id
        service.affinity_labels_service().add(types.AffinityLabel(name="fast"))
        assert [v.id for v in label_vms.list()] == [vm_id]
        other = _added_down_vm(connection, "other")
        label_vms.add(types.Vm(id=other.get().id))
        assert [lb.id for lb in other.affinity_labels_service().list()] == [label.id]
        service.remove()
        assert [v.id for v in label_vms.list()] == [other.get().id]
        label_vms.vm_service(other.get().id).remove()
        assert other.affinity_labels_service().list() == []


def test_removals_are_refused_for_the_real_cause(fresh):
    sim = fresh(5, transition_delay=30)
    with sim.connection() as connection:
        system = connection.system_service()
        _refused(_vm(connection, VS.UP).remove, "Cannot remove VM. VM is running.")
        vms = system.vms_service()
        locked = vms.add(
            types.Vm(
                name="locked",
                cluster=types.Cluster(name="Default"),
                disk_attachments=[
                    types.DiskAttachment(disk=types.Disk(name="new", provisioned_size=1 << 30))
                ],
            )
        )
        _refused(vms.vm_service(locked.id).remove, "Cannot remove VM. VM is locked.")
        disks = system.disks_service()
        (disk,) = disks.list(search="name=new")
        _refused(disks.disk_service(disk.id).remove, "Cannot remove Disk. Disk is locked.")
        hosts = system.hosts_service()
        up = hosts.list(search="status=up", max=1)[0]
        _refused(
            hosts.host_service(up.id).remove, "Cannot remove Host. Host is not in Maintenance mode."
        )
        sim.engine.settle()
        vms.vm_service(locked.id).remove()
        assert vms.list(search="name=locked") == []
