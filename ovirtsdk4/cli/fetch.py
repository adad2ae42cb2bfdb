"""Fetching: one job per top-level collection, each streaming its objects from the engine
(``list_iter``) straight into its sink, run in parallel and watched by the main thread.

The VMs' sub-collections come inline with the VMs (``follow``), or with ``per_vm`` from
requests per VM (``wait=False`` futures, a bounded window of them in flight) once the VM ids
have been streamed to a spool file. Events are streamed newest first and stop at the first one
older than ``since``.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import os

import ovirtsdk4
from ovirtsdk4.cli import catalog
from ovirtsdk4.cli.failures import EXIT_UNREACHABLE, ExportFailure
from ovirtsdk4.cli.records import owner_key, to_record

__all__ = ["Fetch", "supervise"]

_POLL = 0.2


class Fetch:
    """The jobs of one export."""

    def __init__(self, connection, output, progress, selected, *, per_vm, since, spool_dir, window):
        self.system = connection.system_service()
        self.progress = progress
        self.names = [c.name for c in selected]
        self.sinks = {c.name: output.sink(c.name) for c in selected}
        self.children = [c for c in selected if c.is_vm_child]
        self.per_vm = per_vm
        self.since = since
        self.spool = os.path.join(spool_dir, ".vm-ids")
        self.window = window
        # collection name -> the activity that fetched it, for the summary and the manifest
        self.activity = {}

    def jobs(self):
        tops = [c for c in catalog.TOP if c.name in self.sinks]
        if self.children and "vms" not in self.sinks:
            tops.insert(0, catalog.BY_NAME["vms"])
        return [lambda c=c: self._top(c) for c in tops]

    def _top(self, coll):
        per_vm = coll.name == "vms" and bool(self.children) and self.per_vm
        kwargs = {}
        children = []
        if coll.name == "vms" and self.children and not per_vm:
            kwargs["follow"] = ",".join(c.member for c in self.children)
            children = [(c, self.sinks[c.name], owner_key(c.cls)) for c in self.children]
        spool = open(self.spool, "x", encoding="ascii") if per_vm else None  # noqa: SIM115
        sink = self.sinks.get(coll.name)
        skip = {c.member for c in self.children} if coll.name == "vms" else ()
        key = owner_key(coll.cls)
        cutoff = self.since if coll.name == "events" else None
        service = getattr(self.system, coll.locator)()
        activity = self.progress.begin(f"fetching {coll.name}")
        self.activity[coll.name] = activity
        for child, _, _ in children:
            self.activity[child.name] = activity
        try:
            with contextlib.closing(service.list_iter(**kwargs)) as objects:
                for obj in objects:
                    if cutoff is not None and obj.time is not None and obj.time < cutoff:
                        break
                    if sink is not None:
                        sink.write(to_record(obj, skip), {key: obj.id})
                    for child, child_sink, child_key in children:
                        for item in getattr(obj, child.member) or ():
                            self._write_child(child_sink, child_key, obj.id, item)
                    if spool is not None:
                        spool.write(obj.id + "\n")
                    activity.tick()
        finally:
            if spool is not None:
                spool.close()
        activity.done()
        if spool is not None:
            self._per_vm()

    @staticmethod
    def _write_child(sink, key, vm_id, item):
        record = {"vm_id": vm_id}
        record.update(to_record(item))
        sink.write(record, {"vm_id": vm_id, key: item.id})

    def _per_vm(self):
        activity = self.progress.begin("fetching VM sub-collections")
        for child in self.children:
            self.activity[child.name] = activity
        children = [
            (f"{c.member}_service", self.sinks[c.name], owner_key(c.cls)) for c in self.children
        ]
        vms = self.system.vms_service()
        pending = collections.deque()

        def drain_one():
            vm_id, sink, key, future = pending.popleft()
            try:
                items = future.wait()
            except ovirtsdk4.NotFoundError:  # the VM was removed since it was listed
                items = ()
            for item in items:
                self._write_child(sink, key, vm_id, item)
            activity.tick()

        with open(self.spool, encoding="ascii") as ids:
            for line in ids:
                vm_id = line.rstrip("\n")
                vm = vms.vm_service(vm_id)
                for locator, sink, key in children:
                    future = getattr(vm, locator)().list(wait=False)
                    pending.append((vm_id, sink, key, future))
                while len(pending) >= self.window:
                    drain_one()
        while pending:
            drain_one()
        os.unlink(self.spool)
        activity.done()


def supervise(pool, jobs, progress, timeout, abort):
    """Run ``jobs`` on ``pool`` and return their results, rendering the progress meanwhile.
    The first failure, a stall (an engine activity silent for ``timeout`` seconds) or an
    interrupt calls ``abort()`` (which must make the running jobs fail soon: closing the
    connection does), waits for the jobs, and raises."""
    futures = [pool.submit(job) for job in jobs]
    try:
        pending = set(futures)
        while pending:
            done, pending = concurrent.futures.wait(
                pending, timeout=_POLL, return_when=concurrent.futures.FIRST_EXCEPTION
            )
            for future in done:
                error = future.exception()
                if error is not None:
                    raise error
            progress.render()
            stalled = progress.stalled(timeout)
            if stalled is not None:
                raise ExportFailure(
                    EXIT_UNREACHABLE,
                    f"the engine sent nothing for {timeout:g} s while {stalled.label}; "
                    "it may be overloaded or unreachable (see --timeout)",
                )
    except BaseException:
        for future in futures:
            future.cancel()
        abort()
        concurrent.futures.wait(futures)
        raise
    return [future.result() for future in futures]
