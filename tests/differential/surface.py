#!/usr/bin/env python
"""Print a JSON description of the public API surface of some modules.

Standalone on purpose: it imports nothing from this repository and runs under
any Python 3 interpreter (the official SDK's venv or ours), so that the
differential test can run it with both and compare the output.

Usage::

    python surface.py MODULE [MODULE ...] > surface.json

All modules are imported first (so that the set of imported submodules, and
hence the package attributes, is the same whatever the order), then each one
is described.  A module that fails to import is reported with an ``error``
entry instead of aborting the whole run.

Output shape::

    {"python": "3.11.7",
     "modules": {
        "<module>": {"error": null | "<ExcType: message>",
                     "names": {"<public name>": <entry>, ...}}}}

Entries (``kind`` first):

* ``module``   - a submodule of the same top-level package: ``name``.
* ``external`` - a class/function/module that lives outside the top-level
  package (``import re``, ``from enum import Enum``): ``origin``.  These are
  implementation details; the test ignores them.
* ``function`` - ``signature``.
* ``class``    - ``mro`` (class names), ``init_signature`` (of
  ``cls.__init__``, ``None`` when ``__init__`` comes from a class outside the
  package, e.g. ``object`` or ``Exception``), ``signature`` (of the class
  itself, same rule), ``members`` (public attributes defined by the
  package's own classes of the MRO, see below) and ``dunders`` (sorted names
  of callable special methods defined by the package's own classes of the
  MRO, except ``__init__``/``__new__``).
* ``enum``     - like ``class`` without the signatures, plus ``values``:
  ``[[member name, value], ...]`` in definition order (aliases included).
* ``other``    - ``type`` and, for simple values, ``value``.

Class members: ``{"kind": "property", "settable": true|false|null}``,
``{"kind": "method"|"staticmethod"|"classmethod", "signature": ...}`` or
``{"kind": "attribute", "type": ..., "value"?: ...}``, or ``{"kind": "class"}``
for nested classes.  ``settable`` is ``null`` when it cannot be introspected
(C-level descriptors).

Signatures are ``str(inspect.signature(...))`` with annotations removed (type
hints are an allowed extra, parameter names/order/defaults are the contract);
``"<unavailable: ...>"`` when ``inspect`` cannot produce one.
"""

import enum
import importlib
import inspect
import json
import sys

# Special methods whose presence is not interesting (constructors are
# described by the signatures; the rest are added by the interpreter or by
# Cython).
IGNORED_DUNDERS = frozenset(
    [
        "__init__",
        "__new__",
        "__init_subclass__",
        "__subclasshook__",
        "__class_getitem__",
        "__reduce_cython__",
        "__setstate_cython__",
        "__pyx_vtable__",
    ]
)

SIMPLE_TYPES = (str, int, float, bool, type(None))


def _is_public(name):
    return not name.startswith("_")


def _root(module_name):
    return module_name.split(".", 1)[0]


def _is_foreign_class(klass, root):
    """True for classes outside the package (object, list, Exception, Enum,
    datetime.tzinfo, ...).  What they provide is not the package's own
    surface, and it differs between Python versions, which would make the
    comparison interpreter-dependent."""
    return _root(getattr(klass, "__module__", None) or "") != root


def _signature(obj):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError) as exc:
        return "<unavailable: %s: %s>" % (type(exc).__name__, exc)
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    sig = sig.replace(parameters=params, return_annotation=inspect.Signature.empty)
    return str(sig)


def _simple_value(value):
    if isinstance(value, SIMPLE_TYPES):
        return value
    if isinstance(value, (tuple, list, frozenset, set)) and all(
        isinstance(v, SIMPLE_TYPES) for v in value
    ):
        items = list(value)
        if isinstance(value, (set, frozenset)):
            items = sorted(items, key=repr)
        return items
    return None


def _type_name(value):
    t = type(value)
    mod = getattr(t, "__module__", "")
    if mod in ("builtins", None, ""):
        return t.__qualname__
    return "%s.%s" % (mod, t.__qualname__)


