"""``list()`` puts the objects it reads in the collector's oldest generation without walking
them when there are many (docs/transport.md): no young or generation-1 pass over them, nothing
left frozen, the collector on afterwards, objects the program froze itself left frozen, and
cycles made with the listed objects still collected."""

import gc
import weakref

from .conftest import xml
from .test_streaming import vms_document


def _in_generation(obj, generation):
    return any(o is obj for o in gc.get_objects(generation))


def _list(engine, connection, count):
    """The list of ``count`` VMs, and the generations of the collections during list()."""
    body = vms_document(count)
    engine.api = lambda request: xml(body)
    vms = connection.system_service().vms_service()
    vms.list()  # warm: the connection, the reader
    gc.collect()
    passes = []

    def callback(phase, info):
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(callback)
    try:
        listed = vms.list()
    finally:
        gc.callbacks.remove(callback)
    return listed, passes


def test_a_large_list_lands_in_the_oldest_generation(engine, connection):
    listed, passes = _list(engine, connection, 20_000)
    assert len(listed) == 20_000
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    # In the oldest generation already, so no young or generation-1 pass of the caller's
    # code walks them (left to the collector, a young pass would have put them in
    # generation 1, to be walked there once more); and no pass walked them inside list().
    for vm in (listed[0], listed[-1]):
        assert _in_generation(vm, 2)
        assert not _in_generation(vm, 1)
    assert 1 not in passes and 2 not in passes, passes


def test_objects_the_program_froze_stay_frozen(engine, connection):
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        listed, passes = _list(engine, connection, 20_000)
        # Frozen objects may die meanwhile (a few), but none was unfrozen...
        assert gc.get_freeze_count() > frozen - 1000 > 0
        # ...and the new objects were collected once, as generation 1, instead.
        assert 1 in passes, passes
        assert _in_generation(listed[0], 2)
    finally:
        gc.unfreeze()


def test_a_small_list_is_left_to_the_collector(engine, connection):
    listed, _ = _list(engine, connection, 3)
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
