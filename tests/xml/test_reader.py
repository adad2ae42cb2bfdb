"""XmlReader (API.md X-1) and the Cursor under it, on real libxml2."""

import io

import pytest
from ovirtsdk4._xml.core import Cursor

from ovirtsdk4.error import Error, XmlError
from ovirtsdk4.xml import XmlReader

from .conftest import Trickle, walk, walk_bytes


def reader(data):
    return XmlReader(io.BytesIO(data))


# -- construction ------------------------------------------------------------------------------


def test_starts_on_root():
    r = reader(b"<vm id='1'/>")
    assert r.node_name() == "vm"
    assert r.empty_element() is True


def test_starts_on_leading_comment_and_pi():
    assert reader(b"<!-- hi --><a/>").node_name() == "#comment"
    assert reader(b"<?pi data?><a/>").node_name() == "pi"
    assert reader(b'<?xml version="1.0" encoding="UTF-8"?>\n<a/>').node_name() == "a"


@pytest.mark.parametrize("bad", [None, "text", b"bytes", 42, object()])
def test_io_without_read_is_type_error(bad):
    with pytest.raises(TypeError, match="doesn't have a 'read' method"):
        XmlReader(bad)


@pytest.mark.parametrize("data", [b"", b"   \n\t", b"<", b"garbage", b"<a>", b"\xff\xfe", b"</a>"])
def test_broken_start_raises_at_construction(data):
    with pytest.raises(XmlError, match="^Can't read first node") as info:
        reader(data)
    assert isinstance(info.value, Error)


def test_empty_document_message():
    with pytest.raises(XmlError, match="the document is empty"):
        reader(b"")
    with pytest.raises(XmlError, match="the document is empty"):
        XmlReader(Trickle(b""))


def test_read_returning_str_is_type_error():
    class Text:
        def read(self, n):
            return "<a/>"

    with pytest.raises(TypeError, match="returned 'str'"):
        XmlReader(Text())


def test_exception_of_read_propagates_unchanged():
    class Boom(Exception):
        pass

    class Failing:
        def __init__(self):
            self.sent = False

        def read(self, n):
            if not self.sent:
                self.sent = True
                return b"<a><b>1</b>" + b" " * 5000
            raise Boom("network down")

    r = XmlReader(Failing())
    assert r.node_name() == "a"
    with pytest.raises(Boom, match="network down"):
        while r.read():
            pass


# -- lazy well-formedness ----------------------------------------------------------------------


def test_unterminated_document_is_readable_until_the_error():
    r = reader(b"<html>blah<html>")
    assert r.node_name() == "html"
    assert r.forward() is True
    assert r.read() is True
    assert r.node_name() == "#text"
    assert r.read() is True
    assert r.node_name() == "html"
    with pytest.raises(XmlError, match="^Can't move to next node: .*line 1"):
        r.read()


def test_error_carries_line_and_column():
    doc = b"<a>\n  <b>1</b>\n  <c>2</d>\n</a>"
    r = XmlReader(Trickle(doc, 4))
    with pytest.raises(XmlError) as info:
        while r.read():
            pass
    assert info.value.line == 3
    assert info.value.column is not None
    assert "line 3" in str(info.value)
    assert "mismatch" in str(info.value).lower()


def test_error_repeats_after_failure():
    r = reader(b"<a><b>x</b>")
    with pytest.raises(XmlError):
        while r.read():
            pass
    with pytest.raises(XmlError):
        r.read()
    assert r.node_name() is None


# -- navigation --------------------------------------------------------------------------------


def test_read_walks_every_node():
    doc = b"<a x='1'><!--c-->t<b/><c>u</c><![CDATA[d]]></a>"
    assert walk_bytes(doc) == [
        ("a", False),
        ("#comment", False),
        ("#text", False),
        ("b", True),
        ("c", False),
        ("#text", False),
        ("c", False),
        ("#cdata-section", False),
        ("a", False),
    ]


def test_read_at_end_stays_false():
    r = reader(b"<a/>")
    assert r.read() is False
    assert r.read() is False
    assert r.node_name() is None
    assert r.forward() is False