def _owner(cls, name):
    """The first class of the MRO whose own __dict__ defines ``name``."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return klass
    return None


def _describe_member(cls, name, raw):
    if isinstance(raw, property):
        return {"kind": "property", "settable": raw.fset is not None}
    if inspect.isdatadescriptor(raw) and not inspect.isclass(raw):
        # getset/member descriptors of C types and custom data descriptors.
        return {"kind": "property", "settable": None}
    if isinstance(raw, staticmethod):
        return {"kind": "staticmethod", "signature": _signature(raw.__func__)}
    if isinstance(raw, classmethod):
        return {"kind": "classmethod", "signature": _signature(getattr(cls, name))}
    if inspect.isclass(raw):
        return {"kind": "class"}
    if callable(raw):
        # Cython's bound classmethods show up as builtin methods bound to the class.
        bound = getattr(cls, name, raw)
        if inspect.ismethod(bound) and getattr(bound, "__self__", None) is cls:
            return {"kind": "classmethod", "signature": _signature(bound)}
        return {"kind": "method", "signature": _signature(raw)}
    entry = {"kind": "attribute", "type": _type_name(raw)}
    value = _simple_value(raw)
    if value is not None or raw is None:
        entry["value"] = value
    return entry


def _class_parts(cls, is_enum, root):
    members = {}
    dunders = set()
    member_names = set(cls.__members__) if is_enum else set()
    names = set()
    for klass in cls.__mro__:
        names.update(vars(klass))
    for name in sorted(names):
        if name in member_names:
            continue
        owner = _owner(cls, name)
        if owner is None or _is_foreign_class(owner, root):
            continue
        raw = vars(owner)[name]
        if name.startswith("__") and name.endswith("__"):
            if name not in IGNORED_DUNDERS and callable(raw) and not inspect.isclass(raw):
                dunders.add(name)
            continue
        if not _is_public(name):
            continue
        members[name] = _describe_member(cls, name, raw)
    return {
        "mro": [k.__name__ for k in cls.__mro__],
        "members": members,
        "dunders": sorted(dunders),
    }


def _describe_class(cls, root):
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        entry = {"kind": "enum"}
        entry.update(_class_parts(cls, True, root))
        values = []
        for name, member in cls.__members__.items():
            value = member.value
            if not isinstance(value, SIMPLE_TYPES):
                value = repr(value)
            values.append([name, value])
        entry["values"] = values
        return entry
    entry = {"kind": "class"}
    entry.update(_class_parts(cls, False, root))
    init_owner = _owner(cls, "__init__")
    if init_owner is None or _is_foreign_class(init_owner, root):
        entry["init_signature"] = None
        entry["signature"] = None
    else:
        entry["init_signature"] = _signature(cls.__init__)
        entry["signature"] = _signature(cls)
    return entry


def describe(obj, root):
    if inspect.ismodule(obj):
        name = obj.__name__
        if _root(name) == root:
            return {"kind": "module", "name": name}
        return {"kind": "external", "origin": name}
    if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj):
        origin = getattr(obj, "__module__", None) or ""
        if _root(origin) != root:
            return {
                "kind": "external",
                "origin": "%s.%s" % (origin, getattr(obj, "__qualname__", "?")),
            }
    if inspect.isclass(obj):
        return _describe_class(obj, root)
    if callable(obj):
        return {"kind": "function", "signature": _signature(obj)}
    entry = {"kind": "other", "type": _type_name(obj)}
    value = _simple_value(obj)
    if value is not None or obj is None:
        entry["value"] = value
    return entry


def describe_module(module):
    root = _root(module.__name__)
    names = {}
    for name in sorted(dir(module)):
        if not _is_public(name):
            continue
        try:
            obj = getattr(module, name)
        except Exception as exc:  # pragma: no cover - lazy attributes that fail
            names[name] = {"kind": "error", "error": "%s: %s" % (type(exc).__name__, exc)}
            continue
        names[name] = describe(obj, root)
    return names


def main(argv):
    if not argv:
        sys.stderr.write("usage: surface.py MODULE [MODULE ...]\n")
        return 2
    imported = {}
    errors = {}
    for name in argv:
        try:
            imported[name] = importlib.import_module(name)
        except Exception as exc:
            errors[name] = "%s: %s" % (type(exc).__name__, exc)
    result = {"python": "%d.%d.%d" % sys.version_info[:3], "modules": {}}
    for name in argv:
        if name in errors:
            result["modules"][name] = {"error": errors[name], "names": {}}
        else:
            result["modules"][name] = {"error": None, "names": describe_module(imported[name])}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
