#!/usr/bin/env python3
"""Fuzz target: the cursor (``ovirtsdk4._xml.core.Cursor`` as ``ovirtsdk4.xml.XmlReader``).

Input: 3 control bytes, then the document. The control bytes choose how the document is fed
(bytes in one piece, a ``BytesIO``, or a stream handing out pieces of 1 to 256 bytes) and
seed the sequence of cursor calls (``read``, ``forward``, ``node_name``, ``empty_element``,
``get_attribute``, ``read_element``, ``read_elements``, ``next_element``). Checked: nothing
but an ``ovirtsdk4.Error`` is raised; a document the cursor reads to its end without error
gives the same results whether it came in one piece or as a stream; after ``close()`` every
move raises ``XmlError``.
"""

import io
import random

from _common import Trickle, XmlReader, main, ovirtsdk4

NAMES = ("id", "href", "rel", "name", "", "x:y", "\u00e9", "a" * 300)
OPS = (
    "read",
    "forward",
    "node_name",
    "empty_element",
    "get_attribute",
    "read_element",
    "read_elements",
    "next_element",
)


def walk(cursor, seed, budget):
    """Runs seeded cursor calls until the end of the document; their results, in order."""
    rng = random.Random(seed)
    trace = []
    for _ in range(budget):
        op = rng.choice(OPS)
        if op == "get_attribute":
            result = cursor.get_attribute(rng.choice(NAMES))
        else:
            result = getattr(cursor, op)()
        trace.append((op, result))
        if cursor.node_name() is None:
            break
    return trace


def run(open_cursor, seed, budget):
    """("ok", trace) or ("error", message); the cursor is closed and checked closed."""
    try:
        cursor = open_cursor()
    except ovirtsdk4.Error as error:
        return "error", str(error)
    try:
        outcome = "ok", walk(cursor, seed, budget)
    except ovirtsdk4.Error as error:
        outcome = "error", str(error)
    cursor.close()
    try:
        cursor.read()
    except ovirtsdk4.XmlError:
        pass
    else:
        raise AssertionError("read() after close() did not raise XmlError")
    return outcome


def test_one_input(data):
    if len(data) < 3:
        return
    mode, step, seed, doc = data[0] % 3, data[1] + 1, data[2], data[3:]
    budget = 2 * len(doc) + 16
    if mode == 0:
        whole = run(lambda: XmlReader.from_bytes(doc), seed, budget)
    else:
        whole = run(lambda: XmlReader(io.BytesIO(doc)), seed, budget)
    streamed = run(lambda: XmlReader(Trickle(doc, step)), seed, budget)
    if whole[0] == "ok" and streamed[0] == "ok" and whole != streamed:
        raise AssertionError(f"one piece and stream differ:\n{whole}\n{streamed}")


if __name__ == "__main__":
    main(test_one_input)
