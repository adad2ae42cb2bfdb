"""XmlWriter (API.md X-2) and the Emitter under it: exact output bytes."""

import io

import pytest
from ovirtsdk4._xml.core import Emitter

from ovirtsdk4.error import XmlError
from ovirtsdk4.xml import XmlWriter


def render(indent, *steps):
    w = XmlWriter(None, indent)
    for method, *args in steps:
        getattr(w, method)(*args)
    return w.string()


def test_spec_examples():
    steps = [
        ("write_start", "a"),
        ("write_start", "b"),
        ("write_end",),
        ("write_element", "c", "t"),
    ]
    assert render(True, *steps, ("write_end",)) == "<a>\n  <b/>\n  <c>t</c>\n</a>\n"
    assert render(True, ("write_start", "a"), ("write_end",)) == "<a/>\n"
    list_steps = [("write_start", "list")] + [("write_start", "vm"), ("write_end",)] * 2
    assert render(False, *list_steps, ("write_end",)) == "<list><vm/><vm/></list>"


def test_default_is_no_indent_and_no_declaration():
    w = XmlWriter()
    w.write_element("a", "b")
    assert w.string() == "<a>b</a>"


GOLDEN_STEPS = [
    ("write_start", "vm"),
    ("write_attribute", "href", "/vms/1"),
    ("write_attribute", "id", "1"),
    ("write_element", "name", "web"),
    ("write_element", "description", ""),
    ("write_start", "cpu"),
    ("write_start", "topology"),
    ("write_element", "cores", "2"),
    ("write_element", "sockets", "1"),
    ("write_end",),
    ("write_end",),
    ("write_start", "usages"),
    ("write_end",),
    ("write_start", "nics"),
    ("write_start", "nic"),
    ("write_attribute", "id", "n1"),
    ("write_end",),
    ("write_end",),
    ("write_end",),
]


def test_golden_indented():
    assert render(True, *GOLDEN_STEPS) == (
        '<vm href="/vms/1" id="1">\n'
        "  <name>web</name>\n"
        "  <description></description>\n"
        "  <cpu>\n"
        "    <topology>\n"
        "      <cores>2</cores>\n"
        "      <sockets>1</sockets>\n"
        "    </topology>\n"
        "  </cpu>\n"
        "  <usages/>\n"
        "  <nics>\n"
        '    <nic id="n1"/>\n'
        "  </nics>\n"
        "</vm>\n"
    )


def test_golden_flat():
    assert render(False, *GOLDEN_STEPS) == (
        '<vm href="/vms/1" id="1"><name>web</name><description></description><cpu><topology>'
        "<cores>2</cores><sockets>1</sockets></topology></cpu><usages/><nics>"
        '<nic id="n1"/></nics></vm>'
    )


def test_escaping():
    special = "1 & < > \" ' \n\t\r"
    got = render(
        False,
        ("write_start", "a"),
        ("write_attribute", "x", special),
        ("write_element", "c", special),
        ("write_end",),
    )
    assert got == (
        '<a x="1 &amp; &lt; &gt; &quot; \' &#10;&#9;&#13;">'
        "<c>1 &amp; &lt; &gt; &quot; ' \n\t&#13;</c></a>"
    )


def test_non_ascii():
    got = render(
        False,
        ("write_start", "a"),
        ("write_attribute", "x", "\xe9\u20ac"),
        ("write_element", "c", "\xe9\u20ac\U0001f600"),
        ("write_end",),
    )
    # Text keeps raw UTF-8; attributes get character references (both valid XML).
    assert got == '<a x="&#xE9;&#x20AC;"><c>\xe9\u20ac\U0001f600</c></a>'


def test_several_roots_and_nesting_with_indent():
    got = render(True, ("write_start", "a"), ("write_end",), ("write_element", "b", "x"))
    assert got == "<a/>\n<b>x</b>\n"


@pytest.mark.parametrize("indent", [None, 0, 1, "yes", "True"])
def test_indent_must_be_bool(indent):
    with pytest.raises(TypeError, match="'indent' parameter must be a boolean"):
        XmlWriter(None, indent)


@pytest.mark.parametrize("bad", [1, None, b"a", 1.5])
def test_names_and_values_must_be_str(bad):
    w = XmlWriter(None)
    with pytest.raises(TypeError, match="'name' parameter must be a string"):
        w.write_start(bad)
    with pytest.raises(TypeError, match="'name' parameter must be a string"):
        w.write_element(bad, "v")
    with pytest.raises(TypeError, match="'value' parameter must be a string"):
        w.write_element("n", bad)
    w.write_start("a")
    with pytest.raises(TypeError, match="'name' parameter must be a string"):
        w.write_attribute(bad, "v")
    with pytest.raises(TypeError, match="'value' parameter must be a string"):
        w.write_attribute("n", bad)
    w.write_end()
    assert w.string() == "<a/>"


