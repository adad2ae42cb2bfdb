"""What the fuzz targets share: the instrumented imports, feeding modes and comparisons."""

import math
import sys

import atheris

with atheris.instrument_imports(include=["ovirtsdk4"]):
    import ovirtsdk4
    from ovirtsdk4 import types
    from ovirtsdk4._xml.tables import SCHEMA
    from ovirtsdk4.reader import TZ, Reader
    from ovirtsdk4.writer import Writer
    from ovirtsdk4.xml import XmlReader, XmlWriter

__all__ = [
    "SCHEMA",
    "TZ",
    "Reader",
    "Trickle",
    "Writer",
    "XmlReader",
    "XmlWriter",
    "main",
    "normal",
    "ovirtsdk4",
    "types",
]


class Trickle:
    """A file-like whose ``read(n)`` returns at most ``step`` bytes at a time."""

    def __init__(self, data, step):
        self.data = memoryview(data)
        self.pos = 0
        self.step = step

    def read(self, n=-1):
        size = self.step if n is None or n < 0 else min(n, self.step)
        chunk = bytes(self.data[self.pos : self.pos + size])
        self.pos += len(chunk)
        return chunk


def normal(value):
    """A comparable form of what a reader returns: structs by type and attributes, Lists with
    their href, enums by value, dates by isoformat, floats by repr (NaN equal to itself).
    ``None`` items of a list of values (an enum value the model does not know, an empty
    element) are left out: a writer has nothing to write for them."""
    if isinstance(value, ovirtsdk4.Struct):
        items = sorted(vars(value).items())
        return {"__type__": type(value).__name__, **{k.lstrip("_"): normal(v) for k, v in items}}
    if isinstance(value, ovirtsdk4.List):
        return {"__list__": value.href, "items": [normal(v) for v in value]}
    if isinstance(value, list):
        return [normal(v) for v in value if v is not None]
    if hasattr(value, "isoformat"):
        return ("date", value.isoformat())
    if hasattr(value, "value") and type(value).__module__ == "ovirtsdk4.types":
        return ("enum", type(value).__name__, value.value)
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    return value


def main(test_one_input):
    """Runs libFuzzer on ``test_one_input`` with the command line's arguments."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
