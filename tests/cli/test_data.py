"""What the export writes, against the simulator over HTTPS: complete and joinable records in
every format, the manifest, and the same data whichever way it is fetched (points 2, 3, 4, 8
of issue 10)."""

import csv
import datetime
import json
import os
import sqlite3

import pytest

from ovirtsdk4.cli import catalog, export
from ovirtsdk4.testing.engine import Engine
from ovirtsdk4.testing.inventory import populate

from .conftest import VMS, read_jsonl


@pytest.fixture(scope="module")
def expected():
    engine = Engine(password="x")
    populate(engine, VMS)
    return engine


@pytest.fixture(scope="module")
def jsonl_export(sim, tmp_path_factory):
    out = tmp_path_factory.mktemp("jsonl") / "out"
    os.environ["OVIRT_PASSWORD"] = sim.password
    try:
        args = ["--url", sim.url, "--username", sim.username, "--ca-file", sim.ca_file]
        assert export.main([*args, "--output", str(out), "--quiet"]) == 0
    finally:
        del os.environ["OVIRT_PASSWORD"]
    return out


def _by_id(records):
    return {r["id"]: r for r in records}


def test_default_files_and_nothing_else(jsonl_export):
    names = sorted(p.name for p in jsonl_export.iterdir())
    assert names == sorted([f"{n}.jsonl" for n in catalog.DEFAULT] + ["manifest.json"])
    assert not [p for p in jsonl_export.parent.iterdir() if p.name.startswith(".")]


def test_vms_match_the_inventory(jsonl_export, expected):
    vms = read_jsonl(jsonl_export / "vms.jsonl")
    stored = {vm.id: vm for vm in expected.list("/vms")}
    assert set(_by_id(vms)) == set(stored)
    for record in vms:
        vm = stored[record["id"]]
        assert record["name"] == vm.name
        assert record["status"] == vm.status.value
        assert record["memory"] == vm.memory
        assert record["cluster"] == {"id": vm.cluster.id}
        assert record["template"] == {"id": vm.template.id}
        assert record.get("host") == ({"id": vm.host.id} if vm.host else None)
        assert record["cpu"]["topology"]["sockets"] == vm.cpu.topology.sockets
        assert record["os"]["boot"]["devices"] == ["hd"]
        assert datetime.datetime.fromisoformat(record["creation_time"]) == vm.creation_time
        # exported as sub-collections, not repeated in the VM
        assert not {"disk_attachments", "nics", "tags"} & set(record)


def test_list_valued_references_are_kept(jsonl_export, expected):
    disks = read_jsonl(jsonl_export / "disks.jsonl")
    stored = {d.id: d for d in expected.list("/disks")}
    assert set(_by_id(disks)) == set(stored)
    for record in disks:
        want = [{"id": sd.id} for sd in stored[record["id"]].storage_domains]
        assert record["storage_domains"] == want
    domains = read_jsonl(jsonl_export / "storagedomains.jsonl")
    assert all(d["data_centers"] and "id" in d["data_centers"][0] for d in domains)
    networks = read_jsonl(jsonl_export / "networks.jsonl")
    assert {"management", "vm"} <= {u for n in networks for u in n["usages"]}


def test_joins_vm_to_storage_network_data_center_and_tags(jsonl_export, expected):
    read = {n: _by_id(read_jsonl(jsonl_export / f"{n}.jsonl")) for n in catalog.DEFAULT[:10]}
    attachments = read_jsonl(jsonl_export / "vm_disk_attachments.jsonl")
    nics = read_jsonl(jsonl_export / "vm_nics.jsonl")
    tags = read_jsonl(jsonl_export / "vm_tags.jsonl")
    want_attachments = {
        (vm.id, a.id)
        for vm in expected.list("/vms")
        for a in expected.list(f"/vms/{vm.id}/diskattachments")
    }
    assert {(a["vm_id"], a["id"]) for a in attachments} == want_attachments
    for a in attachments:  # VM -> disk -> storage domain
        disk = read["disks"][a["disk"]["id"]]
        assert read["storagedomains"][disk["storage_domains"][0]["id"]]["name"].startswith("data")
    assert len(nics) == VMS
    for nic in nics:  # VM -> NIC -> vNIC profile -> network -> data center
        profile = read["vnicprofiles"][nic["vnic_profile"]["id"]]
        network = read["networks"][profile["network"]["id"]]
        assert network["data_center"]["id"] in read["datacenters"]
        assert nic["vm_id"] in read["vms"]
    running = [vm for vm in read["vms"].values() if "host" in vm]
    assert running
    for vm in running:  # VM -> host -> cluster -> data center
        cluster = read["clusters"][read["hosts"][vm["host"]["id"]]["cluster"]["id"]]
        assert cluster["data_center"]["id"] in read["datacenters"]
    assert len(tags) == VMS
    assert {read["tags"][t["id"]]["name"] for t in tags} <= {"prod", "dev", "test", "backup"}


