# cython: language_level=3
"""Compiled by test_cimport.py: reads and writes the way generated per-type code will,
through ``cimport`` of ovirtsdk4._xml.core, so the .pxd API is exercised from another module."""

from ovirtsdk4._xml.core cimport Cursor, Emitter

STATUS = {"up": "UP", "down": "DOWN"}


def read_vm(Cursor c):
    """A hand-written 'generated' reader: the cursor is on <vm>; returns a dict."""
    cdef dict d = {}
    if not c.next_start():
        return None
    d["href"] = c.attr(b"href")
    d["id"] = c.attr(b"id")
    if c.enter():
        while c.next_start():
            if c.name_is(b"name"):
                d["name"] = c.text()
            elif c.name_is(b"memory"):
                d["memory"] = c.integer()
            elif c.name_is(b"stateless"):
                d["stateless"] = c.boolean()
            elif c.name_is(b"ratio"):
                d["ratio"] = c.decimal()
            elif c.name_is(b"creation_time"):
                d["creation_time"] = c.date()
            elif c.name_is(b"status"):
                d["status"] = c.enum_value(STATUS)
            elif c.name_is(b"usages"):
                d["usages"] = c.texts()
            elif c.name_is(b"cluster"):
                d["cluster"] = read_vm(c)
            else:
                d.setdefault("skipped", []).append(c.name_str())
                c.skip()
        c.leave()
    return d


def read_vms(Cursor c):
    cdef list result = []
    if not c.next_start():
        return result
    if c.enter():
        while c.next_start():
            result.append(read_vm(c))
        c.leave()
    return result


def depth_and_type(Cursor c):
    return c.depth(), c.node_type(), c.is_empty()


def write_vm(Emitter e, dict d):
    e.start_c(b"vm")
    if d.get("id") is not None:
        e.attribute_c(b"id", d["id"])
    e.element_c(b"name", d["name"])
    e.start("usages")
    for u in d["usages"]:
        e.element("usage", u)
    e.end()
    e.end()
    return e.getvalue()
