"""Property tests over every struct type: a random object -> write -> read gives an equal
object, and writing what was read gives the same document again."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ovirtsdk4
from ovirtsdk4 import types
from ovirtsdk4._xml.tables import SCHEMA
from ovirtsdk4.reader import TZ, Reader
from ovirtsdk4.writer import Writer

# Characters that survive an XML round trip in element text: no control characters other than
# tab and newline (a carriage return is normalised away by XML parsers), no surrogates.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
    | st.sampled_from("\t\n <>&\"'"),
    max_size=12,
)
# Attribute values are normalised by XML parsers (tabs and newlines become spaces).
ATTRIBUTE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=12,
)
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda minutes: TZ(minutes, None))
DATES = st.datetimes(
    min_value=datetime.datetime(1, 1, 2),
    max_value=datetime.datetime(9999, 12, 30),
    timezones=st.none() | OFFSETS,
)
PRIMITIVES = {
    "string": TEXT,
    "boolean": st.booleans(),
    "integer": st.integers(-(2**70), 2**70),
    "decimal": st.floats(allow_nan=False, allow_infinity=False),
    "date": DATES,
}
ENUMS = {name: getattr(types, name) for name in dir(types)}
MAX_DEPTH = 2


def _value(member, depth):
    kind = member.kind_name
    if kind == "struct":
        item = _struct(member.struct, depth + 1)
    elif kind == "enum":
        item = st.sampled_from(list(ENUMS[member.target_name]))
    else:
        item = PRIMITIVES[kind]
    if not member.is_list:
        return item
    if kind == "struct":
        return st.lists(item, max_size=2).map(_as_list)
    return st.lists(item, max_size=3)


def _as_list(items):
    result = ovirtsdk4.List()
    result.extend(items)
    return result


def _struct(info, depth=0):
    members = [m for m in info.members if depth < MAX_DEPTH or m.kind_name != "struct"]
    fields = {m.name: st.none() | _value(m, depth) for m in members if not m.is_attribute}
    for m in members:
        if m.is_attribute:
            fields[m.name] = st.none() | (
                ATTRIBUTE if m.kind_name == "string" else _value(m, depth)
            )
    return st.builds(_make, st.just(info.cls), st.fixed_dictionaries(fields), st.none() | ATTRIBUTE)


def _make(cls, fields, href):
    obj = cls(**fields)
    obj.href = href
    return obj


def _normal(value):
    """A comparable form of an SDK value: structs by their attributes, lists by items."""
    if isinstance(value, ovirtsdk4.Struct):
        return (type(value).__name__, {k: _normal(v) for k, v in vars(value).items()})
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, datetime.datetime):
        return (value, value.utcoffset())
    return value


ALL_TYPES = st.sampled_from(sorted(SCHEMA.by_name)).flatmap(lambda n: _struct(SCHEMA.by_name[n]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ALL_TYPES, st.booleans())
def test_write_then_read_gives_an_equal_object(obj, indent):
    document = Writer.write(obj, indent=indent)
    again = Reader.read(document)
    assert type(again) is type(obj)
    assert _normal(again) == _normal(obj)
    assert Writer.write(again, indent=indent) == document


def test_every_type_is_generated_at_least_once():
    seen = set()

    @settings(max_examples=1, deadline=None, database=None)
    @given(st.data())
    def one_of_each(data):
        for name, info in SCHEMA.by_name.items():
            obj = data.draw(_struct(info, MAX_DEPTH))
            assert type(Reader.read(Writer.write(obj))) is info.cls
            seen.add(name)

    one_of_each()
    assert len(seen) == 220
