"""How the simulator is reached: the serve command (addresses, busy port, --help, seeds and
--vms), the Kerberos grant (off unless asked for), any id or name, XML replies only, and the
pytest plugin in each of its documented forms."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import textwrap

import pycurl
import pytest

import ovirtsdk4
from ovirtsdk4 import types
from ovirtsdk4.reader import Reader
from ovirtsdk4.testing.server import Simulator


def _env():
    return dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))


@contextlib.contextmanager
def serve(tmp_path, *args):
    """Run ``python -m ovirtsdk4.testing serve`` and yield what it printed before serving."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ovirtsdk4.testing", "serve", "--tls-dir", str(tmp_path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        info = {}
        while True:
            line = process.stdout.readline()
            assert line, f"serve exited early: {process.stderr.read()}"
            if line.startswith("Serving"):
                break
            key, _, value = line.partition(": ")
            info[key] = value.strip()
        yield info
    finally:
        process.terminate()
        assert process.wait(20) == 0
        process.stdout.close()
        process.stderr.close()


def _count_vms(url, info):
    with ovirtsdk4.Connection(
        url=url, username=info["username"], password=info["password"], ca_file=info["ca_file"]
    ) as connection:
        return len(connection.system_service().vms_service().list())


def _has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


# ---------------------------------------------------------------------- point 5: reachable


def test_serve_listens_on_both_loopbacks_and_says_so(tmp_path):
    with serve(tmp_path, "--vms", "3") as info:
        port = info["url"].split(":")[2].split("/")[0]
        listening = info["listening on"].split(", ")
        assert f"127.0.0.1:{port}" in listening
        urls = [info["url"], info["url"].replace("localhost", "127.0.0.1")]
        if _has_ipv6_loopback():
            assert f"[::1]:{port}" in listening and info["url"].startswith("https://localhost:")
            urls.append(info["url"].replace("localhost", "[::1]"))
        else:
            assert info["url"].startswith("https://127.0.0.1:")
        assert [_count_vms(url, info) for url in urls] == [3] * len(urls)
        assert info["generated"].startswith("1 datacenters") and info["seeded"] == "nothing"


def test_a_busy_port_is_one_clear_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "ovirtsdk4.testing", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"python -m ovirtsdk4.testing serve: error: cannot listen on port {port}: "
        "it is already in use"
    ]


def test_a_missing_seed_is_one_clear_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ovirtsdk4.testing", "serve", "--seed", str(tmp_path / "no.json")],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert "no.json: cannot read the seed" in result.stderr


def test_the_python_face_also_names_a_busy_port(tmp_path):
    with Simulator(1, tls_dir=tmp_path / "a") as first:
        with pytest.raises(OSError, match=f"cannot listen on port {first.port}: it is already"):
            Simulator(1, tls_dir=tmp_path / "b", port=first.port).start()


def test_vms_default_to_none_with_a_seed_and_inventory_plus_objects_work(tmp_path):
    """The docstring example of issue 11: a seed with an inventory and objects, no --vms."""
    seed = tmp_path / "seed.json"
    seed.write_text(
        json.dumps(
            {
                "inventory": {"vms": 2},
                "objects": [{"@type": "Vm", "name": "extra", "cluster": {"name": "Default"}}],
            }
        )
    )
    with serve(tmp_path / "a", "--seed", str(seed)) as info:
        assert _count_vms(info["url"], info) == 3
        assert info["seeded"] == "1 in /vms"
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"objects": [{"@type": "Tag", "name": "only"}]}))
    with serve(tmp_path / "b", "--seed", str(bare)) as info:
        assert _count_vms(info["url"], info) == 0 and info["generated"] == "nothing"
    with serve(tmp_path / "c", "--seed", str(seed), "--vms", "5") as info:
        assert _count_vms(info["url"], info) == 6


# ---------------------------------------------------------------------- point 8: --help