def test_manifest(jsonl_export, sim):
    manifest = json.loads((jsonl_export / "manifest.json").read_text())
    assert manifest["simulated"] is False
    assert manifest["engine"]["url"] == sim.url
    assert manifest["engine"]["product"] == "oVirt Engine"
    assert manifest["engine"]["version"] and manifest["engine"]["api_version"] == "4.5"
    assert manifest["format"] == "jsonl"
    started = datetime.datetime.fromisoformat(manifest["started"])
    finished = datetime.datetime.fromisoformat(manifest["finished"])
    assert started <= finished
    assert manifest["seconds"] == pytest.approx((finished - started).total_seconds(), abs=0.01)
    assert list(manifest["collections"]) == list(catalog.DEFAULT)
    for name, entry in manifest["collections"].items():
        path = jsonl_export / f"{name}.jsonl"
        assert entry["objects"] == len(read_jsonl(path))
        assert entry["files"] == {path.name: path.stat().st_size} and entry["seconds"] >= 0
    assert manifest["collections"]["vms"]["objects"] == VMS
    assert manifest["options"]["username"] == sim.username
    assert sim.password not in (jsonl_export / "manifest.json").read_text()


def test_manifest_url_has_no_credentials():
    from ovirtsdk4.cli.manifest import public_url

    assert public_url("https://admin:pw@engine:8443/ovirt-engine/api?x=1#f") == (
        "https://engine:8443/ovirt-engine/api"
    )


def test_demo_is_marked_simulated(tmp_path, capsys):
    out = tmp_path / "out"
    assert export.main(["--demo-vms", "5", "--output", str(out), "--collections", "vms"]) == 0
    summary = capsys.readouterr().out
    assert "vms" in summary and "objects/s" in summary and "total" in summary
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["simulated"] is True and manifest["options"]["demo_vms"] == 5
    assert "simulated" in manifest["engine"]["version"]
    assert len(read_jsonl(out / "vms.jsonl")) == 5


