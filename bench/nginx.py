"""A throw-away nginx serving static engine documents over HTTPS on 127.0.0.1.

Used by the HTTP benchmarks (``bench/test_http.py``, fixture ``nginx_server`` in
``bench/conftest.py``); also runnable by hand to poke at it::

    python bench/nginx.py DIR        # serves until Ctrl-C, prints the URLs

:class:`Nginx` writes a configuration into its own prefix directory, starts
``nginx -p PREFIX -c nginx.conf`` as a normal child process (``daemon off``,
``master_process off``: one process, no privileges needed, nothing written
outside the prefix), listens on free ports of 127.0.0.1 only, and is stopped
by :meth:`Nginx.stop` (SIGQUIT, then SIGKILL).

One ``server`` block (one port) per list size, because both serve their list
at the same path:

* ``/ovirt-engine/api/vms``: the ``<vms>`` list of that server's size;
* ``/ovirt-engine/api/vms/<any id>``: one ~10 KB ``<vm>`` document (VM 0 of
  the corpus, whatever the id);

both with ``Content-Type: application/xml``; anything else is a 404.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
if BENCH_DIR not in sys.path:
    sys.path.insert(0, BENCH_DIR)

import corpus  # noqa: E402

LOOPBACK = "127.0.0.1"
API_PATH = "/ovirt-engine/api"
NGINX_ENV = "OVIRTSDK_BENCH_NGINX"
_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")


class NginxError(Exception):
    pass


def find_nginx():
    """Path of an nginx binary ($OVIRTSDK_BENCH_NGINX, PATH, usual places), or None."""
    explicit = os.environ.get(NGINX_ENV)
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    found = shutil.which("nginx")
    if found:
        return found
    for path in _CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return None


def vm_document():
    """The single-VM document: corpus VM 0 as a standalone ``<vm>`` (bytes)."""
    text, _ = corpus.vm_item(0)
    lines = [line[4:] if line.startswith("    ") else line for line in text.split("\n")]
    return (corpus.DECLARATION + "\n".join(lines) + "\n").encode("utf-8")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


_CONFIG = """\
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    log_format protocol '$server_protocol $connection $request_uri';
    access_log {access_log};
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    types {{ }}
    default_type application/xml;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 300s;
    keepalive_requests 1000000;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:bench:1m;
{servers}}}
"""

_SERVER = """\
    server {{
        listen {host}:{port} ssl{http2};
        listen {host}:{plain_port};
        server_name localhost;
        root {docroot};
{locations}    }}
"""

_STATIC = """\
        location = {api}/vms {{
            try_files /vms-{count}.xml =404;
        }}
        location ~ ^{api}/vms/[^/]+$ {{
            try_files /vm.xml =404;
        }}
        location / {{
            return 404;
        }}
"""

_PROXY = """\
        location / {{
            proxy_pass {upstream};
        }}
