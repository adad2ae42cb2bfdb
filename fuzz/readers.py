#!/usr/bin/env python3
"""Fuzz target: the generated readers (``Reader.read``, ``Reader.iterate``, ``codec``).

Input: 2 control bytes, then the document. The first chooses the entry point: ``Reader.read``
of the bytes, ``Reader.iterate`` of the bytes, or ``Reader.iterate`` of a stream handing out
pieces of 1 to 256 bytes (the second byte). Checked: nothing but an ``ovirtsdk4.Error`` is
raised; every object read can be written (``Writer.write``) and reading what was written
gives an equal object.
"""

from _common import Reader, Trickle, Writer, main, normal, ovirtsdk4


def round_trip(obj):
    if isinstance(obj, ovirtsdk4.List):
        for item in obj:
            round_trip(item)
        return
    text = Writer.write(obj)
    again = Reader.read(text)
    if normal(again) != normal(obj):
        raise AssertionError(f"round trip differs:\n{normal(obj)}\n{text}\n{normal(again)}")


def test_one_input(data):
    if len(data) < 2:
        return
    mode, step, doc = data[0] % 3, data[1] + 1, data[2:]
    try:
        if mode == 0:
            objects = [Reader.read(doc)]
        elif mode == 1:
            objects = list(Reader.iterate(doc))
        else:
            objects = list(Reader.iterate(Trickle(doc, step)))
    except ovirtsdk4.Error:
        return
    for obj in objects:
        if obj is not None:
            round_trip(obj)


if __name__ == "__main__":
    main(test_one_input)