def test_forward():
    r = reader(b"<a>\n  <!-- c -->\n  <b>x</b>\n</a>")
    assert r.forward() is True and r.node_name() == "a"  # stays on a start tag
    r.read()
    assert r.forward() is True and r.node_name() == "b"
    assert r.read_element() == "x"
    assert r.forward() is False and r.node_name() == "a"  # stops on the end tag
    assert r.read() is False
    assert r.forward() is False


def test_empty_element():
    r = reader(b"<a><b/><c></c>t</a>")
    assert r.empty_element() is False
    r.read()
    assert r.empty_element() is True
    r.read()
    assert r.empty_element() is False
    r.read()
    assert r.node_name() == "c"  # end tag
    assert r.empty_element() is False
    r.read()
    assert r.node_name() == "#text" and r.empty_element() is False


def test_get_attribute():
    r = reader(b'<a x="" y="1 &amp; 2" z="&#233;t&#xE9;" q="\xc3\xa9"/>')
    assert r.get_attribute("x") == ""
    assert r.get_attribute("y") == "1 & 2"
    assert r.get_attribute("z") == "\xe9t\xe9"
    assert r.get_attribute("q") == "\xe9"
    assert r.get_attribute("missing") is None
    with pytest.raises(TypeError, match="'name' parameter must be a string"):
        r.get_attribute(1)
    with pytest.raises(TypeError):
        r.get_attribute(b"x")


def test_get_attribute_off_a_start_tag():
    r = reader(b'<a x="1">t</a>')
    r.read()
    assert r.get_attribute("x") is None  # on the text
    r.read()
    assert r.get_attribute("x") == "1"  # the end tag still has its element's attributes


def test_read_element_values():
    doc = (
        b"<r><e/><f></f><g>  spaced\n </g><h>a&amp;b&lt;&gt;&quot;&apos;&#65;&#x42;</h>"
        b"<i><![CDATA[<not> & markup]]></i><j>x<k>y<!--no-->z</k>w</j>"
        b"<l>\xc3\xa9\xe2\x82\xac</l></r>"
    )
    r = reader(doc)
    r.read()
    got = []
    while r.forward():
        got.append(r.read_element())
    assert got == [
        None,
        "",
        "  spaced\n ",
        "a&b<>\"'AB",
        "<not> & markup",
        "xyzw",
        "\xe9\u20ac",
    ]
    assert r.node_name() == "r"


def test_read_element_moves_to_next_sibling():
    r = reader(b"<r><a>1</a>text<b/></r>")
    r.read()
    assert r.read_element() == "1"
    assert r.node_name() == "#text"
    r.read()
    assert r.read_element() is None
    assert r.node_name() == "r"


def test_read_element_requires_start_tag():
    r = reader(b"<r>t</r>")
    r.read()
    with pytest.raises(XmlError, match="Current node isn't the start of an element"):
        r.read_element()
    with pytest.raises(XmlError, match="Current node isn't the start of an element"):
        r.read_elements()


def test_read_elements():
    assert reader(b"<l/>").read_elements() == []
    assert reader(b"<l></l>").read_elements() == []
    assert reader(b"<l><i/></l>").read_elements() == [None]
    assert reader(b"<l><i></i></l>").read_elements() == [""]
    r = reader(b"<r><l>\n  <i>a</i>\n  <!-- c -->\n  <i>b</i>  <j>c</j>\n</l><next/></r>")
    r.read()
    assert r.read_elements() == ["a", "b", "c"]
    assert r.node_name() == "next"


def test_next_element():
    r = reader(b"<r><a><x>1</x><y/></a>t<b/></r>")
    r.read()
    assert r.node_name() == "a"
    assert r.next_element() is True
    assert r.node_name() == "#text"
    assert r.next_element() is True
    assert r.node_name() == "b"
    assert r.next_element() is True
    assert r.node_name() == "r"
    assert r.next_element() is False
    assert r.node_name() is None


