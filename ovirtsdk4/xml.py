"""``XmlReader`` and ``XmlWriter`` as in the official SDK (API.md X-1, X-2).

Both are thin subclasses of the Cython engine in ``ovirtsdk4._xml.core``: every method is
implemented there, so generated Cython readers and writers that receive one of these objects
use it directly as a ``Cursor`` or an ``Emitter``.
"""

import io as _io

from ovirtsdk4._xml.core import Cursor, Emitter

__all__ = ["XmlReader", "XmlWriter"]


class XmlReader(Cursor):
    """A forward-only cursor over the XML document read from ``io`` (``io.read(n)`` -> bytes).

    After construction the cursor is on the first node; a document that is empty or malformed
    right at its start raises ``XmlError`` ("Can't read first node: ..."). Later
    well-formedness errors are raised only when the cursor reaches them.
    """

    def __init__(self, io):
        read = getattr(io, "read", None)
        if read is None or not callable(read):
            raise TypeError(
                "The 'io' parameter doesn't look like an IO object, doesn't have a 'read' method"
            )
        if type(io) is _io.BytesIO:
            # Everything is in memory already: hand libxml2 the bytes in one piece.
            self.open_bytes(io.read())
        else:
            self.open_stream(io)


class XmlWriter(Emitter):
    """Writes XML into ``io`` (an object with ``write(bytes)``; ``None`` for an internal buffer).

    ``indent`` must be a bool: with it, two spaces per level, one element per line, text-only
    elements on one line and a newline after every end tag.
    """

    def __init__(self, io=None, indent=False):
        if not isinstance(indent, bool):
            raise TypeError("The 'indent' parameter must be a boolean")
        if io is not None:
            write = getattr(io, "write", None)
            if write is None or not callable(write):
                raise TypeError(
                    "The 'io' parameter doesn't look like an IO object, "
                    "doesn't have a 'write' method"
                )
        self.open(io, indent)
