"""The request path against its floor: raw pycurl, parse, ours, official, in one run.

Starts a throw-away nginx (``nginx.py``) serving the ~10 KB VM document and the VM lists over
plain HTTP and HTTPS on 127.0.0.1, and prints, for each scheme, the median CPU and wall time
per request of:

* ``raw easy``: one reused ``pycurl.Curl``, ``perform()`` per request, the body written to a
  ``BytesIO`` (the floor of a sequential request, no SDK);
* ``raw multi``: 200 easy handles on one ``CurlMulti`` (8 connections), ``perform()`` and
  ``select()`` until all are done (the floor of 200 futures);
* ``parse``: ``Reader.read`` of the VM document alone;
* ``raw easy, then parse``: the two in one loop, each body parsed as it arrives: the smallest
  script that does what a ``get()`` does. It costs more than the sum of the two rows above,
  which run apart with their code and data warm in the CPU's caches;
* ``raw multi 200, then parse``: the same for the 200 at once, each body parsed once all are
  in: the smallest script that does what 200 futures do;
* ``ours get``: ``vm_service(id).get()`` from the main thread, and from another thread;
* ``ours futures``: 200 ``get(wait=False)``, then ``wait()`` on each;
* the same two for the official SDK (a child process of ``OVIRTSDK_REF_PYTHON``);
* ``list``: ``vms_service().list()`` of ``--list`` VMs (ours, official), with the parse alone.

Every row runs once per round, the rows in turn (the official's in a child process that runs
a round when told), so that the changes of speed of a shared machine fall on all rows alike.
The table gives each row's median; below it, the CPU beyond the floor and the official's
ratio to ours are taken round by round, from rows of the same round, as median (min .. max).
The ``ceiling`` lines divide the official's CPU by that of the smallest script that does the
same job with our parser and no SDK (``raw easy, then parse``; ``raw multi 200, then parse``;
the parse alone for a list): no SDK built on this parser can have a larger ratio.

Run from the repository root::

    OVIRTSDK_REF_PYTHON=../ref/bin/python PYTHONPATH=. .venv/bin/python bench/request_path.py

``--rounds N`` (default 7), ``--requests N`` per round (default 300), ``--list N`` (default 0:
no list rows; 10000 for the 102 MB list), ``--list-rounds N`` (default 3), ``--only ours``
skips the official child, ``--scheme http`` (or ``https``) runs one scheme only.

``--loop KIND N [SCHEME]`` runs N requests of one kind and nothing else (``raw``, ``raw-multi``,
``parse``, ``get-main``, ``get-other``, ``futures``: 200 at a time), for instruction counts
that do not depend on the machine's load: the difference of two callgrind runs, N = 800 and
N = 200, divided by 600, is the count of one request (the start-up cancels out)::

    PYTHONPATH=. valgrind --tool=callgrind --callgrind-out-file=cg.800 \
        .venv/bin/python bench/request_path.py --loop get-main 800 http
    callgrind_annotate cg.800 | grep 'PROGRAM TOTALS'
"""

import argparse
import gc
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
if BENCH_DIR not in sys.path:
    sys.path.insert(0, BENCH_DIR)

import corpus  # noqa: E402
import nginx  # noqa: E402
from worker import perform_all  # noqa: E402

CONNECTIONS = 8
FUTURES = 200
HEADERS = [
    "User-Agent: bench",
    "Version: 4",
    "Accept: application/xml",
    "Authorization: Bearer x",
]


def _round(fn, per_round):
    """(cpu, wall) per item of one call of ``fn``, all threads' CPU counted."""
    gc.collect()
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    w1, c1 = time.perf_counter(), time.process_time()
    return (c1 - c0) / per_round, (w1 - w0) / per_round


def _curl(url, ca_file):
    import pycurl

    curl = pycurl.Curl()
    curl.setopt(pycurl.URL, url)
    curl.setopt(pycurl.HTTPHEADER, HEADERS)
    curl.setopt(pycurl.NOSIGNAL, 1)
    if ca_file:
        curl.setopt(pycurl.CAINFO, ca_file)
    return curl