def test_close_is_idempotent_and_safe():
    r = reader(b"<a><b/></a>")
    r.close()
    r.close()
    assert r.node_name() is None
    assert r.forward() is False
    assert r.empty_element() is False
    assert r.get_attribute("x") is None
    with pytest.raises(XmlError, match="closed"):
        r.read()
    with pytest.raises(XmlError, match="closed"):
        r.next_element()
    with pytest.raises(XmlError):
        r.read_element()


def test_cursor_factories_and_reopen_guard():
    c = Cursor.from_bytes(b"<a>1</a>")
    assert c.read_element() == "1"
    c = Cursor.from_bytes("<a>\xe9</a>")  # str is encoded as UTF-8
    assert c.read_element() == "\xe9"
    c = Cursor.from_bytes(bytearray(b"<a/>"))
    assert c.node_name() == "a"
    with pytest.raises(XmlError, match="already open"):
        c.open_bytes(b"<b/>")
    with pytest.raises(ValueError):
        Cursor.from_stream(io.BytesIO(b"<a/>"), 0)


# -- encodings ---------------------------------------------------------------------------------


def test_utf8_text_names_and_bom():
    r = reader("\ufeff<r><n\xe4me>\u65e5\u672c\U0001f600</n\xe4me></r>".encode())
    r.read()
    assert r.node_name() == "n\xe4me"
    assert r.read_element() == "\u65e5\u672c\U0001f600"


def test_declared_latin1_is_decoded():
    r = reader(b'<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>')
    assert r.read_element() == "\xe9"


@pytest.mark.parametrize(
    "data",
    [b"<a>\xff</a>", b"<a>\xc3</a>", b"<a>\xed\xa0\x80</a>", b"<a x='\xc3('/>", b"<a>\x00</a>"],
)
def test_invalid_utf8_or_chars_raise(data):
    with pytest.raises(XmlError) as info:
        walk_bytes(data)
    assert info.value.line == 1


# -- streamed mode -----------------------------------------------------------------------------

DOC = (
    b'<?xml version="1.0"?>\n<vms href="/vms">\n'
    + b"".join(
        b'  <vm id="%d"><name>vm-\xc3\xa9-%d</name><d><![CDATA[<%d>]]></d><x>&amp;</x></vm>\n'
        % (i, i, i)
        for i in range(300)
    )
    + b"</vms>\n"
)


@pytest.mark.parametrize("step", [1, 2, 3, 7, 512, 4096, 1 << 20])
def test_stream_equals_memory(step):
    expected = walk_bytes(DOC)
    source = Trickle(DOC, step)
    assert walk(XmlReader(source)) == expected
    assert source.pos == len(DOC)


def test_stream_tolerates_oversized_chunks():
    class Greedy:
        def __init__(self):
            self.done = False

        def read(self, n):
            if self.done:
                return b""
            self.done = True
            return DOC  # far more than the 4 bytes libxml2 asks for first

    assert walk(Cursor.from_stream(Greedy(), 1)) == walk_bytes(DOC)


def test_stream_accepts_bytearray_and_memoryview():
    class Views:
        def __init__(self):
            self.parts = [memoryview(b"<a>"), bytearray(b"x</a>")]

        def read(self, n):
            return self.parts.pop(0) if self.parts else b""

    assert XmlReader(Views()).read_element() == "x"


def test_stream_is_read_incrementally():
    class Counting:
        def __init__(self, n):
            self.n = n
            self.i = -1

        def read(self, size):
            self.i += 1
            if self.i == 0:
                return b"<vms>"
            if self.i <= self.n:
                return b'<vm id="%d"><name>n</name></vm>' % self.i
            if self.i == self.n + 1:
                return b"</vms>"
            return b""

    source = Counting(5000)
    r = Cursor.from_stream(source, 64)
    r.read()
    assert r.forward() and r.get_attribute("id") == "1"
    assert source.i < 100  # only the beginning was pulled
    count = 1
    r.next_element()
    while r.forward():
        count += 1
        r.next_element()
    assert count == 5000
