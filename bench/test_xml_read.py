"""Benchmark: ``Reader.read(document)`` of engine list documents, ours vs official.

Cases (the ``case`` parameter; see ``CASES`` in conftest.py):

* ``read-vms-1000``: a 1,000-VM ``<vms>`` list (~10 MB);
* ``read-vms-10000``: a 10,000-VM list (~100 MB), only with ``OVIRTSDK_BENCH_BIG=1``;
* ``read-events-10000``: 10,000 ``<event>``;
* ``read-statistics-10000``: 10,000 ``<statistic>`` (16 per VM).

Before timing, each implementation's result is checked against the corpus
(item count, and id/name/status/dates/... of the first and last item).
"""

import pytest


@pytest.mark.parametrize("implementation", ["ours", "wheel", "official"])
@pytest.mark.parametrize(
    "case",
    ["read-vms-1000", "read-vms-10000", "read-events-10000", "read-statistics-10000"],
)
def test_xml_read(bench, case, implementation):
    bench.run()
