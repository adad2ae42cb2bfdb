"""Hostile input: entity bombs, external entities, DTDs, depth, truncation, garbage.

Each must raise XmlError naming the problem; none may crash, hang, touch the network or the
file system, print to stderr or yield partial results silently.
"""

import io
import os
import subprocess
import sys
import textwrap

import pytest

from ovirtsdk4.error import XmlError
from ovirtsdk4.xml import XmlReader

from .conftest import Trickle, walk, walk_bytes

LAUGHS = '<!ENTITY lol "lol">' + "".join(
    '<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10)
    for i in range(1, 10)
)

HOSTILE = {
    "billion-laughs": "<!DOCTYPE lolz [%s]><lolz>&lol9;</lolz>" % LAUGHS,
    "billion-laughs-late": "<!--x--><!DOCTYPE lolz [%s]><lolz>&lol9;</lolz>" % LAUGHS,
    "quadratic-blowup": '<!DOCTYPE a [<!ENTITY x "%s">]><a>%s</a>' % ("x" * 5000, "&x;" * 5000),
    "external-entity": '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
    "external-entity-late": '<!--x--><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
    "parameter-entity": '<!DOCTYPE a [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]><a/>',
    "external-dtd": '<!DOCTYPE a SYSTEM "http://127.0.0.1:9/x.dtd"><a/>',
    "xinclude": '<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="/etc/passwd"'
    ' parse="text"/>&undefined;</a>',
    "undefined-entity": "<a>&nope;</a>",
    "deep": "<a>" * 1000 + "</a>" * 1000,
    "deep-late": "<r>" + "x" * 200000 + "<a>" * 1000 + "</a>" * 1000 + "</r>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents_raise(name):
    data = HOSTILE[name].encode()
    with pytest.raises(XmlError) as info:
        walk_bytes(data)
    assert info.value.line is not None
    with pytest.raises(XmlError):
        walk(XmlReader(Trickle(data, 1000)))


def test_messages_name_the_problem():
    def message(doc):
        with pytest.raises(XmlError) as info:
            walk_bytes(doc.encode())
        return str(info.value)

    assert "DOCTYPE" in message(HOSTILE["external-dtd"]) or "entity" in message(
        HOSTILE["external-dtd"]
    )
    assert "DOCTYPE" in message(HOSTILE["external-entity-late"])
    assert "depth" in message(HOSTILE["deep"]).lower()
    assert "line 1" in message(HOSTILE["deep-late"])
    assert "nope" in message(HOSTILE["undefined-entity"])


def test_xinclude_is_not_processed():
    r = XmlReader(
        io.BytesIO(
            b'<a xmlns:xi="http://www.w3.org/2001/XInclude">'
            b'<xi:include href="/etc/passwd" parse="text"/></a>'
        )
    )
    r.read()
    assert r.node_name() == "xi:include"
    r.next_element()
    assert r.node_name() == "a"


SMALL = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<vm href="/vms/1" id="1">\n  <name>\xc3\xa9t\xc3\xa9 &amp; co</name>\n'
    b"  <d><![CDATA[<x>]]></d>\n  <!-- c -->\n  <e/>\n</vm>\n"
)


def test_truncation_at_every_byte():
    full = walk_bytes(SMALL)
    for cut in range(len(SMALL)):
        data = SMALL[:cut]
        for source in (io.BytesIO(data), Trickle(data, 3)):
            try:
                got = walk(XmlReader(source))
            except XmlError:
                continue
            # Only a cut in the trailing newline may parse, and then it must be complete.
            assert got == full, cut


def test_reading_values_of_truncated_documents_never_returns_partial_text():
    data = b"<r><a>complete</a><b>partial text that is cut"
    r = XmlReader(io.BytesIO(data))
    r.read()
    assert r.read_element() == "complete"
    with pytest.raises(XmlError):
        r.read_element()


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)),
        b"\x00\x00\x00\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b'{"json": 1}',
        b"\xef\xbb\xbf",
        b"<a\x00/>",
        b"<<<<>>>>",
        b"<a b='1' b='2'/>",
        b"<a></b>",
        b"<1a/>",
        b"<a>]]></a>",
        b"<a x=1/>",
    ],
)
def test_garbage_raises(data):
    with pytest.raises(XmlError):
        walk_bytes(data)


def test_libxml2_never_prints(tmp_path):
    """Runs every bad input in a child process and checks that its stderr stays empty."""
    docs = list(HOSTILE.values())
    script = textwrap.dedent(
        """
        import io, sys
        from ovirtsdk4.error import XmlError
        from ovirtsdk4.xml import XmlReader, XmlWriter
        docs = %r
        docs += [SMALL[:i] for i in range(len(SMALL))]
        docs += [b"\\xff", b"<a>\\xc3</a>", bytes(range(256)), b"<a></b>"]
        failures = 0
        for doc in docs:
            if isinstance(doc, str):
                doc = doc.encode()
            try:
                r = XmlReader(io.BytesIO(doc))
                while r.read():
                    pass
            except XmlError:
                failures += 1
        class Trickle:  # one byte per read
            def __init__(self, data):
                self.data = data
            def read(self, size):
                byte, self.data = self.data[:1], self.data[1:]
                return byte
        # An encoding libxml2 converts with iconv, fed a byte at a time: the conversion of
        # a character cut in two fails, and libxml2 reports it without a parser context.
        cut = b'<?xml version="1.0" encoding="UTF--8"?>\\n<a><b>caf\\xc3\\xa9</b></a>\\n'
        try:
            r = XmlReader.from_stream(Trickle(cut))
            while r.read():
                pass
        except XmlError:
            failures += 1
        w = XmlWriter(None, True)
        for bad in (w.write_end, lambda: w.write_attribute("a", "b")):
            try:
                bad()
            except XmlError:
                failures += 1
        print(failures)
        """
    ) % (docs,)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    path = tmp_path / "silent.py"
    path.write_text("SMALL = %r\n" % SMALL + script)
    result = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert int(result.stdout) >= len(docs)
