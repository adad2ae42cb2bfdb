"""``--format csv``: one CSV file per table (see :mod:`ovirtsdk4.cli.records` for the tables).

Rows are written as they come to a body file; a column is added when a row first has it.
When the export ends, the header (every column, in order of appearance) is written and the
body copied after it, with the rows written before a column appeared padded with empty
cells. Booleans are ``true``/``false``, absent values empty.
"""

from __future__ import annotations

import csv
import io
import os
import shutil

from ovirtsdk4.cli.file_output import FileOutput
from ovirtsdk4.cli.records import table_rows

__all__ = ["CsvOutput"]

_FLUSH_ROWS = 512


def _cell(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


class _Table:
    def __init__(self, directory, name):
        self.path = os.path.join(directory, f"{name}.csv")
        self.body_path = os.path.join(directory, f".{name}.csv.body")
        self.body = open(self.body_path, "xb")  # noqa: SIM115 - closed by finish or close
        self.columns = []
        self.index = {}
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.rows = 0
        self.pending = 0
        self.grew = False
        self.bytes = 0

    def add(self, row):
        index = self.index
        for key in row:
            if key not in index:
                self.grew = self.grew or self.rows > 0
                index[key] = len(self.columns)
                self.columns.append(key)
        values = [None] * len(self.columns)
        for key, value in row.items():
            values[index[key]] = _cell(value)
        self.writer.writerow(values)
        self.rows += 1
        self.pending += 1
        if self.pending >= _FLUSH_ROWS:
            self._flush()

    def _flush(self):
        data = self.buffer.getvalue().encode("utf-8")
        self.body.write(data)
        self.bytes += len(data)
        self.buffer.seek(0)
        self.buffer.truncate()
        self.pending = 0

    def finish(self):
        self._flush()
        self.body.close()
        width = len(self.columns)
        with open(self.path, "x", encoding="utf-8", newline="") as out:
            if self.columns:
                csv.writer(out, lineterminator="\n").writerow(self.columns)
            if not self.grew:
                out.flush()
                with open(self.body_path, "rb") as body:
                    shutil.copyfileobj(body, out.buffer, 1 << 20)
            else:
                writer = csv.writer(out, lineterminator="\n")
                with open(self.body_path, encoding="utf-8", newline="") as body:
                    for values in csv.reader(body):
                        if len(values) < width:
                            values.extend([""] * (width - len(values)))
                        writer.writerow(values)
        os.unlink(self.body_path)
        self.bytes = os.path.getsize(self.path)

    def close(self):
        try:
            self.body.close()
        except OSError:
            pass


class _Sink:
    def __init__(self, directory, name):
        self.directory = directory
        self.name = name
        # The collection's own table exists even when it stays empty.
        self.tables = {name: _Table(directory, name)}
        self.objects = 0

    def write(self, record, keys):
        for table, row in table_rows(self.name, record, keys):
            target = self.tables.get(table)
            if target is None:
                target = self.tables[table] = _Table(self.directory, table)
            target.add(row)
        self.objects += 1

    @property
    def bytes(self):
        return sum(t.bytes for t in list(self.tables.values()))


class CsvOutput(FileOutput):
    """Writes ``<table>.csv`` files in ``directory``."""

    format = "csv"
    sink_class = _Sink

    def finish(self):
        for sink in self.sinks.values():
            for table in sink.tables.values():
                table.finish()

    def close(self):
        """Release the files of a failed run (their directory is removed): errors ignored."""
        for sink in self.sinks.values():
            for table in sink.tables.values():
                table.close()

    def describe(self, name):
        sink = self.sinks[name]
        files = {os.path.basename(t.path): t.bytes for t in sink.tables.values()}
        return {"bytes": sum(files.values()), "files": files}
