"""API.md S-5, C-14, C-26: wait=False futures, threads sharing a connection, failures that stay
with their own future."""

import re
import threading
import time

import pytest

from ovirtsdk4 import Error, NotFoundError
from ovirtsdk4.service import Future
from ovirtsdk4.testing._http import Response

from .conftest import fault, xml

VM_PATH = re.compile(r"/vms/([^/?]+)$")


def vm_by_id(request):
    match = VM_PATH.search(request.path)
    if match is None:
        return xml("<api/>")
    return xml(f'<vm id="{match.group(1)}"><name>vm-{match.group(1)}</name></vm>')


def test_a_thousand_futures_waited_in_reverse(engine, connection):
    engine.api = vm_by_id
    vms = connection.system_service().vms_service()
    start = time.monotonic()
    futures = [vms.vm_service(str(i)).get(wait=False) for i in range(1000)]
    assert all(isinstance(future, Future) for future in futures)
    results = [future.wait() for future in reversed(futures)]
    assert [vm.id for vm in reversed(results)] == [str(i) for i in range(1000)]
    assert [vm.name for vm in results[:2]] == ["vm-999", "vm-998"]
    assert len(engine.api_requests) == 1000
    assert time.monotonic() - start < 20


def test_eight_threads_share_one_connection(engine, connection):
    engine.api = vm_by_id
    vms = connection.system_service().vms_service()
    failures = []
    barrier = threading.Barrier(8)

    def work(worker):
        try:
            barrier.wait()
            ids = [f"{worker}-{n}" for n in range(40)]
            for vm_id in ids[:20]:
                assert vms.vm_service(vm_id).get().id == vm_id
            futures = [(vm_id, vms.vm_service(vm_id).get(wait=False)) for vm_id in ids[20:]]
            for vm_id, future in futures:
                assert future.wait().id == vm_id
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert len(engine.api_requests) == 8 * 40
    assert len(engine.sso_requests()) == 1


def test_a_failed_transfer_fails_only_its_own_future(engine, connection):
    def api(request):
        if request.path.endswith("/vms/reset"):
            return Response(reset=True)
        if request.path.endswith("/vms/missing"):
            return fault("Not here", None, 404)
        return vm_by_id(request)

    engine.api = api
    connection.authenticate()
    vms = connection.system_service().vms_service()
    ids = [str(n) for n in range(10)] + ["reset"] + [str(n) for n in range(10, 20)] + ["missing"]
    futures = {vm_id: vms.vm_service(vm_id).get(wait=False) for vm_id in ids}
    for vm_id in reversed(ids):
        future = futures[vm_id]
        if vm_id == "reset":
            with pytest.raises(Error, match="^Failed to read response: "):
                future.wait()
        elif vm_id == "missing":
            with pytest.raises(NotFoundError):
                future.wait()
        else:
            assert future.wait().id == vm_id
    # the connection still works afterwards
    assert vms.vm_service("after").get().id == "after"


def test_connections_limit_is_respected(engine, connect):
    def slow(request):
        time.sleep(0.05)
        return vm_by_id(request)

    engine.api = slow
    connection = connect(connections=8)
    vms = connection.system_service().vms_service()
    futures = [vms.vm_service(str(n)).get(wait=False) for n in range(64)]
    assert [f.wait().id for f in futures] == [str(n) for n in range(64)]
    assert 1 < engine.server.max_concurrent_connections <= 8


def test_remove_with_wait_false(engine, connection):
    engine.api = lambda request: Response(204)
    result = connection.service("vms/1").remove(wait=False)
    # The official returns None here (the future is dropped); returning it is allowed.
    if result is not None:
        with pytest.raises(Error, match="^HTTP response code is 204.$"):
            result.wait()


def test_send_and_wait_directly(engine, connection):
    from ovirtsdk4 import http

    engine.api = vm_by_id
    context = connection.send(http.Request(path="/vms/7", query={"follow": "nics"}))
    response = connection.wait(context)
    assert isinstance(response, http.Response)
    assert response.code == 200
    assert response.body == b'<vm id="7"><name>vm-7</name></vm>'
    assert response.headers[0].startswith("HTTP/1.1 200")
    assert any(line.lower().startswith("content-type:") for line in response.headers)
    connection.check_xml_content_type(response)
    with pytest.raises(Error, match="isn't the expected JSON"):
        connection.check_json_content_type(response)
    assert engine.api_requests[-1].target.endswith("/vms/7?follow=nics")
