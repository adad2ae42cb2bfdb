"""Memory held per parsed VM, ours vs official.

Each implementation parses the 1,000-VM list once to warm up, then again
under ``tracemalloc``; the traced bytes still allocated after a
``gc.collect()`` while the result is alive, divided by 1,000, is recorded in
``extra_info['bytes_per_item']`` and printed in the end-of-session table.
The time pytest-benchmark shows for this case is that of the measurement
itself (two parses, one under tracemalloc), not a benchmark.

tracemalloc sees memory allocated through Python's allocators (objects,
strings, lists, dicts); memory an extension allocates with plain ``malloc``
is not seen. ``rss_delta_bytes`` is recorded as a rough cross-check.
"""

import pytest


@pytest.mark.parametrize("implementation", ["ours", "official"])
@pytest.mark.parametrize("case", ["memory-vms-1000"])
def test_xml_memory(bench, case, implementation):
    bench.run()
