"""Benchmark worker: runs XML read/write rounds with whatever ``ovirtsdk4`` it imports.

Two uses:

* as a module, imported by ``bench/conftest.py``: :class:`Session` runs the
  rounds of *our* implementation inside the pytest process;
* as a script, run with the official SDK's interpreter
  (``$OVIRTSDK_REF_PYTHON bench/worker.py``): a persistent subprocess that
  runs the same :class:`Session` code for the *official* implementation and
  answers commands read from stdin, one JSON object per line, with one JSON
  object per line on stdout.

Commands (``{"op": ...}``; every answer has ``"ok": true`` or ``"ok": false``
and ``"error"``):

``hello``
    ``module`` (``ovirtsdk4.__file__``), ``version``, ``python``.
``load`` ``kind``, ``path``
    Reads the corpus file into memory (bytes) and drops earlier results.
``reset``
    Drops the previous round's result and runs ``gc.collect()``. Untimed:
    the harness calls it between rounds, outside the measured time.
``read``
    One timed round of ``Reader.read(document)``; answers ``cpu`` and ``wall``
    (seconds, ``time.process_time`` and ``time.perf_counter``).
``summary``
    :func:`summarize` of the last ``read`` result.
``prepare_write``
    Reads the document once with this implementation's reader and keeps the
    list as the input of ``write`` rounds.
``write``
    One timed round of ``Writer.write(objects, root=kind, indent=True)``;
    answers ``cpu`` and ``wall``.
``write_summary``
    Length, SHA-256 and item count of the last ``write`` output.
``memory``
    Bytes retained by a freshly parsed result, measured with ``tracemalloc``;
    answers ``bytes``, ``count``, ``per_item`` and ``rss_delta``.
``http_open`` ``url``, ``ca_file``, ``connections``
    Opens ``ovirtsdk4.Connection(url=url, token="x", ca_file=ca_file,
    connections=connections)`` (a token, so no SSO exchange) for the HTTP
    rounds below; closes the previous one.
``http_get`` ``n``, ``vm_id``
    One timed round of ``n`` sequential ``vm_service(vm_id).get()``.
``http_futures`` ``n``
    One timed round: ``n`` outstanding ``vm_service(id).get(wait=False)``
    (distinct ids), then ``wait()`` on each.
``http_list``
    One timed round of ``vms_service().list()``.
``http_summary``
    :func:`summarize` of the VMs the last ``http_*`` round returned (the
    list, or the ``n`` VMs of a ``get``/``futures`` round).
``http_reset``
    Drops the last HTTP round's result and runs ``gc.collect()``.
``http_close``
    Closes the connection (``close(logout=False)``: there is no SSO).
``quit``
    Exits.

As a script with arguments, ``worker.py rss-list URL CA_FILE``: in this fresh
process, imports ``ovirtsdk4``, opens a connection, does one
``vm_service(id).get()`` (TLS handshake, reader warm-up), resets the peak RSS
(``/proc/self/clear_refs``), then measures ``vms_service().list()``: prints one
JSON object with ``ru_maxrss`` and ``VmHWM`` before and after the call (bytes),
the current RSS, and the :func:`summarize` of the list.

Only the standard library is used; nothing is printed on stdout except the
answers.
"""

import datetime
import gc
import hashlib
import io
import json
import os
import resource
import sys
import time
import traceback
import tracemalloc

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_MICRO = datetime.timedelta(microseconds=1)

ITEM_TAGS = {"vms": "vm", "events": "event", "statistics": "statistic"}


def perform_all(pycurl, multi, handles):
    """Run the easy ``handles`` to their end on ``multi`` the way libcurl asks (perform,
    info_read, then select for as long as its timeout says) and return their bodies, in order:
    the floor of many requests at once, with no SDK."""
    buffers = []
    for curl in handles:
        buffer = io.BytesIO()
        buffers.append(buffer)
        curl.setopt(pycurl.WRITEFUNCTION, buffer.write)
        multi.add_handle(curl)
    remaining = len(handles)
    while remaining:
        while multi.perform()[0] == pycurl.E_CALL_MULTI_PERFORM:
            pass
        while True:
            queued, ok, failed = multi.info_read()
            if failed:
                raise RuntimeError("transfers failed: %r" % (failed,))
            for curl in ok:
                multi.remove_handle(curl)
            remaining -= len(ok)
            if not queued:
                break
        if remaining:
            timeout = multi.timeout()
            multi.select(1.0 if timeout < 0 else min(timeout, 1000) / 1000.0)
    return [buffer.getvalue() for buffer in buffers]


