"""Same-run comparison harness for the XML benchmarks (see bench/README.md).

* ``ours``: the ``ovirtsdk4`` importable in this pytest process, driven in
  process by :class:`worker.Session`;
* ``official``: ``ovirt-engine-sdk-python`` 4.6.3 in the interpreter named by
  ``$OVIRTSDK_REF_PYTHON``, driven by the same :class:`worker.Session` code in
  a persistent subprocess (``bench/worker.py``) over JSON lines. Skipped when
  the variable is unset.

Both implementations go through the same ``Driver.call(op)`` interface, so the
function that pytest-benchmark times is "run one round" in both cases; for the
official side it includes a pipe round trip (tens of microseconds against
tens or hundreds of milliseconds per round). Each round also reports its own
``time.process_time`` and ``time.perf_counter`` deltas, measured around the
library call only; their medians go into ``extra_info`` and into the table
printed at the end of the session, which is the number to compare.

Environment:

``OVIRTSDK_REF_PYTHON``
    Interpreter with the official SDK (e.g. ``/work/ref/bin/python``).
``OVIRTSDK_BENCH_BIG=1``
    Also run the big cases (10,000-VM list); skipped otherwise.
``OVIRTSDK_BENCH_ROUNDS=N``
    Rounds per timed case (default 10, big cases 3).
``OVIRTSDK_BENCH_CORPUS_DIR=DIR``
    Keep generated corpus files there and reuse them (default: a pytest
    temporary directory, regenerated each session).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass

import pytest

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
if BENCH_DIR not in sys.path:
    sys.path.insert(0, BENCH_DIR)

import corpus  # noqa: E402
import worker  # noqa: E402

REF_PYTHON_ENV = "OVIRTSDK_REF_PYTHON"
BIG_ENV = "OVIRTSDK_BENCH_BIG"
ROUNDS_ENV = "OVIRTSDK_BENCH_ROUNDS"
CORPUS_DIR_ENV = "OVIRTSDK_BENCH_CORPUS_DIR"

IMPLEMENTATIONS = ("ours", "official")
_LEAKY_ENV = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")


@dataclass(frozen=True)
class Case:
    op: str  # "read", "write" or "memory"
    kind: str  # corpus kind: "vms", "events", "statistics"
    count: int
    big: bool = False

    @property
    def default_rounds(self):
        return 3 if self.big else 10


# Case ids are the values of the ``case`` parameter of the benchmark tests,
# so ``--benchmark-group-by=param:case`` puts ours and official side by side.
CASES = {
    "read-vms-1000": Case("read", "vms", 1000),
    "read-vms-10000": Case("read", "vms", 10000, big=True),
    "read-events-10000": Case("read", "events", 10000),
    "read-statistics-10000": Case("read", "statistics", 10000),
    "write-vms-1000": Case("write", "vms", 1000),
    "memory-vms-1000": Case("memory", "vms", 1000),
}

# case id -> implementation -> measurements, for the end-of-session table.
RESULTS = {}


def _normalized(value):
    """JSON round trip, so tuples/lists and ints/floats compare like the worker's answers."""
    return json.loads(json.dumps(value))


def _median(values):
    return statistics.median(values) if values else None


class DriverError(Exception):
    pass


class OursDriver:
    """Runs :class:`worker.Session` in this process."""

    name = "ours"

    def __init__(self):
        self.session = worker.Session()
        self.info = self.session.hello()

    def call(self, op, **kwargs):
        try:
            return {"ok": True, **self.session.handle({"op": op, **kwargs})}
        except Exception as exc:  # noqa: BLE001 - turned into a clear test failure
            import traceback

            raise DriverError(
                "ours: %r failed: %s\n%s" % (op, exc, traceback.format_exc())
            ) from None

    def close(self):
        self.session = None


