# libxml/xmlstring.h: only what ovirtsdk4._xml calls.

cdef extern from "libxml/xmlstring.h" nogil:
    ctypedef unsigned char xmlChar
