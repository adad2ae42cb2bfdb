"""The code that both implementations run in the differential tests of values and links.

It imports only the standard library and ``ovirtsdk4``, so it runs unchanged under our package
(imported by the tests, in the pytest process) and under the official one (as a script run by
the interpreter named by ``OVIRTSDK_REF_PYTHON``: a persistent worker that reads one JSON
command per line on stdin and answers one JSON line on stdout).

Values travel as JSON *recipes* that each side turns into the same Python object:

``null``                          None
``["str", s]``                    s; ``["strsub", s]``: s as an instance of a ``str`` subclass
``["bytes", s]``                  s encoded as UTF-8
``["int", "12"]``                 an int (as text: any size); ``["intenum", n]``: an ``IntEnum``
``["float", "1.5"]``              ``float(text)`` (``"nan"``, ``"inf"`` too)
``["bool", b]``                   True or False
``["enum", "VmStatus", "UP"]``    a member of an SDK enum
``["foreign", "x"]``              a member of an ``enum.Enum`` that is not an SDK type
``["date", iso, minutes]``        a ``datetime.datetime`` (``minutes``: UTC offset, or null)
``["day", iso]``                  a ``datetime.date``
``["list", [..]]``                also ``"tuple"`` and ``"gen"`` (a generator)
``["List", href, [..]]``          an ``ovirtsdk4.List``
``["struct", "Vm", how, {..}]``   an SDK struct whose attributes are set ``how``: ``"init"``
                                  (constructor keywords), ``"set"`` (the public properties) or
                                  ``"raw"`` (the ``_name`` storage, past any check)
``["object", {..}]``              a plain object with those public attributes

Commands (``{"op": ...}``), answered with ``{"ok": result}`` or ``{"error": message}``:

``write`` ``cases``
    For each case (a ``struct`` recipe and ``indent``): the object is built and written with
    ``Writer.write``; the outcome is ``["ok", xml]`` (object addresses in it replaced by
    ``0x?``) or ``["error", stage, class]`` where ``stage`` is ``"build"`` or ``"write"``.
``read`` ``documents``
    Each document read with ``Reader.read``: ``["ok", normal form]`` or ``["error", names]``
    (the names of the exception's class and of its bases).
``codec`` ``entries``
    Each ``[document, root]`` read, then what was read written again with
    ``Writer.write(obj, indent=...)`` both ways (for a list: with ``root``, and with the item
    writer's ``write_many``; for an object: also under the root ``renamed``). Each outcome is
    ``{"ok": value}`` or ``{"error": [class name, message]}``.
"""

import datetime
import enum
import json
import re
import sys
import types as _pytypes

import ovirtsdk4
from ovirtsdk4 import types, writers
from ovirtsdk4.reader import Reader
from ovirtsdk4.writer import Writer
from ovirtsdk4.xml import XmlWriter


class Text(str):
    """A ``str`` subclass, as values of some other libraries are."""


class Number(enum.IntEnum):
    ONE = 1
    TWO = 2


class Foreign(enum.Enum):
    """An enum that is not an SDK type; its values are text, as the SDK enums' are."""

    X = "x"
    UP = "up"


class Zone(datetime.tzinfo):
    def __init__(self, minutes):
        self._offset = datetime.timedelta(minutes=minutes)

    def utcoffset(self, dt):
        return self._offset

    def dst(self, dt):
        return None

    def tzname(self, dt):
        return None


def build(recipe):
    """The Python object a recipe describes."""
    if recipe is None:
        return None
    kind, *args = recipe
    if kind == "str":
        return args[0]
    if kind == "strsub":
        return Text(args[0])
    if kind == "bytes":
        return args[0].encode("utf-8")
    if kind == "int":
        return int(args[0])
    if kind == "intenum":
        return Number(args[0])
    if kind == "float":
        return float(args[0])
    if kind == "bool":
        return bool(args[0])
    if kind == "enum":
        return getattr(getattr(types, args[0]), args[1])
    if kind == "foreign":
        return Foreign(args[0])
    if kind == "date":
        zone = None if args[1] is None else Zone(args[1])
        return datetime.datetime.fromisoformat(args[0]).replace(tzinfo=zone)
    if kind == "day":
        return datetime.date.fromisoformat(args[0])
    if kind == "list":
        return [build(item) for item in args[0]]
    if kind == "tuple":
        return tuple(build(item) for item in args[0])
    if kind == "gen":
        return (item for item in [build(item) for item in args[0]])
    if kind == "List":
        result = ovirtsdk4.List(build(args[0]))
        result.extend(build(item) for item in args[1])
        return result
    if kind == "struct":
        return build_struct(*args)
    if kind == "object":
        return _pytypes.SimpleNamespace(**{k: build(v) for k, v in args[0].items()})
    raise ValueError(f"unknown recipe {kind!r}")