class OfficialDriver:
    """Runs :class:`worker.Session` in ``$OVIRTSDK_REF_PYTHON bench/worker.py``."""

    name = "official"

    def __init__(self, python, cwd):
        env = dict(os.environ)
        for key in _LEAKY_ENV:
            env.pop(key, None)
        self.process = subprocess.Popen(
            [python, os.path.join(BENCH_DIR, "worker.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=cwd,
            env=env,
            text=True,
            bufsize=1,
        )
        hello = self._receive("hello")
        if not hello.get("ok"):
            self.close()
            raise DriverError("official worker could not start:\n%s" % hello.get("error"))
        self.info = hello

    def _receive(self, op):
        line = self.process.stdout.readline()
        if not line:
            code = self.process.poll()
            raise DriverError("official worker died during %r (exit status %s)" % (op, code))
        return json.loads(line)

    def call(self, op, **kwargs):
        self.process.stdin.write(json.dumps({"op": op, **kwargs}) + "\n")
        self.process.stdin.flush()
        answer = self._receive(op)
        if not answer.get("ok"):
            raise DriverError("official: %r failed:\n%s" % (op, answer.get("error")))
        return answer

    def close(self):
        process = self.process
        if process.poll() is None:
            try:
                process.stdin.write(json.dumps({"op": "quit"}) + "\n")
                process.stdin.flush()
                process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory):
    path = os.environ.get(CORPUS_DIR_ENV)
    if path:
        os.makedirs(path, exist_ok=True)
        return path
    return str(tmp_path_factory.mktemp("corpus"))


_CORPUS_FILES = {}


def corpus_file(directory, kind, count):
    """Path of the corpus document (generated on first use, reused afterwards)."""
    key = (directory, kind, count)
    if key not in _CORPUS_FILES:
        path = os.path.join(directory, "%s-%d-%s.xml" % (kind, count, corpus.SEED))
        if not os.path.exists(path):
            partial = path + ".tmp%d" % os.getpid()
            with open(partial, "wb") as f:
                f.write(corpus.document(kind, count))
            os.replace(partial, path)
        _CORPUS_FILES[key] = path
    return _CORPUS_FILES[key]


@pytest.fixture(scope="session")
def ours_driver():
    try:
        driver = OursDriver()
    except Exception as exc:  # noqa: BLE001 - reported as a failure of each "ours" case
        import traceback

        driver = DriverError(
            "our ovirtsdk4 (from this pytest process's sys.path) cannot be used: %r\n%s"
            % (exc, traceback.format_exc())
        )
    yield driver
    if isinstance(driver, OursDriver):
        driver.close()


@pytest.fixture(scope="session")
def official_driver():
    python = os.environ.get(REF_PYTHON_ENV)
    if not python:
        pytest.skip(
            "%s is not set; point it at a Python with ovirt-engine-sdk-python==4.6.3 "
            "(e.g. /work/ref/bin/python)" % REF_PYTHON_ENV
        )
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        pytest.skip("%s=%r is not an executable file" % (REF_PYTHON_ENV, python))
    # An empty working directory, so the worker cannot import the work tree's
    # ovirtsdk4 by accident (PYTHONPATH is removed from its environment too).
    with tempfile.TemporaryDirectory() as cwd:
        try:
            driver = OfficialDriver(python, cwd)
        except DriverError as exc:
            pytest.fail(str(exc), pytrace=False)
        if _under(driver.info["module"], os.path.dirname(BENCH_DIR)):
            driver.close()
            pytest.fail(
                "the official worker imported the work tree's ovirtsdk4 (%s)"
                % driver.info["module"],
                pytrace=False,
            )
        try:
            yield driver
        finally:
            driver.close()


def _under(path, directory):
    return os.path.abspath(path).startswith(os.path.abspath(directory) + os.sep)


@pytest.fixture
def driver(request, implementation):
    if implementation == "ours":
        value = request.getfixturevalue("ours_driver")
        if isinstance(value, DriverError):
            pytest.fail(str(value), pytrace=False)
        python = os.environ.get(REF_PYTHON_ENV)
        if python and _under(value.info["module"], os.path.dirname(os.path.dirname(python))):
            pytest.fail(
                "'ours' resolves to the official package (%s); run with PYTHONPATH=/work/main"
                % value.info["module"],
                pytrace=False,
            )
        return value
    return request.getfixturevalue("official_driver")


class Bench:
    """Runs one case with one implementation and records the results."""

    def __init__(self, benchmark, driver, corpus_dir, case_id):
        self.benchmark = benchmark
        self.driver = driver
        self.case_id = case_id
        self.case = CASES[case_id]
        self.corpus_dir = corpus_dir

    def _fail(self, message):
        # Keep pytest-benchmark from adding "fixture was not used" (a warning,
        # hence an error here) to a failure that happened before timing.
        self.benchmark._mode = self.benchmark._mode or "failed before timing"
        pytest.fail(message, pytrace=False)

    def _call(self, op, **kwargs):
        try:
            return self.driver.call(op, **kwargs)
        except DriverError as exc:
            self._fail(str(exc))

    def rounds(self):
        value = os.environ.get(ROUNDS_ENV)
        return int(value) if value else self.case.default_rounds

    def _record(self, **values):
        entry = {"module": self.driver.info.get("module"), **values}
        RESULTS.setdefault(self.case_id, {})[self.driver.name] = entry
        self.benchmark.extra_info.update(
            {"implementation": self.driver.name, "items": self.case.count, **values}
        )

    def load(self):
        path = corpus_file(self.corpus_dir, self.case.kind, self.case.count)
        self._call("load", kind=self.case.kind, path=path)

    def _timed(self, op, setup_op):
        rounds = self.rounds()
        cpu, wall = [], []

        def setup():
            self._call(setup_op)

        def one_round():
            answer = self._call(op)
            cpu.append(answer["cpu"])
            wall.append(answer["wall"])

        self.benchmark.pedantic(
            one_round, setup=setup, rounds=rounds, iterations=1, warmup_rounds=1
        )
        # Drop the warm-up round (all rounds are kept when benchmarking is disabled).
        cpu, wall = cpu[-rounds:], wall[-rounds:]
        n = self.case.count
        self._record(
            rounds=len(cpu),
            cpu_median_s=_median(cpu),
            wall_median_s=_median(wall),
            cpu_min_s=min(cpu),
            cpu_per_item_us=_median(cpu) / n * 1e6,
        )

    def run_read(self):
        self.load()
        self._call("reset")
        self._call("read")
        got = _normalized(self._call("summary")["summary"])
        expected = _normalized(corpus.expected_summary(self.case.kind, self.case.count))
        if got != expected:
            self._fail(
                "%s read the %s corpus wrongly:\n  expected %s\n  got      %s"
                % (self.driver.name, self.case_id, expected, got)
            )
        self._call("reset")
        self._timed("read", "reset")

    def run_write(self):
        self.load()
        prepared = self._call("prepare_write")
        if prepared["count"] != self.case.count:
            self._fail(
                "%s read %s items instead of %s"
                % (self.driver.name, prepared["count"], self.case.count)
            )
        self._call("write")
        summary = self._call("write_summary")["summary"]
        root = "<%s>" % self.case.kind
        if (
            summary is None
            or summary["type"] != "str"
            or summary["root"] != root
            or summary["items"] != self.case.count
        ):
            self._fail(
                "%s wrote an unexpected document: %s (expected a str starting with %s "
                "holding %d items)" % (self.driver.name, summary, root, self.case.count)
            )
        self._timed("write", "reset")
        self.benchmark.extra_info.update(
            output_length=summary["length"], output_sha256=summary["sha256"]
        )
        RESULTS[self.case_id][self.driver.name]["sha256"] = summary["sha256"]

    def run_memory(self):
        self.load()
        answers = []

        def measure():
            answers.append(self._call("memory"))

        # One round: the time shown is that of the measurement (two parses
        # under tracemalloc), not a benchmark; the numbers are in extra_info.
        self.benchmark.pedantic(measure, rounds=1, iterations=1, warmup_rounds=0)
        answer = answers[-1]
        if answer["count"] != self.case.count:
            self._fail(
                "%s parsed %s items instead of %s"
                % (self.driver.name, answer["count"], self.case.count)
            )
        self._record(
            retained_bytes=answer["bytes"],
            bytes_per_item=answer["per_item"],
            rss_delta_bytes=answer["rss_delta"],
        )

    def run(self):
        getattr(self, "run_" + self.case.op)()


@pytest.fixture
def case_enabled(case):
    if CASES[case].big and os.environ.get(BIG_ENV) != "1":
        pytest.skip("big case: set %s=1 to run it" % BIG_ENV)
    return CASES[case]


@pytest.fixture
def bench(case_enabled, driver, corpus_dir, benchmark, case):
    # ``benchmark`` comes last so that skips (big case, no official
    # interpreter) and driver failures happen before it exists: an unused
    # benchmark fixture warns at teardown, and warnings are errors here.
    return Bench(benchmark, driver, corpus_dir, case)


# ---------------------------------------------------------------------------
# End-of-session table


def _fmt_seconds(value):
    if value is None:
        return "-"
    if value >= 1:
        return "%.2f s" % value
    return "%.1f ms" % (value * 1e3)


def _fmt_ratio(official, ours):
    if official is None or ours is None or not ours:
        return "-"
    return "%.1fx" % (official / ours)


def pytest_terminal_summary(terminalreporter):
    cases = [case_id for case_id in CASES if case_id in RESULTS]
    if not cases:
        return
    tr = terminalreporter
    tr.section("ovirtsdk4 XML: ours vs official (medians)")
    tr.write_line(
        "Times are medians of per-round process_time (cpu) / perf_counter (wall) measured "
        "around the library call"
    )
    tr.write_line("in each process; ratio = official / ours (higher means ours is faster).")
    header = "%-24s %11s %11s %8s %11s %11s %8s %s" % (
        "case",
        "ours cpu",
        "off. cpu",
        "ratio",
        "ours wall",
        "off. wall",
        "ratio",
        "note",
    )
    timed = [c for c in cases if CASES[c].op in ("read", "write")]
    if timed:
        tr.write_line("")
        tr.write_line(header)
        for case_id in timed:
            ours = RESULTS[case_id].get("ours", {})
            off = RESULTS[case_id].get("official", {})
            note = ""
            if "sha256" in ours and "sha256" in off:
                note = "same output" if ours["sha256"] == off["sha256"] else "OUTPUT DIFFERS"
            tr.write_line(
                "%-24s %11s %11s %8s %11s %11s %8s %s"
                % (
                    case_id,
                    _fmt_seconds(ours.get("cpu_median_s")),
                    _fmt_seconds(off.get("cpu_median_s")),
                    _fmt_ratio(off.get("cpu_median_s"), ours.get("cpu_median_s")),
                    _fmt_seconds(ours.get("wall_median_s")),
                    _fmt_seconds(off.get("wall_median_s")),
                    _fmt_ratio(off.get("wall_median_s"), ours.get("wall_median_s")),
                    note,
                )
            )
    memory = [c for c in cases if CASES[c].op == "memory"]
    if memory:
        tr.write_line("")
        tr.write_line(
            "%-24s %14s %14s %8s   (tracemalloc, retained by the parsed list / items)"
            % ("case", "ours B/item", "official B/item", "ratio")
        )
        for case_id in memory:
            ours = RESULTS[case_id].get("ours", {}).get("bytes_per_item")
            off = RESULTS[case_id].get("official", {}).get("bytes_per_item")
            tr.write_line(
                "%-24s %14s %14s %8s"
                % (
                    case_id,
                    "-" if ours is None else "%.0f" % ours,
                    "-" if off is None else "%.0f" % off,
                    _fmt_ratio(off, ours),
                )
            )
