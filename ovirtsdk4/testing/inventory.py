"""A deterministic synthetic inventory, and seeding from files.

:func:`populate` fills an :class:`~ovirtsdk4.testing.engine.Engine` with data centers,
clusters, hosts (with NICs; statistics on demand), storage domains (attached to their data
center), networks and vNIC profiles, templates (``Blank`` and one per data center), VMs with
disks (disk attachments, NICs, snapshots, permissions, tags and statistics made on demand),
tags, affinity labels (assigned to every tenth VM), users, groups, a system permission and
events. The same arguments always give the same
objects, ids included (UUIDs derived from the names).

Seed files: :mod:`ovirtsdk4.testing.seed` (:func:`load_seed` here loads one, inventory included).
"""

from __future__ import annotations

import datetime
import random
import uuid
import zlib

from ovirtsdk4 import types

__all__ = ["LAZY", "load_seed", "object_from_json", "populate", "statistics_for"]

_NS = uuid.UUID("6f1c2a3e-0b9d-4e55-9a57-5f0f7c0e0a11")
_BASE_TIME = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
BLANK_ID = "00000000-0000-0000-0000-000000000000"
GIB = 1024**3


def uid(kind, name):
    """The id of the object of kind ``kind`` named ``name`` (stable across runs)."""
    return str(uuid.uuid5(_NS, f"{kind}:{name}"))


def statistics_for(engine, parent):
    """Statistics of a host or VM (values derived from its id)."""
    rnd = random.Random(parent.id)
    kind = "vm" if isinstance(parent, types.Vm) else "host"
    memory = (parent.memory if isinstance(parent, types.Vm) else parent.memory) or 8 * GIB
    rows = [
        (
            "memory.installed",
            "Total memory",
            memory,
            types.StatisticUnit.BYTES,
            types.ValueType.INTEGER,
        ),
        (
            "memory.used",
            "Memory used",
            int(memory * rnd.uniform(0.1, 0.9)),
            types.StatisticUnit.BYTES,
            types.ValueType.INTEGER,
        ),
        (
            "cpu.current.guest" if kind == "vm" else "cpu.current.user",
            "CPU used",
            round(rnd.uniform(0, 100), 2),
            types.StatisticUnit.PERCENT,
            types.ValueType.DECIMAL,
        ),
        (
            "cpu.current.system",
            "CPU used by the system",
            round(rnd.uniform(0, 20), 2),
            types.StatisticUnit.PERCENT,
            types.ValueType.DECIMAL,
        ),
        (
            "elapsed.time" if kind == "vm" else "boot.time",
            "Elapsed time",
            rnd.randint(0, 10**6),
            types.StatisticUnit.SECONDS,
            types.ValueType.INTEGER,
        ),
    ]
    stats = []
    for name, description, value, unit, vtype in rows:
        stat = types.Statistic(
            id=uid("statistic", f"{parent.id}:{name}"),
            name=name,
            description=description,
            kind=types.StatisticKind.GAUGE,
            type=vtype,
            unit=unit,
            values=[types.Value(datum=float(value))],
        )
        setattr(stat, kind, engine.ref(parent))
        stats.append(stat)
    return stats


def _snapshots(engine, vm):
    snap = types.Snapshot(
        id=uid("snapshot", vm.id),
        description="Active VM",
        snapshot_type=types.SnapshotType.ACTIVE,
        snapshot_status=types.SnapshotStatus.OK,
        date=vm.creation_time,
        persist_memorystate=False,
        vm=engine.ref(vm),
    )
    return [snap]


def _permissions(engine, obj):
    admin = engine.collection("/users").by_name("admin")
    role = engine.collection("/roles").by_name("SuperUser")
    perm = types.Permission(id=uid("permission", obj.id))
    if admin is not None:
        perm.user = engine.ref(admin)
    if role is not None:
        perm.role = engine.ref(role)
    setattr(
        perm,
        {
            types.Vm: "vm",
            types.Host: "host",
            types.Cluster: "cluster",
            types.DataCenter: "data_center",
            types.StorageDomain: "storage_domain",
            types.Template: "template",
        }[type(obj)],
        engine.ref(obj),
    )
    return [perm]


def _vm_tags(engine, vm):
    if engine.generated is None or vm.id not in engine.generated.index:
        return []  # only generated VMs get generated tags
    tags = list(engine.collection("/tags").items.values())
    tags = [t for t in tags if t.name != "root"]
    if not tags:
        return []
    tag = tags[zlib.crc32(vm.id.encode()) % len(tags)]
    return [types.Tag(id=tag.id)]


