"""Seeds: the objects a simulator starts with, from a JSON file or a directory of XML documents.

Both formats say the same things (see ``docs/simulator.md`` for a worked example):

* **JSON** (``*.json``)::

      {"inventory": {"vms": 10},
       "objects": [
         {"@type": "StorageDomain", "name": "iso1", "type": "iso"},
         {"@type": "Vm", "name": "web1", "cluster": {"name": "Default"}, "type": "server",
          "nics": [{"name": "nic1", "vnic_profile": {"name": "ovirtmgmt"}}],
          "checkpoints": [{"id": "cp1", "state": "created"}]},
         {"@path": "/vms/web1/tags", "name": "prod"}]}

  ``inventory`` (optional) holds :func:`~ovirtsdk4.testing.inventory.populate`'s knobs;
  without it nothing is generated. ``objects`` is a list of entries, or a mapping from a
  collection path to a list of entries. An entry's keys are member names of its type, at any
  depth (nested objects, lists, enum values as strings, dates in ISO 8601), plus:

  - ``@type``: the ``ovirtsdk4.types`` class (default: what the collection holds);
  - ``@path``: the collection (default: the top-level collection of the type). Its id
    segments may be names: ``/vms/web1/nics``;
  - a key naming a sub-collection of the object (``nics``, ``diskattachments``,
    ``checkpoints``, ``snapshots``, ``statistics``, ``permissions``, ``tags`` ...): a list of
    entries added to that sub-collection, at any depth.

  ``type`` and ``path`` are members like any other; only when the class has no such member
  do they mean ``@type`` and ``@path`` (the first seed format).
* **A directory of XML documents**, read in name order: each ``*.xml`` file holds one object
  (``<vm>...</vm>``) or a list (``<vms>...</vms>``) in the API's own format. A file directly in
  the directory goes to the top-level collection of its type; a file in a sub-directory goes
  to the collection that the sub-directory's path names (``vms/web1/checkpoints/cp.xml`` to
  ``/vms/web1/checkpoints``). Inside an object, an element naming a sub-collection
  (``<nics>``, ``<checkpoints>``) adds its items there.

References (``{"name": "Default"}``, ``<cluster id="..."/>``) point at objects of the
top-level collection of their type, by id or name, seeded earlier or generated: they stay
references to that one object. A seeded object is exactly what its entry says: the simulator
adds nothing to it (no generated tags, permissions, snapshots or statistics).

:func:`load` returns a :class:`SeedReport` (what was added where). Any fault raises
:class:`SeedError`, which names the entry and the member at fault.
"""

from __future__ import annotations

import collections
import datetime
import enum
import functools
import inspect
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from ovirtsdk4 import services, types
from ovirtsdk4.error import Error
from ovirtsdk4.reader import Reader
from ovirtsdk4.testing.model import collection_type, service_info, struct_info

__all__ = ["Seed", "SeedError", "SeedReport", "load", "object_from_json", "read"]


class SeedError(Error, ValueError):
    """A seed that cannot be loaded; the message names the entry and the member at fault."""


class SeedReport:
    """What a seed added: ``counts`` maps a collection (ids shown as ``*``: ``/vms/*/nics``)
    to the number of objects added there; ``total`` is their sum."""

    def __init__(self):
        self.counts: collections.Counter = collections.Counter()

    @property
    def total(self):
        return sum(self.counts.values())

    def added(self, path):
        parts = path.strip("/").split("/")
        pattern = "/" + "/".join("*" if i % 2 else part for i, part in enumerate(parts))
        self.counts[pattern] += 1

    def __str__(self):
        if not self.counts:
            return "nothing"
        return ", ".join(f"{count} in {path}" for path, count in sorted(self.counts.items()))

    def __repr__(self):
        return f"<SeedReport {self}>"


class Seed:
    """A seed read from a file: ``inventory`` (the generation knobs, or ``None``) and the
    ``entries`` to add, each ``(where, collection path or None, object, children)``."""

    def __init__(self, inventory=None, entries=()):
        self.inventory = inventory
        self.entries = list(entries)


class _Entry:
    __slots__ = ("where", "path", "obj", "children")

    def __init__(self, where, path, obj, children):
        self.where = where
        self.path = path
        self.obj = obj
        self.children = children  # [(segment, [_Entry])]


# ---------------------------------------------------------------------- reading