def test_serve_help_tells_the_command_its_defaults_and_the_seed_formats():
    result = subprocess.run(
        [sys.executable, "-m", "ovirtsdk4.testing", "serve", "--help"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for fragment in (
        "Serve a simulated oVirt engine over HTTPS",
        "127.0.0.1, and ::1",
        "default: 100 without --seed",
        "0 when it has none",
        "default: a free one",
        "default: admin@internal",
        "default: a random one",
        "default: 0",
        "--kerberos",
        "JSON file",
        '"@type"',
        "XML directory",
        "vms/web1/checkpoints/cp1.xml",
    ):
        assert fragment in text, fragment


# ---------------------------------------------------------------------- issue 16 P5: Kerberos


def _kerberos_token(sim):
    connection = ovirtsdk4.Connection(url=sim.url, kerberos=True, ca_file=sim.ca_file)
    try:
        return connection.system_service().get().product_info.name
    finally:
        connection.close()


def test_the_kerberos_grant_is_refused_by_default(fresh):
    sim = fresh(1)
    with pytest.raises(ovirtsdk4.AuthError, match="Kerberos"):
        _kerberos_token(sim)
    assert not sim.engine.tokens


def test_the_kerberos_grant_needs_an_explicit_option(fresh):
    assert _kerberos_token(fresh(1, kerberos=True)) == "oVirt Engine"


def test_serve_kerberos_flag(tmp_path):
    with serve(tmp_path / "off", "--vms", "1") as info:
        sim_url = info["url"]
        with pytest.raises(ovirtsdk4.AuthError):
            with ovirtsdk4.Connection(url=sim_url, kerberos=True, ca_file=info["ca_file"]) as c:
                c.authenticate()
        assert "kerberos" not in info
    with serve(tmp_path / "on", "--vms", "1", "--kerberos") as info:
        assert info["kerberos"].startswith("ON")
        with ovirtsdk4.Connection(url=info["url"], kerberos=True, ca_file=info["ca_file"]) as c:
            assert len(c.system_service().vms_service().list()) == 1


# ---------------------------------------------------------------------- point 4: ids, names, XML


def _raw(sim, method, path, body=b""):
    """A request outside the SDK: (status, content type, body)."""
    curl = pycurl.Curl()
    out = bytearray()
    try:
        curl.setopt(pycurl.URL, sim.base_url + path)
        curl.setopt(pycurl.CAINFO, sim.ca_file)
        curl.setopt(pycurl.CUSTOMREQUEST, method)
        curl.setopt(pycurl.USERPWD, f"{sim.username}:{sim.password}")
        if body:
            curl.setopt(pycurl.POSTFIELDS, body)
            curl.setopt(pycurl.HTTPHEADER, ["Content-Type: application/xml"])
        curl.setopt(pycurl.WRITEFUNCTION, out.extend)
        curl.perform()
        return curl.getinfo(pycurl.RESPONSE_CODE), curl.getinfo(pycurl.CONTENT_TYPE), bytes(out)
    finally:
        curl.close()


ODD_IDS = ["web-1", "UPPER_case", "123", "a.b", "x" * 200]


@pytest.mark.parametrize("vm_id", ODD_IDS)
def test_any_id_works_everywhere(fresh, vm_id):
    sim = fresh(2)
    sim.engine.add(types.Vm(id=vm_id, name=f"n-{vm_id}", cluster=types.Cluster(name="Default")))
    with sim.connection() as connection:
        service = connection.system_service().vms_service().vm_service(vm_id)
        assert service.get().name == f"n-{vm_id}"
        for sub in (
            service.tags_service(),
            service.affinity_labels_service(),
            service.permissions_service(),
            service.snapshots_service(),
            service.statistics_service(),
            service.nics_service(),
            service.disk_attachments_service(),
        ):
            assert isinstance(sub.list(), list)
        service.start()
        assert service.get().status == types.VmStatus.UP
    assert sim.engine.errors == []


def test_percent_encoded_ids_work(fresh):
    sim = fresh(1)
    sim.engine.add(types.Vm(id="vm 1 Ω", name="odd", cluster=types.Cluster(name="Default")))
    for sub in ("", "/tags", "/nics", "/statistics", "/permissions"):
        status, content_type, data = _raw(sim, "GET", f"/ovirt-engine/api/vms/vm%201%20%CE%A9{sub}")
        assert status == 200 and content_type.startswith("application/xml"), data
    assert Reader.read(_raw(sim, "GET", "/ovirt-engine/api/vms/vm%201%20%CE%A9")[2]).name == "odd"


@pytest.mark.parametrize(
    "name", ["with space", "Ω ünïcode", "quote'\"<&>", "semi;colon", "a*b", "-lead"]
)
def test_any_name_works(fresh, name):
    sim = fresh(1)
    with sim.connection() as connection:
        vms = connection.system_service().vms_service()
        vm = vms.add(types.Vm(name=name, cluster=types.Cluster(name="Default")))
        assert vms.vm_service(vm.id).get().name == name
        tag = connection.system_service().tags_service().add(types.Tag(name=name))
        assert tag.name == name


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/ovirt-engine/api/vms/nope/tags", b""),
        ("GET", "/ovirt-engine/api/nothing-here", b""),
        ("GET", "/elsewhere", b""),
        ("DELETE", "/ovirt-engine/api", b""),
        ("POST", "/ovirt-engine/api/vms", b"<vm><name>"),
        ("POST", "/ovirt-engine/api/vms", b"<host><name>h</name></host>"),
        ("POST", "/ovirt-engine/api/vms", b"<vm><name>x</name></vm>"),
        ("PUT", "/ovirt-engine/api/vms", b"<vm/>"),
        ("GET", "/ovirt-engine/api/vms?max=lots", b""),
        ("GET", "/ovirt-engine/api/vms?search=nosuchfield%3D1", b""),
        ("GET", "/ovirt-engine/api/vms?follow=nothing", b""),
        ("POST", "/ovirt-engine/api/vms/nope/start", b"<action/>"),
        ("POST", "/ovirt-engine/api/vms/%zz/start", b"<action/>"),
    ],
)
def test_every_error_is_an_xml_fault(sim, method, path, body):
    status, content_type, data = _raw(sim, method, path, body)
    assert status >= 400 and content_type.startswith("application/xml")
    fault = Reader.read(data)
    assert isinstance(fault, types.Fault) and fault.detail, data


