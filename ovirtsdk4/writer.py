"""The generic writer: its registry of types and the primitive rendering rules (API.md W-1 …
W-3)."""

import datetime

from ovirtsdk4 import xml
from ovirtsdk4.error import Error

__all__ = ["Writer"]


class Writer:
    """Writes SDK objects as XML, choosing the writer by the object's exact type."""

    _writers = {}

    def __init__(self):
        pass

    @classmethod
    def register(cls, typ, writer):
        """Use ``writer(obj, xml_writer, root)`` for objects of exactly type ``typ``."""
        cls._writers[typ] = writer

    @staticmethod
    def write_string(writer, name, value):
        writer.write_element(name, value)

    @staticmethod
    def render_boolean(value):
        if not isinstance(value, bool):
            raise TypeError(f"The value '{value}' isn't a boolean")
        return "true" if value else "false"

    @staticmethod
    def write_boolean(writer, name, value):
        writer.write_element(name, Writer.render_boolean(value))

    @staticmethod
    def render_integer(value):
        if not isinstance(value, int):
            raise TypeError(f"The value '{value}' isn't an integer")
        return str(value)

    @staticmethod
    def write_integer(writer, name, value):
        writer.write_element(name, Writer.render_integer(value))

    @staticmethod
    def render_decimal(value):
        if not isinstance(value, float):
            raise TypeError(f"The value '{value}' isn't a decimal")
        return str(value)

    @staticmethod
    def write_decimal(writer, name, value):
        writer.write_element(name, Writer.render_decimal(value))

    @staticmethod
    def render_date(value):
        if not isinstance(value, datetime.datetime):
            raise TypeError(f"The value '{value}' isn't a date")
        return value.isoformat()

    @staticmethod
    def write_date(writer, name, value):
        writer.write_element(name, Writer.render_date(value))

    @classmethod
    def write(cls, obj, target=None, root=None, indent=False):
        """Write ``obj`` (an object, or a list of objects under a ``root`` element).

        With ``target=None`` the document is returned as a ``str``; with an
        ``xml.XmlWriter`` it is written there and None is returned.
        """
        if target is None:
            cursor = xml.XmlWriter(None, indent)
        elif isinstance(target, xml.XmlWriter):
            cursor = target
        else:
            raise Error(f"Expected an 'XmlWriter', but got '{type(target)}'")
        try:
            if isinstance(obj, list):
                if root is None:
                    raise Error("The 'root' parameter is mandatory when writing lists.")
                cursor.write_start(root)
                for item in obj:
                    cls.write(item, target=cursor)
                cursor.write_end()
            else:
                writer = cls._writers.get(type(obj))
                if writer is None:
                    raise Error(f"Can't find a writer for type '{type(obj)}'")
                writer(obj, cursor, root)
            if target is None:
                return cursor.string()
            return None
        finally:
            if cursor is not target:
                cursor.close()
