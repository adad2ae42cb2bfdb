# libxml/globals.h: only what ovirtsdk4._xml calls.

cdef extern from "libxml/globals.h" nogil:
    void xmlFree(void* ptr)
