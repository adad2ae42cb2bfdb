"""Differential tests against the official ovirtsdk4 4.6.3 XmlReader/XmlWriter.

Runs the same script under the official package's interpreter (``OVIRTSDK_REF_PYTHON``, see
docs/differences.md) and under ours, and compares the JSON each prints. Skipped when the
variable is unset or the interpreter is missing.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

REF = os.environ.get("OVIRTSDK_REF_PYTHON")

pytestmark = pytest.mark.skipif(
    not REF or not os.path.exists(REF), reason="OVIRTSDK_REF_PYTHON is not set to an interpreter"
)

DOCS = [
    b"<a/>",
    b"<a></a>",
    b"<!-- lead --><a x='1' y=''>t<b/>u<c>v<d>w</d></c><![CDATA[<x>&]]></a>",
    b"<?pi data?><a>&amp;&lt;&gt;&quot;&apos;&#65;&#x20AC;</a>",
    b'<?xml version="1.0" encoding="UTF-8"?>\n<vms>\n'
    b'  <vm id="1"><name>\xc3\xa9</name></vm>\n</vms>\n',
    b"<l>\n <i>a</i>\n <i/>\n <i></i>\n <j><k>z</k></j>\n</l>",
    b"<html>blah<html>",
    b"<a><b>x</b>",
    b"<a><b></c></a>",
    b"<a>\n<b>1</b>\n<c>2</c>\n</a>",
]

SCRIPT = textwrap.dedent(
    """
    import io, json, sys
    from ovirtsdk4.xml import XmlReader, XmlWriter

    def attempt(f):
        try:
            return ["ok", f()]
        except Exception as e:
            return ["error", type(e).__name__ == "TypeError"]

    def walk(doc):
        try:
            r = XmlReader(io.BytesIO(doc))
        except Exception:
            return ["ctor-error"]
        out = []
        while True:
            out.append([r.node_name(), r.empty_element(), r.get_attribute("x")])
            try:
                if not r.read():
                    break
            except Exception:
                out.append("read-error")
                break
        return out

    def elements(doc):
        try:
            r = XmlReader(io.BytesIO(doc))
        except Exception:
            return ["ctor-error"]
        out = []
        for _ in range(50):
            try:
                if r.forward():
                    out.append(["element", r.node_name(), r.read_element(), r.node_name()])
                elif not r.read():
                    break
            except Exception:
                out.append("error")
                break
        return out

    def lists(doc):
        try:
            r = XmlReader(io.BytesIO(doc))
            return [r.read_elements(), r.node_name()]
        except Exception:
            return "error"

    def skips(doc):
        try:
            r = XmlReader(io.BytesIO(doc))
            out = []
            r.read()
            for _ in range(20):
                out.append(r.node_name())
                if not r.next_element():
                    break
            return out
        except Exception:
            return "error"

    def write(indent, steps):
        w = XmlWriter(None, indent)
        results = [attempt(lambda: getattr(w, s[0])(*s[1:])) for s in steps]
        return [results, w.string()]

    docs = [d.encode("latin-1") for d in json.loads(sys.argv[1])]
    steps = json.loads(sys.argv[2])
    print(json.dumps({
        "walk": [walk(d) for d in docs],
        "elements": [elements(d) for d in docs],
        "lists": [lists(d) for d in docs],
        "skips": [skips(d) for d in docs],
        "write": [write(i, s) for s in steps for i in (False, True)],
    }))
    """
)

STEPS = [
    [
        ["write_start", "a"],
        ["write_start", "b"],
        ["write_end"],
        ["write_element", "c", "t"],
        ["write_end"],
    ],
    [["write_start", "a"], ["write_end"]],
    [
        ["write_start", "vm"],
        ["write_attribute", "id", "1 & <2> \"q\" 'a' \t\n\r"],
        ["write_element", "n", "x & <y> \"q\" 'a' \t\n\r"],
        ["write_element", "e", ""],
        ["write_start", "l"],
        ["write_end"],
        ["write_start", "m"],
        ["write_element", "i", "1"],
        ["write_end"],
        ["write_end"],
    ],
    [
        ["write_end"],
        ["write_attribute", "a", "b"],
        ["write_start", 1],
        ["write_element", "a", 2],
        ["write_start", "r"],
        ["write_element", "x", "y"],
        ["write_attribute", "a", "b"],
    ],
    [["write_start", "a"], ["write_end"], ["write_element", "b", "c"]],
    [
        ["write_start", "\ud800"],
        ["write_start", "a"],
        ["write_attribute", "x", "\ud800"],
        ["write_attribute", "\udfff", "1"],
        ["write_element", "b", "c\ud800"],
        ["write_element", "\ud800", "c"],
        ["write_end"],
    ],
]


def run(python, cwd):
    docs = json.dumps([d.decode("latin-1") for d in DOCS])
    env = dict(os.environ)
    if python == sys.executable:
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    else:
        env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [python, "-c", SCRIPT, docs, json.dumps(STEPS)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("diff")
    return run(REF, cwd), run(sys.executable, cwd)


@pytest.mark.parametrize("key", ["walk", "elements", "lists", "skips", "write"])
def test_same_as_official(both, key):
    ref, ours = both
    assert ours[key] == ref[key]
