"""Issue 11's points through the official package (``$OVIRTSDK_REF_PYTHON``), against the same
simulator our SDK is tested with: a seeded inventory whose long lists are streamed, members named
``type``, tag assignment, refusals and unmodelled actions as faults, any id, the Kerberos grant
off by default."""

import json
import os
import subprocess

import pytest

from ovirtsdk4.testing.engine import LIST_STEP
from ovirtsdk4.testing.server import Simulator
from tests.simulator.test_seeds import SEED

SCRIPT = r"""
import sys, ovirtsdk4, ovirtsdk4.types as types
url, ca, user, password, checkout, vms_expected = sys.argv[1:7]
assert not ovirtsdk4.__file__.startswith(checkout), ovirtsdk4.__file__

def refused(call, fragment, code=409):
    try:
        call()
    except ovirtsdk4.Error as exc:
        assert exc.code == code, (exc.code, str(exc))
        assert fragment in str(exc), str(exc)
    else:
        raise AssertionError("not refused: " + fragment)

try:
    ovirtsdk4.Connection(url=url, kerberos=True, ca_file=ca).system_service().get()
except ovirtsdk4.Error as exc:
    assert "Kerberos" in str(exc), str(exc)
else:
    raise AssertionError("the Kerberos grant was accepted")

with ovirtsdk4.Connection(url=url, username=user, password=password, ca_file=ca) as c:
    system = c.system_service()
    vms = system.vms_service()
    listed = vms.list()
    assert len(listed) == int(vms_expected), len(listed)
    sds = system.storage_domains_service().list(search="type=iso")
    assert [(s.name, s.type, s.storage.type) for s in sds] == [
        ("iso1", types.StorageDomainType.ISO, types.StorageType.NFS)]
    web1 = vms.list(search="name=web1")[0]
    assert (web1.type, web1.cpu.type, web1.display.type) == (
        types.VmType.SERVER, "Skylake", types.DisplayType.SPICE)
    service = vms.vm_service(web1.id)
    assert [t.name for t in service.tags_service().list()] == ["prod"]
    assert [c_.id for c_ in service.checkpoints_service().list()] == ["cp1"]
    prod = [t for t in system.tags_service().list() if t.name == "prod"]
    assert len(prod) == 1 and service.tags_service().list()[0].id == prod[0].id
    dev = service.tags_service().add(types.Tag(name="dev"))
    assert dev.id == [t for t in system.tags_service().list() if t.name == "dev"][0].id
    up = vms.list(search="status=up", max=1)[0]
    refused(vms.vm_service(up.id).start, "Cannot run VM. VM is running.")
    refused(vms.vm_service(up.id).export, "does not model this action")
    refused(vms.vm_service("no-such-vm").get, "Entity not found", 404)
    odd = vms.vm_service("odd-id.1").get()
    assert odd.name == "odd"
    assert [n.name for n in vms.vm_service(odd.id).tags_service().list()] == []
    print("official ok")
"""


def test_the_official_package_on_issue_11(tmp_path):
    python = os.environ.get("OVIRTSDK_REF_PYTHON")
    if not python:
        pytest.skip("OVIRTSDK_REF_PYTHON (the python of the official package) is not set")
    import ovirtsdk4

    seed = dict(SEED, inventory={"vms": LIST_STEP + 10})
    seed["objects"] = SEED["objects"] + [
        {"@type": "Vm", "id": "odd-id.1", "name": "odd", "cluster": {"name": "Default"}}
    ]
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and "proxy" not in k.lower()}
    checkout = os.path.dirname(ovirtsdk4.__file__)
    with Simulator(seed=path, tls_dir=tmp_path / "tls") as sim:
        result = subprocess.run(
            [python, "-c", SCRIPT, sim.url, sim.ca_file, sim.username, sim.password, checkout]
            + [str(LIST_STEP + 12)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "official ok"
        assert sim.engine.errors == []
