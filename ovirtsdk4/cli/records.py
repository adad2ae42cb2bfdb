"""Objects as records: nested JSON-ready dicts (``to_record``), and the rows of the tabular
formats (``table_rows``).

A record holds every member the engine sent: enums as their values, dates in ISO 8601,
nested structs as dicts, lists as lists, and every reference, single or list-valued, as
``{"id": ...}``. List links that only point at a sub-collection (no items) are left out.

The tabular rows flatten a record: one column per scalar path, the parts joined with ``_``
(``cpu_topology_sockets``, ``cluster_id``); each list goes to a table of its own named
``<table>_<path>`` (``disks_storage_domains``), one row per item with the owner's keys, the
item's ``position`` and its flattened fields (``value`` for a plain item). A list inside a
list item is kept as JSON text.
"""

from __future__ import annotations

import datetime
import enum
import json

from ovirtsdk4._xml.tables import SCHEMA

__all__ = ["to_record", "table_rows", "owner_key"]

_MEMBERS = {}


def _members(cls):
    members = _MEMBERS.get(cls)
    if members is None:
        members = _MEMBERS[cls] = tuple(
            (m.name, m.kind_name == "struct", m.is_list, m.is_link)
            for m in SCHEMA.by_class[cls].members
        )
    return members


def _scalar(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def to_record(obj, skip=()):
    """The record of ``obj`` (see the module); members named in ``skip`` are left out."""
    record = {}
    for name, is_struct, is_list, is_link in _members(type(obj)):
        value = getattr(obj, name)
        if value is None or name in skip:
            continue
        if is_link:
            if is_list:
                refs = [{"id": item.id} for item in value if item.id is not None]
                if refs:
                    record[name] = refs
            elif value.id is not None:
                record[name] = {"id": value.id}
        elif is_list:
            record[name] = [to_record(v) if is_struct else _scalar(v) for v in value]
        elif is_struct:
            nested = to_record(value)
            if nested:
                record[name] = nested
        else:
            record[name] = _scalar(value)
    return record


def owner_key(cls):
    """The column naming an object of type ``cls`` in the rows of its lists (``disk_id``)."""
    return SCHEMA.by_class[cls].tag + "_id"


def _flatten(record, prefix, row, lists):
    for key, value in record.items():
        name = prefix + key
        if isinstance(value, dict):
            _flatten(value, name + "_", row, lists)
        elif isinstance(value, list):
            if lists is None:
                row[name] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            else:
                lists.append((name, value))
        else:
            row[name] = value


def table_rows(table, record, keys):
    """``(table name, row)`` for ``record`` of ``table`` and for each item of its lists.
    ``keys`` (a dict) are the owner's keys that every list item row starts with."""
    row = {}
    lists = []
    _flatten(record, "", row, lists)
    yield table, row
    for name, items in lists:
        for position, item in enumerate(items):
            member_row = dict(keys)
            member_row["position"] = position
            if isinstance(item, dict):
                _flatten(item, "", member_row, None)
            else:
                member_row["value"] = item
            yield f"{table}_{name}", member_row
