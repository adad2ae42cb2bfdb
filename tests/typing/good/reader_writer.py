"""Reader and Writer: documents to objects and back."""

import ovirtsdk4
from ovirtsdk4 import types
from ovirtsdk4.reader import Reader
from ovirtsdk4.writer import Writer
from ovirtsdk4.xml import XmlReader, XmlWriter


def run(connection: ovirtsdk4.Connection) -> None:
    text = Writer.write(types.Vm(name="x", memory=1024), indent=True)
    assert isinstance(text, str)
    vm = Reader.read(text)
    assert isinstance(vm, types.Vm)
    print(vm.memory)
    items = Writer.write([types.Nic(name="a"), types.Nic(name="b")], root="nics")
    for nic in Reader.iterate(items):
        assert isinstance(nic, types.Nic)
    cursor = XmlReader.from_bytes(b"<name>x</name>")
    print(cursor.node_name(), cursor.read_element())
    cursor.close()
    writer = XmlWriter(None, True)
    Writer.write(types.Tag(name="t"), target=writer)
    print(writer.string())
    writer.close()
    assert connection.is_link(types.Vm()) is False
