"""``list()`` collects the objects it reads once, as generation 1, when there are many of them
(docs/transport.md): no generation-1 pass over them is left for the caller's code, the
collector is on afterwards, and cycles made with them are still collected."""

import gc
import weakref

from .conftest import xml
from .test_streaming import vms_document


def _in_generation(obj, generation):
    return any(o is obj for o in gc.get_objects(generation))


def _list(engine, connection, count):
    body = vms_document(count)
    engine.api = lambda request: xml(body)
    vms = connection.system_service().vms_service()
    vms.list()  # warm: the connection, the reader
    gc.collect()
    return vms.list()


def test_a_large_list_is_collected_once_as_generation_1(engine, connection):
    listed = _list(engine, connection, 20_000)
    assert len(listed) == 20_000
    assert gc.isenabled()
    # Collected as generation 1 inside list(): in the oldest generation already, so no
    # generation-1 pass of the caller's code walks them again (left to the collector, a
    # young pass would have put them in generation 1, to be walked there once more).
    for vm in (listed[0], listed[-1]):
        assert _in_generation(vm, 2)
        assert not _in_generation(vm, 1)


def test_a_small_list_is_left_to_the_collector(engine, connection):
    listed = _list(engine, connection, 3)
    assert len(listed) == 3
    assert gc.isenabled()
    assert not _in_generation(listed[0], 2)


def test_the_collector_stays_off_when_it_was_off(engine, connection):
    body = vms_document(20_000)
    engine.api = lambda request: xml(body)
    vms = connection.system_service().vms_service()
    gc.disable()
    try:
        assert len(vms.list()) == 20_000
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cycles_with_listed_objects_are_still_collected(engine, connection):
    body = vms_document(20_000)
    engine.api = lambda request: xml(body)
    listed = connection.system_service().vms_service().list()

    class Holder:
        pass

    holder = Holder()
    # A cycle through a listed object: holder -> vm -> list -> holder.
    holder.vm = listed[5]
    listed[5].tags = [holder]
    alive = weakref.ref(holder)
    del holder, listed
    gc.collect()
    assert alive() is None
