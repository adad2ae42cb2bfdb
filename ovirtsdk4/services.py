"""The service classes of the oVirt Engine API (generated; see issue #4)."""

from ovirtsdk4._pending import module_getattr

__getattr__ = module_getattr(__name__, "the generated service classes arrive with issue #4")
