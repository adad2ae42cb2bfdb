"""The emitter keeps the element stack itself and writes each piece with one
xmlTextWriterWriteRawLen (core.pyx, ``Emitter``). These tests drive XmlWriter calls and codec
writes (``Writer.write(obj, target=writer)``) into the same writer, in every order that changes
what the next piece must look like (a parent start tag still open, a sibling already written,
the top level, a flush in the middle of a start tag, errors, buffers growing), and compare the
output byte for byte with the official package, run under ``OVIRTSDK_REF_PYTHON``.
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

SCRIPT = textwrap.dedent(
    """
    import datetime, io, json
    from ovirtsdk4 import types
    from ovirtsdk4.writer import Writer
    from ovirtsdk4.xml import XmlWriter

    def attempt(f):
        try:
            f()
            return "ok"
        except Exception:
            return "error"

    def with_href(obj, href):
        obj.href = href
        return obj

    def vm(name="v1"):
        return with_href(types.Vm(
            id="123", name=name, memory=1024, description="a & <b> \\"c\\" \\r",
            cpu=types.Cpu(topology=types.CpuTopology(cores=2, sockets=1)),
            cluster=with_href(types.Cluster(id="c1"), "/clusters/c1"),
            creation_time=datetime.datetime(2020, 1, 2, 3, 4, 5),
            custom_properties=[types.CustomProperty(name="k", value="v")],
            tags=[], status=types.VmStatus.UP,
        ), "/vms/123")

    def scenario_open_parent(w):
        # The codec's first piece has to close the user's start tag (with its attribute).
        w.write_start("root")
        w.write_attribute("a", "1")
        Writer.write(vm(), target=w)
        w.write_end()

    def scenario_siblings(w):
        w.write_start("root")
        w.write_element("before", "x")
        Writer.write(vm(), target=w)
        Writer.write(types.Vm(), target=w)
        w.write_element("after", "")
        w.write_start("empty")
        w.write_end()
        w.write_end()

    def scenario_top_level(w):
        Writer.write(vm(), target=w)
        Writer.write(types.Host(id="h"), target=w)
        w.write_element("loose", "t")

    def scenario_nested_list(w):
        w.write_start("a")
        w.write_start("b")
        Writer.write([vm("x"), vm("y")], target=w, root="vms")
        Writer.write([], target=w, root="none")
        w.write_end()
        w.write_start("c")
        Writer.write(types.Vm(name="n"), target=w, root="custom")
        w.write_end()
        w.write_end()

    def scenario_string_in_start_tag(w):
        out = []
        w.write_start("a")
        w.write_attribute("x", "1")
        out.append(w.string())
        w.write_attribute("y", "2")
        out.append(w.string())
        Writer.write(types.Vm(id="1"), target=w)
        out.append(w.string())
        w.write_end()
        return out

    def scenario_errors(w):
        out = []
        out.append(attempt(lambda: w.write_end()))
        out.append(attempt(lambda: w.write_attribute("a", "b")))
        w.write_start("a")
        out.append(attempt(lambda: w.write_start("")))
        out.append(attempt(lambda: w.write_element("", "x")))
        out.append(attempt(lambda: w.write_attribute("", "x")))
        w.write_attribute("b", "c")
        Writer.write(types.Vm(id="1"), target=w)
        out.append(attempt(lambda: w.write_attribute("late", "x")))
        w.write_end()
        out.append(attempt(lambda: w.write_end()))
        out.append(attempt(lambda: w.write_attribute("a", "b")))
        return out

    def scenario_failed_codec_write(w):
        # A value of the wrong type stops the codec half way; the elements it opened stay
        # open, and the user's write_end closes the innermost of them.
        out = []
        w.write_start("root")
        bad = types.Vm(name="n", cpu=types.Cpu(topology=types.CpuTopology(cores=1)))
        bad.cpu.topology._sockets = "two"
        out.append(attempt(lambda: Writer.write(bad, target=w)))
        for _ in range(4):
            out.append(attempt(lambda: w.write_end()))
        return out

    def scenario_escaping(w):
        # No NUL, other C0 control, U+FFFE or U+FFFF: the official writes them as they are (or
        # stops at a NUL), we refuse them (docs/differences.md W3, test_forbidden_chars.py).
        w.write_start("r")
        w.write_attribute("plain", "/a/b?c=d;e")
        w.write_attribute("special", "<>&\\"'\\t\\n\\r end")
        w.write_attribute("unicode", "caf\\u00e9 \\u20ac \\U0001f600")
        w.write_element("text", "<>&\\"'\\t\\n\\r caf\\u00e9 \\U0001f600")
        Writer.write(
            with_href(types.Vm(id="\\u00e9&<", name="\\u00e9&<\\r\\n"), "x\\ty"), target=w
        )
        w.write_end()

    def scenario_growth(w):
        # Deeper than the initial stack of names, longer names and texts than the initial
        # buffers.
        for i in range(70):
            w.write_start("level%d" % i + "n" * (i * 13))
            w.write_attribute("v", "x" * (i * 37))
        w.write_element("t", "y" * 5000)
        Writer.write(types.Vm(name="z" * 3000, description="w" * 9000), target=w)
        for _ in range(70):
            w.write_end()

    SCENARIOS = [
        scenario_open_parent, scenario_siblings, scenario_top_level, scenario_nested_list,
        scenario_string_in_start_tag, scenario_errors, scenario_failed_codec_write,
        scenario_escaping, scenario_growth,
    ]

    results = {}
    for scenario in SCENARIOS:
        for indent in (False, True):
            w = XmlWriter(None, indent)
            extra = scenario(w)
            results["%s/%s" % (scenario.__name__, indent)] = [extra, w.string()]
            w.close()
            sink = io.BytesIO()
            w = XmlWriter(sink, indent)
            scenario(w)
            w.flush()
            w.close()
            results["%s/%s/io" % (scenario.__name__, indent)] = sink.getvalue().decode("utf-8")
    print(json.dumps(results))
    """
)


def run(python, cwd):
    env = dict(os.environ)
    if python == sys.executable:
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    else:
        env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [python, "-c", SCRIPT], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("fast")
    return run(REF, cwd), run(sys.executable, cwd)


SCENARIOS = [
    "scenario_open_parent",
    "scenario_siblings",
    "scenario_top_level",
    "scenario_nested_list",
    "scenario_string_in_start_tag",
    "scenario_errors",
    "scenario_failed_codec_write",
    "scenario_escaping",
    "scenario_growth",
]


@pytest.mark.parametrize("indent", [False, True])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_same_bytes_as_official(both, scenario, indent):
    ref, ours = both
    key = f"{scenario}/{indent}"
    assert ours[key] == ref[key]
    assert ours[key + "/io"] == ref[key + "/io"]


def test_every_scenario_ran(both):
    ref, ours = both
    assert sorted(ours) == sorted(ref)
    assert len(ours) == 4 * len(SCENARIOS)
