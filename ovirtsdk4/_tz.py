"""``TZ``: the fixed-offset ``tzinfo`` of dates read from documents (``ovirtsdk4.reader.TZ``)."""

import datetime

__all__ = ["TZ"]


class TZ(datetime.tzinfo):
    """A fixed offset of ``minutes`` from UTC, named ``name``; ``dst()`` is None.

    Unlike the official class it pickles and deep-copies (it re-creates itself from its two
    arguments), so objects that hold dates do too.
    """

    def __init__(self, minutes, name):
        self._minutes = minutes
        self._name = name
        self._offset = datetime.timedelta(minutes=minutes)

    @property
    def minutes(self):
        return self._minutes

    @property
    def name(self):
        return self._name

    def utcoffset(self, date_time):
        return self._offset

    def dst(self, date_time):
        return None

    def tzname(self, date_time):
        return self._name

    def __reduce__(self):
        return (type(self), (self._minutes, self._name))

    def __repr__(self):
        return f"TZ({self._minutes!r}, {self._name!r})"
