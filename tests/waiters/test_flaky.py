"""The FlakyEngine's scripts: which requests they touch, and in what order."""

import pytest

import ovirtsdk4
from ovirtsdk4.testing import flaky
from ovirtsdk4.testing._http import Request


def test_scripts_match_method_and_path_in_order(flaky_sim):
    engine = flaky_sim.engine
    conn = flaky_sim.connection()
    try:
        system = conn.system_service()
        engine.script(flaky.conflict("[first]"), None, flaky.conflict("[third]"), path="/hosts")
        engine.script(flaky.unavailable(), method="POST", path="/vms")
        assert len(system.vms_service().list()) == 5  # a GET: not the POST's script
        with pytest.raises(ovirtsdk4.Error, match=r"\[first\]"):
            system.hosts_service().list()
        assert len(system.hosts_service().list()) >= 2  # None: the engine answered
        with pytest.raises(ovirtsdk4.Error, match=r"\[third\]"):
            system.hosts_service().list()
        assert len(system.hosts_service().list()) >= 2  # the script is used up
        assert engine.pending() == 1
        assert [(m, p.rsplit("/api", 1)[1], a) for m, p, a in engine.answered] == [
            ("GET", "/hosts", "conflict"),
            ("GET", "/hosts", "conflict"),
        ]
    finally:
        conn.close()


def test_sso_is_never_touched(flaky_sim):
    flaky_sim.engine.script(flaky.unavailable())
    conn = flaky_sim.connection()
    try:
        with pytest.raises(ovirtsdk4.Error, match="content type 'text/html"):
            conn.system_service().get()  # the token was obtained; the API request failed
    finally:
        conn.close()


def test_late_answers_after_doing_it(flaky_sim):
    flaky_sim.engine.script(flaky.late(2), method="GET", path="/vms")
    conn = flaky_sim.connection(timeout=1)
    try:
        with pytest.raises(ovirtsdk4.TimeoutError):
            conn.system_service().vms_service().list()
    finally:
        conn.close()


def test_retry_after_header(flaky_sim):
    flaky_sim.engine.script(flaky.status(429, retry_after=7))
    response = flaky_sim.engine.handle(
        Request("GET", "/ovirt-engine/api", "/ovirt-engine/api", "", [], b"")
    )
    assert response.status == 429 and ("Retry-After", "7") in response.headers