def read(path) -> Seed:
    """Read a seed file (JSON) or directory (XML documents)."""
    path = Path(path)
    if path.is_dir():
        return _read_xml_directory(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SeedError(f"{path}: cannot read the seed: {exc}") from None
    return from_json(data, str(path))


def from_json(data, source="seed"):
    """A :class:`Seed` from JSON data (a dict, or a bare list of entries)."""
    if isinstance(data, list):
        data = {"objects": data}
    if not isinstance(data, dict):
        raise SeedError(f"{source}: a seed is an object with 'inventory' and 'objects'")
    unknown = sorted(set(data) - {"inventory", "objects"})
    if unknown:
        raise SeedError(f"{source}: unknown key(s) {', '.join(map(repr, unknown))}")
    inventory = data.get("inventory")
    if inventory is not None:
        _check_knobs(inventory, source)
    objects = data.get("objects") or []
    if isinstance(objects, dict):
        groups = list(objects.items())
    elif isinstance(objects, list):
        groups = [(None, objects)]
    else:
        raise SeedError(f"{source}: 'objects' takes a list of entries or a mapping of lists")
    entries = []
    for path, items in groups:
        label = "objects" if path is None else f"objects[{path!r}]"
        if not isinstance(items, list):
            raise SeedError(f"{source}: {label} takes a list of entries")
        for i, item in enumerate(items):
            entries.append(_json_entry(item, f"{source}: {label}[{i}]", path, None))
    return Seed(inventory, entries)


def _check_knobs(inventory, source):
    from ovirtsdk4.testing.inventory import populate  # inventory imports this module

    if not isinstance(inventory, dict):
        raise SeedError(f"{source}: 'inventory' takes an object of generation knobs")
    knobs = [name for name in inspect.signature(populate).parameters if name != "engine"]
    for key, value in inventory.items():
        if key not in knobs:
            raise SeedError(
                f"{source}: inventory: unknown knob '{key}' (knobs: {', '.join(knobs)})"
            )
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise SeedError(f"{source}: inventory: '{key}' takes an integer, not {value!r}")


def _json_entry(item, where, path, cls):
    if not isinstance(item, dict):
        raise SeedError(f"{where}: an entry is an object, not {item!r}")
    data = dict(item)
    cls = _entry_class(data, where, cls, path)
    members = {m.name: m for m in struct_info(cls).members}
    path = data.pop("@path", path)
    if "path" in data and "path" not in members:
        path = data.pop("path")
    where = _describe(where, cls, data)
    children = []
    obj = cls()
    for key, value in data.items():
        member = members.get(key)
        segment = _segment(cls, key, member)
        if segment is not None:
            if not isinstance(value, list):
                raise SeedError(f"{where}: '{key}' takes a list of entries")
            children.append(
                (
                    segment,
                    [
                        _json_entry(v, f"{where}.{key}[{i}]", None, _held(cls, segment, member))
                        for i, v in enumerate(value)
                    ],
                )
            )
            continue
        if member is None:
            raise SeedError(f"{where}: {cls.__name__} has no member '{key}'")
        setattr(obj, member.name, _convert(member, value, where, key))
    return _Entry(where, path, obj, children)


def _entry_class(data, where, cls, path):
    name = data.pop("@type", None)
    if name is None and isinstance(data.get("type"), str):
        # The first format: "type" named the class, unless it is a member of the class.
        legacy = getattr(types, data["type"], None)
        is_class = isinstance(legacy, type) and issubclass(legacy, types.Struct)
        if is_class and (cls is None or "type" not in {m.name for m in struct_info(cls).members}):
            name = data.pop("type")
    if name is not None:
        found = getattr(types, str(name), None)
        if not isinstance(found, type) or not issubclass(found, types.Struct):
            raise SeedError(f"{where}: '@type' {name!r} is not an ovirtsdk4.types class")
        if cls is not None and not issubclass(found, cls):
            raise SeedError(f"{where}: '@type' {name!r} is not a {cls.__name__}")
        return found
    if cls is not None:
        return cls
    if path is not None or "@path" in data:
        return _class_of_path(path or data["@path"], where)
    raise SeedError(f"{where}: the entry needs an '@type' (an ovirtsdk4.types class name)")


def _class_of_path(path, where):
    """The type a collection holds, from its path alone (names stand for ids)."""
    info = service_info(services.SystemService)
    parent = None
    parts = [p for p in str(path).strip("/").split("/") if p]
    cls = None
    for i, part in enumerate(parts):
        if i % 2:
            info = service_info(info.id_child)
            parent = cls
            continue
        child = info.locators.get(part)
        if child is None or not service_info(child).is_collection:
            raise SeedError(f"{where}: '{path}' is not a collection")
        cls = collection_type(child, part, parent)
        info = service_info(child)
    if cls is None or len(parts) % 2 == 0:
        raise SeedError(f"{where}: '{path}' is not a collection")
    return cls


def _describe(where, cls, data):
    name = data.get("name") or data.get("id")
    label = f"{cls.__name__} {name!r}" if isinstance(name, str) else cls.__name__
    return f"{where} ({label})"


@functools.cache
def _sub_collections(cls):
    """The sub-collections of the objects of type ``cls``, wherever the API holds them:
    segment -> (collection service class, ``cls``)."""
    return _all_sub_collections().get(cls, {})


@functools.cache
def _all_sub_collections():
    found = {}
    seen = set()

    def walk(info, parent):
        for segment, child in info.locators.items():
            cinfo = service_info(child)
            if not cinfo.is_collection:
                continue
            etype = collection_type(child, segment, parent)
            if etype is None or (child, etype) in seen:
                continue
            seen.add((child, etype))
            einfo = service_info(cinfo.id_child)
            subs = found.setdefault(etype, {})
            for sub, sub_cls in einfo.locators.items():
                if service_info(sub_cls).is_collection:
                    subs.setdefault(sub, (sub_cls, etype))
            walk(einfo, etype)

    walk(service_info(services.SystemService), None)
    return found


def _segment(cls, key, member):
    """The sub-collection segment a key names (``nics``, ``disk_attachments``), if any."""
    subs = _sub_collections(cls)
    if member is not None:
        if member.is_list and member.is_link and member.link_rel in subs:
            return member.link_rel
        return None
    if key in subs:
        return key
    return None


def _held(cls, segment, member):
    if member is not None and member.struct is not None:
        return member.struct.cls
    sub_cls, parent = _sub_collections(cls)[segment]
    found = collection_type(sub_cls, segment, parent)
    if found is None:
        raise SeedError(f"the collection '{segment}' of {cls.__name__} has no known type")
    return found


def _struct(value, cls, where, dotted):
    """A nested object (no sub-collections, no ``@path``) from a JSON object."""
    if not isinstance(value, dict):
        raise SeedError(f"{where}: member '{dotted}' takes an object, not {value!r}")
    data = dict(value)
    name = data.pop("@type", None)
    if name is not None:
        found = getattr(types, str(name), None)
        if not isinstance(found, type) or not issubclass(found, cls):
            raise SeedError(f"{where}: member '{dotted}': '@type' {name!r} is not a {cls.__name__}")
        cls = found
    members = {m.name: m for m in struct_info(cls).members}
    obj = cls()
    for key, item in data.items():
        member = members.get(key)
        if member is None:
            raise SeedError(f"{where}: member '{dotted}': {cls.__name__} has no member '{key}'")
        setattr(obj, member.name, _convert(member, item, where, f"{dotted}.{key}"))
    return obj


def _convert(member, value, where, dotted):
    if value is None:
        return None
    if member.is_list:
        if not isinstance(value, list):
            raise SeedError(f"{where}: member '{dotted}' takes a list, not {value!r}")
        return [_convert_one(member, item, where, f"{dotted}[{i}]") for i, item in enumerate(value)]
    return _convert_one(member, value, where, dotted)


def _convert_one(member, value, where, dotted):
    kind = member.kind_name
    if kind == "struct":
        return _struct(value, member.struct.cls, where, dotted)
    try:
        if kind == "enum":
            if isinstance(value, enum.Enum):
                return value
            return getattr(types, member.target_name)(str(value).lower())
        if kind == "date":
            return datetime.datetime.fromisoformat(str(value))
        if kind == "decimal":
            if isinstance(value, bool):
                raise ValueError(value)
            return float(value)
        if kind == "integer":
            if isinstance(value, (bool, float)):
                raise ValueError(value)
            return int(value)
        if kind == "boolean":
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            if isinstance(value, bool):
                return value
            raise ValueError(value)
    except (ValueError, TypeError):
        expected = f"{member.target_name} value" if kind == "enum" else kind
        raise SeedError(
            f"{where}: member '{dotted}': {value!r} is not a valid {expected}"
        ) from None
    if isinstance(value, (dict, list)):
        raise SeedError(f"{where}: member '{dotted}' takes a string, not {value!r}")
    return str(value)


def object_from_json(data, cls=None):
    """An ``ovirtsdk4.types`` object from one JSON entry (its sub-collections ignored)."""
    return _json_entry(data, "entry", None, cls).obj


def _read_xml_directory(root):
    entries = []
    files = sorted(root.rglob("*.xml"), key=lambda p: p.relative_to(root).parts)
    for file in files:
        relative = file.relative_to(root)
        path = "/" + "/".join(relative.parts[:-1]) if len(relative.parts) > 1 else None
        try:
            element = ElementTree.fromstring(file.read_bytes())
        except (OSError, ElementTree.ParseError) as exc:
            raise SeedError(f"{relative}: cannot read the document: {exc}") from None
        held = _class_of_path(path, str(relative)) if path is not None else None
        info = _xml_class(element.tag)
        if info is None:
            raise SeedError(f"{relative}: <{element.tag}> is not an API type or list")
        cls, is_list = info
        if held is not None and not issubclass(cls, held):
            raise SeedError(f"{relative}: {path} holds {held.__name__}, not {cls.__name__}")
        items = list(element) if is_list else [element]
        for i, item in enumerate(items):
            where = f"{relative}[{i}]" if is_list else str(relative)
            entries.append(_xml_entry(item, cls, where, path))
    return Seed(None, entries)


def _xml_class(tag):
    from ovirtsdk4._xml.tables import SCHEMA

    for info in SCHEMA.by_name.values():
        if info.tag == tag:
            return info.cls, False
        if info.plural == tag:
            return info.cls, True
    return None


def _xml_entry(element, cls, where, path):
    label = element.findtext("name") or element.get("id")
    where = f"{where} ({cls.__name__} {label!r})" if label else f"{where} ({cls.__name__})"
    subs = _sub_collections(cls)
    member_tags = {m.tag for m in struct_info(cls).members}
    children = []
    for child in list(element):
        segment = child.tag.replace("_", "")
        if child.tag in member_tags and segment not in subs:
            continue
        if segment not in subs:
            continue
        element.remove(child)
        held = _held(cls, segment, None)
        children.append(
            (segment, [_xml_entry(item, held, f"{where}.{child.tag}", None) for item in child])
        )
    try:
        obj = Reader.read(ElementTree.tostring(element))
    except (Error, ValueError, TypeError) as exc:
        raise SeedError(f"{where}: {exc}") from None
    if type(obj) is not cls:
        raise SeedError(f"{where}: expected a {cls.__name__}, read a {type(obj).__name__}")
    return _Entry(where, path, obj, children)


# ---------------------------------------------------------------------- loading


def load(engine, seed, report=None) -> SeedReport:
    """Add a seed's entries (a :class:`Seed`, a file or a directory) to ``engine`` (its
    ``inventory`` is not generated here: see :func:`ovirtsdk4.testing.inventory.populate`)."""
    if not isinstance(seed, Seed):
        seed = read(seed)
    report = report or SeedReport()
    with engine.lock:
        for entry in seed.entries:
            _add(engine, entry, entry.path, report)
    return report


def _add(engine, entry, path, report):
    from ovirtsdk4.testing.engine import Fault

    try:
        if path is not None:
            path = _path_by_names(engine, path, entry.where)
        obj = engine.add(entry.obj, path, exact=True)
    except Fault as fault:
        raise SeedError(f"{entry.where}: {fault.detail.strip('[]')}") from None
    except KeyError:
        raise SeedError(
            f"{entry.where}: no top-level collection holds {type(entry.obj).__name__}: "
            "give its '@path' (or put the XML file in the sub-directory naming the collection)"
        ) from None
    report.added(path if path is not None else engine.top[type(obj)])
    for segment, children in entry.children:
        sub = obj.href[len("/ovirt-engine/api") :] + "/" + segment
        for child in children:
            _add(engine, child, sub, report)


def _path_by_names(engine, path, where):
    """``path`` with each id segment that names an object replaced by that object's id."""
    from ovirtsdk4.testing.engine import Fault

    parts = [p for p in str(path).strip("/").split("/") if p]
    done = []
    for i, part in enumerate(parts):
        if i % 2:
            try:
                coll = engine.collection("/" + "/".join(done))
            except Fault:
                raise SeedError(f"{where}: '{path}' is not a collection") from None
            if part not in coll.items:
                found = coll.by_name(part)
                if found is None:
                    raise SeedError(f"{where}: '{path}': no object with id or name '{part}'")
                part = found.id
        done.append(part)
    return "/" + "/".join(done)
