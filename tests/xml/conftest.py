"""Shared helpers of the XML engine tests."""

import io

import pytest

from ovirtsdk4.xml import XmlReader


def walk(reader):
    """Every (name, empty) pair from the current node to the end, via read()."""
    out = []
    while True:
        out.append((reader.node_name(), reader.empty_element()))
        if not reader.read():
            return out


def walk_bytes(data):
    return walk(XmlReader(io.BytesIO(data)))


class Trickle:
    """A file-like whose read(n) returns at most `step` bytes (and never more than asked)."""

    def __init__(self, data, step=1):
        self.data = data
        self.pos = 0
        self.step = step
        self.calls = 0

    def read(self, n=-1):
        self.calls += 1
        size = self.step if n is None or n < 0 else min(n, self.step)
        chunk = self.data[self.pos : self.pos + size]
        self.pos += len(chunk)
        return chunk


@pytest.fixture
def trickle():
    return Trickle
