"""The official SDK doing the listing ``ovirt-export`` does, for bench/test_export.py.

``python export_official.py URL CA_FILE USER PASSWORD OUT``: the default collections with
``list()`` (the VMs with ``follow=disk_attachments,nics,tags``), each object turned into a
JSON record by walking its attributes, written as JSON Lines, the VMs' followed members to
their own files. The official package has no streaming list, so each list is whole in memory.
"""

import datetime
import enum
import json
import os
import sys

import ovirtsdk4

COLLECTIONS = (
    ("vms", "vms_service", {"follow": "disk_attachments,nics,tags"}),
    ("disks", "disks_service", {}),
    ("datacenters", "data_centers_service", {}),
    ("clusters", "clusters_service", {}),
    ("hosts", "hosts_service", {}),
    ("storagedomains", "storage_domains_service", {}),
    ("networks", "networks_service", {}),
    ("vnicprofiles", "vnic_profiles_service", {}),
    ("templates", "templates_service", {}),
    ("tags", "tags_service", {}),
)
CHILDREN = (("vm_disk_attachments", "disk_attachments"), ("vm_nics", "nics"), ("vm_tags", "tags"))


def record(obj):
    result = {}
    for key, value in vars(obj).items():
        if value is None or key == "_href":
            continue
        name = key.lstrip("_")
        if isinstance(value, list):
            if value:
                result[name] = [
                    record(v)
                    if hasattr(v, "__dict__") and not isinstance(v, enum.Enum)
                    else getattr(v, "value", v)
                    for v in value
                ]
        elif isinstance(value, enum.Enum):
            result[name] = value.value
        elif isinstance(value, datetime.datetime):
            result[name] = value.isoformat()
        elif hasattr(value, "__dict__"):
            result[name] = record(value)
        else:
            result[name] = value
    return result


def main(url, ca_file, user, password, out):
    os.makedirs(out, exist_ok=True)
    total = 0
    with ovirtsdk4.Connection(url=url, username=user, password=password, ca_file=ca_file) as c:
        system = c.system_service()
        for name, locator, kwargs in COLLECTIONS:
            objects = getattr(system, locator)().list(**kwargs)
            if name == "vms":
                for child, member in CHILDREN:
                    with open(os.path.join(out, child + ".jsonl"), "w") as f:
                        for vm in objects:
                            for item in getattr(vm, member) or ():
                                f.write(json.dumps({"vm_id": vm.id, **record(item)}) + "\n")
                                total += 1
                    for vm in objects:
                        setattr(vm, member, None)
            with open(os.path.join(out, name + ".jsonl"), "w") as f:
                for obj in objects:
                    f.write(json.dumps(record(obj)) + "\n")
            total += len(objects)
            del objects
    print(json.dumps({"objects": total}))


if __name__ == "__main__":
    main(*sys.argv[1:6])
