#!/usr/bin/env python3
"""Fuzz target: the emitter and the generated writers (``Writer.write``, ``XmlWriter``).

Input: the first byte chooses between two modes; the rest feeds ``atheris.FuzzedDataProvider``.

* Objects: a struct type of the model is chosen, and each of its members gets ``None`` or a
  value of its type made from the input (any string, surrogates and control characters
  included; integers of up to 80 bits; any float; dates with offsets; enum members; nested
  structs two levels deep; lists), and the object gets an ``href``. ``Writer.write`` (with or
  without indentation) must return a document, or raise ``XmlValueError`` when a string holds
  a character XML 1.0 cannot carry, or ``TypeError`` when it holds a lone surrogate (as the
  official does: docs/differences.md W3), and only then. When it returns, ``Reader.read`` of the
  document must give an equal object back (unless a float is not finite: written as Python
  prints it, as the official SDK does, and not read back as a number).
* Raw calls: a sequence of ``XmlWriter`` calls (``write_start``, ``write_attribute``,
  ``write_element``, ``write_end``, ``flush``, ``string``, ``close``) with names and values
  from the input, in any order. Anything but an ``ovirtsdk4.Error`` (or the ``TypeError`` of
  a lone surrogate) is a finding.
"""

import datetime
import enum
import io
import math

import atheris
from _common import SCHEMA, TZ, Reader, Writer, XmlWriter, main, normal, ovirtsdk4, types

STRUCTS = sorted(SCHEMA.by_name.values(), key=lambda info: info.cls.__name__)
ENUMS = {
    name: list(value)
    for name, value in vars(types).items()
    if isinstance(value, type) and issubclass(value, enum.Enum)
}
MAX_DEPTH = 2


def xml_char(c):
    """True if XML 1.0 can carry the character (surrogates aside)."""
    n = ord(c)
    return n in (0x9, 0xA, 0xD) or 0x20 <= n <= 0xFFFD or 0x10000 <= n <= 0x10FFFF


def surrogate(c):
    return 0xD800 <= ord(c) <= 0xDFFF


class Maker:
    """Values made from a FuzzedDataProvider; remembers whether a string with a lone
    surrogate, a string with another character XML cannot carry, or a float that is not
    finite was made."""

    def __init__(self, fdp):
        self.fdp = fdp
        self.surrogate = False
        self.unwritable = False
        self.not_finite = False

    def string(self):
        fdp = self.fdp
        kind = fdp.ConsumeIntInRange(0, 3)
        if kind == 0:
            text = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 16))
        elif kind == 1:
            text = fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 16))
        elif kind == 2:
            text = "".join(chr(b) for b in fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 16)))
        else:
            text = fdp.PickValueInList(["", " ", "a & b", "<x>", "]]>", "\r\n", "\t", "\ud800"])
        if any(surrogate(c) for c in text):
            self.surrogate = True
        elif not all(xml_char(c) for c in text):
            self.unwritable = True
        return text

    def primitive(self, kind):
        fdp = self.fdp
        if kind == "string":
            return self.string()
        if kind == "boolean":
            return fdp.ConsumeBool()
        if kind == "integer":
            return fdp.ConsumeInt(10)
        if kind == "decimal":
            value = fdp.ConsumeRegularFloat() if fdp.ConsumeBool() else fdp.ConsumeFloat()
            if not math.isfinite(value):
                self.not_finite = True
            return value
        if kind == "date":
            minutes = fdp.ConsumeIntInRange(-14 * 60, 14 * 60)
            tz = TZ(minutes, None) if fdp.ConsumeBool() else None
            return datetime.datetime(
                fdp.ConsumeIntInRange(1, 9999),
                fdp.ConsumeIntInRange(1, 12),
                fdp.ConsumeIntInRange(1, 28),
                fdp.ConsumeIntInRange(0, 23),
                fdp.ConsumeIntInRange(0, 59),
                fdp.ConsumeIntInRange(0, 59),
                fdp.ConsumeIntInRange(0, 999999),
                tzinfo=tz,
            )
        raise AssertionError(kind)

    def value(self, member, depth):
        kind = member.kind_name
        if kind == "struct":
            if depth >= MAX_DEPTH:
                return None
            item = lambda: self.struct(member.struct, depth + 1)  # noqa: E731
        elif kind == "enum":
            item = lambda: self.fdp.PickValueInList(ENUMS[member.target_name])  # noqa: E731
        else:
            item = lambda: self.primitive(kind)  # noqa: E731
        if not member.is_list:
            return item()
        items = [item() for _ in range(self.fdp.ConsumeIntInRange(0, 3))]
        if kind != "struct":
            return items
        result = ovirtsdk4.List()
        result.extend(items)
        return result

    def struct(self, info, depth=0):
        obj = info.cls()
        for member in info.members:
            if self.fdp.ConsumeBool():
                setattr(obj, member.name, self.value(member, depth))
        if self.fdp.ConsumeBool():
            obj.href = self.string()
        return obj


def objects(fdp):
    maker = Maker(fdp)
    info = STRUCTS[fdp.ConsumeIntInRange(0, len(STRUCTS) - 1)]
    obj = maker.struct(info)
    indent = fdp.ConsumeBool()
    try:
        text = Writer.write(obj, indent=indent)
    except ovirtsdk4.XmlValueError:
        if not maker.unwritable:
            raise
        return
    except TypeError as error:
        if not maker.surrogate or "surrogates not allowed" not in str(error):
            raise
        return
    if maker.unwritable or maker.surrogate:
        raise AssertionError(f"a string XML cannot carry was written: {text!r}")
    again = Reader.read(text)
    if maker.not_finite:
        return
    if normal(again) != normal(obj):
        raise AssertionError(f"round trip differs:\n{normal(obj)}\n{text}\n{normal(again)}")


def raw_calls(fdp):
    maker = Maker(fdp)
    target = io.BytesIO() if fdp.ConsumeBool() else None
    writer = XmlWriter(target, indent=fdp.ConsumeBool())
    for _ in range(fdp.ConsumeIntInRange(0, 32)):
        op = fdp.ConsumeIntInRange(0, 6)
        try:
            if op == 0:
                writer.write_start(maker.string())
            elif op == 1:
                writer.write_attribute(maker.string(), maker.string())
            elif op == 2:
                writer.write_element(maker.string(), maker.string())
            elif op == 3:
                writer.write_end()
            elif op == 4:
                writer.flush()
            elif op == 5:
                writer.string()
            else:
                writer.close()
        except ovirtsdk4.Error:
            pass
        except TypeError as error:
            if not maker.surrogate or "surrogates not allowed" not in str(error):
                raise
    writer.close()


def test_one_input(data):
    if not data:
        return
    fdp = atheris.FuzzedDataProvider(data[1:])
    if data[0] & 1:
        raw_calls(fdp)
    else:
        objects(fdp)


if __name__ == "__main__":
    main(test_one_input)