"""


class Nginx:
    """nginx on 127.0.0.1 serving ``vms-<count>.xml`` lists and ``vm.xml`` from ``docroot``.

    ``lists`` maps a VM count to the path of its list document (copied, or
    hard-linked when possible, into the docroot). ``http2``: offer HTTP/2
    (ALPN) besides HTTP/1.1. ``access_log``: a path where each request is
    logged as ``PROTOCOL CONNECTION-SERIAL URI`` (default: no log).
    ``upstream``: an ``http://`` URL every request is passed to (nginx's
    ``proxy_pass``, one upstream connection per request) instead of the
    documents. After :meth:`start`,
    ``url(count)`` is the API URL (``https://127.0.0.1:PORT/ovirt-engine/api``)
    of the server whose ``/vms`` returns that list; ``url(count, "http")`` the
    same server over plain HTTP, on a second port.
    """

    def __init__(
        self, binary, prefix, cert, key, lists, http2=False, access_log=None, upstream=None
    ):
        self.binary = binary
        self.http2 = http2
        self.access_log = access_log
        self.upstream = upstream
        self.prefix = os.path.abspath(prefix)
        self.cert = os.path.abspath(str(cert))
        self.key = os.path.abspath(str(key))
        self.lists = dict(lists)
        self.ports = {}
        self.plain_ports = {}
        self.process = None

    @property
    def docroot(self):
        return os.path.join(self.prefix, "html")

    def url(self, count, scheme="https"):
        """The API URL of the server whose ``/vms`` has ``count`` VMs; ``scheme`` ``http``:
        the same server over plain HTTP (its second port)."""
        ports = self.ports if scheme == "https" else self.plain_ports
        return "%s://%s:%d%s" % (scheme, LOOPBACK, ports[count], API_PATH)

    def _prepare(self):
        os.makedirs(os.path.join(self.prefix, "tmp"), exist_ok=True)
        os.makedirs(os.path.join(self.prefix, "logs"), exist_ok=True)
        os.makedirs(self.docroot, exist_ok=True)
        with open(os.path.join(self.docroot, "vm.xml"), "wb") as f:
            f.write(vm_document())
        for count, path in self.lists.items():
            target = os.path.join(self.docroot, "vms-%d.xml" % count)
            if os.path.exists(target):
                os.unlink(target)
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)

    def _write_config(self):
        self.ports = {count: _free_port() for count in self.lists}
        self.plain_ports = {count: _free_port() for count in self.lists}
        servers = "".join(
            _SERVER.format(
                host=LOOPBACK,
                port=port,
                plain_port=self.plain_ports[count],
                http2=" http2" if self.http2 else "",
                docroot=self.docroot,
                locations=(
                    _PROXY.format(upstream=self.upstream)
                    if self.upstream
                    else _STATIC.format(api=API_PATH, count=count)
                ),
            )
            for count, port in self.ports.items()
        )
        config = _CONFIG.format(
            prefix=self.prefix,
            access_log="%s protocol" % self.access_log if self.access_log else "off",
            cert=self.cert,
            key=self.key,
            servers=servers,
        )
        path = os.path.join(self.prefix, "nginx.conf")
        with open(path, "w") as f:
            f.write(config)
        return path

    def _error_log(self):
        try:
            with open(os.path.join(self.prefix, "error.log")) as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def _listening(self):
        for port in [*self.ports.values(), *self.plain_ports.values()]:
            try:
                socket.create_connection((LOOPBACK, port), timeout=0.2).close()
            except OSError:
                return False
        return True

    def start(self, timeout=10.0, attempts=3):
        self._prepare()
        last = ""
        for _ in range(attempts):  # a free port may be taken before nginx binds it
            config = self._write_config()
            self.process = subprocess.Popen(
                [self.binary, "-p", self.prefix + "/", "-c", config, "-e", "stderr"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                cwd=self.prefix,
            )
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                if self._listening():
                    return self
                time.sleep(0.05)
            if self.process.poll() is None:
                self.stop()
                raise NginxError("nginx did not listen within %.0f s" % timeout)
            last = self.process.stderr.read().decode("utf-8", "replace") + self._error_log()
            self.process.stderr.close()
            self.process = None
        raise NginxError("nginx failed to start:\n%s" % last[-2000:])

    def stop(self):
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful shutdown
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr is not None:
            process.stderr.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: %s DIR  (serves the 1,000-VM list until Ctrl-C)\n" % argv[0])
        return 2
    from ovirtsdk4.testing._tls import make_tls_material

    binary = find_nginx()
    if binary is None:
        sys.stderr.write("no nginx binary found (set %s or install nginx)\n" % NGINX_ENV)
        return 1
    directory = os.path.abspath(argv[1])
    tls = make_tls_material(os.path.join(directory, "tls"))
    lists = os.path.join(directory, "vms-1000.xml")
    with open(lists, "wb") as f:
        f.write(corpus.vms_document(1000))
    with Nginx(
        binary, os.path.join(directory, "nginx"), tls.server_cert, tls.server_key, {1000: lists}
    ) as server:
        print("CA: %s" % tls.ca_cert)
        print("API: %s (GET /vms: 1,000 VMs)" % server.url(1000))
        try:
            server.process.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
