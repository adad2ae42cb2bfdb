"""Benchmark: the client against nginx on 127.0.0.1, ours vs official vs raw pycurl.

Cases (the ``case`` parameter; see ``CASES`` in conftest.py), every one with
``Connection(url=..., token="x", ca_file=..., connections=8)``:

* ``http-get-vm-500``: 500 sequential ``vm_service(id).get()`` of a ~10 KB VM;
* ``http-futures-200``: 200 outstanding ``vm_service(id).get(wait=False)``, then
  ``wait()`` on each;
* ``http-list-vms-1000``: ``vms_service().list()`` of 1,000 VMs (~10 MB);
* ``http-list-vms-10000``: the same with 10,000 VMs (~100 MB), only with
  ``OVIRTSDK_BENCH_BIG=1``;
* ``http-rss-list-vms-1000`` / ``http-rss-list-vms-10000`` (big): peak RSS of
  that list in a fresh process of each implementation;
* ``http-plain-*``: the get, futures and list cases over plain HTTP (the same nginx, a
  second port), the TLS cost left out.

``raw`` is the floor: the same requests with pycurl alone (``worker.RawHttpSession``), and the
parse of the bodies it fetched timed apart; the end-of-session table shows how far ours is
from raw + parse (no ``raw`` row for the RSS cases).

Before timing, each implementation's answers are checked against the corpus
(number of VMs, facts of the first and last VM).
"""

import pytest


@pytest.mark.parametrize("implementation", ["ours", "official", "raw"])
@pytest.mark.parametrize(
    "case",
    [
        "http-get-vm-500",
        "http-futures-200",
        "http-list-vms-1000",
        "http-list-vms-10000",
        "http-rss-list-vms-1000",
        "http-rss-list-vms-10000",
        "http-plain-get-vm-500",
        "http-plain-futures-200",
        "http-plain-list-vms-1000",
        "http-plain-list-vms-10000",
    ],
)
def test_http(http_bench, case, implementation):
    http_bench.run()
