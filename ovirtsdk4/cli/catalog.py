"""What ``ovirt-export`` can export: the top-level collections, and the VMs' sub-collections.

Each name is a file (``vms.jsonl``, ``vms.csv``) or a table (``--format sqlite``). The default
set joins VM -> disks -> storage domains, VM -> NICs -> vNIC profiles -> networks,
VM -> host -> cluster -> data center and VM -> tags; the others are added with
``--collections``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ovirtsdk4 import types

__all__ = ["ALL", "BY_NAME", "DEFAULT", "TOP", "VM_CHILDREN", "Collection", "select"]


@dataclass(frozen=True)
class Collection:
    name: str
    cls: type  # the type of its objects
    default: bool
    locator: str | None = None  # top level: the system service's locator
    member: str | None = None  # a VM sub-collection: the Vm member (follow=, VmService locator)

    @property
    def is_vm_child(self):
        return self.member is not None


TOP = (
    Collection("vms", types.Vm, True, locator="vms_service"),
    Collection("disks", types.Disk, True, locator="disks_service"),
    Collection("datacenters", types.DataCenter, True, locator="data_centers_service"),
    Collection("clusters", types.Cluster, True, locator="clusters_service"),
    Collection("hosts", types.Host, True, locator="hosts_service"),
    Collection("storagedomains", types.StorageDomain, True, locator="storage_domains_service"),
    Collection("networks", types.Network, True, locator="networks_service"),
    Collection("vnicprofiles", types.VnicProfile, True, locator="vnic_profiles_service"),
    Collection("templates", types.Template, True, locator="templates_service"),
    Collection("tags", types.Tag, True, locator="tags_service"),
    Collection("events", types.Event, False, locator="events_service"),
    Collection("users", types.User, False, locator="users_service"),
    Collection("groups", types.Group, False, locator="groups_service"),
    Collection("roles", types.Role, False, locator="roles_service"),
    Collection("affinitylabels", types.AffinityLabel, False, locator="affinity_labels_service"),
)
VM_CHILDREN = (
    Collection("vm_disk_attachments", types.DiskAttachment, True, member="disk_attachments"),
    Collection("vm_nics", types.Nic, True, member="nics"),
    Collection("vm_tags", types.Tag, True, member="tags"),
    Collection("vm_snapshots", types.Snapshot, False, member="snapshots"),
    Collection("vm_permissions", types.Permission, False, member="permissions"),
    Collection("vm_affinity_labels", types.AffinityLabel, False, member="affinity_labels"),
)
ALL = TOP + VM_CHILDREN
BY_NAME = {c.name: c for c in ALL}
DEFAULT = tuple(c.name for c in ALL if c.default)


def select(text):
    """The collections named by ``--collections``: comma-separated names, where ``default``
    stands for the default set and ``all`` for every collection. Raises ``ValueError``
    naming the unknown ones."""
    names = []
    for word in (w.strip() for w in text.split(",")):
        if not word:
            continue
        expanded = DEFAULT if word == "default" else tuple(BY_NAME) if word == "all" else (word,)
        names.extend(n for n in expanded if n not in names)
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise ValueError(
            f"unknown collection(s): {', '.join(unknown)} (known: default, all, "
            f"{', '.join(BY_NAME)})"
        )
    if not names:
        raise ValueError("--collections names no collection")
    return [BY_NAME[n] for n in names]
