"""The request path against its floor: raw pycurl, parse, ours, official, in one run.

Starts a throw-away nginx (``nginx.py``) serving the ~10 KB VM document and the VM lists over
plain HTTP and HTTPS on 127.0.0.1, and prints, for each scheme, the median CPU and wall time
per request of:

* ``raw easy``: one reused ``pycurl.Curl``, ``perform()`` per request, the body written to a
  ``BytesIO`` (the floor of a sequential request, no SDK);
* ``raw multi``: 200 easy handles on one ``CurlMulti`` (8 connections), ``perform()`` and
  ``select()`` until all are done (the floor of 200 futures);
* ``parse``: ``Reader.read`` of the VM document alone;
* ``ours get``: ``vm_service(id).get()`` from the main thread, and from another thread;
* ``ours futures``: 200 ``get(wait=False)``, then ``wait()`` on each;
* the same two for the official SDK (a child process of ``OVIRTSDK_REF_PYTHON``);
* ``list``: ``vms_service().list()`` of ``--list`` VMs (ours, official), with the parse alone.

Run from the repository root::

    OVIRTSDK_REF_PYTHON=../ref/bin/python PYTHONPATH=. .venv/bin/python bench/request_path.py

``--rounds N`` (default 7), ``--requests N`` per round (default 300), ``--list N`` (default 0:
no list rows; 10000 for the 102 MB list), ``--only ours`` skips the official child.

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


def _timed(fn, rounds, per_round):
    """(median cpu, median wall) per item over ``rounds`` calls of ``fn``, after a warm-up."""
    fn()
    cpu, wall = [], []
    for _ in range(rounds):
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        w1, c1 = time.perf_counter(), time.process_time()
        cpu.append((c1 - c0) / per_round)
        wall.append((w1 - w0) / per_round)
    return statistics.median(cpu), statistics.median(wall)


def _curl(url, ca_file):
    import pycurl

    curl = pycurl.Curl()
    curl.setopt(pycurl.URL, url)
    curl.setopt(pycurl.HTTPHEADER, HEADERS)
    curl.setopt(pycurl.NOSIGNAL, 1)
    if ca_file:
        curl.setopt(pycurl.CAINFO, ca_file)
    return curl


def raw_easy(url, ca_file, n):
    import pycurl

    curl = _curl(url, ca_file)

    def run():
        for _ in range(n):
            buffer = io.BytesIO()
            curl.setopt(pycurl.WRITEFUNCTION, buffer.write)
            curl.perform()
            assert curl.getinfo(pycurl.RESPONSE_CODE) == 200
            buffer.getvalue()

    return run


def raw_multi(url, ca_file, n):
    import pycurl

    multi = pycurl.CurlMulti()
    multi.setopt(pycurl.M_MAX_HOST_CONNECTIONS, CONNECTIONS)
    handles = [_curl(url, ca_file) for _ in range(n)]

    def run():
        perform_all(pycurl, multi, handles)

    return run


def parse(document, n):
    from ovirtsdk4 import reader

    def run():
        for _ in range(n):
            reader.Reader.read(document)

    return run


def sdk_rows(url, list_url, ca_file, rounds, n, list_rounds, where):
    """Rows of the importable ovirtsdk4 (ours, or the official one in a child)."""
    import ovirtsdk4

    vm_id = "123"
    ca_file = ca_file or None
    connection = ovirtsdk4.Connection(url=url, token="x", ca_file=ca_file, connections=CONNECTIONS)
    vms = connection.system_service().vms_service()
    vm_service = vms.vm_service
    rows = {}

    def get():
        for _ in range(n):
            vm_service(vm_id).get()

    def futures():
        pending = [vm_service(vm_id).get(wait=False) for _ in range(FUTURES)]
        for future in pending:
            future.wait()

    rows[f"{where} get (main thread)"] = _timed(get, rounds, n)
    if where == "ours":
        box = []
        thread = threading.Thread(target=lambda: box.append(_timed(get, rounds, n)))
        thread.start()
        thread.join()
        rows[f"{where} get (other thread)"] = box[0]
    rows[f"{where} futures {FUTURES}"] = _timed(futures, rounds, FUTURES)
    connection.close(logout=False)
    if list_url:
        connection = ovirtsdk4.Connection(
            url=list_url, token="x", ca_file=ca_file, connections=CONNECTIONS
        )
        lister = connection.system_service().vms_service().list
        rows[f"{where} list"] = _timed(lister, list_rounds, 1)
        connection.close(logout=False)
    return rows


def child_main(argv):
    """``request_path.py --child URL LIST_URL CA ROUNDS N LIST_ROUNDS``: official rows as JSON."""
    url, list_url, ca_file, rounds, n, list_rounds = argv
    rows = sdk_rows(url, list_url, ca_file, int(rounds), int(n), int(list_rounds), "official")
    print(json.dumps(rows))


def official_rows(url, list_url, ca_file, rounds, n, list_rounds):
    python = os.environ.get("OVIRTSDK_REF_PYTHON")
    if not python:
        return {}
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    argv = [python, os.path.abspath(__file__), "--child", url, list_url, ca_file]
    argv += [str(rounds), str(n), str(list_rounds)]
    with tempfile.TemporaryDirectory() as cwd:
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=900)
    if done.returncode:
        raise RuntimeError(done.stderr.decode()[-2000:])
    return {k: tuple(v) for k, v in json.loads(done.stdout.decode().splitlines()[-1]).items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--list", type=int, default=0)
    parser.add_argument("--only", choices=("ours",))
    parser.add_argument("--scheme", choices=("http", "https"), action="append")
    args = parser.parse_args()
    from ovirtsdk4.testing._tls import make_tls_material

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
                n, rounds = args.requests, args.rounds
                rows = {
                    "raw easy": _timed(raw_easy(vm_url, ca_file, n), rounds, n),
                    f"raw multi {FUTURES}": _timed(
                        raw_multi(vm_url, ca_file, FUTURES), rounds, FUTURES
                    ),
                    "parse (VM)": _timed(parse(document, n), rounds, n),
                }
                list_rounds = 3
                if list_document is not None:
                    rows["parse (list)"] = _timed(parse(list_document, 1), list_rounds, 1)
                rows.update(sdk_rows(url, list_url, ca_file, rounds, n, list_rounds, "ours"))
                if args.only != "ours":
                    rows.update(official_rows(url, list_url, ca_file, rounds, n, list_rounds))
                _print(scheme, rows)


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


def _print(scheme, rows):
    print(f"\n{scheme}: median per request (per list for list rows)")
    print(f"{'row':<28} {'cpu':>10} {'wall':>10}")
    for name, (cpu, wall) in rows.items():
        print(f"{name:<28} {_fmt(cpu):>10} {_fmt(wall):>10}")
    floor = rows["raw easy"][0] + rows["parse (VM)"][0]
    multi_floor = rows[f"raw multi {FUTURES}"][0] + rows["parse (VM)"][0]
    ours = rows.get("ours get (main thread)")
    if ours:
        print(f"ours get (main) cpu - (raw easy + parse) = {_fmt(ours[0] - floor)}")
    other = rows.get("ours get (other thread)")
    if other:
        print(f"ours get (other) cpu - (raw easy + parse) = {_fmt(other[0] - floor)}")
    fut = rows.get(f"ours futures {FUTURES}")
    if fut:
        print(f"ours futures cpu - (raw multi + parse) = {_fmt(fut[0] - multi_floor)}")
    off = rows.get("official get (main thread)")
    if off and ours:
        print(f"official / ours get: wall {off[1] / ours[1]:.2f}x, cpu {off[0] / ours[0]:.2f}x")
    off_list, ours_list = rows.get("official list"), rows.get("ours list")
    if off_list and ours_list:
        print(f"official / ours list: wall {off_list[1] / ours_list[1]:.2f}x")


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
