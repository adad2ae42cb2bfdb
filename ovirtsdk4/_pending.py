"""Placeholders for the parts of the package that later work fills in.

A module that is not implemented yet keeps its place in the package layout (so that
``import ovirtsdk4`` works) and raises ``NotImplementedError`` naming what is missing when one of
its names is used.
"""


def module_getattr(module, missing):
    """A module ``__getattr__`` that raises ``NotImplementedError`` for public names."""

    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        raise NotImplementedError(f"{module}.{name} is not implemented yet: {missing}")

    return __getattr__


def not_implemented(what):
    """Raise ``NotImplementedError`` for a method that later work implements."""
    raise NotImplementedError(f"{what} is not implemented yet")
