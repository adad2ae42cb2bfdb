"""What the generated readers and writers do with a reader or writer argument that is not an
``XmlReader`` or ``XmlWriter``: as the official's, ``None`` and other objects without the
methods they call raise AttributeError; reader- or writer-like objects of other classes are
refused with a TypeError (docs/differences.md). The calls run in a child process, so that a
crash (these arguments once reached C as NULL) fails the test instead of killing pytest."""

import json
import os
import subprocess
import sys

import ovirtsdk4

CHILD = r"""
import json
from ovirtsdk4 import List, readers, types, writers

class Duck:
    def forward(self):
        return False

    def write_start(self, name):
        pass

calls = {
    "read_one(None)": lambda: readers.VmReader.read_one(None),
    "read_many(None)": lambda: readers.VmReader.read_many(None),
    "read_one(object())": lambda: readers.VmReader.read_one(object()),
    "read_one(Duck())": lambda: readers.VmReader.read_one(Duck()),
    "write_one(vm, None)": lambda: writers.VmWriter.write_one(types.Vm(), None),
    "write_many([], None)": lambda: writers.VmWriter.write_many(List(), None),
    "write_one(vm, 1)": lambda: writers.VmWriter.write_one(types.Vm(), 1),
    "write_one(vm, Duck())": lambda: writers.VmWriter.write_one(types.Vm(), Duck()),
}
out = {}
for name, call in calls.items():
    try:
        out[name] = ["ok", repr(call())]
    except Exception as error:
        out[name] = [type(error).__name__, str(error)]
print(json.dumps(out))
"""


def test_readers_and_writers_given_something_else_than_xml_reader_or_writer():
    # The child imports the package this test run imports (built in place or installed).
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ovirtsdk4.__file__)))
    child = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env)
    assert child.returncode == 0, child.stderr
    out = json.loads(child.stdout)
    for name in ("read_one(None)", "read_many(None)", "read_one(object())"):
        assert out[name][0] == "AttributeError" and "'forward'" in out[name][1], out[name]
    for name in ("write_one(vm, None)", "write_many([], None)", "write_one(vm, 1)"):
        assert out[name][0] == "AttributeError" and "'write_start'" in out[name][1], out[name]
    assert out["read_one(Duck())"] == ["TypeError", "Expected an 'XmlReader', but got 'Duck'"]
    assert out["write_one(vm, Duck())"] == ["TypeError", "Expected an 'XmlWriter', but got 'Duck'"]
