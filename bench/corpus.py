"""Deterministic generator of realistic oVirt 4.6 engine documents.

The documents look like what ``GET /ovirt-engine/api/vms``, ``/events`` and
``/vms/{id}/statistics`` return: pretty-printed with four spaces, an XML
declaration, ``id``/``href`` attributes, ``<actions>`` blocks and list links
(``<link rel="nics" href="..."/>``) that readers must skip or turn into link
placeholders. Only tags that the API model defines for ``Vm``, ``Event`` and
``Statistic`` (and their nested types) are used, plus ``<actions>``/``<link>``,
which the engine emits and readers are required to tolerate.

Item ``i`` of a kind is generated from its own ``random.Random`` seeded with
``(SEED, kind, i)``, so item 0 of a 1,000-VM list is byte-identical to item 0
of a 10,000-VM list, and the facts about any item can be computed without
generating the whole document (see :func:`expected_summary`).

No dependencies beyond the standard library. Command line::

    python bench/corpus.py vms 10000 > vms-10000.xml
    python bench/corpus.py events 10000 > events-10000.xml
    python bench/corpus.py statistics 10000 > statistics-10000.xml
"""

import datetime
import random
import sys

SEED = "ovirtsdk4-fast-bench-1"
API = "/ovirt-engine/api"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Wrapper tag of each kind's list document, and its items' tag.
KINDS = {
    "vms": "vm",
    "events": "event",
    "statistics": "statistic",
}

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

# What an engine emits inside <vm><actions>: one <link> per action method of
# VmService (model: services[VmService].all_methods), sorted like the engine.
VM_ACTIONS = (
    "autopincpuandnumanodes",
    "cancelmigration",
    "clone",
    "commitsnapshot",
    "detach",
    "export",
    "freezefilesystems",
    "logon",
    "maintenance",
    "migrate",
    "previewsnapshot",
    "reboot",
    "reordermacaddresses",
    "reset",
    "screenshot",
    "shutdown",
    "start",
    "stop",
    "suspend",
    "thawfilesystems",
    "ticket",
    "undosnapshot",
)

# Top-level <link rel=...> of a VM: the link_rel of every list link of Vm in
# the model, plus the VmService sub-collections that are not Vm members
# ("backups", "checkpoints"), which readers must ignore.
VM_LINKS = (
    "affinitylabels",
    "applications",
    "backups",
    "cdroms",
    "checkpoints",
    "diskattachments",
    "floppies",
    "graphicsconsoles",
    "hostdevices",
    "katelloerrata",
    "mediateddevices",
    "nics",
    "numanodes",
    "permissions",
    "reporteddevices",
    "sessions",
    "snapshots",
    "statistics",
    "tags",
    "watchdogs",
)

VM_STATUSES = (
    ("up", 60),
    ("down", 25),
    ("paused", 3),
    ("suspended", 2),
    ("migrating", 2),
    ("powering_up", 2),
    ("powering_down", 1),
    ("image_locked", 1),
    ("not_responding", 1),
    ("wait_for_launch", 1),
    ("reboot_in_progress", 1),
    ("unknown", 1),
)
_RUNNING = {
    "up",
    "paused",
    "migrating",
    "powering_up",
    "powering_down",
    "not_responding",
    "reboot_in_progress",
}

OS_TYPES = (
    "rhel_8x64",
    "rhel_9x64",
    "other_linux",
    "windows_2019x64",
    "windows_2022",
    "ubuntu_22_04",
    "debian_10",
    "other",
)
BIOS_TYPES = ("q35_ovmf", "q35_sea_bios", "q35_secure_boot", "i440fx_sea_bios", "cluster_default")
WORDS = (
    "web",
    "db",
    "cache",
    "build",
    "ci",
    "mail",
    "proxy",
    "ldap",
    "kafka",
    "etl",
    "api",
    "front",
    "back",
    "batch",
    "gpu",
    "test",
    "stage",
    "prod",
    "dev",
    "qa",
)
TIME_ZONES = (
    ("Etc/GMT", "+00:00"),
    ("Europe/Prague", "+01:00"),
    ("America/New_York", "-05:00"),
    ("Asia/Tokyo", "+09:00"),
    ("GMT Standard Time", "+00:00"),
)
CUSTOM_PROPERTIES = (
    ("sndbuf", "0"),
    ("vhost", "ovirtmgmt:true"),
    ("hugepages", "1048576"),
    ("viodiskcache", "writeback"),
    ("mdev_type", "nvidia-22"),
    ("scsi_hostdev", "scsi_generic"),
)