def build_struct(name, how, fields):
    cls = getattr(types, name)
    values = {key: build(value) for key, value in fields.items()}
    if how == "init":
        return cls(**values)
    obj = cls()
    for key, value in values.items():
        setattr(obj, "_" + key if how == "raw" else key, value)
    return obj


_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def write(case):
    try:
        obj = build(case["struct"])
    except Exception as error:
        return ["error", "build", type(error).__name__]
    try:
        xml = Writer.write(obj, indent=case["indent"])
    except Exception as error:
        return ["error", "write", type(error).__name__]
    # ``str()`` of an object names its address (the official writes ``str()`` of an integer
    # ``id`` attribute, whatever it holds): the same object is at another address in the other
    # process.
    return ["ok", _ADDRESS.sub(" at 0x?", xml)]


def normal(value):
    """A JSON form of what a reader returned: every attribute, enums by value, dates by
    ``isoformat`` with their UTC offset and zone name, numbers tagged with their type."""
    if isinstance(value, ovirtsdk4.Struct):
        out = {"__type__": type(value).__name__}
        for key, item in vars(value).items():
            out[key[1:] if key.startswith("_") else key] = normal(item)
        return out
    if isinstance(value, ovirtsdk4.List):
        return {"__list__": value.href, "items": [normal(v) for v in value]}
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, enum.Enum):
        return {"__enum__": type(value).__name__, "value": value.value}
    if isinstance(value, datetime.datetime):
        offset = value.utcoffset()
        return {
            "__date__": value.isoformat(),
            "offset": None if offset is None else offset.total_seconds(),
            "tzname": value.tzname(),
        }
    if isinstance(value, float):
        return {"__float__": repr(value)}
    if isinstance(value, int) and not isinstance(value, bool):
        return {"__int__": str(value)}
    return value


def read(document):
    try:
        return ["ok", normal(Reader.read(document.encode("utf-8")))]
    except Exception as error:
        return ["error", [cls.__name__ for cls in type(error).__mro__]]


def attempt(func, *args, **kwargs):
    try:
        return {"ok": func(*args, **kwargs)}
    except Exception as error:
        return {"error": [type(error).__name__, str(error)]}


def write_many(obj, indent):
    writer_class = getattr(writers, type(obj[0]).__name__ + "Writer")
    cursor = XmlWriter(None, indent)
    try:
        writer_class.write_many(obj, cursor)
        return cursor.string()
    finally:
        cursor.close()


def codec(document, root):
    read = attempt(Reader.read, document.encode("utf-8"))
    if "ok" not in read:
        return {"read": read}
    obj = read["ok"]
    entry = {"read": attempt(normal, obj)}
    for indent in (False, True):
        key = "indent" if indent else "flat"
        if isinstance(obj, list):
            entry[key] = attempt(Writer.write, obj, root=root, indent=indent)
            if obj:
                entry["many-" + key] = attempt(write_many, obj, indent)
        else:
            entry[key] = attempt(Writer.write, obj, indent=indent)
            entry["root-" + key] = attempt(Writer.write, obj, root="renamed", indent=indent)
    return entry


def answer(command):
    op = command["op"]
    if op == "write":
        return [write(case) for case in command["cases"]]
    if op == "read":
        return [read(document) for document in command["documents"]]
    if op == "codec":
        return [codec(document, root) for document, root in command["entries"]]
    if op == "hello":
        return ovirtsdk4.__file__
    raise ValueError(f"unknown command {op!r}")


def serve(stdin, stdout):
    for line in stdin:
        try:
            reply = {"ok": answer(json.loads(line))}
        except Exception as error:
            reply = {"error": f"{type(error).__name__}: {error}"}
        stdout.write(json.dumps(reply) + "\n")
        stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
