"""The parse primitives (API.md R-3) and TZ."""

import copy
import pickle
from datetime import datetime, timedelta, timezone

import pytest
from ovirtsdk4._xml.core import TZ, parse_boolean, parse_date, parse_decimal, parse_integer

from ovirtsdk4._xml import core


@pytest.mark.parametrize("fn", [parse_boolean, parse_integer, parse_decimal, parse_date])
def test_none_gives_none(fn):
    assert fn(None) is None


@pytest.mark.parametrize(
    "text,value",
    [
        ("true", True),
        ("TRUE", True),
        ("True", True),
        ("tRuE", True),
        ("1", True),
        ("false", False),
        ("FALSE", False),
        ("False", False),
        ("0", False),
    ],
)
def test_boolean(text, value):
    assert parse_boolean(text) is value


@pytest.mark.parametrize("text", ["yes", " true", "true ", "", "2", "01", "t", "truex", "f\xe4lse"])
def test_boolean_invalid(text):
    with pytest.raises(ValueError, match="isn't a valid boolean value"):
        parse_boolean(text)


def test_boolean_message_is_lowercased_text():
    with pytest.raises(ValueError) as info:
        parse_boolean("YES")
    assert str(info.value) == "The text 'yes' isn't a valid boolean value"


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "1",
        "-1",
        "+7",
        "42",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "-99999999999999999999999",
        "1" * 19,
        "9" * 19,
        "1" * 60,
        " 12 ",
        "\t-3\n",
        "1_000",
        "007",
        "-0",
        "\u0661\u0662",
    ],
)
def test_integer_matches_python_int(text):
    value = parse_integer(text)
    assert value == int(text) and type(value) is int


@pytest.mark.parametrize("text", ["", " ", "-", "+", "1.5", "1e3", "0x10", "12a", "--1", "1 2"])
def test_integer_invalid(text):
    with pytest.raises(ValueError) as info:
        parse_integer(text)
    assert str(info.value) == "The text '%s' isn't a valid integer value" % text


@pytest.mark.parametrize("text", ["0", "1.5", "-2.25e3", " 3 ", "inf", "-Infinity", "1_0.5", "7"])
def test_decimal_matches_python_float(text):
    value = parse_decimal(text)
    assert value == float(text) and type(value) is float


def test_decimal_nan():
    value = parse_decimal("nan")
    assert value != value


@pytest.mark.parametrize("text", ["", "abc", "1,5", "1.2.3"])
def test_decimal_invalid(text):
    with pytest.raises(ValueError, match="isn't a valid decimal value"):
        parse_decimal(text)


def test_date_utc():
    value = parse_date("2024-02-29T13:45:07.123Z")
    assert value == datetime(2024, 2, 29, 13, 45, 7, 123000, tzinfo=timezone.utc)
    assert value.utcoffset() == timedelta(0)
    assert value.tzname() == "UTC"
    assert value.dst() is None
    assert isinstance(value.tzinfo, TZ)


def test_date_offsets_are_fixed_and_cached():
    value = parse_date("2020-01-02T03:04:05+01:30")
    assert value.utcoffset() == timedelta(hours=1, minutes=30)
    assert value.tzname() == "+01:30"
    assert value == datetime(2020, 1, 2, 3, 4, 5, tzinfo=TZ(90, None))
    negative = parse_date("2020-01-02T03:04:05.5-05:00")
    assert negative.utcoffset() == timedelta(hours=-5)
    assert negative.microsecond == 500000
    assert parse_date("2021-01-01T00:00:00+01:30").tzinfo is value.tzinfo
    utc = parse_date("2021-01-01T00:00:00Z").tzinfo
    assert parse_date("2000-01-01T00:00:00Z").tzinfo is utc


def test_date_naive_and_lenient_fields():
    assert parse_date("2020-01-02T03:04:05") == datetime(2020, 1, 2, 3, 4, 5)
    assert parse_date("2020-01-02T03:04:05").tzinfo is None
    assert parse_date("2020-1-2T3:4:5") == datetime(2020, 1, 2, 3, 4, 5)
    assert parse_date("2020-01-02t03:04:05.123456") == datetime(2020, 1, 2, 3, 4, 5, 123456)
    assert parse_date("2020-01-02T03:04:05.1") == datetime(2020, 1, 2, 3, 4, 5, 100000)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Z",
        "2020-01-02",
        "2020-01-02T03:04",
        "2020-01-02 03:04:05",
        "2020-01-02T03:04:05+0100",
        "2020-01-02T03:04:05.1234567",
        "2020-01-02T03:04:05.",
        "2020-13-02T03:04:05",
        "2020-02-30T03:04:05",
        "2020-01-02T24:00:00",
        "2020-01-02T03:04:60",
        "20-01-02T03:04:05",
        " 2020-01-02T03:04:05",
        "2020-01-02T03:04:05 ",
        "2020-01-02T03:04:05+25:00",
        "2020-01-02T03:04:05+01:60",
        "2020-01-02T03:04:05z",
        "2020-01-02T03:04:05ZZ",
    ],
)
def test_date_invalid(text):
    with pytest.raises(ValueError, match="isn't a valid date value"):
        parse_date(text)


def test_tz_protocol_pickle_and_deepcopy():
    tz = TZ(-90, "-01:30")
    assert tz.utcoffset(None) == timedelta(minutes=-90)
    assert tz.dst(None) is None
    assert tz.tzname(None) == "-01:30"
    assert (tz.minutes, tz.name) == (-90, "-01:30")
    for clone in (pickle.loads(pickle.dumps(tz)), copy.deepcopy(tz), copy.copy(tz)):
        assert isinstance(clone, TZ)
        assert clone.utcoffset(None) == tz.utcoffset(None)
        assert clone.tzname(None) == "-01:30"
    value = parse_date("2020-01-02T03:04:05.000001Z")
    assert pickle.loads(pickle.dumps(value)) == value
    assert copy.deepcopy(value).tzname() == "UTC"
    assert "TZ(-90, '-01:30')" in repr(tz)


def test_tz_is_a_tzinfo_usable_everywhere():
    value = datetime(2020, 1, 1, 12, tzinfo=TZ(60, "CET"))
    assert value.astimezone(timezone.utc).hour == 11
    assert value.isoformat() == "2020-01-01T12:00:00+01:00"
    assert datetime.now(timezone.utc) - parse_date("2020-01-01T00:00:00Z") > timedelta(0)


def test_core_exports():
    for name in (
        "Cursor",
        "Emitter",
        "TZ",
        "parse_boolean",
        "parse_integer",
        "parse_decimal",
        "parse_date",
    ):
        assert hasattr(core, name)
