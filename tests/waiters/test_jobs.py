"""Correlation ids and waiting for their jobs, against the simulator."""

import re

import pytest

import ovirtsdk4
from ovirtsdk4 import types, waiters
from ovirtsdk4.waiters import JobFailedError, WaitTimeoutError

from .conftest import QUICK

JS, SS = types.JobStatus, types.StepStatus


def test_new_correlation_id():
    cid = waiters.new_correlation_id()
    assert re.fullmatch(r"sdk-[0-9a-f]{32}", cid)
    assert waiters.new_correlation_id() != cid
    assert waiters.new_correlation_id("nightly_backup").startswith("nightly_backup-")
    assert len(waiters.new_correlation_id("x" * 17)) == 50
    for bad in ("x" * 18, "with space", "é", "a/b"):
        with pytest.raises(ovirtsdk4.Error, match="correlation id prefix"):
            waiters.new_correlation_id(bad)


def test_jobs_of_an_action(connection, down_vm):
    cid = waiters.new_correlation_id()
    down_vm.start(query={"correlation_id": cid})
    jobs_service = connection.system_service().jobs_service()
    assert [j.status for j in jobs_service.list(search=f"correlation_id={cid}")] == [JS.STARTED]
    jobs = waiters.wait_for_jobs(connection, cid, timeout=10, backoff=QUICK)
    assert [job.status for job in jobs] == [JS.FINISHED]
    assert "Start" in jobs[0].description


def test_every_job_of_the_id(connection, down_vm):
    cid = waiters.new_correlation_id()
    down_vm.update(types.Vm(description="two jobs"), query={"correlation_id": cid})
    down_vm.start(query={"correlation_id": cid})
    jobs = waiters.wait_for_jobs(connection, cid, timeout=10, backoff=QUICK)
    assert len(jobs) == 2 and all(job.status == JS.FINISHED for job in jobs)


def test_failed_job_names_its_failed_step(sim, connection):
    cid = waiters.new_correlation_id("fail")
    engine = sim.engine
    with engine.lock:
        job = engine.add(types.Job(description="Migrating VM web1", status=JS.STARTED))
        engine.job_correlation[job.id] = cid
        steps = f"/jobs/{job.id}/steps"
        outer = engine.add(
            types.Step(description="Executing", type=types.StepEnum.EXECUTING, status=SS.STARTED),
            steps,
        )
        inner = engine.add(
            types.Step(
                description="Migrating to host h2",
                status=SS.STARTED,
                parent_step=types.Step(id=outer.id),
            ),
            steps,
        )
        engine.add(types.Step(description="Validating", status=SS.FINISHED), steps)
        # What the engine shows once the migration failed: the job and both steps failed.
        for obj in (job, outer, inner):
            engine.transition(obj, None, JS.FAILED if obj is job else SS.FAILED)
    with pytest.raises(JobFailedError) as caught:
        waiters.wait_for_jobs(connection, cid, timeout=10, backoff=QUICK)
    error = caught.value
    assert error.last.id == job.id and error.last.status == JS.FAILED
    assert [step.description for step in error.steps] == ["Executing", "Migrating to host h2"]
    assert [j.id for j in error.jobs] == [job.id]
    assert str(error) == (
        f"Job 'Migrating VM web1' ({job.id}) of correlation id '{cid}' ended failed at step "
        "'Migrating to host h2'"
    )


def test_no_job_times_out(connection):
    with pytest.raises(WaitTimeoutError, match="no job found") as caught:
        waiters.wait_for_jobs(connection, "nothing-ran", timeout=0.1, backoff=QUICK)
    assert caught.value.last == []


def test_an_id_that_needs_quoting(connection):
    with pytest.raises(WaitTimeoutError, match="'not plain'"):
        waiters.wait_for_jobs(connection, "not plain", timeout=0, backoff=QUICK)