def _us(value):
    """Epoch microseconds of an aware datetime (None stays None)."""
    if value is None:
        return None
    return (value - _EPOCH) // _MICRO


def _enum(value):
    return None if value is None else value.value


def _ref_id(value):
    return None if value is None else value.id


def _vm_facts(vm):
    topology = vm.cpu.topology if vm.cpu is not None else None
    return {
        "id": vm.id,
        "name": vm.name,
        "description": vm.description,
        "status": _enum(vm.status),
        "memory": vm.memory,
        "topology": (
            None if topology is None else [topology.cores, topology.sockets, topology.threads]
        ),
        "creation_time_us": _us(vm.creation_time),
        "start_time_us": _us(vm.start_time),
        "boot_devices": [_enum(d) for d in vm.os.boot.devices],
        "custom_properties": [[p.name, p.value] for p in vm.custom_properties or ()],
        "cluster_id": _ref_id(vm.cluster),
        "nics_href": None if vm.nics is None else vm.nics.href,
    }


def _event_facts(event):
    return {
        "id": event.id,
        "code": event.code,
        "severity": _enum(event.severity),
        "description": event.description,
        "time_us": _us(event.time),
        "index": event.index,
        "vm_id": _ref_id(event.vm),
    }


def _statistic_facts(statistic):
    return {
        "id": statistic.id,
        "name": statistic.name,
        "kind": _enum(statistic.kind),
        "unit": _enum(statistic.unit),
        "data": [v.datum for v in statistic.values],
        "vm_id": _ref_id(statistic.vm),
    }


FACTS = {"vms": _vm_facts, "events": _event_facts, "statistics": _statistic_facts}


def summarize(kind, result):
    """Count and facts of the first and last item of a parsed list (JSON-able).

    Must equal ``corpus.expected_summary(kind, n)``.
    """
    if result is None:
        return None
    items = list(result)
    facts = FACTS[kind]
    return {
        "count": len(items),
        "first": facts(items[0]) if items else None,
        "last": facts(items[-1]) if items else None,
    }


