"""The generic reader: its registry of tags and the primitive parsing rules (API.md R-1 … R-3).

``Reader.read(source)`` reads a whole document; ``Reader.iterate(source)`` (ours) yields the
items of a list document one by one, so that a huge list can be processed in constant memory.
"""

import io

from ovirtsdk4 import xml
from ovirtsdk4._tz import TZ
from ovirtsdk4._xml import core
from ovirtsdk4.error import Error

__all__ = ["TZ", "Reader"]


def _cursor(source):
    """An ``XmlReader`` over ``source`` and whether the caller owns it."""
    if isinstance(source, xml.XmlReader):
        return source, False
    if isinstance(source, (str, bytes)):
        return xml.XmlReader.from_bytes(source), True
    if isinstance(source, io.BytesIO):
        return xml.XmlReader.from_bytes(source.read()), True
    raise AttributeError(
        f"Expected a 'str', 'bytes', 'BytesIO' or 'XmlReader', but got '{type(source)}'"
    )


class Reader:
    """Reads documents into SDK objects, by the tag of their root element."""

    _readers = {}

    def __init__(self):
        pass

    @classmethod
    def register(cls, tag, reader):
        """Use ``reader(xml_reader)`` for elements called ``tag``."""
        cls._readers[tag] = reader

    @staticmethod
    def read_string(reader):
        return reader.read_element()

    @staticmethod
    def read_strings(reader):
        return reader.read_elements()

    @staticmethod
    def parse_boolean(text):
        return core.parse_boolean(text)

    @staticmethod
    def read_boolean(reader):
        return Reader.parse_boolean(reader.read_element())

    @staticmethod
    def read_booleans(reader):
        return [Reader.parse_boolean(text) for text in reader.read_elements()]

    @staticmethod
    def parse_integer(text):
        return core.parse_integer(text)

    @staticmethod
    def read_integer(reader):
        return Reader.parse_integer(reader.read_element())

    @staticmethod
    def read_integers(reader):
        return [Reader.parse_integer(text) for text in reader.read_elements()]

    @staticmethod
    def parse_decimal(text):
        return core.parse_decimal(text)

    @staticmethod
    def read_decimal(reader):
        return Reader.parse_decimal(reader.read_element())

    @staticmethod
    def read_decimals(reader):
        return [Reader.parse_decimal(text) for text in reader.read_elements()]

    @staticmethod
    def parse_date(text):
        return core.parse_date(text)

    @staticmethod
    def read_date(reader):
        return Reader.parse_date(reader.read_element())

    @staticmethod
    def read_dates(reader):
        return [Reader.parse_date(text) for text in reader.read_elements()]

    @staticmethod
    def parse_enum(enum_type, text):
        """The member of ``enum_type`` whose value is ``text``; None when there is none."""
        if text is None:
            return None
        try:
            return enum_type(text)
        except ValueError:
            return None

    @staticmethod
    def read_enum(enum_type, reader):
        return Reader.parse_enum(enum_type, reader.read_element())

    @staticmethod
    def read_enums(enum_type, reader):
        return [Reader.parse_enum(enum_type, text) for text in reader.read_elements()]

    @classmethod
    def read(cls, source):
        """The object (or ``List``) that the next element of ``source`` holds, or None.

        ``source`` is a ``str``, ``bytes``, ``io.BytesIO`` or ``xml.XmlReader``; a reader that
        is given is left just after the element read, and not closed.
        """
        cursor, owned = _cursor(source)
        try:
            if not cursor.forward():
                return None
            tag = cursor.node_name()
            reader = cls._readers.get(tag)
            if reader is None:
                raise Error(f"Can't find a reader for tag '{tag}'")
            return reader(cursor)
        finally:
            if owned:
                cursor.close()

    @classmethod
    def iterate(cls, source):
        """Yields the items of the list document in ``source`` one at a time.

        ``source`` may also be any object with ``read(n)`` returning bytes (a file, a socket
        stream): it is then read incrementally, so memory stays constant whatever the length
        of the list. The root element must be a registered list tag such as ``vms``.
        """
        from ovirtsdk4._xml import codec
        from ovirtsdk4._xml.tables import SCHEMA

        if hasattr(source, "read") and not isinstance(source, (io.BytesIO, xml.XmlReader)):
            cursor, owned = xml.XmlReader.from_stream(source), True
        else:
            cursor, owned = _cursor(source)
        try:
            if not cursor.forward():
                return
            tag = cursor.node_name()
            info = SCHEMA.by_plural.get(tag)
            if info is None:
                raise Error(f"Can't find a list reader for tag '{tag}'")
            yield from codec.iter_many(cursor, info)
        finally:
            if owned:
                cursor.close()
