"""Same-run comparison harness for the XML and HTTP benchmarks (see bench/README.md).

* ``ours``: the ``ovirtsdk4`` importable in this pytest process, driven in
  process by :class:`worker.Session`;
* ``official``: ``ovirt-engine-sdk-python`` 4.6.3 in the interpreter named by
  ``$OVIRTSDK_REF_PYTHON``, driven by the same :class:`worker.Session` code in
  a persistent subprocess (``bench/worker.py``) over JSON lines. Skipped when
  the variable is unset;
* ``wheel``: ours again, as installed from a binary wheel (libxml2 linked statically) in the
  interpreter named by ``$OVIRTSDK_WHEEL_PYTHON``, driven like ``official``; only the read
  cases ask for it, to compare the bundled libxml2 with the system's (the ``ours`` of a source
  build). Skipped when the variable is unset.

All implementations go through the same ``Driver.call(op)`` interface, so the
function that pytest-benchmark times is "run one round" in both cases; for the
official side it includes a pipe round trip (tens of microseconds against
tens or hundreds of milliseconds per round). Each round also reports its own
``time.process_time`` and ``time.perf_counter`` deltas, measured around the
library call only; their medians go into ``extra_info`` and into the table
printed at the end of the session, which is the number to compare.

Environment:

``OVIRTSDK_REF_PYTHON``
    Interpreter with the official SDK (e.g. ``../ref/bin/python``).
``OVIRTSDK_WHEEL_PYTHON``
    Interpreter with a wheel of ours installed (``packaging/build-wheels``).
``OVIRTSDK_BENCH_BIG=1``
    Also run the big cases (10,000-VM list); skipped otherwise.
``OVIRTSDK_BENCH_ROUNDS=N``
    Rounds per timed case (default 10, big cases 3).
``OVIRTSDK_BENCH_CORPUS_DIR=DIR``
    Keep generated corpus files there and reuse them (default: a pytest
    temporary directory, regenerated each session).
``OVIRTSDK_BENCH_NGINX=PATH``
    nginx binary for the HTTP cases (default: ``nginx`` on PATH or in
    ``/usr/sbin``); the HTTP cases are skipped when there is none.

HTTP cases (``bench/test_http.py``) run against one nginx started by the
session fixture ``nginx_server`` (``bench/nginx.py``): static documents over
HTTPS on 127.0.0.1, with a CA made by ``ovirtsdk4.testing._tls``. Both
implementations use the same server and CA; the official one through the same
worker subprocess as the XML cases.
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
import nginx  # noqa: E402
import worker  # noqa: E402

REF_PYTHON_ENV = "OVIRTSDK_REF_PYTHON"
WHEEL_PYTHON_ENV = "OVIRTSDK_WHEEL_PYTHON"
BIG_ENV = "OVIRTSDK_BENCH_BIG"
ROUNDS_ENV = "OVIRTSDK_BENCH_ROUNDS"
CORPUS_DIR_ENV = "OVIRTSDK_BENCH_CORPUS_DIR"

IMPLEMENTATIONS = ("ours", "wheel", "official", "raw")
_LEAKY_ENV = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")


@dataclass(frozen=True)
class Case:
    op: str  # "read", "write", "memory", or "http_get", "http_futures", "http_list", "http_rss"
    kind: str  # corpus kind: "vms", "events", "statistics"
    count: int  # items of the document; for http_get / http_futures: requests per round
    big: bool = False
    scheme: str = "https"  # HTTP cases: "https", or "http" (plain, the same nginx)

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
    # HTTP (bench/test_http.py): against nginx, see the nginx_server fixture.
    "http-get-vm-500": Case("http_get", "vms", 500),
    "http-futures-200": Case("http_futures", "vms", 200),
    "http-list-vms-1000": Case("http_list", "vms", 1000),
    "http-list-vms-10000": Case("http_list", "vms", 10000, big=True),
    "http-rss-list-vms-1000": Case("http_rss", "vms", 1000),
    "http-rss-list-vms-10000": Case("http_rss", "vms", 10000, big=True),
    "http-plain-get-vm-500": Case("http_get", "vms", 500, scheme="http"),
    "http-plain-futures-200": Case("http_futures", "vms", 200, scheme="http"),
    "http-plain-list-vms-1000": Case("http_list", "vms", 1000, scheme="http"),
    "http-plain-list-vms-10000": Case("http_list", "vms", 10000, big=True, scheme="http"),
}

HTTP_CONNECTIONS = 8  # Connection(connections=...) in every HTTP case
# List served by the nginx server that http_get / http_futures cases talk to
# (they only fetch the single-VM document).
HTTP_DEFAULT_LIST = 1000

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


class RawDriver(OursDriver):
    """Runs :class:`worker.RawHttpSession` (pycurl alone, the floor of the HTTP cases) in
    this process."""

    name = "raw"

    def __init__(self):
        import pycurl

        self.session = worker.RawHttpSession()
        self.info = {"module": pycurl.__file__, "version": pycurl.version}

    def call(self, op, **kwargs):
        try:
            return {"ok": True, **self.session.handle(op, kwargs)}
        except Exception as exc:  # noqa: BLE001 - turned into a clear test failure
            import traceback

            raise DriverError(
                "raw: %r failed: %s\n%s" % (op, exc, traceback.format_exc())
            ) from None


class WorkerDriver:
    """Runs :class:`worker.Session` in ``PYTHON bench/worker.py`` (the official SDK's
    interpreter, or the one with our wheel)."""

    def __init__(self, name, python, cwd):
        self.name = name
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
            raise DriverError("%s worker could not start:\n%s" % (name, hello.get("error")))
        self.info = hello

    def _receive(self, op):
        line = self.process.stdout.readline()
        if not line:
            code = self.process.poll()
            raise DriverError("%s worker died during %r (exit status %s)" % (self.name, op, code))
        return json.loads(line)

    def call(self, op, **kwargs):
        self.process.stdin.write(json.dumps({"op": op, **kwargs}) + "\n")
        self.process.stdin.flush()
        answer = self._receive(op)
        if not answer.get("ok"):
            raise DriverError("%s: %r failed:\n%s" % (self.name, op, answer.get("error")))
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


def _worker_driver(name, variable, wanted):
    """A :class:`WorkerDriver` in the interpreter named by $variable (skips without one)."""
    python = os.environ.get(variable)
    if not python:
        pytest.skip("%s is not set; point it at a Python with %s" % (variable, wanted))
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        pytest.skip("%s=%r is not an executable file" % (variable, python))
    # An empty working directory, so the worker cannot import the work tree's
    # ovirtsdk4 by accident (PYTHONPATH is removed from its environment too).
    with tempfile.TemporaryDirectory() as cwd:
        try:
            driver = WorkerDriver(name, python, cwd)
        except DriverError as exc:
            pytest.fail(str(exc), pytrace=False)
        if _under(driver.info["module"], os.path.dirname(BENCH_DIR)):
            driver.close()
            pytest.fail(
                "the %s worker imported the work tree's ovirtsdk4 (%s)"
                % (name, driver.info["module"]),
                pytrace=False,
            )
        try:
            yield driver
        finally:
            driver.close()


@pytest.fixture(scope="session")
def official_driver():
    yield from _worker_driver(
        "official", REF_PYTHON_ENV, "ovirt-engine-sdk-python==4.6.3 (e.g. ../ref/bin/python)"
    )


@pytest.fixture(scope="session")
def raw_driver():
    try:
        driver = RawDriver()
    except Exception as exc:  # noqa: BLE001 - e.g. no pycurl
        pytest.skip("raw pycurl rows need pycurl: %r" % (exc,))
    yield driver
    driver.session.close()


@pytest.fixture(scope="session")
def wheel_driver():
    yield from _worker_driver("wheel", WHEEL_PYTHON_ENV, "a wheel of ovirtsdk4-fast installed")


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
                "'ours' resolves to the official package (%s); run with PYTHONPATH=."
                % value.info["module"],
                pytrace=False,
            )
        return value
    if implementation == "raw" and CASES[request.node.callspec.params["case"]].op == "http_rss":
        pytest.skip("no raw row for the RSS cases")
    return request.getfixturevalue("%s_driver" % implementation)


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
# HTTP cases


@pytest.fixture(scope="session")
def tls_material(tmp_path_factory):
    try:
        from ovirtsdk4.testing._tls import make_tls_material
    except ImportError as exc:
        pytest.skip("cannot make TLS material (ovirtsdk4.testing._tls): %s" % exc)
    return make_tls_material(str(tmp_path_factory.mktemp("tls")))


@pytest.fixture(scope="session")
def nginx_server(tmp_path_factory, corpus_dir, tls_material):
    """One nginx for the session, serving the 1,000-VM list (and the 10,000 one when big)."""
    binary = nginx.find_nginx()
    explicit = os.environ.get(nginx.NGINX_ENV)
    if binary is None and explicit:
        pytest.skip("%s=%r is not an executable file" % (nginx.NGINX_ENV, explicit))
    if binary is None:
        pytest.skip(
            "no nginx binary (not on PATH nor in /usr/sbin): install it "
            "(apt-get install -y nginx-light) or set %s=/path/to/nginx" % nginx.NGINX_ENV
        )
    big = os.environ.get(BIG_ENV) == "1"
    counts = {HTTP_DEFAULT_LIST} | {
        c.count for c in CASES.values() if c.op in ("http_list", "http_rss") and (big or not c.big)
    }
    lists = {n: corpus_file(corpus_dir, "vms", n) for n in sorted(counts)}
    server = nginx.Nginx(
        binary,
        str(tmp_path_factory.mktemp("nginx")),
        tls_material.server_cert,
        tls_material.server_key,
        lists,
    )
    try:
        server.start()
    except nginx.NginxError as exc:
        pytest.fail(str(exc), pytrace=False)
    server.ca_file = str(tls_material.ca_cert)
    try:
        yield server
    finally:
        server.stop()


class HttpBench(Bench):
    """An HTTP case with one implementation, against :func:`nginx_server`."""

    def __init__(self, benchmark, driver, corpus_dir, case_id, server):
        super().__init__(benchmark, driver, corpus_dir, case_id)
        self.server = server

    def _list_count(self):
        return self.case.count if self.case.op in ("http_list", "http_rss") else HTTP_DEFAULT_LIST

    def _url(self):
        return self.server.url(self._list_count(), self.case.scheme)

    def _ca_file(self):
        return self.server.ca_file if self.case.scheme == "https" else None

    def _check(self, expected):
        got = _normalized(self._call("http_summary")["summary"])
        expected = _normalized(expected)
        if got != expected:
            self._fail(
                "%s got wrong VMs in %s:\n  expected %s\n  got      %s"
                % (self.driver.name, self.case_id, expected, got)
            )

    def _record_timed(self, cpu, wall, parse_cpu=()):
        n = self.case.count
        parse = {"parse_cpu_per_item_us": _median(parse_cpu) / n * 1e6} if parse_cpu else {}
        self._record(
            rounds=len(wall),
            cpu_median_s=_median(cpu),
            wall_median_s=_median(wall),
            wall_min_s=min(wall),
            cpu_per_item_us=_median(cpu) / n * 1e6,
            per_second=n / _median(wall),
            **parse,
        )

    def _timed_http(self, op, **kwargs):
        rounds = self.rounds()
        cpu, wall, parse_cpu = [], [], []

        def setup():
            self._call("http_reset")

        def one_round():
            answer = self._call(op, **kwargs)
            cpu.append(answer["cpu"])
            wall.append(answer["wall"])
            if "parse_cpu" in answer:
                parse_cpu.append(answer["parse_cpu"])

        self.benchmark.pedantic(
            one_round, setup=setup, rounds=rounds, iterations=1, warmup_rounds=1
        )
        self._record_timed(cpu[-rounds:], wall[-rounds:], parse_cpu[-rounds:])

    def _run_session(self, op, expected, **kwargs):
        self._call(
            "http_open", url=self._url(), ca_file=self._ca_file(), connections=HTTP_CONNECTIONS
        )
        try:
            # Correctness before timing (also opens the keep-alive connections).
            self._call(op, **kwargs)
            self._check(expected)
            self._call("http_reset")
            self._timed_http(op, **kwargs)
        finally:
            self._call("http_close")

    def run_http_get(self):
        n = self.case.count
        vm0 = corpus.facts("vms", 0)
        expected = {"count": n, "first": vm0, "last": vm0}
        self._run_session("http_get", expected, n=n, vm_id=vm0["id"])

    def run_http_futures(self):
        n = self.case.count
        vm0 = corpus.facts("vms", 0)
        self._run_session("http_futures", {"count": n, "first": vm0, "last": vm0}, n=n)

    def run_http_list(self):
        self._run_session("http_list", corpus.expected_summary("vms", self.case.count))

    def _rss_command(self):
        """(argv, env) of a fresh process of this implementation running ``worker.py rss-list``."""
        env = dict(os.environ)
        for key in _LEAKY_ENV:
            env.pop(key, None)
        if self.driver.name == "ours":
            package = os.path.dirname(os.path.abspath(self.driver.info["module"]))
            env["PYTHONPATH"] = os.path.dirname(package)
            python = sys.executable
        else:
            python = self.driver.info["executable"]
        argv = [python, os.path.join(BENCH_DIR, "worker.py"), "rss-list"]
        return argv + [self._url(), self._ca_file() or ""], env

    def run_http_rss(self):
        argv, env = self._rss_command()
        expected = _normalized(corpus.expected_summary("vms", self.case.count))
        answers = []

        def measure():
            with tempfile.TemporaryDirectory() as cwd:
                proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=600)
            try:
                answer = json.loads(proc.stdout.decode("utf-8").strip().splitlines()[-1])
            except (ValueError, IndexError):
                answer = {"ok": False, "error": proc.stderr.decode("utf-8", "replace")[-2000:]}
            answers.append(answer)

        value = os.environ.get(ROUNDS_ENV)
        rounds = int(value) if value else 3
        # Each round is a fresh process; the pytest-benchmark time is that of the
        # whole process (start-up, import, list), not a benchmark.
        self.benchmark.pedantic(measure, rounds=rounds, iterations=1, warmup_rounds=0)
        for answer in answers:
            if not answer.get("ok"):
                self._fail(
                    "%s rss-list process failed:\n%s" % (self.driver.name, answer.get("error"))
                )
            if self.driver.info["module"] != answer["module"]:
                self._fail(
                    "%s rss-list process imported %s instead of %s"
                    % (self.driver.name, answer["module"], self.driver.info["module"])
                )
            if _normalized(answer["summary"]) != expected:
                self._fail(
                    "%s rss-list got wrong VMs:\n  expected %s\n  got      %s"
                    % (self.driver.name, expected, answer["summary"])
                )
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over execve, so a child of
        # this (big) pytest process starts with the parent's peak as its own.
        if any(a["before"]["hwm"] is None or a["after"]["hwm"] is None for a in answers):
            self._fail("VmHWM is not available (/proc/self/status); Linux only")
        if not all(a["hwm_reset"] for a in answers):
            self._fail("cannot reset VmHWM (/proc/self/clear_refs); Linux >= 4.0 only")
        peak = [a["after"]["hwm"] - a["before"]["hwm"] for a in answers]
        hwm = [a["after"]["hwm"] for a in answers]
        retained = [
            a["after"]["rss"] - a["before"]["rss"]
            for a in answers
            if a["after"]["rss"] is not None and a["before"]["rss"] is not None
        ]
        self._record(
            rounds=len(answers),
            peak_delta_bytes=_median(peak),
            hwm_bytes=_median(hwm),
            hwm_before_bytes=_median([a["before"]["hwm"] for a in answers]),
            retained_rss_bytes=_median(retained),
            wall_median_s=_median([a["wall"] for a in answers]),
        )


@pytest.fixture
def http_bench(case_enabled, driver, corpus_dir, nginx_server, benchmark, case):
    # ``benchmark`` last, as in ``bench``.
    return HttpBench(benchmark, driver, corpus_dir, case, nginx_server)


# ---------------------------------------------------------------------------
# Grouping


def pytest_benchmark_group_stats(config, benchmarks, group_by):
    """``--benchmark-group-by=param:case`` even when the session also has benchmarks
    without a ``case`` parameter (e.g. ``test_import_time.py``, ``test_export.py``): the
    default grouping raises ``TypeError``/``KeyError`` on them; those are grouped by
    ``group,func`` instead. Otherwise the default implementation does the work."""
    from pytest_benchmark.plugin import pytest_benchmark_group_stats as default

    names = [g[len("param:") :] for g in group_by.split(",") if g.startswith("param:")]

    def complete(bench):
        params = bench["params"] or {}
        return all(name in params for name in names)

    if not names or all(complete(b) for b in benchmarks):
        return None  # firstresult hook: the plugin's own implementation runs
    with_param = [b for b in benchmarks if complete(b)]
    others = [b for b in benchmarks if not complete(b)]
    groups = dict(default(config, with_param, group_by)) if with_param else {}
    for key, items in default(config, others, "group,func"):
        groups.setdefault(key, []).extend(items)
    return sorted(groups.items(), key=lambda pair: pair[0] or "")


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
    xml = [c for c in cases if not CASES[c].op.startswith("http_")]
    if xml:
        _xml_summary(terminalreporter, xml)
    http = [c for c in cases if CASES[c].op.startswith("http_")]
    if http:
        _http_summary(terminalreporter, http)


def _timed_table(tr, cases, first, second, second_label, last_column):
    """Median cpu and wall times of two implementations per case, with the ratio second /
    first (above 1: ``first`` is faster), and whether their outputs are the same."""
    row = "%-24s %11s %11s %8s %11s %11s %8s %s"
    tr.write_line("")
    tr.write_line(
        row
        % (
            "case",
            "%s cpu" % first,
            "%s cpu" % second_label,
            "ratio",
            "%s wall" % first,
            "%s wall" % second_label,
            "ratio",
            last_column,
        )
    )
    for case_id in cases:
        a = RESULTS[case_id].get(first, {})
        b = RESULTS[case_id].get(second, {})
        note = ""
        if "sha256" in a and "sha256" in b:
            note = "same output" if a["sha256"] == b["sha256"] else "OUTPUT DIFFERS"
        tr.write_line(
            row
            % (
                case_id,
                _fmt_seconds(a.get("cpu_median_s")),
                _fmt_seconds(b.get("cpu_median_s")),
                _fmt_ratio(b.get("cpu_median_s"), a.get("cpu_median_s")),
                _fmt_seconds(a.get("wall_median_s")),
                _fmt_seconds(b.get("wall_median_s")),
                _fmt_ratio(b.get("wall_median_s"), a.get("wall_median_s")),
                note,
            )
        )


def _xml_summary(tr, cases):
    tr.section("ovirtsdk4 XML: ours vs official (medians)")
    tr.write_line(
        "Times are medians of per-round process_time (cpu) / perf_counter (wall) measured "
        "around the library call"
    )
    tr.write_line("in each process; ratio = official / ours (higher means ours is faster).")
    timed = [c for c in cases if CASES[c].op in ("read", "write")]
    if timed:
        _timed_table(tr, timed, "ours", "official", "off.", "note")
    wheel = [c for c in timed if "wheel" in RESULTS[c]]
    if wheel:
        _timed_table(
            tr, wheel, "wheel", "ours", "ours", "(ratio = ours / wheel: > 1, wheel faster)"
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


def _fmt_rate(value):
    return "-" if value is None else "%.0f/s" % value


def _fmt_fraction(ours, official):
    return "-" if not ours or not official else "%.2f" % (ours / official)


def _fmt_mib(value):
    return "-" if value is None else "%.1f MiB" % (value / 2**20)


def _floor_table(tr, cases):
    """Per request (per VM for lists), CPU: raw pycurl, the parse of the same bodies, their
    sum (the floor), ours and the official, and what ours spends beyond the floor."""
    rows = [c for c in cases if "raw" in RESULTS[c]]
    if not rows:
        return
    tr.write_line("")
    tr.write_line(
        "distance to the floor, CPU per request (per VM for lists): raw = pycurl alone, "
        "parse = Reader.read of the raw bodies,"
    )
    tr.write_line("floor = raw + parse, beyond = ours - floor.")
    row = "%-26s %9s %9s %9s %9s %9s %9s"
    tr.write_line(row % ("case", "raw", "parse", "floor", "ours", "beyond", "official"))

    def us(value):
        return "-" if value is None else "%.1f us" % value

    for case_id in rows:
        raw = RESULTS[case_id]["raw"]
        ours = RESULTS[case_id].get("ours", {}).get("cpu_per_item_us")
        official = RESULTS[case_id].get("official", {}).get("cpu_per_item_us")
        download, parse = raw.get("cpu_per_item_us"), raw.get("parse_cpu_per_item_us")
        floor = download + parse if download is not None and parse is not None else None
        beyond = ours - floor if ours is not None and floor is not None else None
        tr.write_line(
            row
            % (
                case_id,
                us(download),
                us(parse),
                us(floor),
                us(ours),
                us(beyond),
                us(official),
            )
        )


def _http_summary(tr, cases):
    tr.section("ovirtsdk4 HTTP (nginx on 127.0.0.1, HTTPS and plain): ours vs official (medians)")
    tr.write_line(
        "wall = perf_counter around the SDK calls of one round; rate = requests (or VMs) "
        "per second of wall time;"
    )
    tr.write_line(
        "cpu = process_time of the client process (all its threads); "
        "ratio = official / ours (higher: ours faster)."
    )
    timed = [c for c in cases if CASES[c].op != "http_rss"]
    if timed:
        tr.write_line("")
        tr.write_line(
            "%-22s %10s %10s %7s %10s %10s %10s %10s %7s"
            % (
                "case",
                "ours wall",
                "off. wall",
                "ratio",
                "ours rate",
                "off. rate",
                "ours cpu",
                "off. cpu",
                "ratio",
            )
        )
        for case_id in timed:
            ours = RESULTS[case_id].get("ours", {})
            off = RESULTS[case_id].get("official", {})
            tr.write_line(
                "%-22s %10s %10s %7s %10s %10s %10s %10s %7s"
                % (
                    case_id,
                    _fmt_seconds(ours.get("wall_median_s")),
                    _fmt_seconds(off.get("wall_median_s")),
                    _fmt_ratio(off.get("wall_median_s"), ours.get("wall_median_s")),
                    _fmt_rate(ours.get("per_second")),
                    _fmt_rate(off.get("per_second")),
                    _fmt_seconds(ours.get("cpu_median_s")),
                    _fmt_seconds(off.get("cpu_median_s")),
                    _fmt_ratio(off.get("cpu_median_s"), ours.get("cpu_median_s")),
                )
            )
    _floor_table(tr, timed)
    rss = [c for c in cases if CASES[c].op == "http_rss"]
    if rss:
        tr.write_line("")
        tr.write_line(
            "peak RSS of vms_service().list() in a fresh process of each implementation: "
            "peak+ = VmHWM after - before"
        )
        tr.write_line(
            "the call (peak reset before it), HWM = VmHWM after it; "
            "ratio = ours / official (lower: ours smaller)."
        )
        tr.write_line(
            "%-24s %10s %10s %6s %10s %10s %6s %9s %9s"
            % (
                "case",
                "ours peak+",
                "off. peak+",
                "ratio",
                "ours HWM",
                "off. HWM",
                "ratio",
                "ours wall",
                "off. wall",
            )
        )
        for case_id in rss:
            ours = RESULTS[case_id].get("ours", {})
            off = RESULTS[case_id].get("official", {})
            ours_peak, off_peak = ours.get("peak_delta_bytes"), off.get("peak_delta_bytes")
            ours_hwm, off_hwm = ours.get("hwm_bytes"), off.get("hwm_bytes")
            tr.write_line(
                "%-24s %10s %10s %6s %10s %10s %6s %9s %9s"
                % (
                    case_id,
                    _fmt_mib(ours_peak),
                    _fmt_mib(off_peak),
                    _fmt_fraction(ours_peak, off_peak),
                    _fmt_mib(ours_hwm),
                    _fmt_mib(off_hwm),
                    _fmt_fraction(ours_hwm, off_hwm),
                    _fmt_seconds(ours.get("wall_median_s")),
                    _fmt_seconds(off.get("wall_median_s")),
                )
            )
