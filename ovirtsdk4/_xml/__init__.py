"""Cython XML engine over libxml2: ``core`` holds the cursor, the emitter and the parse primitives.

The ``.pxd`` files beside it declare the few libxml2 functions we call, one file per header.
"""
