"""``--format sqlite``: one SQLite database, ``export.db``, with a table per collection and per
list (see :mod:`ovirtsdk4.cli.records` for the tables).

Rows are inserted in batches as they come; a column is added (``ALTER TABLE ... ADD COLUMN``)
when a row first has it. Values keep their type: integers, reals, text, booleans as 0/1,
dates as ISO 8601 text. When the export ends, every ``id`` and ``*_id`` column gets an index.
The database is written without a journal: a failed export is removed as a whole anyway.
"""

from __future__ import annotations

import os
import sqlite3
import threading

from ovirtsdk4.cli.records import table_rows

__all__ = ["DATABASE", "SqliteOutput"]

DATABASE = "export.db"
_BATCH = 500


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


class _Table:
    def __init__(self, output, name, columns=()):
        self.output = output
        self.name = name
        self.columns = []
        self.index = {}
        self.batch = []
        self.rows = 0
        self.created = False
        self.insert = None
        if columns:
            self._add_columns(columns)

    def _add_columns(self, new):
        for key in new:
            self.index[key] = len(self.columns)
            self.columns.append(key)
        self.output.execute(self._schema_changes(new))
        names = ",".join(_quote(c) for c in self.columns)
        marks = ",".join("?" * len(self.columns))
        self.insert = f"INSERT INTO {_quote(self.name)} ({names}) VALUES ({marks})"

    def add(self, row):
        index = self.index
        new = [key for key in row if key not in index]
        if new:
            self.flush()
            self._add_columns(new)
        values = [None] * len(self.columns)
        for key, value in row.items():
            values[index[key]] = value
        self.batch.append(values)
        self.rows += 1
        if len(self.batch) >= _BATCH:
            self.flush()

    def _schema_changes(self, new):
        if not self.created:
            self.created = True
            return [f"CREATE TABLE {_quote(self.name)} ({','.join(_quote(c) for c in new)})"]
        return [f"ALTER TABLE {_quote(self.name)} ADD COLUMN {_quote(c)}" for c in new]

    def flush(self):
        if self.batch:
            self.output.executemany(self.insert, self.batch)
            self.batch = []


class _Sink:
    def __init__(self, output, name):
        self.output = output
        self.name = name
        # The collection's own table exists even when it stays empty.
        self.tables = {name: _Table(output, name, ("id",))}
        self.objects = 0

    def write(self, record, keys):
        for table, row in table_rows(self.name, record, keys):
            target = self.tables.get(table)
            if target is None:
                target = self.tables[table] = _Table(self.output, table)
            target.add(row)
        self.objects += 1

    def flush(self):
        for table in self.tables.values():
            table.flush()


class SqliteOutput:
    """Writes ``export.db`` in ``directory``; its sinks may be used from several threads."""

    format = "sqlite"

    def __init__(self, directory):
        self.path = os.path.join(directory, DATABASE)
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("BEGIN")
        self.sinks = {}
        self._lock = threading.RLock()  # a new sink creates its table under it
        self._sizes = None

    def sink(self, name):
        with self._lock:
            sink = self.sinks[name] = _Sink(self, name)
            return sink

    def execute(self, statements):
        with self._lock:
            for statement in statements:
                self.db.execute(statement)

    def executemany(self, sql, rows):
        with self._lock:
            self.db.executemany(sql, rows)

    def written(self):
        try:
            return os.path.getsize(self.path)
        except OSError:
            return 0

    def finish(self):
        for sink in self.sinks.values():
            sink.flush()
        db = self.db
        for sink in self.sinks.values():
            for table in sink.tables.values():
                for column in table.columns:
                    if column == "id" or column.endswith("_id"):
                        db.execute(
                            f"CREATE INDEX {_quote(f'{table.name}__{column}')} "
                            f"ON {_quote(table.name)} ({_quote(column)})"
                        )
        db.execute("COMMIT")
        self._sizes = self._table_sizes()
        db.close()

    def _table_sizes(self):
        owners = dict(self.db.execute("SELECT name, tbl_name FROM sqlite_master"))
        sizes = {}
        try:
            pages = self.db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
        except sqlite3.OperationalError:  # an SQLite built without the dbstat table
            return sizes
        for name, size in pages:
            table = owners.get(name, name)
            sizes[table] = sizes.get(table, 0) + size
        return sizes

    def close(self):
        self.db.close()

    def describe(self, name):
        sink = self.sinks[name]
        tables = {t.name: t.rows for t in sink.tables.values()}
        described = {"tables": tables}
        if self._sizes:
            described["bytes"] = sum(self._sizes.get(t, 0) for t in tables)
        return described
