"""Writers refuse what XML 1.0 cannot carry (issue 16, point 8; docs/differences.md W3).

NUL, the other C0 controls except tab, LF and CR, U+FFFE and U+FFFF in a text or attribute value
raise ``XmlValueError`` naming the element or attribute, and nothing of that value is written;
every character XML 1.0 allows is written and read back equal. The check scans eight bytes at
a time with a shorter path below eight bytes (core.pyx ``_check_xml_chars``), so the values come
in lengths 1 to 40 with the character at the start, in the middle and at the end.
"""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovirtsdk4 import Error, XmlValueError, types
from ovirtsdk4.reader import Reader
from ovirtsdk4.writer import Writer
from ovirtsdk4.writers import DnsResolverConfigurationWriter, VmWriter
from ovirtsdk4.xml import XmlReader, XmlWriter

FORBIDDEN = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + ["\ufffe", "\uffff"]
ALLOWED = "\t\n\r \x7f\x80\x9f\xa0\ud7ff\ue000\uf000\ufdd0\ufffd\U00010000\U0001f600\U0010ffff"


def placements(char):
    """``char`` at the start, the middle and the end of values of many lengths (around the
    sizes where the scan changes path: 1-3, 4-7, 8 and more bytes)."""
    out = []
    for length in (1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 40):
        for at in {0, length // 2, length - 1}:
            out.append("x" * at + char + "y" * (length - at - 1))
    return out


def bad_values():
    return [(char, value) for char in FORBIDDEN for value in placements(char)]


def check_refusal(info, char, value, kind, name):
    assert isinstance(info.value, Error)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert f"{kind} '{name}'" in message
    assert f"U+{ord(char):04X} at index {value.index(char)}" in message


def test_the_error_class():
    assert issubclass(XmlValueError, Error)
    assert issubclass(XmlValueError, ValueError)


@pytest.mark.parametrize("indent", [False, True])
def test_xml_writer_refuses_every_forbidden_character(indent):
    w = XmlWriter(None, indent)
    w.write_start("r")
    for char, value in bad_values():
        with pytest.raises(XmlValueError) as info:
            w.write_attribute("attr", value)
        check_refusal(info, char, value, "attribute", "attr")
        with pytest.raises(XmlValueError) as info:
            w.write_element("elem", value)
        check_refusal(info, char, value, "element", "elem")
    # Nothing of a refused value was written, and the writer goes on.
    w.write_attribute("ok", "1")
    w.write_element("ok", "2")
    w.write_end()
    expected = '<r ok="1">\n  <ok>2</ok>\n</r>\n' if indent else '<r ok="1"><ok>2</ok></r>'
    assert w.string() == expected


def test_xml_writer_to_a_stream_keeps_what_was_written_before():
    sink = io.BytesIO()
    w = XmlWriter(sink)
    w.write_start("r")
    w.write_element("a", "1")
    with pytest.raises(XmlValueError):
        w.write_element("b", "2\x00")
    w.write_end()
    w.flush()
    assert sink.getvalue() == b"<r><a>1</a></r>"


@pytest.mark.parametrize("char", FORBIDDEN)
def test_generated_writers_refuse_every_forbidden_character(char):
    for value in placements(char):
        with pytest.raises(XmlValueError) as info:
            Writer.write(types.Vm(name=value))
        check_refusal(info, char, value, "element", "name")
        with pytest.raises(XmlValueError) as info:
            Writer.write(types.Vm(id=value))
        check_refusal(info, char, value, "attribute", "id")
        vm = types.Vm(id="1")
        vm.href = value
        with pytest.raises(XmlValueError) as info:
            Writer.write(vm)
        check_refusal(info, char, value, "attribute", "href")
        # An item of a list of strings.
        dns = types.DnsResolverConfiguration(name_servers=["ok", value])
        with pytest.raises(XmlValueError) as info:
            Writer.write(dns)
        check_refusal(info, char, value, "element", "name_server")


def test_generated_writers_into_an_xml_writer_and_writer_write_string():
    w = XmlWriter(None)
    w.write_start("r")
    with pytest.raises(XmlValueError, match="element 'description'"):
        VmWriter.write_one(types.Vm(name="n", description="a\x1bb"), w)
    # What a generated writer had opened stays open, as after any failed write.
    w.write_end()
    with pytest.raises(XmlValueError, match="element 'name_server'"):
        DnsResolverConfigurationWriter.write_one(
            types.DnsResolverConfiguration(name_servers=["ok", "\uffff"]), w
        )
    w.write_end()
    w.write_end()
    with pytest.raises(XmlValueError, match="element 's'"):
        Writer.write_string(w, "s", "\x00")
    w.write_end()
    assert w.string() == (
        "<r><vm/><dns_resolver_configuration><name_servers><name_server>ok</name_server>"
        "</name_servers></dns_resolver_configuration></r>"
    )


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb"])
def test_lone_surrogates_stay_a_type_error(text):
    w = XmlWriter(None)
    w.write_start("r")
    with pytest.raises(TypeError, match="surrogates not allowed"):
        w.write_attribute("a", text)
    with pytest.raises(TypeError, match="surrogates not allowed"):
        w.write_element("a", text)
    with pytest.raises(TypeError, match="surrogates not allowed"):
        Writer.write(types.Vm(name=text))


def read_back(document):
    """The ``a`` attribute and the text of the ``e`` child of the root, read by XmlReader."""
    reader = XmlReader(io.BytesIO(document.encode("utf-8")))
    attribute = reader.get_attribute("a")
    reader.read()
    reader.forward()
    return attribute, reader.read_element()


@pytest.mark.parametrize("indent", [False, True])
@pytest.mark.parametrize("char", list(ALLOWED))
def test_allowed_characters_round_trip(char, indent):
    for value in placements(char) + [ALLOWED, ALLOWED * 3]:
        w = XmlWriter(None, indent)
        w.write_start("r")
        w.write_attribute("a", value)
        w.write_element("e", value)
        w.write_end()
        assert read_back(w.string()) == (value, value)
        vm = Reader.read(Writer.write(types.Vm(id=value, name=value, description=value)))
        assert (vm.id, vm.name, vm.description) == (value, value, value)


XML_CHARS = st.characters(blacklist_categories=("Cs",)).filter(lambda c: c not in FORBIDDEN)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.text(XML_CHARS, max_size=20),
    after=st.text(XML_CHARS, max_size=20),
    char=st.sampled_from(FORBIDDEN) | st.none(),
)
def test_any_value_is_written_and_read_back_or_refused(before, after, char):
    value = before + (char or "") + after
    w = XmlWriter(None)
    w.write_start("r")
    if char is None:
        w.write_attribute("a", value)
        w.write_element("e", value)
        w.write_end()
        assert read_back(w.string()) == (value, value)
    else:
        with pytest.raises(XmlValueError, match="attribute 'a'"):
            w.write_attribute("a", value)
        with pytest.raises(XmlValueError, match="element 'e'"):
            w.write_element("e", value)
