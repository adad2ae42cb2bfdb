"""What the file outputs (``jsonl``, ``csv``) share: one sink per collection, made on demand
by any fetching thread, and the count of bytes written so far."""

from __future__ import annotations

import threading

__all__ = ["FileOutput"]


class FileOutput:
    """Files in ``directory``; subclasses name their ``format`` and ``sink_class``, a class
    made as ``sink_class(directory, name)`` that has ``bytes``."""

    format = None
    sink_class = None

    def __init__(self, directory):
        self.directory = directory
        self.sinks = {}
        self._lock = threading.Lock()

    def sink(self, name):
        with self._lock:
            sink = self.sinks[name] = self.sink_class(self.directory, name)
            return sink

    def written(self):
        return sum(s.bytes for s in list(self.sinks.values()))