def _rss():
    """Resident set size in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _vm_hwm():
    """Peak resident set size (VmHWM) in bytes (Linux), or None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _reset_hwm():
    """Reset VmHWM to the current RSS (Linux >= 4.0: ``5`` > ``/proc/self/clear_refs``), so
    that a later VmHWM is the peak since now, not an earlier one (e.g. during imports)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _maxrss():
    """``ru_maxrss`` of this process in bytes (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def open_connection(module, url, ca_file, connections):
    """A connection with a fixed token (no SSO), as both implementations accept it; no
    ``ca_file`` (``None`` or ``''``) for plain HTTP."""
    return module.Connection(url=url, token="x", ca_file=ca_file or None, connections=connections)


class HttpSession:
    """HTTP rounds against a server with the importable ``ovirtsdk4``."""

    def __init__(self, module):
        self.module = module
        self.connection = None
        self.vms = None
        self.result = None

    def open(self, url, ca_file, connections):
        self.close()
        self.connection = open_connection(self.module, url, ca_file, connections)
        self.vms = self.connection.system_service().vms_service()
        return {}

    def close(self):
        self.result = None
        connection, self.connection, self.vms = self.connection, None, None
        if connection is not None:
            connection.close(logout=False)
        gc.collect()
        return {}

    def _vms(self):
        if self.vms is None:
            raise RuntimeError("no connection; send 'http_open' first")
        return self.vms

    def reset(self):
        self.result = None
        gc.collect()
        return {}

    def get(self, n, vm_id):
        vm_service = self._vms().vm_service
        result = []
        append = result.append
        c0 = time.process_time()
        w0 = time.perf_counter()
        for _ in range(n):
            append(vm_service(vm_id).get())
        w1 = time.perf_counter()
        c1 = time.process_time()
        self.result = result
        return {"cpu": c1 - c0, "wall": w1 - w0}

    def futures(self, n):
        vm_service = self._vms().vm_service
        ids = ["%08d-0000-4000-8000-000000000000" % i for i in range(n)]
        c0 = time.process_time()
        w0 = time.perf_counter()
        futures = [vm_service(vm_id).get(wait=False) for vm_id in ids]
        result = [future.wait() for future in futures]
        w1 = time.perf_counter()
        c1 = time.process_time()
        self.result = result
        return {"cpu": c1 - c0, "wall": w1 - w0}

    def list(self):
        list_vms = self._vms().list
        c0 = time.process_time()
        w0 = time.perf_counter()
        result = list_vms()
        w1 = time.perf_counter()
        c1 = time.process_time()
        self.result = result
        return {"cpu": c1 - c0, "wall": w1 - w0}

    def summary(self):
        return {"summary": summarize("vms", self.result)}

    def handle(self, op, command):
        if op == "http_open":
            return self.open(command["url"], command["ca_file"], command["connections"])
        if op == "http_close":
            return self.close()
        if op == "http_reset":
            return self.reset()
        if op == "http_get":
            return self.get(command["n"], command["vm_id"])
        if op == "http_futures":
            return self.futures(command["n"])
        if op == "http_list":
            return self.list()
        if op == "http_summary":
            return self.summary()
        raise ValueError("unknown op %r" % (op,))


class RawHttpSession:
    """The floor of the HTTP cases: the same requests with pycurl alone (no SDK), in this
    process. ``get``: one reused ``pycurl.Curl``, ``perform()`` per request; ``futures``:
    ``n`` easy handles on one ``CurlMulti`` limited to ``connections`` per host, driven by
    ``perform()``/``select()``; ``list``: one ``perform()`` of the list. Bodies go to a
    ``BytesIO``. Each round also times, apart, ``Reader.read`` of the bodies it fetched with
    the importable ``ovirtsdk4`` (``parse_cpu``), so that raw + parse is the floor that the
    SDK's own costs are measured against; ``summary`` parses them (untimed) for the check.
    """

    HEADERS = ["Version: 4", "Accept: application/xml", "Authorization: Bearer x"]

    def __init__(self):
        import pycurl

        self.pycurl = pycurl
        self.url = self.ca_file = self.curl = self.multi = None
        self.connections = 8
        self.bodies = None

    def _easy(self, url):
        pycurl = self.pycurl
        curl = pycurl.Curl()
        curl.setopt(pycurl.URL, url)
        curl.setopt(pycurl.HTTPHEADER, self.HEADERS)
        curl.setopt(pycurl.NOSIGNAL, 1)
        if self.ca_file:
            curl.setopt(pycurl.CAINFO, self.ca_file)
        return curl

    def open(self, url, ca_file, connections):
        self.close()
        self.url, self.ca_file, self.connections = url, ca_file, connections
        self.multi = self.pycurl.CurlMulti()
        self.multi.setopt(self.pycurl.M_MAX_HOST_CONNECTIONS, connections)
        return {}

    def close(self):
        self.bodies = None
        if self.curl is not None:
            self.curl.close()
        if self.multi is not None:
            self.multi.close()
        self.curl = self.multi = None
        gc.collect()
        return {}

    def reset(self):
        self.bodies = None
        gc.collect()
        return {}

    def _parse_cpu(self):
        from ovirtsdk4 import reader

        read = reader.Reader.read
        c0 = time.process_time()
        for body in self.bodies:
            read(body)
        return time.process_time() - c0

    def get(self, n, vm_id):
        pycurl = self.pycurl
        if self.curl is None:
            self.curl = self._easy("%s/vms/%s" % (self.url, vm_id))
        curl = self.curl
        bodies = []
        c0 = time.process_time()
        w0 = time.perf_counter()
        for _ in range(n):
            buffer = io.BytesIO()
            curl.setopt(pycurl.WRITEFUNCTION, buffer.write)
            curl.perform()
            if curl.getinfo(pycurl.RESPONSE_CODE) != 200:
                raise RuntimeError("status %s" % curl.getinfo(pycurl.RESPONSE_CODE))
            bodies.append(buffer.getvalue())
        w1 = time.perf_counter()
        c1 = time.process_time()
        self.bodies = bodies
        return {"cpu": c1 - c0, "wall": w1 - w0, "parse_cpu": self._parse_cpu()}

    def futures(self, n):
        pycurl = self.pycurl
        multi = self.multi
        handles = [
            self._easy("%s/vms/%08d-0000-4000-8000-000000000000" % (self.url, i)) for i in range(n)
        ]
        c0 = time.process_time()
        w0 = time.perf_counter()
        bodies = perform_all(pycurl, multi, handles)
        w1 = time.perf_counter()
        c1 = time.process_time()
        for curl in handles:
            curl.close()
        self.bodies = bodies
        return {"cpu": c1 - c0, "wall": w1 - w0, "parse_cpu": self._parse_cpu()}

    def list(self):
        pycurl = self.pycurl
        curl = self._easy("%s/vms" % self.url)
        buffer = io.BytesIO()
        curl.setopt(pycurl.WRITEFUNCTION, buffer.write)
        c0 = time.process_time()
        w0 = time.perf_counter()
        curl.perform()
        body = buffer.getvalue()
        w1 = time.perf_counter()
        c1 = time.process_time()
        curl.close()
        self.bodies = [body]
        return {"cpu": c1 - c0, "wall": w1 - w0, "parse_cpu": self._parse_cpu()}

    def summary(self):
        from ovirtsdk4 import reader

        result = [reader.Reader.read(body) for body in self.bodies]
        if len(result) == 1 and isinstance(result[0], list):
            result = result[0]
        return {"summary": summarize("vms", result)}

    handle = HttpSession.handle


def rss_list(url, ca_file, connections=8):
    """Peak-RSS measurement of one ``vms_service().list()`` in this (fresh) process."""
    import ovirtsdk4

    connection = open_connection(ovirtsdk4, url, ca_file, connections)
    vms = connection.system_service().vms_service()
    warm = vms.vm_service("00000000-0000-4000-8000-000000000000").get()
    del warm
    gc.collect()
    hwm_reset = _reset_hwm()
    before = {"maxrss": _maxrss(), "hwm": _vm_hwm(), "rss": _rss()}
    w0 = time.perf_counter()
    result = vms.list()
    wall = time.perf_counter() - w0
    after = {"maxrss": _maxrss(), "hwm": _vm_hwm(), "rss": _rss()}
    summary = summarize("vms", result)
    del result
    connection.close(logout=False)
    return {
        "ok": True,
        "module": os.path.abspath(ovirtsdk4.__file__),
        "before": before,
        "after": after,
        "wall": wall,
        "hwm_reset": hwm_reset,
        "summary": summary,
    }


class Session:
    """Holds one corpus document and runs rounds on it with the importable ``ovirtsdk4``."""

    def __init__(self):
        import ovirtsdk4
        from ovirtsdk4 import reader, writer

        self.module = ovirtsdk4
        self.reader = reader.Reader
        self.writer = writer.Writer
        self.kind = None
        self.document = None
        self.result = None
        self.objects = None
        self.output = None
        self.http = HttpSession(ovirtsdk4)

    def hello(self):
        try:
            from ovirtsdk4 import version

            sdk_version = version.VERSION
        except Exception:  # noqa: BLE001 - informational only
            sdk_version = None
        return {
            "module": os.path.abspath(self.module.__file__),
            "version": sdk_version,
            "python": sys.version.split()[0],
            "executable": sys.executable,
        }

    def load(self, kind, path):
        if kind not in ITEM_TAGS:
            raise ValueError("unknown corpus kind %r" % (kind,))
        self.kind = kind
        self.result = self.objects = self.output = None
        with open(path, "rb") as f:
            self.document = f.read()
        gc.collect()
        return {"bytes": len(self.document)}

    def reset(self):
        self.result = None
        self.output = None
        gc.collect()
        return {}

    def read(self):
        document = self.document
        read = self.reader.read
        c0 = time.process_time()
        w0 = time.perf_counter()
        result = read(document)
        w1 = time.perf_counter()
        c1 = time.process_time()
        self.result = result
        return {"cpu": c1 - c0, "wall": w1 - w0}

    def summary(self):
        return {"summary": summarize(self.kind, self.result)}

    def prepare_write(self):
        self.objects = self.reader.read(self.document)
        self.output = None
        gc.collect()
        return {"count": len(self.objects)}

    def write(self):
        objects = self.objects
        root = self.kind
        write = self.writer.write
        c0 = time.process_time()
        w0 = time.perf_counter()
        output = write(objects, root=root, indent=True)
        w1 = time.perf_counter()
        c1 = time.process_time()
        self.output = output
        return {"cpu": c1 - c0, "wall": w1 - w0}

    def write_summary(self):
        output = self.output
        if output is None:
            return {"summary": None}
        data = output.encode("utf-8") if isinstance(output, str) else bytes(output)
        tag = ITEM_TAGS[self.kind]
        return {
            "summary": {
                "type": type(output).__name__,
                "length": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "root": data[: len(self.kind) + 2].decode("utf-8", "replace"),
                "items": data.count(b"<%s " % tag.encode()) + data.count(b"<%s>" % tag.encode()),
            }
        }

    def memory(self):
        """Bytes retained by one parsed result (tracemalloc), after a warm-up parse."""
        self.result = self.objects = self.output = None
        self.reader.read(self.document)  # warm caches so they are not counted
        gc.collect()
        rss0 = _rss()
        tracemalloc.start()
        try:
            gc.collect()
            before = tracemalloc.get_traced_memory()[0]
            result = self.reader.read(self.document)
            gc.collect()
            after = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        rss1 = _rss()
        count = len(result)
        del result
        gc.collect()
        retained = after - before
        return {
            "bytes": retained,
            "count": count,
            "per_item": retained / count if count else None,
            "rss_delta": None if rss0 is None or rss1 is None else rss1 - rss0,
        }

    def handle(self, command):
        op = command.get("op")
        if op == "hello":
            return self.hello()
        if op == "load":
            return self.load(command["kind"], command["path"])
        if op.startswith("http_"):
            return self.http.handle(op, command)
        if op in ("reset", "read", "summary", "prepare_write", "write", "write_summary", "memory"):
            if self.document is None:
                raise RuntimeError("no corpus loaded; send 'load' first")
            return getattr(self, op)()
        raise ValueError("unknown op %r" % (op,))


def serve(stdin, stdout):
    """Answer JSON-line commands until ``quit`` or end of input."""
    try:
        session = Session()
        ready = {"ok": True, **session.hello()}
    except Exception:  # noqa: BLE001 - reported to the harness
        session = None
        ready = {"ok": False, "error": traceback.format_exc()}
    stdout.write(json.dumps(ready) + "\n")
    stdout.flush()
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        command = json.loads(line)
        if command.get("op") == "quit":
            stdout.write(json.dumps({"ok": True}) + "\n")
            stdout.flush()
            return 0
        try:
            if session is None:
                raise RuntimeError("ovirtsdk4 could not be imported in the worker")
            answer = {"ok": True, **session.handle(command)}
        except Exception:  # noqa: BLE001 - reported to the harness
            answer = {"ok": False, "error": traceback.format_exc()}
        stdout.write(json.dumps(answer) + "\n")
        stdout.flush()
    return 0


if __name__ == "__main__":
    # Keep stray prints (from anything imported) off the protocol channel.
    protocol = sys.stdout
    sys.stdout = sys.stderr
    if len(sys.argv) == 1:
        sys.exit(serve(sys.stdin, protocol))
    if sys.argv[1] != "rss-list" or len(sys.argv) != 4:
        sys.stderr.write("usage: worker.py [rss-list URL CA_FILE]\n")
        sys.exit(2)
    try:
        answer = rss_list(sys.argv[2], sys.argv[3])
    except Exception:  # noqa: BLE001 - reported to the harness
        answer = {"ok": False, "error": traceback.format_exc()}
    protocol.write(json.dumps(answer) + "\n")
    protocol.flush()
    sys.exit(0 if answer["ok"] else 1)
