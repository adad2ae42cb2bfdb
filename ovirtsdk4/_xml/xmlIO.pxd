# libxml/xmlIO.h: only what ovirtsdk4._xml calls.

cdef extern from "libxml/xmlIO.h" nogil:
    ctypedef int (*xmlInputReadCallback)(void* context, char* buffer, int len)
    ctypedef int (*xmlInputCloseCallback)(void* context)