def raw_easy(url, ca_file, n, read=None):
    """``n`` requests on one reused easy handle; with ``read``, each body is given to it."""
    import pycurl

    curl = _curl(url, ca_file)

    def run():
        for _ in range(n):
            buffer = io.BytesIO()
            curl.setopt(pycurl.WRITEFUNCTION, buffer.write)
            curl.perform()
            assert curl.getinfo(pycurl.RESPONSE_CODE) == 200
            body = buffer.getvalue()
            if read is not None:
                read(body)

    return run


def raw_multi(url, ca_file, n, read=None):
    """``n`` requests at once on one multi handle; with ``read``, each body is then given to it."""
    import pycurl

    multi = pycurl.CurlMulti()
    multi.setopt(pycurl.M_MAX_HOST_CONNECTIONS, CONNECTIONS)
    handles = [_curl(url, ca_file) for _ in range(n)]

    def run():
        bodies = perform_all(pycurl, multi, handles)
        if read is not None:
            for body in bodies:
                read(body)

    return run


def parse(document, n):
    from ovirtsdk4 import reader

    def run():
        for _ in range(n):
            reader.Reader.read(document)

    return run


def sdk_jobs(url, list_url, ca_file, n, where):
    """The round functions of the importable ovirtsdk4 (ours, or the official one in the child),
    ``{row: (function, items per round)}``, and a function that closes their connections."""
    import ovirtsdk4

    vm_id = "123"
    ca_file = ca_file or None
    connection = ovirtsdk4.Connection(url=url, token="x", ca_file=ca_file, connections=CONNECTIONS)
    vm_service = connection.system_service().vms_service().vm_service
    connections = [connection]

    def get():
        for _ in range(n):
            vm_service(vm_id).get()

    def get_other():
        thread = threading.Thread(target=get)
        thread.start()
        thread.join()

    def futures():
        pending = [vm_service(vm_id).get(wait=False) for _ in range(FUTURES)]
        for future in pending:
            future.wait()

    jobs = {f"{where} get (main thread)": (get, n)}
    if where == "ours":
        jobs[f"{where} get (other thread)"] = (get_other, n)
    jobs[f"{where} futures {FUTURES}"] = (futures, FUTURES)
    if list_url:
        lister = ovirtsdk4.Connection(
            url=list_url, token="x", ca_file=ca_file, connections=CONNECTIONS
        )
        connections.append(lister)
        jobs[f"{where} list"] = (lister.system_service().vms_service().list, 1)

    def close():
        for each in connections:
            each.close(logout=False)

    return jobs, close


def child_main(argv):
    """``request_path.py --child URL LIST_URL CA N``: the official's rounds, one per line of
    standard input naming a row (its first round is a warm-up), each answered by a JSON line."""
    url, list_url, ca_file, n = argv
    jobs, close = sdk_jobs(url, list_url, ca_file, int(n), "official")
    print(json.dumps(list(jobs)), flush=True)
    warm = set()
    for line in sys.stdin:
        name = line.strip()
        fn, per_round = jobs[name]
        if name not in warm:
            warm.add(name)
            fn()
        print(json.dumps(_round(fn, per_round)), flush=True)
    close()


