"""The generic reader and its registry (API.md R-1 … R-3; see issue #3)."""

from ovirtsdk4._pending import module_getattr

__getattr__ = module_getattr(__name__, "the reader arrives with issue #3")
