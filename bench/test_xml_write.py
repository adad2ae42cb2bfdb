"""Benchmark: ``Writer.write(list_of_vms, root='vms', indent=True)``, ours vs official.

The 1,000 VMs are built by reading the corpus with each implementation's own
reader; every round writes the whole list to a ``str``. Before timing, the
output is checked (a ``str`` starting with ``<vms>`` holding 1,000 ``<vm>``);
its SHA-256 goes into ``extra_info`` and the end-of-session table says whether
both implementations wrote the same document.
"""

import pytest


@pytest.mark.parametrize("implementation", ["ours", "official"])
@pytest.mark.parametrize("case", ["write-vms-1000"])
def test_xml_write(bench, case, implementation):
    bench.run()