class Official:
    """The official SDK's rows, a round at a time, in a child process of
    ``OVIRTSDK_REF_PYTHON`` (both packages are named ``ovirtsdk4``), so that its rounds can
    alternate with ours."""

    def __init__(self, url, list_url, ca_file, n):
        python = os.environ["OVIRTSDK_REF_PYTHON"]
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        self._cwd = tempfile.TemporaryDirectory()
        argv = [python, os.path.abspath(__file__), "--child", url, list_url, ca_file, str(n)]
        self._child = subprocess.Popen(
            argv,
            cwd=self._cwd.name,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.jobs = {name: self._job(name) for name in json.loads(self._answer())}

    def _answer(self):
        line = self._child.stdout.readline()
        if not line:
            raise RuntimeError(f"the official's child ended (status {self._child.wait()})")
        return line

    def _job(self, name):
        def run():
            self._child.stdin.write(name + "\n")
            self._child.stdin.flush()
            return tuple(json.loads(self._answer()))

        return run

    def close(self):
        self._child.stdin.close()
        self._child.wait(timeout=60)
        self._cwd.cleanup()


def interleaved(jobs, rounds):
    """``{row: [(cpu, wall), ...]}``: a warm-up round of every job, then ``rounds`` rounds in
    each of which every job runs once, in turn, so that the changes of speed of a shared
    machine (its CPU can run at half speed for minutes) fall on all rows alike. A job is
    ``(function, items per round)``, or a function of no argument that returns the
    ``(cpu, wall)`` of one round measured elsewhere (the official's child)."""

    def once(job):
        return job() if callable(job) else _round(*job)

    for job in jobs.values():
        once(job)
    samples = {name: [] for name in jobs}
    for _ in range(rounds):
        for name, job in jobs.items():
            samples[name].append(once(job))
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--list", type=int, default=0)
    parser.add_argument("--list-rounds", type=int, default=3)
    parser.add_argument("--only", choices=("ours",))
    parser.add_argument("--scheme", choices=("http", "https"), action="append")
    args = parser.parse_args()
    from ovirtsdk4 import reader
    from ovirtsdk4.testing._tls import make_tls_material

    official = args.only != "ours" and bool(os.environ.get("OVIRTSDK_REF_PYTHON"))
    with tempfile.TemporaryDirectory() as tmp:
        tls = make_tls_material(os.path.join(tmp, "tls"))
        counts = {1000}
        if args.list:
            counts.add(args.list)
        lists = {}
        for count in counts:
            lists[count] = os.path.join(tmp, f"vms-{count}.xml")
            with open(lists[count], "wb") as f:
                f.write(corpus.vms_document(count))
        server = nginx.Nginx(
            nginx.find_nginx(), os.path.join(tmp, "nginx"), tls.server_cert, tls.server_key, lists
        )
        with server:
            document = nginx.vm_document()
            list_document = None
            if args.list:
                with open(lists[args.list], "rb") as f:
                    list_document = f.read()
            for scheme in args.scheme or ("http", "https"):
                ca_file = str(tls.ca_cert) if scheme == "https" else ""
                url = server.url(1000, scheme)
                list_url = server.url(args.list, scheme) if args.list else ""
                vm_url = url + "/vms/123"
                n = args.requests
                small = {
                    "raw easy": (raw_easy(vm_url, ca_file, n), n),
                    f"raw multi {FUTURES}": (raw_multi(vm_url, ca_file, FUTURES), FUTURES),
                    "parse (VM)": (parse(document, n), n),
                    "raw easy, then parse": (raw_easy(vm_url, ca_file, n, reader.Reader.read), n),
                    f"raw multi {FUTURES}, then parse": (
                        raw_multi(vm_url, ca_file, FUTURES, reader.Reader.read),
                        FUTURES,
                    ),
                }
                big = {}
                if list_document is not None:
                    big["parse (list)"] = (parse(list_document, 1), 1)
                ours, close = sdk_jobs(url, list_url, ca_file, n, "ours")
                ref = Official(url, list_url, ca_file, n) if official else None
                try:
                    for name, job in [*ours.items(), *(ref.jobs.items() if ref else ())]:
                        (big if name.endswith(" list") else small)[name] = job
                    samples = interleaved(small, args.rounds)
                    if big:
                        samples.update(interleaved(big, args.list_rounds))
                finally:
                    close()
                    if ref is not None:
                        ref.close()
                _print(scheme, samples)


def loop_main(kind, n, scheme="http"):
    """``--loop``: ``n`` requests of ``kind`` against a throw-away nginx, untimed."""
    from ovirtsdk4.testing._tls import make_tls_material

    with tempfile.TemporaryDirectory() as tmp:
        tls = make_tls_material(os.path.join(tmp, "tls"))
        lists = {10: os.path.join(tmp, "vms-10.xml")}
        with open(lists[10], "wb") as f:
            f.write(corpus.vms_document(10))
        server = nginx.Nginx(
            nginx.find_nginx(), os.path.join(tmp, "nginx"), tls.server_cert, tls.server_key, lists
        )
        with server:
            ca_file = str(tls.ca_cert) if scheme == "https" else ""
            url = server.url(10, scheme)
            if kind == "raw":
                run = raw_easy(url + "/vms/123", ca_file, n)
            elif kind == "raw-multi":
                run = raw_multi(url + "/vms/123", ca_file, FUTURES)
            elif kind == "parse":
                run = parse(nginx.vm_document(), n)
            else:
                import ovirtsdk4

                connection = ovirtsdk4.Connection(
                    url=url, token="x", ca_file=ca_file or None, connections=CONNECTIONS
                )
                vm_service = connection.system_service().vms_service().vm_service

                def run():
                    if kind == "futures":
                        for _ in range(n // FUTURES):
                            pending = [vm_service("123").get(wait=False) for _ in range(FUTURES)]
                            for future in pending:
                                future.wait()
                    else:
                        for _ in range(n):
                            vm_service("123").get()

            if kind == "raw-multi":
                for _ in range(n // FUTURES):
                    run()
            elif kind == "get-other":
                thread = threading.Thread(target=run)
                thread.start()
                thread.join()
            else:
                run()


def _print(scheme, samples):
    """The median of each row; then, from the rows of each round, the CPU beyond the floor and
    the official's ratios to ours, as median (min .. max) over the rounds."""
    print(f"\n{scheme}: median per request (per list for list rows)")
    print(f"{'row':<28} {'cpu':>10} {'wall':>10}")
    for name, values in samples.items():
        cpu = statistics.median(v[0] for v in values)
        wall = statistics.median(v[1] for v in values)
        print(f"{name:<28} {_fmt(cpu):>10} {_fmt(wall):>10}")
    print("each round apart: median (min .. max)")

    def show(label, values, fmt):
        if values:
            values = sorted(values)
            low, mid, high = fmt(values[0]), fmt(statistics.median(values)), fmt(values[-1])
            print(f"{label:<60} {mid:>10}  ({low} .. {high})")

    def column(name, i):
        return [v[i] for v in samples.get(name, ())]

    def difference(row, *parts):
        """``row``'s CPU minus the sum of ``parts``'s, round by round."""
        label = parts[0] if len(parts) == 1 else f"({' + '.join(parts)})"
        rounds = zip(column(row, 0), *(column(part, 0) for part in parts), strict=False)
        show(f"{row} cpu - {label}", [first - sum(rest) for first, *rest in rounds], _fmt)

    def ratio(label, top, bottom, i):
        rounds = zip(column(top, i), column(bottom, i), strict=False)
        show(label, [a / b for a, b in rounds], "{:.2f}x".format)

    difference("ours get (main thread)", "raw easy", "parse (VM)")
    difference("ours get (other thread)", "raw easy", "parse (VM)")
    difference(f"ours futures {FUTURES}", f"raw multi {FUTURES}", "parse (VM)")
    for row, parts in (
        ("ours get (main thread)", "raw easy"),
        (f"ours futures {FUTURES}", f"raw multi {FUTURES}"),
    ):
        floor = f"{parts}, then parse"
        difference(row, floor)
        difference(floor, parts, "parse (VM)")
    for row in ("get (main thread)", f"futures {FUTURES}", "list"):
        for i, measure in ((0, "cpu"), (1, "wall")):
            ratio(f"official / ours {row}, {measure}", f"official {row}", f"ours {row}", i)
    for row, floor in (
        ("get (main thread)", "raw easy, then parse"),
        (f"futures {FUTURES}", f"raw multi {FUTURES}, then parse"),
        ("list", "parse (list)"),
    ):
        ratio(f"ceiling: official {row} / {floor}, cpu", f"official {row}", floor, 0)


def _fmt(seconds):
    if seconds >= 0.1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--loop":
        loop_main(sys.argv[2], int(sys.argv[3]), *sys.argv[4:5])
    else:
        main()