def test_no_credentials_is_an_xml_fault_too(sim):
    curl = pycurl.Curl()
    out = bytearray()
    curl.setopt(pycurl.URL, sim.url + "/vms")
    curl.setopt(pycurl.CAINFO, sim.ca_file)
    curl.setopt(pycurl.WRITEFUNCTION, out.extend)
    curl.perform()
    assert curl.getinfo(pycurl.RESPONSE_CODE) == 401
    assert curl.getinfo(pycurl.CONTENT_TYPE).startswith("application/xml")
    curl.close()
    assert isinstance(Reader.read(bytes(out)), types.Fault)


# ---------------------------------------------------------------------- point 7: pytest


PLUGIN_TEST = textwrap.dedent(
    """
    def test_fixtures(ovirt_simulator, ovirt_connection):
        vms = ovirt_connection.system_service().vms_service().list()
        assert len(vms) == 3 and ovirt_simulator.url
    """
)


@pytest.mark.parametrize(
    "args, conftest",
    [
        ([], None),
        (["-p", "ovirtsdk4.testing.pytest_plugin"], None),
        ([], 'pytest_plugins = ["ovirtsdk4.testing.pytest_plugin"]\n'),
        (
            ["-p", "ovirtsdk4.testing.pytest_plugin"],
            'pytest_plugins = ["ovirtsdk4.testing.pytest_plugin"]\n',
        ),
        (["-p", "no:ovirtsdk4", "-p", "ovirtsdk4.testing.pytest_plugin"], None),
    ],
    ids=["auto", "-p", "pytest_plugins", "both", "no-auto"],
)
def test_the_pytest_plugin_in_each_documented_form(tmp_path, args, conftest):
    (tmp_path / "test_it.py").write_text(PLUGIN_TEST)
    if conftest:
        (tmp_path / "conftest.py").write_text(conftest)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *args,
            "--ovirt-simulator-vms",
            "3",
            "test_it.py",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(),
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_long_lists_are_streamed_and_complete(fresh):
    from ovirtsdk4.testing.engine import LIST_STEP

    sim = fresh(LIST_STEP * 2 + 7)
    curl = pycurl.Curl()
    headers = []
    out = bytearray()
    curl.setopt(pycurl.URL, sim.url + "/vms")
    curl.setopt(pycurl.CAINFO, sim.ca_file)
    curl.setopt(pycurl.USERPWD, f"{sim.username}:{sim.password}")
    curl.setopt(pycurl.WRITEFUNCTION, out.extend)
    curl.setopt(pycurl.HEADERFUNCTION, lambda line: headers.append(line.decode().lower()))
    curl.perform()
    curl.close()
    assert "transfer-encoding: chunked\r\n" in headers
    assert len(Reader.read(bytes(out))) == LIST_STEP * 2 + 7
    with sim.connection() as connection:
        vms = connection.system_service().vms_service()
        listed = vms.list()
        assert [v.id for v in listed] == [v.id for v in sim.engine.list("/vms")]
        assert len(vms.list(search="status=up")) == len(
            [v for v in sim.engine.list("/vms") if v.status == types.VmStatus.UP]
        )
        assert len(list(vms.list_iter())) == LIST_STEP * 2 + 7


