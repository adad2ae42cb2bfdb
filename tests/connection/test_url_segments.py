"""Safe URLs (issue 16 point 6): an id given to a locator is one path segment of the request,
whatever it holds, against the simulator over HTTPS; ordinary ids give the same URLs as the
official package; hrefs followed by ``follow_link`` are sent as they are."""

import json
import os
import subprocess
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovirtsdk4 import Error, NotFoundError, services, types
from ovirtsdk4.service import path_segment
from ovirtsdk4.testing.engine import API_PREFIX
from ovirtsdk4.testing.server import Simulator

# An existing VM whose id has every character that could change the target.
ODD_ID = "a b/../c?d=1#e%41;f\\g\tü日本"
ODD_SEGMENT = "a%20b%2F..%2Fc%3Fd=1%23e%2541%3Bf%5Cg%09%C3%BC%E6%97%A5%E6%9C%AC"

HOSTILE_IDS = [
    "../../sso/oauth/token",
    "../..",
    "../",
    "a/b",
    "..x",
    "x?y=1",
    "x#y",
    "100%",
    "%2e%2e",
    "%2F",
    "a b",
    " ",
    "a;b=c",
    "x\\y",
    "line\nbreak",
    "ü日本",
    ODD_ID.upper(),
]

# Ids the engine gives (UUIDs, names of host devices, errata, files, statistics...).
ORDINARY_IDS = [
    "123e4567-e89b-12d3-a456-426614174000",
    "00000000-0000-0000-0000-000000000000",
    "pci_0000_00_1f_2",
    "RHSA-2017:0001",
    "CentOS-7-x86_64.iso",
    "admin@internal",
    "a.b~c!$&'()*+,=",
    "...",
    "123",
]


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    with Simulator(2, tls_dir=tmp_path_factory.mktemp("url-segments-tls")) as simulator:
        simulator.engine.add(types.Vm(id=ODD_ID, name="odd", cluster=types.Cluster(name="Default")))
        yield simulator


@pytest.fixture
def api(sim):
    connection = sim.connection()
    yield connection
    connection.close()


def _last_request(sim):
    return sim.server.requests[-1]


@pytest.mark.parametrize("vm_id", HOSTILE_IDS)
def test_a_hostile_id_reaches_the_engine_as_one_segment(sim, api, vm_id):
    vms = api.system_service().vms_service()
    with pytest.raises(NotFoundError) as caught:
        vms.vm_service(vm_id).get()
    assert caught.value.code == 404
    assert caught.value.fault.detail == f"Entity not found: {vm_id}"
    request = _last_request(sim)
    assert request.method == "GET"
    assert request.query == ""
    prefix = API_PREFIX + "/vms/"
    assert request.path.startswith(prefix)
    segment = request.path[len(prefix) :]
    assert "/" not in segment and "#" not in segment
    assert unquote(segment) == vm_id


def test_an_odd_id_that_exists_is_fetched(sim, api):
    vm_service = api.system_service().vms_service().vm_service(ODD_ID)
    vm = vm_service.get()
    assert (vm.id, vm.name) == (ODD_ID, "odd")
    assert _last_request(sim).path == f"{API_PREFIX}/vms/{ODD_SEGMENT}"
    assert isinstance(vm_service.nics_service().list(), list)
    assert _last_request(sim).path == f"{API_PREFIX}/vms/{ODD_SEGMENT}/nics"
    vm_service.start()
    assert _last_request(sim).path == f"{API_PREFIX}/vms/{ODD_SEGMENT}/start"
    assert vm_service.get().status == types.VmStatus.UP


def _link(href):
    vm = types.Vm()
    vm.href = href
    return vm


def test_follow_link_sends_the_href_as_it_is(sim, api):
    href = f"{API_PREFIX}/vms/{ODD_SEGMENT}"
    assert api.follow_link(_link(href)).name == "odd"
    assert _last_request(sim).target == href
    with pytest.raises(NotFoundError):
        api.follow_link(_link(f"{API_PREFIX}/vms/a%20b"))
    assert _last_request(sim).target == f"{API_PREFIX}/vms/a%20b"


def test_an_existing_ordinary_id_is_fetched_at_the_same_url(sim, api):
    vm = next(iter(api.system_service().vms_service().list_iter()))
    api.system_service().vms_service().vm_service(vm.id).get()
    assert _last_request(sim).target == vm.href == f"{API_PREFIX}/vms/{vm.id}"


@pytest.mark.parametrize("vm_id", ["", ".", ".."])
def test_an_id_no_url_can_name_is_an_error_before_any_request(sim, api, vm_id):
    vms = api.system_service().vms_service()
    vms.list()
    sent = len(sim.server.requests)
    with pytest.raises(Error, match="The 'id' parameter can't be"):
        vms.vm_service(vm_id)
    assert len(sim.server.requests) == sent


def test_an_id_that_is_not_text_is_a_type_error():
    vms = services.VmsService(None, "/vms")
    with pytest.raises(TypeError, match="The 'id' parameter should be of type 'str', but it is"):
        vms.vm_service(123)
    with pytest.raises(Error, match="UTF-8"):
        vms.vm_service("\ud800")
    # None passes the type check (API.md S-4) and is written as the official writes it.
    assert str(vms.vm_service(None)) == "VmService:/vms/None"


@pytest.mark.parametrize("vm_id", ORDINARY_IDS)
def test_an_ordinary_id_is_sent_as_it_is(vm_id):
    assert str(services.VmsService(None, "/vms").vm_service(vm_id)) == f"VmService:/vms/{vm_id}"


# Letters a segment carries literally, and some it does not.
_TEXT = st.text(st.sampled_from("aZ09-._~!$&'()*+,=:@;/?#% \\\nü日\x00"), max_size=12)


@given(_TEXT)
def test_every_id_is_one_segment_that_decodes_to_it(text):
    try:
        segment = path_segment("id", text)
    except Error:
        assert text in ("", ".", "..")
        return
    assert unquote(segment, errors="strict") == text
    assert segment not in ("", ".", "..") and unquote(segment) not in (".", "..")
    assert not set(segment) & set("/?#; \\\n")
    assert segment.isascii()
    if set(text) <= set("aZ09-._~!$&'()*+,=:@"):
        assert segment == text


def _reference_python():
    path = os.environ.get("OVIRTSDK_REF_PYTHON")
    if not path or not os.access(path, os.X_OK):
        pytest.skip("OVIRTSDK_REF_PYTHON does not name the official package's interpreter")
    return path


_REFERENCE_PATHS = """
import json, sys
from ovirtsdk4 import services
vms = services.VmsService(None, "/vms")
print(json.dumps([str(vms.vm_service(i)) for i in json.loads(sys.stdin.read())]))
"""


def test_ordinary_ids_give_the_urls_of_the_official(sim):
    ids = ORDINARY_IDS + sorted(
        {obj.id for c in sim.engine.collections.values() for obj in c.items.values()} - {ODD_ID}
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    official = subprocess.run(
        [_reference_python(), "-c", _REFERENCE_PATHS],
        input=json.dumps(ids),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    vms = services.VmsService(None, "/vms")
    assert [str(vms.vm_service(i)) for i in ids] == json.loads(official.stdout)
