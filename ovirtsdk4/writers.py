"""One writer class per struct type (generated; see issue #3)."""

from ovirtsdk4._pending import module_getattr

__getattr__ = module_getattr(__name__, "the generated writers arrive with issue #3")
