"""The base classes of the generated types (``Struct``, ``List``) and the helpers that build
their properties.

Attribute values live in slots named after the attribute with one leading underscore
(``_name``, ``_href``): a slot costs one pointer, where a ``__dict__`` entry costs three plus
the table around it, and a VM read from XML holds about a hundred attributes, most of them
``None``. Tools such as the oVirt Ansible collection walk ``vars(obj)``, so ``__dict__`` is a
view (API.md T-2): a ``dict`` of every ``_name`` attribute, ``None`` ones included, in
constructor order, followed by any attribute a script added of its own; changing that ``dict``
changes the object; it is made at each access (docs/differences.md T1). Properties are plain
``property`` objects; only struct- and enum-typed attributes check what is assigned to them
(API.md T-3).
"""

from operator import attrgetter

__all__ = ["List", "Struct", "attribute", "checked_attribute", "enum_str"]

_UNSET = object()


def attribute(storage):
    """A read/write property over the slot ``storage``, with no check."""

    def fset(self, value):
        setattr(self, storage, value)

    return property(attrgetter(storage), fset)


def checked_attribute(storage, name, expected, namespace):
    """A read/write property that accepts ``None`` or an instance of exactly the class named
    ``expected`` in ``namespace`` (looked up at assignment time, so the class may be defined
    after the property)."""

    def fset(self, value):
        if value is not None and type(value) is not namespace[expected]:
            raise TypeError(
                f"The type '{type(value).__name__}' isn't valid for attribute '{name}', "
                f"it must be '{expected}'"
            )
        setattr(self, storage, value)

    return property(attrgetter(storage), fset)


def enum_str(member):
    """``str()`` of an SDK enum member is its wire value (API.md T-5)."""
    return member._value_


_KEYS = {}


def _keys(cls):
    """The slot names of ``cls`` in constructor order: the bases' first (``_href`` first of
    all), each class's in the order its ``__slots__`` lists them."""
    keys = _KEYS.get(cls)
    if keys is None:
        keys = tuple(
            name
            for klass in reversed(cls.__mro__)
            for name in klass.__dict__.get("__slots__", ())
            if name not in ("__dict__", "__weakref__")
        )
        _KEYS[cls] = keys
    return keys


class _Attributes(dict):
    """``vars()`` of a ``Struct`` or ``List``: the slots, then the attributes of the object's
    own dict; every change is made to the object as well."""

    __slots__ = ("_owner",)

    def __init__(self, owner, extras):
        super().__init__()
        self._owner = owner
        for key in _keys(type(owner)):
            value = getattr(owner, key, _UNSET)
            if value is not _UNSET:
                dict.__setitem__(self, key, value)
        dict.update(self, extras)

    def __setitem__(self, key, value):
        setattr(self._owner, key, value)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        dict.__getitem__(self, key)
        delattr(self._owner, key)
        dict.__delitem__(self, key)

    def __ior__(self, other):
        self.update(other)
        return self

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key, *default):
        if key not in self:
            return dict.pop(self, key, *default)
        value = self[key]
        del self[key]
        return value

    def popitem(self):
        if not self:
            return dict.popitem(self)
        key = next(reversed(self))
        return key, self.pop(key)

    def clear(self):
        for key in list(self):
            del self[key]


def _state(self):
    return dict(vars(self))


def _restore(self, state):
    for key, value in state.items():
        setattr(self, key, value)


class _StructSlots:
    __slots__ = ("__dict__", "__weakref__")


class _ListSlots(list):
    __slots__ = ("__dict__", "__weakref__")


_struct_extras = _StructSlots.__dict__["__dict__"].__get__
_list_extras = _ListSlots.__dict__["__dict__"].__get__


class List(_ListSlots):
    """A list of structs that may carry the ``href`` of the collection it came from.

    The constructor takes only ``href``: ``List(href)`` is an empty list (API.md T-4).
    """

    __slots__ = ("_href",)

    def __init__(self, href=None):
        super().__init__()
        self._href = href

    href = attribute("_href")
    __dict__ = property(lambda self: _Attributes(self, _list_extras(self)))
    __getstate__ = _state
    __setstate__ = _restore


class Struct(_StructSlots):
    """Base class of every struct type. Instances compare and hash by identity."""

    __slots__ = ("_href",)

    def __init__(self, href=None):
        self._href = href

    href = attribute("_href")
    __dict__ = property(lambda self: _Attributes(self, _struct_extras(self)))
    __getstate__ = _state
    __setstate__ = _restore