def test_csv_tables(url_args, tmp_path):
    assert export.main(url_args(tmp_path / "out", "--format", "csv")) == 0
    out = tmp_path / "out"

    def rows(name):
        with open(out / f"{name}.csv", newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    vms = rows("vms")
    assert len(vms) == VMS
    assert {"id", "name", "status", "cluster_id", "cpu_topology_sockets"} <= set(vms[0])
    # host_id appears with the first running VM; the rows before it are padded
    assert all(None not in r.values() for r in vms)
    assert {r["host_id"] for r in vms} - {""} and "" in {r["host_id"] for r in vms}
    links = rows("disks_storage_domains")
    assert len(links) == len(rows("disks")) and set(links[0]) == {"disk_id", "position", "id"}
    assert {r["value"] for r in rows("vms_os_boot_devices")} == {"hd"}
    assert {r["stateless"] for r in vms} == {"false"}
    assert len(rows("vm_nics")) == VMS and rows("vm_nics")[0]["vm_id"]


def test_sqlite_answers_inventory_questions_with_joins(url_args, tmp_path):
    assert export.main(url_args(tmp_path / "out", "--format", "sqlite")) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["export.db", "manifest.json"]
    db = sqlite3.connect(tmp_path / "out" / "export.db")
    networks = db.execute(
        "select w.name, count(*) from vms v join vm_nics n on n.vm_id = v.id "
        "join vnicprofiles p on p.id = n.vnic_profile_id join networks w on w.id = p.network_id "
        "group by w.name"
    ).fetchall()
    assert sum(count for _, count in networks) == VMS
    storage = db.execute(
        "select sum(d.provisioned_size) from vms v join vm_disk_attachments a on a.vm_id = v.id "
        "join disks d on d.id = a.disk_id join disks_storage_domains s on s.disk_id = d.id "
        "join storagedomains sd on sd.id = s.id"
    ).fetchone()[0]
    assert storage == db.execute("select sum(provisioned_size) from disks").fetchone()[0]
    hosts = db.execute(
        "select count(*) from vms v join hosts h on h.id = v.host_id "
        "join clusters c on c.id = h.cluster_id join datacenters d on d.id = c.data_center_id"
    ).fetchone()[0]
    assert hosts == db.execute("select count(*) from vms where host_id is not null").fetchone()[0]
    assert (
        db.execute("select count(*) from vm_tags t join tags g on g.id = t.id").fetchone()[0] == VMS
    )
    # typed values, ids indexed
    assert db.execute("select typeof(memory), typeof(stateless) from vms").fetchone() == (
        "integer",
        "integer",
    )
    indexed = {
        (table, column)
        for (table,) in db.execute("select name from sqlite_master where type = 'table'")
        for (column,) in db.execute(
            "select ii.name from pragma_index_list(?) il join pragma_index_info(il.name) ii",
            (table,),
        )
    }
    assert {
        ("vms", "id"),
        ("vms", "cluster_id"),
        ("vm_nics", "vm_id"),
        ("disks_storage_domains", "disk_id"),
    } <= indexed
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["collections"]["disks"]["tables"] == {
        "disks": len(db.execute("select id from disks").fetchall()),
        "disks_storage_domains": len(db.execute("select id from disks").fetchall()),
    }
    assert manifest["collections"]["vms"]["bytes"] > 0


def _jsonl_set(directory, name):
    return sorted(json.dumps(r, sort_keys=True) for r in read_jsonl(directory / f"{name}.jsonl"))


def test_same_data_with_one_connection_per_vm_and_by_default(url_args, tmp_path):
    more = ["--collections", "default,vm_snapshots,vm_permissions,vm_affinity_labels"]
    assert export.main(url_args(tmp_path / "a", *more)) == 0
    assert export.main(url_args(tmp_path / "b", *more, "--connections", "1")) == 0
    assert export.main(url_args(tmp_path / "c", *more, "--per-vm", "--connections", "3")) == 0
    for name in catalog.DEFAULT + ("vm_snapshots", "vm_permissions", "vm_affinity_labels"):
        a = _jsonl_set(tmp_path / "a", name)
        assert a == _jsonl_set(tmp_path / "b", name) == _jsonl_set(tmp_path / "c", name), name
    assert len(_jsonl_set(tmp_path / "a", "vm_snapshots")) == VMS
    permissions = read_jsonl(tmp_path / "a" / "vm_permissions.jsonl")
    assert all(
        p["role"]["id"] and p["user"]["id"] and p["vm"]["id"] == p["vm_id"] for p in permissions
    )


def test_more_collections_on_request(sim, url_args, tmp_path):
    args = ["--collections", "vms,users,groups,roles,affinitylabels,events", "--since", "1d"]
    assert export.main(url_args(tmp_path / "out", *args)) == 0
    out = tmp_path / "out"
    assert {u["name"] for u in read_jsonl(out / "users.jsonl")} >= {"admin"}
    assert {r["name"] for r in read_jsonl(out / "roles.jsonl")} >= {"SuperUser"}
    assert {a["name"] for a in read_jsonl(out / "affinitylabels.jsonl")} == {"gpu", "ssd", "numa"}
    events = read_jsonl(out / "events.jsonl")
    assert len(events) == len(sim.engine.list("/events")) > 0
    assert (out / "groups.jsonl").exists()


def test_events_since_stops_at_the_bound(sim, url_args, tmp_path):
    events = sorted(sim.engine.list("/events"), key=lambda e: int(e.id))
    newest = events[-1].time
    old = sim.engine.add_event("an old event")
    old.time = newest - datetime.timedelta(days=3)
    recent = sim.engine.add_event("a recent event")
    recent.time = newest
    try:
        since = (newest - datetime.timedelta(days=1)).isoformat()
        out = tmp_path / "out"
        assert export.main(url_args(out, "--collections", "events", "--since", since)) == 0
        ids = [e["id"] for e in read_jsonl(out / "events.jsonl")]
        assert ids and ids[0] == recent.id and old.id not in ids
        # streamed newest first: the export stops at the old event, before the earlier ones
        assert all(int(i) > int(old.id) for i in ids)
    finally:
        sim.engine.collection("/events").items.pop(old.id)
        sim.engine.collection("/events").items.pop(recent.id)


def test_per_vm_skips_a_vm_removed_after_the_listing(tls, tmp_path, monkeypatch):
    from ovirtsdk4.testing._http import HttpServer

    engine = Engine(password="pw")
    populate(engine, 6)
    gone = engine.list("/vms")[2]

    def handler(request):
        response = engine.handle(request)
        if request.method == "GET" and request.path.endswith("/vms"):
            with engine.lock:
                engine.collection("/vms").items.pop(gone.id)
        return response

    monkeypatch.setenv("OVIRT_PASSWORD", "pw")
    with HttpServer(handler, certfile=tls.server_cert, keyfile=tls.server_key) as server:
        args = ["--url", server.url("/ovirt-engine/api"), "--ca-file", str(tls.ca_cert)]
        args += ["--output", str(tmp_path / "out"), "-q", "--collections", "vms,vm_nics"]
        assert export.main([*args, "--per-vm"]) == 0
    assert len(read_jsonl(tmp_path / "out" / "vms.jsonl")) == 6
    nics = read_jsonl(tmp_path / "out" / "vm_nics.jsonl")
    assert len(nics) == 5 and gone.id not in {n["vm_id"] for n in nics}