def test_a_streamed_body_that_fails_cuts_the_reply_and_is_recorded(tls):
    from ovirtsdk4.testing._http import HttpServer, Response

    def pieces():
        yield b"<vms>"
        raise RuntimeError("render failed")

    def handler(request):
        if request.path == "/bad":
            return Response(200, pieces(), [("Content-Type", "application/xml")])
        return Response(200, iter([b"<vms>", b"", b"</vms>"]), [("Content-Type", "text/xml")])

    with HttpServer(handler, certfile=tls.server_cert, keyfile=tls.server_key) as server:
        curl = pycurl.Curl()
        curl.setopt(pycurl.CAINFO, str(tls.ca_cert))
        out = bytearray()
        curl.setopt(pycurl.WRITEFUNCTION, out.extend)
        curl.setopt(pycurl.URL, server.url("/bad"))
        with pytest.raises(pycurl.error):
            curl.perform()
        assert [str(e) for e in server.errors] == ["render failed"]
        out.clear()
        curl.setopt(pycurl.URL, server.url("/good"))
        curl.perform()
        assert bytes(out) == b"<vms></vms>" and curl.getinfo(pycurl.RESPONSE_CODE) == 200
        curl.close()


def test_every_collection_an_export_reads_is_listable(fresh):
    sim = fresh(30)
    with sim.connection() as connection:
        system = connection.system_service()
        counts = {
            "vnicprofiles": len(system.vnic_profiles_service().list()),
            "tags": len(system.tags_service().list()),
            "users": len(system.users_service().list()),
            "groups": len(system.groups_service().list()),
            "events": len(system.events_service().list()),
            "permissions": len(system.permissions_service().list()),
            "affinitylabels": len(system.affinity_labels_service().list()),
        }
        assert counts == {
            "vnicprofiles": 3,
            "tags": 5,
            "users": 4,
            "groups": 2,
            "events": 20,
            "permissions": 1,
            "affinitylabels": 3,
        }
        vms = system.vms_service()
        vm = vms.vm_service(vms.list(search="name=vm00000")[0].id)
        assert [s.description for s in vm.snapshots_service().list()] == ["Active VM"]
        (permission,) = vm.permissions_service().list()
        assert permission.role.id and permission.user.id
        labels = system.affinity_labels_service()
        labelled = sum(
            len(labels.label_service(lb.id).vms_service().list()) for lb in labels.list()
        )
        assert labelled == 3  # every tenth VM
        listed = vms.list(follow="tags,affinity_labels,snapshots,permissions")
        assert sum(len(v.affinity_labels) for v in listed) == 3
        assert all(len(v.tags) == 1 and len(v.snapshots) == 1 for v in listed)
