"""``--format jsonl``: one JSON Lines file per collection, one record per line."""

from __future__ import annotations

import json
import os

from ovirtsdk4.cli.file_output import FileOutput

__all__ = ["JsonlOutput"]

_BUFFER = 1 << 20


class _Sink:
    def __init__(self, directory, name):
        self.name = name
        self.path = os.path.join(directory, f"{name}.jsonl")
        self.file = open(self.path, "xb", buffering=_BUFFER)  # noqa: SIM115 - closed by finish
        self.encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
        self.objects = 0
        self.bytes = 0

    def write(self, record, keys=None):
        line = (self.encode(record) + "\n").encode("utf-8")
        self.file.write(line)
        self.objects += 1
        self.bytes += len(line)

    def finish(self):
        self.file.close()

    def files(self):
        return {os.path.basename(self.path): self.bytes}


class JsonlOutput(FileOutput):
    """Writes ``<name>.jsonl`` files in ``directory``."""

    format = "jsonl"
    sink_class = _Sink

    def finish(self):
        for sink in self.sinks.values():
            sink.finish()

    def close(self):
        """Release the files of a failed run (their directory is removed): errors ignored."""
        for sink in self.sinks.values():
            try:
                sink.file.close()
            except OSError:
                pass

    def describe(self, name):
        """The manifest's view of collection ``name``: its files and their sizes."""
        sink = self.sinks[name]
        return {"bytes": sink.bytes, "files": sink.files()}
