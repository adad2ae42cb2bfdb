"""Cython XML engine over libxml2: ``core`` holds the cursor, the emitter and the parse primitives.

The ``.pxd`` files beside it declare the few libxml2 functions we call, one file per header.
"""

try:
    import ovirtsdk4._xml.core  # noqa: F401 - compiled: present, or a clear error
except ModuleNotFoundError as exc:
    if exc.name != f"{__name__}.core":
        raise
    import os

    import _ovirtsdk4_fast

    _ovirtsdk4_fast.unbuilt(os.path.dirname(os.path.abspath(__file__)))
