"""The core.pxd API as generated code uses it: compiles tests/xml/_cimport_probe.pyx, which
``cimport``s ovirtsdk4._xml.core, into a temporary extension and drives it."""

import importlib.util
import io
import shlex
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import ovirtsdk4._xml.core as core
import pytest

from ovirtsdk4.error import XmlError
from ovirtsdk4.xml import XmlReader, XmlWriter

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    pytest.importorskip("Cython")
    if shutil.which("pkg-config") is None:
        pytest.skip("pkg-config is missing")
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "libxml-2.0"], capture_output=True, text=True
    )
    if flags.returncode != 0:
        pytest.skip("libxml2 headers are missing")
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    build = tmp_path_factory.mktemp("probe")
    source = build / "_cimport_probe.pyx"
    shutil.copy(HERE / "_cimport_probe.pyx", source)
    package_root = Path(core.__file__).parents[2]
    ext = Extension(
        "_cimport_probe",
        [str(source)],
        include_dirs=[f[2:] for f in shlex.split(flags.stdout) if f.startswith("-I")],
        library_dirs=[f[2:] for f in shlex.split(flags.stdout) if f.startswith("-L")],
        libraries=[f[2:] for f in shlex.split(flags.stdout) if f.startswith("-l")],
    )
    modules = cythonize(
        [ext],
        include_path=[str(package_root)],
        quiet=True,
        build_dir=str(build / "c"),
        compiler_directives={"language_level": "3"},
    )
    dist = Distribution({"ext_modules": modules})
    cmd = dist.get_command_obj("build_ext")
    cmd.build_lib = str(build)
    cmd.build_temp = str(build / "tmp")
    cmd.ensure_finalized()
    cmd.run()
    built = next(build.glob("_cimport_probe*.so"))
    spec = importlib.util.spec_from_file_location("_cimport_probe", built)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules.pop("_cimport_probe", None)
    return module


VM = b"""<vm href="/vms/1" id="1">
  <name>web &amp; db</name>
  <memory> 1073741824 </memory>
  <stateless>TRUE</stateless>
  <ratio>0.5</ratio>
  <creation_time>2024-01-02T03:04:05.678+02:00</creation_time>
  <status>up</status>
  <usages><usage>vm</usage><usage/></usages>
  <actions><link rel="start" href="/vms/1/start"/></actions>
  <cluster href="/clusters/c" id="c"/>
  <future><nested><deep>x</deep></nested></future>
</vm>"""


def test_struct_reader(probe):
    d = probe.read_vm(XmlReader(io.BytesIO(VM)))
    assert d == {
        "href": "/vms/1",
        "id": "1",
        "name": "web & db",
        "memory": 1073741824,
        "stateless": True,
        "ratio": 0.5,
        "creation_time": datetime(2024, 1, 2, 1, 4, 5, 678000, tzinfo=core.TZ(0, "UTC")),
        "status": "UP",
        "usages": ["vm", None],
        "skipped": ["actions", "future"],
        "cluster": {"href": "/clusters/c", "id": "c"},
    }
    assert d["creation_time"].utcoffset() == timedelta(hours=2)


def test_empty_and_unknown_enum(probe):
    assert probe.read_vm(core.Cursor.from_bytes(b"<vm/>")) == {"href": None, "id": None}
    got = probe.read_vm(core.Cursor.from_bytes(b"<vm><status>sideways</status></vm>"))
    assert got["status"] is None


def test_list_reader_streamed_equals_memory(probe):
    doc = b"<vms>" + VM * 50 + b"<vm/></vms>"
    memory = probe.read_vms(core.Cursor.from_bytes(doc))
    streamed = probe.read_vms(core.Cursor.from_stream(io.BytesIO(doc), 7))
    assert len(memory) == 51 and memory == streamed


def test_sibling_reading_leaves_cursor_after_element(probe):
    c = core.Cursor.from_bytes(b"<r><vm id='a'/>\n<vm id='b'><name>n</name></vm><tail/></r>")
    c.read()
    assert probe.read_vm(c)["id"] == "a"
    assert probe.read_vm(c) == {"href": None, "id": "b", "name": "n"}
    assert c.node_name() == "tail"
    assert probe.depth_and_type(c) == (1, 1, True)


@pytest.mark.parametrize(
    "doc,error",
    [
        (b"<vm><memory>1.5</memory></vm>", ValueError),
        (b"<vm><stateless>yes</stateless></vm>", ValueError),
        (b"<vm><creation_time>2020</creation_time></vm>", ValueError),
        (b"<vm><name>x</name><memory>1", XmlError),
    ],
)
def test_bad_values_raise(probe, doc, error):
    with pytest.raises(error):
        probe.read_vm(core.Cursor.from_bytes(doc))


def test_writer(probe):
    e = core.Emitter.create(None, True)
    out = probe.write_vm(e, {"id": "7", "name": "a<b", "usages": ["vm", "gluster"]})
    assert out == (
        b'<vm id="7">\n  <name>a&lt;b</name>\n  <usages>\n    <usage>vm</usage>\n'
        b"    <usage>gluster</usage>\n  </usages>\n</vm>\n"
    )
    w = XmlWriter(None)
    assert probe.write_vm(w, {"name": "", "usages": []}) == b"<vm><name></name><usages/></vm>"
    with pytest.raises(TypeError):
        probe.write_vm(core.Emitter.create(), {"name": None, "usages": []})
