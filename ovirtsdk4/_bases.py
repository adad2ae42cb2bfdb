"""The base classes of the generated types (``Struct``, ``List``) and the helpers that build
their properties.

Every attribute value lives in the instance ``__dict__`` under its name with one leading
underscore (API.md T-2): tools such as the oVirt Ansible collection walk ``vars(obj)``.
Properties are plain ``property`` objects; only struct- and enum-typed attributes check what is
assigned to them (API.md T-3).
"""

from operator import attrgetter

__all__ = ["List", "Struct", "attribute", "checked_attribute", "enum_str"]


def attribute(storage):
    """A read/write property over ``__dict__[storage]``, with no check."""

    def fset(self, value):
        self.__dict__[storage] = value

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
        self.__dict__[storage] = value

    return property(attrgetter(storage), fset)


def enum_str(member):
    """``str()`` of an SDK enum member is its wire value (API.md T-5)."""
    return member._value_


class Struct:
    """Base class of every struct type. Instances compare and hash by identity."""

    def __init__(self, href=None):
        self._href = href

    href = attribute("_href")


class List(list):
    """A list of structs that may carry the ``href`` of the collection it came from.

    The constructor takes only ``href``: ``List(href)`` is an empty list (API.md T-4).
    """

    def __init__(self, href=None):
        super().__init__()
        self._href = href

    href = attribute("_href")
