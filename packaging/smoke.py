"""A smoke test of an installed ovirtsdk4-fast: ``python smoke.py`` (needs the testing extra).

Checks that the compiled modules come from the installation (not a source tree), writes and
reads objects with the XML layer, and makes requests to the built-in simulator over HTTPS:
a list, a get, an add and a future. Prints one line and exits 0, or fails with a traceback.
"""

import importlib.util
import os
import sys
import sysconfig

import ovirtsdk4
import ovirtsdk4.types as types
from ovirtsdk4.reader import Reader
from ovirtsdk4.testing import simulator
from ovirtsdk4.writer import Writer


def main():
    installed = os.path.realpath(sysconfig.get_paths()["platlib"])
    core = os.path.realpath(importlib.util.find_spec("ovirtsdk4._xml.core").origin)
    assert core.startswith(installed + os.sep), f"{core} is not installed in {installed}"

    vm = types.Vm(
        name="smoke",
        memory=2**31,
        status=types.VmStatus.UP,
        disk_attachments=[types.DiskAttachment(id="d1", bootable=True)],
    )
    document = Writer.write(vm)
    back = Reader.read(document)
    assert (back.name, back.memory, back.status) == ("smoke", 2**31, types.VmStatus.UP)
    assert back.disk_attachments[0].bootable is True

    with simulator(vms=20) as sim:
        connection = ovirtsdk4.Connection(
            url=sim.url, username=sim.username, password=sim.password, ca_file=sim.ca_file
        )
        with connection:
            vms_service = connection.system_service().vms_service()
            vms = vms_service.list()
            assert len(vms) == 20, len(vms)
            one = vms_service.vm_service(vms[0].id).get()
            assert one.name == vms[0].name
            cluster = vms[0].cluster
            added = vms_service.add(
                types.Vm(name="smoke-added", cluster=cluster, template=types.Template(name="Blank"))
            )
            future = vms_service.vm_service(added.id).get(wait=False)
            assert future.wait().name == "smoke-added"
    print(f"smoke: CPython {sys.version.split()[0]}: ovirtsdk4-fast from {installed} ok")


if __name__ == "__main__":
    main()