def test_instances_of_str_subclasses_are_written_as_their_text():
    class Text(str):
        def __str__(self):
            return "not this"

    w = XmlWriter(None)
    w.write_start(Text("a"))
    w.write_attribute(Text("x"), Text("1 & 2"))
    w.write_element(Text("b"), Text("c < d"))
    w.write_end()
    assert w.string() == '<a x="1 &amp; 2"><b>c &lt; d</b></a>'


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb"])
def test_text_without_a_utf8_form_is_a_type_error(text):
    # As the official writer (docs/differences.md): TypeError, not UnicodeEncodeError.
    w = XmlWriter(None)
    with pytest.raises(TypeError, match="surrogates not allowed"):
        w.write_start(text)
    w.write_start("a")
    for call in (
        lambda: w.write_attribute("x", text),
        lambda: w.write_attribute(text, "1"),
        lambda: w.write_element("b", text),
        lambda: w.write_element(text, "1"),
    ):
        with pytest.raises(TypeError, match="surrogates not allowed"):
            call()
    w.write_end()
    assert w.string() == "<a/>"


def test_misuse_raises_xml_error():
    w = XmlWriter(None)
    with pytest.raises(XmlError, match="Can't end XML element"):
        w.write_end()
    with pytest.raises(XmlError, match="Can't write attribute with name 'a' and value 'b'"):
        w.write_attribute("a", "b")
    w.write_start("r")
    w.write_element("c", "x")
    with pytest.raises(XmlError, match="Can't write attribute"):
        w.write_attribute("a", "b")


def test_io_target_and_flush():
    target = io.BytesIO()
    w = XmlWriter(target, True)
    w.write_element("a", "\xe9")
    assert target.getvalue() == b""  # buffered until flush
    w.flush()
    assert target.getvalue() == "<a>\xe9</a>\n".encode()
    w.write_element("b", "x")
    assert w.string() == "<a>\xe9</a>\n<b>x</b>\n"
    w.write_element("c", "y")
    w.close()  # flushes pending output
    assert target.getvalue().endswith(b"<c>y</c>\n")
    w.close()


def test_io_without_write_is_type_error():
    with pytest.raises(TypeError, match="'write' method"):
        XmlWriter(object())


def test_closed_writer_raises():
    w = XmlWriter(None)
    w.close()
    for call in (
        lambda: w.write_start("a"),
        w.write_end,
        w.flush,
        w.string,
        lambda: w.write_element("a", "b"),
        lambda: w.write_attribute("a", "b"),
    ):
        with pytest.raises(XmlError, match="closed"):
            call()


def test_unclosed_elements_are_flushed_as_is():
    w = XmlWriter(None, True)
    w.write_start("a")
    w.write_start("b")
    w.write_element("c", "x")
    assert w.string() == "<a>\n  <b>\n    <c>x</c>\n"


def test_large_document_round_trips():
    w = Emitter.create(None, False)
    w.write_start("vms")
    for i in range(20000):
        w.write_start("vm")
        w.write_attribute("id", str(i))
        w.write_element("name", "vm-%d & co" % i)
        w.write_end()
    w.write_end()
    text = w.string()
    assert text.count("<vm id=") == 20000
    assert text.endswith('<vm id="19999"><name>vm-19999 &amp; co</name></vm></vms>')


def test_emitter_reopen_guard():
    e = Emitter.create()
    with pytest.raises(XmlError, match="already open"):
        e.open(None, False)


def test_output_gathered_past_the_spill_size_reaches_io_whole_and_in_order():
    def scenario(w):
        for i in range(3000):
            w.write_start("item")
            w.write_attribute("id", str(i))
            if i == 1500:
                w.flush()  # in the middle of a start tag
            w.write_element("name", "n%d" % i + "x" * 50)
            w.write_end()

    memory = XmlWriter(None, True)
    memory.write_start("items")
    scenario(memory)
    memory.write_end()
    expected = memory.string()
    sink = io.BytesIO()
    w = XmlWriter(sink, True)
    w.write_start("items")
    scenario(w)
    assert len(sink.getvalue()) > 65536 and sink.getvalue().endswith(b'<item id="1500"')
    w.write_end()
    w.close()
    assert sink.getvalue().decode("utf-8") == expected and len(expected) > 200000
    assert expected.count("<item ") == 3000 and expected.endswith("</items>\n")
