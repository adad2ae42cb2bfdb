"""Property tests of the cursor: random documents and random bytes never crash it, and
streaming in random chunk sizes sees exactly what memory mode sees."""

import io
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovirtsdk4.error import XmlError
from ovirtsdk4.xml import XmlReader, XmlWriter

from .conftest import Trickle, walk

BUDGET = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMES = st.sampled_from(["a", "b", "vm", "name", "x_y", "n\xe4me"])
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\ufffe\uffff")
    | st.sampled_from("\n\t &<>\"'"),
    max_size=20,
)


@st.composite
def trees(draw, depth=0):
    name = draw(NAMES)
    attrs = draw(st.dictionaries(st.sampled_from(["id", "href", "rel"]), TEXT, max_size=2))
    if depth >= 4:
        children = []
    else:
        children = draw(st.lists(st.one_of(TEXT, trees(depth + 1)), max_size=4))
    return (name, attrs, children)


def serialize(tree):
    name, attrs, children = tree
    head = name + "".join(" %s=%s" % (k, quoteattr(v)) for k, v in attrs.items())
    if not children:
        return "<%s/>" % head
    inner = "".join(escape(c) if isinstance(c, str) else serialize(c) for c in children)
    return "<%s>%s</%s>" % (head, inner, name)


def text_of(tree):
    name, attrs, children = tree
    if not children:
        return None
    return "".join(c if isinstance(c, str) else (text_of(c) or "") for c in children)


def write(tree, writer):
    name, attrs, children = tree
    writer.write_start(name)
    for k, v in attrs.items():
        writer.write_attribute(k, v)
    for c in children:
        if isinstance(c, str):
            if c:
                raise AssertionError("mixed content is not written by the SDK")
        else:
            write(c, writer)
    writer.write_end()


@BUDGET
@given(trees(), st.integers(1, 64))
def test_random_documents(tree, step):
    data = serialize(tree).encode()
    r = XmlReader(io.BytesIO(data))
    assert r.node_name() == tree[0]
    for k, v in tree[1].items():
        assert r.get_attribute(k) == v  # quoteattr writes \n and \t as references
    assert walk(XmlReader(Trickle(data, step))) == walk(XmlReader(io.BytesIO(data)))
    assert XmlReader(io.BytesIO(data)).read_element() == text_of(tree)


@BUDGET
@given(trees(), st.booleans())
def test_written_documents_read_back(tree, indent):
    def strip(t):
        return (t[0], t[1], [strip(c) for c in t[2] if not isinstance(c, str)])

    tree = strip(tree)
    w = XmlWriter(None, indent)
    write(tree, w)
    r = XmlReader(io.BytesIO(w.string().encode()))
    assert r.node_name() == tree[0]
    for k, v in tree[1].items():
        assert r.get_attribute(k) == v


@BUDGET
@given(st.binary(max_size=200), st.integers(1, 16))
def test_random_bytes_never_crash(data, step):
    for source in (io.BytesIO(data), Trickle(data, step)):
        try:
            r = XmlReader(source)
            while r.read():
                r.node_name()
                r.get_attribute("a")
                r.empty_element()
        except XmlError:
            pass


@BUDGET
@given(trees(), st.data())
def test_random_corruption(tree, data):
    doc = bytearray(serialize(tree).encode())
    for _ in range(data.draw(st.integers(1, 3))):
        if not doc:
            break
        i = data.draw(st.integers(0, len(doc) - 1))
        doc[i] = data.draw(st.integers(0, 255))
    try:
        r = XmlReader(io.BytesIO(bytes(doc)))
        while r.forward() or r.read():
            if r.node_name() is not None and r.forward():
                r.read_element()
    except XmlError:
        pass
    except ValueError:
        pass