EVENT_KINDS = (
    # code, severity, template of the description
    (30, "normal", "VM {vm} was started by {user} (Host: {host})."),
    (32, "normal", "VM {vm} is down. Exit message: User shut down from within the guest"),
    (33, "normal", "VM {vm} has been paused."),
    (62, "normal", "Migration started (VM: {vm}, Source: {host}, User: {user})."),
    (63, "normal", "Migration completed (VM: {vm}, Source: {host}, Duration: 12 seconds)."),
    (119, "error", "VM {vm} is down with error. Exit message: Lost connection with qemu."),
    (153, "normal", "VM {vm} started on Host {host}"),
    (158, "warning", "Failed to restart VM {vm} on Host {host} & retrying"),
    (9601, "warning", "Host {host} has low free memory: 812 MB < 1024 MB."),
    (10802, "alert", "VDSM {host} command GetStatsAsyncVDS failed: <timeout>"),
    (18, "normal", "User {user} logged in."),
    (3000, "normal", "User {user} connected to VM {vm}."),
)
EVENT_USERS = (
    "admin@internal",
    "admin@ovirt@internalsso",
    "jdoe@example.com",
    "svc-backup@example.com",
    "alice@corp.example.org",
)

# (name, description, kind, type, unit, values) of VM statistics, in the
# engine's order; "values" is a callable taking a Random.
VM_STATISTICS = (
    (
        "memory.installed",
        "Total memory configured",
        "gauge",
        "integer",
        "bytes",
        lambda r: [str(r.choice((1, 2, 4, 8, 16)) << 30)],
    ),
    (
        "memory.used",
        "Memory used (agent)",
        "gauge",
        "integer",
        "bytes",
        lambda r: [str(r.randrange(1 << 28, 1 << 32))],
    ),
    (
        "cpu.current.guest",
        "CPU used by guest",
        "gauge",
        "decimal",
        "percent",
        lambda r: ["%.2f" % r.uniform(0, 100)],
    ),
    (
        "cpu.current.hypervisor",
        "CPU overhead",
        "gauge",
        "decimal",
        "percent",
        lambda r: ["%.2f" % r.uniform(0, 5)],
    ),
    (
        "cpu.current.total",
        "Total CPU used",
        "gauge",
        "decimal",
        "percent",
        lambda r: ["%.2f" % r.uniform(0, 100)],
    ),
    ("migration.progress", "Migration Progress", "gauge", "decimal", "percent", lambda r: ["0"]),
    (
        "memory.buffered",
        "Memory buffered (agent)",
        "gauge",
        "integer",
        "bytes",
        lambda r: [str(r.randrange(0, 1 << 26))],
    ),
    (
        "memory.cached",
        "Memory cached (agent)",
        "gauge",
        "integer",
        "bytes",
        lambda r: [str(r.randrange(0, 1 << 30))],
    ),
    (
        "memory.free",
        "Memory free (agent)",
        "gauge",
        "integer",
        "bytes",
        lambda r: [str(r.randrange(1 << 26, 1 << 31))],
    ),
    (
        "memory.unused",
        "Memory unused (agent)",
        "gauge",
        "integer",
        "bytes",
        lambda r: [str(r.randrange(1 << 26, 1 << 31))],
    ),
    (
        "network.current.total",
        "Total network used",
        "gauge",
        "decimal",
        "percent",
        lambda r: ["%.1f" % r.uniform(0, 10)],
    ),
    (
        "cpu.usage.history",
        "List of CPU usage history, sorted by date from newest to oldest, "
        "at intervals of 30 seconds",
        "gauge",
        "integer",
        "percent",
        lambda r: [str(r.randrange(0, 100)) for _ in range(r.randrange(3, 9))],
    ),
    (
        "memory.usage.history",
        "List of memory usage history, sorted by date from newest to "
        "oldest, at intervals of 30 seconds",
        "gauge",
        "integer",
        "percent",
        lambda r: [str(r.randrange(0, 100)) for _ in range(r.randrange(3, 9))],
    ),
    (
        "network.usage.history",
        "List of network usage history, sorted by date from newest to "
        "oldest, at intervals of 30 seconds",
        "gauge",
        "integer",
        "percent",
        lambda r: [str(r.randrange(0, 10)) for _ in range(r.randrange(3, 9))],
    ),
    (
        "elapsed.time",
        "Elapsed VM runtime",
        "gauge",
        "integer",
        "seconds",
        lambda r: [str(r.randrange(0, 10_000_000))],
    ),
    (
        "disks.usage",
        "Disk usage, in bytes, per filesystem as JSON (agent)",
        "gauge",
        "string",
        "none",
        lambda r: [None],
    ),
)


