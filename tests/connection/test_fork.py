"""Fork safety (issue 16): a child forked while requests are in flight gets a usable
connection (the transport starts afresh in the child, see ``Transport._after_fork``), and the
parent's requests finish as if nothing happened."""

import os
import time

from .conftest import xml

VM = '<vm id="1"><name>a</name></vm>'


def wait_for_child(pid):
    """The child's exit code; bounded: a child still running after 60 s is killed."""
    for _ in range(6000):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return "hung"


def test_a_child_forked_while_requests_are_in_flight_can_use_the_connection(engine, connect):
    engine.api = lambda request: xml(VM, delay=0.3 if "slow" in request.path else 0)
    connection = connect()
    vms = connection.system_service().vms_service()
    assert vms.vm_service("1").get().id == "1"
    in_flight = [vms.vm_service(f"slow{i}").get(wait=False) for i in range(4)]
    for _ in range(3000):  # bounded: until the server has them all
        if len(engine.api_requests) == 5:
            break
        time.sleep(0.001)
    pid = os.fork()
    if pid == 0:  # the child: a few requests on the inherited connection, then leave
        try:
            ok = all(vms.vm_service("1").get().id == "1" for _ in range(3))
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    assert [future.wait().id for future in in_flight] == ["1"] * 4
    assert wait_for_child(pid) == 0
    assert vms.vm_service("1").get().id == "1"
