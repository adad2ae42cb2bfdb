"""Benchmark: the client over HTTPS against nginx on 127.0.0.1, ours vs official.

Cases (the ``case`` parameter; see ``CASES`` in conftest.py), every one with
``Connection(url=..., token="x", ca_file=..., connections=8)``:

* ``http-get-vm-500``: 500 sequential ``vm_service(id).get()`` of a ~10 KB VM;
* ``http-futures-200``: 200 outstanding ``vm_service(id).get(wait=False)``, then
  ``wait()`` on each;
* ``http-list-vms-1000``: ``vms_service().list()`` of 1,000 VMs (~10 MB);
* ``http-list-vms-10000``: the same with 10,000 VMs (~100 MB), only with
  ``OVIRTSDK_BENCH_BIG=1``;
* ``http-rss-list-vms-1000`` / ``http-rss-list-vms-10000`` (big): peak RSS of
  that list in a fresh process of each implementation.

Before timing, each implementation's answers are checked against the corpus
(number of VMs, facts of the first and last VM).
"""

import pytest


@pytest.mark.parametrize("implementation", ["ours", "official"])
@pytest.mark.parametrize(
    "case",
    [
        "http-get-vm-500",
        "http-futures-200",
        "http-list-vms-1000",
        "http-list-vms-10000",
        "http-rss-list-vms-1000",
        "http-rss-list-vms-10000",
    ],
)
def test_http(http_bench, case, implementation):
    http_bench.run()