# ---------------------------------------------------------------------------
# Small helpers


def _item_rng(kind, i):
    return random.Random("%s/%s/%d" % (SEED, kind, i))


def _uuid(rng):
    return "%08x-%04x-4%03x-%04x-%012x" % (
        rng.getrandbits(32),
        rng.getrandbits(16),
        rng.getrandbits(12),
        0x8000 | rng.getrandbits(14),
        rng.getrandbits(48),
    )


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _weighted(rng, pairs):
    total = sum(weight for _, weight in pairs)
    pick = rng.randrange(total)
    for value, weight in pairs:
        pick -= weight
        if pick < 0:
            return value
    raise AssertionError("unreachable")


class _Pools:
    """Shared objects that many items refer to (clusters, hosts, ...)."""

    def __init__(self):
        rng = random.Random("%s/pools" % SEED)
        self.data_centers = [_uuid(rng) for _ in range(2)]
        self.clusters = [_uuid(rng) for _ in range(4)]
        self.hosts = [(_uuid(rng), "host%02d.example.com" % k) for k in range(48)]
        self.templates = [_uuid(rng) for _ in range(12)]
        self.instance_types = [_uuid(rng) for _ in range(5)]
        self.cpu_profiles = [_uuid(rng) for _ in range(4)]
        self.quotas = [_uuid(rng) for _ in range(3)]
        self.icons = [_uuid(rng) for _ in range(16)]
        self.storage_domains = [_uuid(rng) for _ in range(6)]
        self.users = [_uuid(rng) for _ in EVENT_USERS]
        self.vms = [(_uuid(rng), "vm-%s-%03d" % (WORDS[k % len(WORDS)], k)) for k in range(200)]


_POOLS = _Pools()
BLANK_TEMPLATE = "00000000-0000-0000-0000-000000000000"