class _Context:
    """What generation needs to make a generated VM, its disks, disk attachments and NICs
    again from its index alone: attachments and NICs are made when first asked for."""

    _OS_TYPES = ("rhel_9x64", "rhel_8x64", "windows_2019x64", "ubuntu_22_04")
    _STATES = [types.VmStatus.UP] * 6 + [types.VmStatus.DOWN] * 3 + [types.VmStatus.SUSPENDED]

    def __init__(self, rnd, clusters, dcs, sds, profiles, templates, blank, up_hosts):
        self.rnd = rnd
        self.clusters = clusters
        self.dc_index = [
            next(i for i, d in enumerate(dcs) if d.id == c.data_center.id) for c in clusters
        ]
        self.sds = sds
        self.profiles = profiles
        self.templates = templates
        self.blank = blank
        self.up_hosts = up_hosts
        #: generated VM id -> its index
        self.index: dict[str, int] = {}
        # Nested values shared by the generated VMs (an update replaces them, never edits).
        self._shared: dict = {}

    def shared(self, key, make):
        value = self._shared.get(key)
        if value is None:
            value = self._shared[key] = make()
        return value

    def vm(self, engine, v):
        rnd = self.rnd
        cluster = self.clusters[v % len(self.clusters)]
        dc_index = self.dc_index[v % len(self.clusters)]
        template = self.templates[dc_index] if v % 4 else self.blank
        name = f"vm{v:05d}"
        status = self._STATES[rnd.randrange(len(self._STATES))]
        gib = 1 << rnd.randrange(0, 5)
        memory = gib * GIB
        sockets = rnd.choice((1, 2, 4))
        created = _BASE_TIME + datetime.timedelta(minutes=7 * v)
        os_type = self._OS_TYPES[v % len(self._OS_TYPES)]
        shared = self.shared
        vm = types.Vm(
            id=uid("vm", name),
            name=name,
            description=f"Synthetic VM {v}",
            comment="" if v % 3 else "batch",
            status=status,
            memory=memory,
            cluster=engine.ref(cluster),
            template=engine.ref(template),
            type=types.VmType.SERVER,
            origin="ovirt",
            stateless=False,
            creation_time=created,
            cpu=shared(
                ("cpu", sockets),
                lambda: types.Cpu(
                    topology=types.CpuTopology(sockets=sockets, cores=1, threads=1),
                    architecture=types.Architecture.X86_64,
                ),
            ),
            os=shared(
                ("os", os_type),
                lambda: types.OperatingSystem(
                    type=os_type, boot=types.Boot(devices=[types.BootDevice.HD])
                ),
            ),
            high_availability=shared(
                ("ha", v % 5 == 0),
                lambda: types.HighAvailability(enabled=v % 5 == 0, priority=1),
            ),
            memory_policy=shared(
                ("memory", gib),
                lambda: types.MemoryPolicy(guaranteed=memory, ballooning=True, max=memory * 4),
            ),
            bios=shared("bios", lambda: types.Bios(type=types.BiosType.Q35_SEA_BIOS)),
            display=shared(
                "display", lambda: types.Display(type=types.DisplayType.VNC, monitors=1)
            ),
            fqdn=f"{name}.example.com" if status == types.VmStatus.UP else None,
        )
        candidates = self.up_hosts.get(cluster.id)
        if status == types.VmStatus.UP and candidates:
            vm.host = engine.ref(candidates[v % len(candidates)])
            vm.start_time = created + datetime.timedelta(hours=1)
        return vm

    def disks(self, engine, v):
        dc_index = self.dc_index[v % len(self.clusters)]
        sd = self.sds[(v + dc_index) % len(self.sds)]
        domains = self.shared(("sd", sd.id), lambda: [engine.ref(sd)])
        out = []
        for k in range(1 if v % 3 else 2):
            name = f"vm{v:05d}_disk{k}"
            size = (20 if k == 0 else 100) * GIB
            out.append(
                types.Disk(
                    id=uid("disk", name),
                    name=name,
                    alias=name,
                    description="boot disk" if k == 0 else "data disk",
                    provisioned_size=size,
                    actual_size=size // (2 + v % 5),
                    total_size=size // (2 + v % 5),
                    format=types.DiskFormat.COW,
                    content_type=types.DiskContentType.DATA,
                    status=types.DiskStatus.OK,
                    storage_type=types.DiskStorageType.IMAGE,
                    sparse=True,
                    shareable=False,
                    wipe_after_delete=False,
                    propagate_errors=False,
                    storage_domains=domains,
                )
            )
        return out

    def attachments(self, engine, vm):
        v = self.index.get(vm.id)
        if v is None:
            return []
        out = []
        disks = engine.collection("/disks").items
        up = vm.status == types.VmStatus.UP
        for k in range(1 if v % 3 else 2):
            disk = disks.get(uid("disk", f"vm{v:05d}_disk{k}"))
            if disk is None:
                continue
            out.append(
                types.DiskAttachment(
                    id=disk.id,
                    disk=engine.ref(disk),
                    active=True,
                    bootable=k == 0,
                    interface=types.DiskInterface.VIRTIO_SCSI,
                    pass_discard=False,
                    read_only=False,
                    uses_scsi_reservation=False,
                    logical_name=f"/dev/sd{'ab'[k]}" if up else None,
                    vm=engine.ref(vm),
                )
            )
        return out

    def nics(self, engine, vm):
        v = self.index.get(vm.id)
        if v is None:
            return []
        dc_index = self.dc_index[v % len(self.clusters)]
        profiles = self.profiles
        profile = (
            profiles[dc_index * 3 + v % 3] if len(profiles) > dc_index * 3 + 2 else profiles[0]
        )
        return [
            types.Nic(
                id=uid("nic", f"vm{v:05d}"),
                name="nic1",
                interface=types.NicInterface.VIRTIO,
                mac=types.Mac(address=_mac(v // 65536, (v // 256) % 256, v % 256)),
                linked=True,
                plugged=True,
                vnic_profile=engine.ref(profile),
                vm=engine.ref(vm),
            )
        ]


def _vm_devices(kind):
    def filler(engine, vm):
        context = engine.generated
        return getattr(context, kind)(engine, vm) if context is not None else []

    return filler


LAZY = {
    (types.Vm, "statistics"): statistics_for,
    (types.Host, "statistics"): statistics_for,
    (types.Vm, "snapshots"): _snapshots,
    (types.Vm, "permissions"): _permissions,
    (types.Host, "permissions"): _permissions,
    (types.Cluster, "permissions"): _permissions,
    (types.DataCenter, "permissions"): _permissions,
    (types.Vm, "tags"): _vm_tags,
    (types.Vm, "diskattachments"): _vm_devices("attachments"),
    (types.Vm, "nics"): _vm_devices("nics"),
}


def populate(
    engine,
    vms=100,
    *,
    data_centers=None,
    clusters=None,
    hosts=None,
    storage_domains=None,
    seed=0,
    events=20,
):
    """Fill ``engine`` with a deterministic inventory holding ``vms`` VMs. The other sizes
    default to proportions of a real site. Returns a dict of counts per collection."""
    rnd = random.Random(seed)
    data_centers = data_centers or max(1, min(10, vms // 5000 + 1))
    clusters = clusters or data_centers * 2
    hosts = hosts or max(2, min(500, vms // 25))
    storage_domains = storage_domains or data_centers * 2
    add = engine.add
    with engine.lock:
        admin = add(
            types.User(
                id=uid("user", "admin"),
                name="admin",
                user_name="admin@internal",
                principal="admin",
                namespace="*",
                domain_entry_id="admin",
            )
        )
        for role in ("SuperUser", "UserRole", "UserVmManager"):
            add(
                types.Role(
                    id=uid("role", role),
                    name=role,
                    administrative=role == "SuperUser",
                    mutable=False,
                )
            )
        for name in ("alice", "bob", "carol"):
            add(
                types.User(
                    id=uid("user", name),
                    name=name,
                    user_name=f"{name}@example.com",
                    principal=name,
                    namespace="dc=example,dc=com",
                    domain_entry_id=name,
                    email=f"{name}@example.com",
                )
            )
        for name in ("admins", "operators"):
            add(
                types.Group(
                    id=uid("group", name),
                    name=name,
                    namespace="dc=example,dc=com",
                    domain_entry_id=name,
                )
            )
        engine.add(
            types.Permission(
                id=uid("permission", "system"),
                user=engine.ref(admin),
                role=types.Role(name="SuperUser"),
            ),
            "/permissions",
        )
        add(types.Tag(id=uid("tag", "root"), name="root", description="root"))
        for name in ("prod", "dev", "test", "backup"):
            add(types.Tag(id=uid("tag", name), name=name, description=f"{name} machines"))
        labels = [
            add(types.AffinityLabel(id=uid("label", name), name=name, read_only=False))
            for name in ("gpu", "ssd", "numa")
        ]
        blank = add(
            types.Template(
                id=BLANK_ID,
                name="Blank",
                description="Blank template",
                status=types.TemplateStatus.OK,
                memory=GIB,
                creation_time=_BASE_TIME,
                os=types.OperatingSystem(type="other"),
                cpu=types.Cpu(topology=types.CpuTopology(sockets=1, cores=1, threads=1)),
                version=types.TemplateVersion(version_number=1),
            )
        )
        dcs, cls_, sds, nets, profiles, templates, host_objs = [], [], [], [], [], [], []
        for d in range(data_centers):
            name = "Default" if d == 0 else f"dc{d:02d}"
            dc = add(
                types.DataCenter(
                    id=uid("dc", name),
                    name=name,
                    description=f"Data center {name}",
                    local=False,
                    status=types.DataCenterStatus.UP,
                    storage_format=types.StorageFormat.V5,
                    version=types.Version(major=4, minor=7),
                )
            )
            dcs.append(dc)
            net = add(
                types.Network(
                    id=uid("network", f"{name}:ovirtmgmt"),
                    name="ovirtmgmt",
                    description="Management Network",
                    data_center=engine.ref(dc),
                    mtu=0,
                    stp=False,
                    required=True,
                    usages=[types.NetworkUsage.MANAGEMENT, types.NetworkUsage.VM],
                )
            )
            nets.append(net)
            for vlan in (100, 200):
                nets.append(
                    add(
                        types.Network(
                            id=uid("network", f"{name}:vlan{vlan}"),
                            name=f"vlan{vlan}-{name}",
                            data_center=engine.ref(dc),
                            vlan=types.Vlan(id=vlan),
                            mtu=1500,
                            stp=False,
                            required=False,
                            usages=[types.NetworkUsage.VM],
                        )
                    )
                )
        for net in nets:
            profiles.append(
                add(
                    types.VnicProfile(
                        id=uid("vnicprofile", net.id),
                        name=net.name,
                        network=engine.ref(net),
                        pass_through=types.VnicPassThrough(mode=types.VnicPassThroughMode.DISABLED),
                        port_mirroring=False,
                    )
                )
            )
        for s in range(storage_domains):
            dc = dcs[s % len(dcs)]
            name = f"data{s:02d}"
            sd = add(
                types.StorageDomain(
                    id=uid("sd", name),
                    name=name,
                    description=f"NFS data domain {name}",
                    type=types.StorageDomainType.DATA,
                    status=None,
                    master=s < len(dcs),
                    storage=types.HostStorage(
                        type=types.StorageType.NFS,
                        address="nfs.example.com",
                        path=f"/exports/{name}",
                    ),
                    available=(4000 - 37 * s) * GIB,
                    used=(500 + 11 * s) * GIB,
                    committed=0,
                    storage_format=types.StorageFormat.V5,
                    external_status=types.ExternalStatus.OK,
                    data_centers=[types.DataCenter(id=dc.id)],
                )
            )
            sds.append(sd)
            attached = types.StorageDomain(
                id=sd.id,
                name=sd.name,
                type=sd.type,
                status=types.StorageDomainStatus.ACTIVE,
                master=sd.master,
                available=sd.available,
                used=sd.used,
                storage=sd.storage,
            )
            engine.add(attached, f"/datacenters/{dc.id}/storagedomains")
        for c in range(clusters):
            dc = dcs[c % len(dcs)]
            name = "Default" if c == 0 else f"cluster{c:02d}"
            cls_.append(
                add(
                    types.Cluster(
                        id=uid("cluster", name),
                        name=name,
                        description=f"Cluster {name}",
                        data_center=engine.ref(dc),
                        cpu=types.Cpu(
                            type="Intel Nehalem Family", architecture=types.Architecture.X86_64
                        ),
                        memory_policy=types.MemoryPolicy(
                            over_commit=types.MemoryOverCommit(percent=100)
                        ),
                        version=types.Version(major=4, minor=7),
                        ha_reservation=False,
                        ballooning_enabled=True,
                        virt_service=True,
                        gluster_service=False,
                    )
                )
            )
        for h in range(hosts):
            cluster = cls_[h % len(cls_)]
            name = f"host{h:03d}"
            status = types.HostStatus.UP if h % 20 != 19 else types.HostStatus.MAINTENANCE
            host = add(
                types.Host(
                    id=uid("host", name),
                    name=name,
                    address=f"{name}.example.com",
                    description=f"Hypervisor {name}",
                    status=status,
                    cluster=engine.ref(cluster),
                    port=54321,
                    type=types.HostType.RHEL,
                    memory=(256 + 64 * (h % 4)) * GIB,
                    max_scheduling_memory=200 * GIB,
                    cpu=types.Cpu(
                        name="Intel(R) Xeon(R) Gold 6230",
                        speed=2100.0,
                        topology=types.CpuTopology(sockets=2, cores=20, threads=2),
                    ),
                    os=types.OperatingSystem(
                        type="RHEL", version=types.Version(major=8, full_version="8.9")
                    ),
                    summary=types.VmSummary(active=0, migrating=0, total=0),
                    spm=types.Spm(
                        priority=5, status=types.SpmStatus.SPM if h == 0 else types.SpmStatus.NONE
                    ),
                    certificate=types.Certificate(
                        organization="example.com", subject=f"O=example.com,CN={name}.example.com"
                    ),
                )
            )
            host_objs.append(host)
            for n in range(2):
                engine.add(
                    types.HostNic(
                        id=uid("hostnic", f"{name}:eth{n}"),
                        name=f"eth{n}",
                        mac=types.Mac(address=_mac(h, n, 0x1A)),
                        mtu=1500,
                        speed=10**10,
                        boot_protocol=types.BootProtocol.STATIC
                        if n == 0
                        else types.BootProtocol.NONE,
                        ip=types.Ip(
                            address=f"10.{h // 250}.{h % 250}.{10 + n}",
                            netmask="255.255.255.0",
                            version=types.IpVersion.V4,
                        ),
                        status=types.NicStatus.UP,
                        host=engine.ref(host),
                    ),
                    f"/hosts/{host.id}/nics",
                )
        for d, dc in enumerate(dcs):
            name = f"centos9-{dc.name.lower()}"
            templates.append(
                add(
                    types.Template(
                        id=uid("template", name),
                        name=name,
                        description="CentOS Stream 9 template",
                        status=types.TemplateStatus.OK,
                        memory=4 * GIB,
                        creation_time=_BASE_TIME,
                        cluster=engine.ref(cls_[d % len(cls_)]),
                        os=types.OperatingSystem(type="rhel_9x64"),
                        cpu=types.Cpu(topology=types.CpuTopology(sockets=2, cores=1, threads=1)),
                        version=types.TemplateVersion(version_number=1),
                    )
                )
            )
        up_hosts = {}
        for host in host_objs:
            if host.status == types.HostStatus.UP:
                up_hosts.setdefault(host.cluster.id, []).append(host)
        context = _Context(rnd, cls_, dcs, sds, profiles, templates, blank, up_hosts)
        engine.generated = context
        vm_coll = engine.collection("/vms")
        disk_coll = engine.collection("/disks")
        disk_count = 0
        for v in range(vms):
            vm = context.vm(engine, v)
            engine._put(vm_coll, vm)
            context.index[vm.id] = v
            for disk in context.disks(engine, v):
                engine._put(disk_coll, disk)
                disk_count += 1
            if v % 10 == 0:
                label = labels[(v // 10) % len(labels)]
                engine._assign(engine.collection(f"/vms/{vm.id}/affinitylabels"), label, True)
        for e in range(events):
            engine.add_event(
                f"Synthetic event {e + 1}",
                severity=(types.LogSeverity.NORMAL, types.LogSeverity.WARNING)[e % 7 == 6],
                code=30 + e % 10,
            )
    return {
        "datacenters": len(dcs),
        "clusters": len(cls_),
        "hosts": len(host_objs),
        "storagedomains": len(sds),
        "networks": len(nets),
        "vnicprofiles": len(profiles),
        "templates": len(templates) + 1,
        "vms": vms,
        "disks": disk_count,
        "events": events,
        "users": 4,
        "groups": 2,
    }


def _mac(a, b, c, prefix=0x56):
    return f"56:6f:{prefix:02x}:{a % 256:02x}:{b % 256:02x}:{c % 256:02x}"


# ---------------------------------------------------------------------- seed files


def load_seed(engine, path):
    """Load a seed (a JSON file or a directory of XML documents, see
    :mod:`ovirtsdk4.testing.seed`) into ``engine``, its ``inventory`` included; returns the
    :class:`~ovirtsdk4.testing.seed.SeedReport` of the objects it added."""
    from ovirtsdk4.testing import seed as seeds

    data = seeds.read(path)
    if data.inventory:
        populate(engine, **data.inventory)
    return seeds.load(engine, data)


def object_from_json(data, cls=None):
    """An ``ovirtsdk4.types`` object from one JSON seed entry."""
    from ovirtsdk4.testing.seed import object_from_json as convert

    return convert(data, cls)