def _date(rng, start=1_640_995_200, span=3 * 365 * 86400):
    """A random instant as engine text in one of several forms, and its epoch microseconds.

    Forms: ``.123+02:00`` (what engines emit most), no fraction, six-digit
    fraction, ``Z`` and negative offsets.
    """
    seconds = start + rng.randrange(span)
    form = rng.randrange(8)
    offset = rng.choice((0, 60, 120, -300, 330)) if form != 3 else 0
    if form in (0, 1, 2, 5, 6):
        micros = rng.randrange(1000) * 1000  # milliseconds, as the engine emits
        fraction = ".%03d" % (micros // 1000)
    elif form == 4:
        micros = rng.randrange(1_000_000)
        fraction = ".%06d" % micros
    else:
        micros = 0
        fraction = ""
    instant = _EPOCH + datetime.timedelta(seconds=seconds, microseconds=micros)
    local = instant + datetime.timedelta(minutes=offset)
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + fraction
    if form == 3:
        text += "Z"
    else:
        sign = "-" if offset < 0 else "+"
        text += "%s%02d:%02d" % (sign, abs(offset) // 60, abs(offset) % 60)
    return text, seconds * 1_000_000 + micros


class _Out:
    """Appends indented lines."""

    __slots__ = ("lines", "depth")

    def __init__(self, depth):
        self.lines = []
        self.depth = depth

    def text(self, tag, value):
        pad = "    " * self.depth
        if value == "":
            self.lines.append("%s<%s/>" % (pad, tag))
        else:
            self.lines.append("%s<%s>%s</%s>" % (pad, tag, value, tag))

    def ref(self, tag, href, ident):
        pad = "    " * self.depth
        if href is None:
            self.lines.append('%s<%s id="%s"/>' % (pad, tag, ident))
        else:
            self.lines.append('%s<%s href="%s" id="%s"/>' % (pad, tag, href, ident))

    def link(self, href, rel):
        self.lines.append('%s<link href="%s" rel="%s"/>' % ("    " * self.depth, href, rel))

    def open(self, tag, attrs=""):
        self.lines.append("%s<%s%s>" % ("    " * self.depth, tag, attrs))
        self.depth += 1

    def close(self, tag):
        self.depth -= 1
        self.lines.append("%s</%s>" % ("    " * self.depth, tag))


def _bool(value):
    return "true" if value else "false"


# ---------------------------------------------------------------------------
# Items


def vm_item(i):
    """(xml text of VM ``i`` at depth 1, facts about it)."""
    rng = _item_rng("vms", i)
    p = _POOLS
    vid = _uuid(rng)
    href = "%s/vms/%s" % (API, vid)
    name = "vm-%s-%s-%05d" % (rng.choice(WORDS), rng.choice(WORDS), i)
    description = rng.choice(
        (
            "",
            "Managed by Ansible",
            "Owner: %s & team" % rng.choice(EVENT_USERS),
            "Clone of %s <golden image>" % rng.choice(WORDS),
            "Imported from VMware",
        )
    )
    status = _weighted(rng, VM_STATUSES)
    running = status in _RUNNING
    cores, sockets, threads = rng.choice((1, 2, 4)), rng.choice((1, 2, 4)), rng.choice((1, 2))
    memory = rng.choice((1, 2, 4, 8, 16, 32)) << 30
    creation_text, creation_us = _date(rng)
    cluster = rng.choice(p.clusters)
    template = rng.choice(p.templates) if rng.random() < 0.7 else BLANK_TEMPLATE
    boot = ["hd"] if rng.random() < 0.7 else rng.sample(("hd", "cdrom", "network"), 2)
    props = rng.sample(CUSTOM_PROPERTIES, rng.randrange(0, 4))
    tz_name, tz_offset = rng.choice(TIME_ZONES)
    vm_type = _weighted(rng, (("server", 8), ("desktop", 3), ("high_performance", 1)))

    o = _Out(1)
    o.open("vm", ' href="%s" id="%s"' % (href, vid))
    o.open("actions")
    for rel in VM_ACTIONS:
        o.link("%s/%s" % (href, rel), rel)
    o.close("actions")
    o.text("name", name)
    o.text("description", _escape(description))
    o.text("comment", "" if rng.random() < 0.8 else "ticket #%d" % rng.randrange(10000))
    for rel in VM_LINKS:
        o.link("%s/%s" % (href, rel), rel)
    # VmBase attributes, alphabetical, as the engine emits them.
    o.open("bios")
    o.open("boot_menu")
    o.text("enabled", _bool(rng.random() < 0.1))
    o.close("boot_menu")
    o.text("type", rng.choice(BIOS_TYPES))
    o.close("bios")
    o.open("console")
    o.text("enabled", _bool(rng.random() < 0.2))
    o.close("console")
    o.open("cpu")
    o.text("architecture", "x86_64" if rng.random() < 0.95 else "ppc64")
    o.open("topology")
    o.text("cores", str(cores))
    o.text("sockets", str(sockets))
    o.text("threads", str(threads))
    o.close("topology")
    o.close("cpu")
    o.text("cpu_pinning_policy", "none")
    o.text("cpu_shares", str(rng.choice((0, 0, 512, 1024, 2048))))
    o.text("creation_time", creation_text)
    if props:
        o.open("custom_properties")
        for prop_name, prop_value in props:
            o.open("custom_property")
            o.text("name", prop_name)
            o.text("value", prop_value)
            o.close("custom_property")
        o.close("custom_properties")
    o.text("delete_protected", _bool(rng.random() < 0.15))
    o.open("display")
    display_type = "spice" if rng.random() < 0.6 else "vnc"
    if running:
        o.text("address", "192.0.2.%d" % rng.randrange(1, 255))
    o.text("allow_override", _bool(rng.random() < 0.3))
    o.text("copy_paste_enabled", "true")
    o.text("disconnect_action", rng.choice(("LOCK_SCREEN", "NONE", "LOGOUT")))
    o.text("disconnect_action_delay", "0")
    o.text("file_transfer_enabled", "true")
    o.text("keyboard_layout", "en-us")
    o.text("monitors", str(rng.choice((1, 1, 1, 2, 4))))
    if running:
        o.text("port", str(5900 + rng.randrange(100)))
        o.text("secure_port", str(5900 + rng.randrange(100, 200)))
    o.text("single_qxl_pci", "false")
    o.text("smartcard_enabled", _bool(rng.random() < 0.05))
    o.text("type", display_type)
    o.text("video_type", "qxl" if display_type == "spice" else "vga")
    o.close("display")
    o.open("high_availability")
    ha = rng.random() < 0.2
    o.text("enabled", _bool(ha))
    o.text("priority", str(rng.choice((0, 1, 50, 100)) if ha else 0))
    o.close("high_availability")
    o.open("initialization")
    o.text("authorized_ssh_keys", "")
    o.text("cloud_init_network_protocol", "eni")
    o.text("custom_script", "")
    o.text("host_name", "%s.example.com" % name)
    o.text("regenerate_ssh_keys", "false")
    o.text("timezone", tz_name)
    o.text("user_name", "root" if rng.random() < 0.7 else "cloud-user")
    o.close("initialization")
    o.open("io")
    o.text("threads", str(rng.choice((0, 1, 2))))
    o.close("io")
    icon = rng.choice(p.icons)
    o.ref("large_icon", "%s/icons/%s" % (API, icon), icon)
    o.text("memory", str(memory))
    o.open("memory_policy")
    o.text("ballooning", _bool(rng.random() < 0.8))
    o.text("guaranteed", str(memory // rng.choice((1, 2, 4))))
    o.text("max", str(memory * 4))
    o.close("memory_policy")
    o.open("migration")
    o.text("auto_converge", "inherit")
    o.text("compressed", "inherit")
    o.text("encrypted", rng.choice(("inherit", "inherit", "true", "false")))
    o.text("parallel_migrations_policy", "inherit")
    o.close("migration")
    o.text("migration_downtime", str(rng.choice((-1, -1, 500))))
    o.text("multi_queues_enabled", "true")
    o.text("origin", rng.choice(("ovirt", "ovirt", "ovirt", "vmware", "kvm")))
    o.open("os")
    o.open("boot")
    o.open("devices")
    for device in boot:
        o.text("device", device)
    o.close("devices")
    o.close("boot")
    o.text("type", rng.choice(OS_TYPES))
    o.close("os")
    o.open("placement_policy")
    affinity = _weighted(rng, (("migratable", 8), ("user_migratable", 1), ("pinned", 1)))
    o.text("affinity", affinity)
    if affinity == "pinned":
        o.open("hosts")
        host_id = rng.choice(p.hosts)[0]
        o.ref("host", "%s/hosts/%s" % (API, host_id), host_id)
        o.close("hosts")
    o.close("placement_policy")
    icon = rng.choice(p.icons)
    o.ref("small_icon", "%s/icons/%s" % (API, icon), icon)
    o.open("sso")
    o.open("methods")
    o.ref("method", None, "guest_agent")
    o.close("methods")
    o.close("sso")
    o.text("start_paused", "false")
    o.text("stateless", _bool(rng.random() < 0.05))
    o.text(
        "storage_error_resume_behaviour",
        rng.choice(("auto_resume", "auto_resume", "leave_paused", "kill")),
    )
    o.open("time_zone")
    o.text("name", tz_name)
    o.text("utc_offset", tz_offset)
    o.close("time_zone")
    o.text("type", vm_type)
    o.open("usb")
    o.text("enabled", _bool(rng.random() < 0.1))
    o.text("type", "native")
    o.close("usb")
    # VmBase links.
    o.ref("cluster", "%s/clusters/%s" % (API, cluster), cluster)
    cpu_profile = rng.choice(p.cpu_profiles)
    o.ref("cpu_profile", "%s/cpuprofiles/%s" % (API, cpu_profile), cpu_profile)
    if rng.random() < 0.2:
        instance_type = rng.choice(p.instance_types)
        o.ref("instance_type", "%s/instancetypes/%s" % (API, instance_type), instance_type)
    o.ref("quota", None, rng.choice(p.quotas))
    o.ref("template", "%s/templates/%s" % (API, template), template)
    # Vm attributes.
    o.text("next_run_configuration_exists", _bool(rng.random() < 0.1))
    o.text("numa_tune_mode", "interleave")
    o.text("run_once", "false")
    start_us = None
    if running:
        start_text, start_us = _date(rng, start=1_700_000_000, span=90 * 86400)
        o.text("start_time", start_text)
    o.text("status", status)
    if not running:
        stop_text, _ = _date(rng, start=1_700_000_000, span=90 * 86400)
        o.text("stop_reason", "" if rng.random() < 0.8 else "maintenance window")
        o.text("stop_time", stop_text)
    o.text("tpm_enabled", "false")
    o.text("use_latest_template_version", _bool(rng.random() < 0.1))
    # Vm links.
    if running:
        host_id = rng.choice(p.hosts)[0]
        o.ref("host", "%s/hosts/%s" % (API, host_id), host_id)
    o.ref("original_template", "%s/templates/%s" % (API, template), template)
    o.close("vm")
    facts = {
        "id": vid,
        "name": name,
        "description": description or None,  # <description/> reads as None
        "status": status,
        "memory": memory,
        "topology": [cores, sockets, threads],
        "creation_time_us": creation_us,
        "start_time_us": start_us,
        "boot_devices": boot,
        "custom_properties": [list(prop) for prop in props],
        "cluster_id": cluster,
        "nics_href": "%s/nics" % href,
    }
    return "\n".join(o.lines), facts


def event_item(i):
    """(xml text of event ``i`` at depth 1, facts about it)."""
    rng = _item_rng("events", i)
    p = _POOLS
    index = 9_000_000 - i  # engines list events newest first
    eid = str(index)
    code, severity, template = rng.choice(EVENT_KINDS)
    vm_id, vm_name = rng.choice(p.vms)
    host_id, host_name = rng.choice(p.hosts)
    user_k = rng.randrange(len(EVENT_USERS))
    description = template.format(vm=vm_name, host=host_name, user=EVENT_USERS[user_k])
    time_text, time_us = _date(rng, start=1_700_000_000, span=30 * 86400)
    has_vm = "{vm}" in template
    has_host = "{host}" in template
    has_user = "{user}" in template
    o = _Out(1)
    o.open("event", ' href="%s/events/%s" id="%s"' % (API, eid, eid))
    o.text("description", _escape(description))
    o.text("code", str(code))
    if rng.random() < 0.6:
        o.text("correlation_id", _uuid(rng)[:8] if rng.random() < 0.5 else _uuid(rng))
    o.text("custom_id", "-1")
    o.text("flood_rate", "30")
    o.text("index", str(index))
    o.text("origin", "oVirt")
    o.text("severity", severity)
    o.text("time", time_text)
    cluster = rng.choice(p.clusters)
    if has_vm or has_host:
        o.ref("cluster", "%s/clusters/%s" % (API, cluster), cluster)
        data_center = rng.choice(p.data_centers)
        o.ref("data_center", "%s/datacenters/%s" % (API, data_center), data_center)
    if has_host:
        o.ref("host", "%s/hosts/%s" % (API, host_id), host_id)
    if has_user:
        user_id = p.users[user_k]
        o.ref("user", "%s/users/%s" % (API, user_id), user_id)
    if has_vm:
        o.ref("vm", "%s/vms/%s" % (API, vm_id), vm_id)
    o.close("event")
    facts = {
        "id": eid,
        "code": code,
        "severity": severity,
        "description": description,
        "time_us": time_us,
        "index": index,
        "vm_id": vm_id if has_vm else None,
    }
    return "\n".join(o.lines), facts


def statistic_item(i):
    """(xml text of statistic ``i`` at depth 1, facts about it).

    Statistics come in groups of 16 per VM, the way ``/vms/{id}/statistics``
    returns them, concatenated into one list.
    """
    rng = _item_rng("statistics", i)
    owner_rng = _item_rng("statistics-owner", i // len(VM_STATISTICS))
    vm_id = _uuid(owner_rng)
    name, description, kind, value_type, unit, values = VM_STATISTICS[i % len(VM_STATISTICS)]
    sid = _uuid(rng)
    data = values(rng)
    o = _Out(1)
    o.open("statistic", ' href="%s/vms/%s/statistics/%s" id="%s"' % (API, vm_id, sid, sid))
    o.text("name", name)
    o.text("description", description)
    o.text("kind", kind)
    o.text("type", value_type)
    o.text("unit", unit)
    o.open("values")
    for datum in data:
        o.open("value")
        if datum is None:
            o.text(
                "detail",
                _escape(
                    '[{"path":"/","total":"%d","used":"%d","fs":"xfs"}]'
                    % (rng.randrange(1 << 34, 1 << 36), rng.randrange(1 << 30, 1 << 34))
                ),
            )
        else:
            o.text("datum", datum)
        o.close("value")
    o.close("values")
    o.ref("vm", "%s/vms/%s" % (API, vm_id), vm_id)
    o.close("statistic")
    facts = {
        "id": sid,
        "name": name,
        "kind": kind,
        "unit": unit,
        "data": [None if d is None else float(d) for d in data],
        "vm_id": vm_id,
    }
    return "\n".join(o.lines), facts


ITEMS = {
    "vms": vm_item,
    "events": event_item,
    "statistics": statistic_item,
}


# ---------------------------------------------------------------------------
# Documents


def document(kind, n):
    """The list document of ``n`` items of ``kind`` (``vms``, ``events``, ``statistics``)."""
    item = ITEMS[kind]
    parts = [DECLARATION, "<%s>\n" % kind]
    for i in range(n):
        parts.append(item(i)[0])
        parts.append("\n")
    parts.append("</%s>\n" % kind)
    return "".join(parts).encode("utf-8")


def vms_document(n):
    return document("vms", n)


def events_document(n):
    return document("events", n)


def statistics_document(n):
    return document("statistics", n)


def facts(kind, i):
    """The facts of item ``i`` of ``kind`` (what a reader must give back)."""
    return ITEMS[kind](i)[1]


def expected_summary(kind, n):
    """What :func:`worker.summarize` must return for ``document(kind, n)``."""
    return {
        "count": n,
        "first": facts(kind, 0) if n else None,
        "last": facts(kind, n - 1) if n else None,
    }


def main(argv):
    if len(argv) != 3 or argv[1] not in ITEMS or not argv[2].isdigit():
        sys.stderr.write("usage: %s {%s} COUNT > FILE.xml\n" % (argv[0], ",".join(ITEMS)))
        return 2
    sys.stdout.buffer.write(document(argv[1], int(argv[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
