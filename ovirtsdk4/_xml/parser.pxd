# libxml/parser.h: only what ovirtsdk4._xml calls.

cdef extern from "libxml/parser.h" nogil:
    ctypedef enum xmlParserOption:
        XML_PARSE_NOENT = 2       # substitute entities (we never set it)
        XML_PARSE_DTDLOAD = 4     # load the external subset (we never set it)
        XML_PARSE_NOERROR = 32
        XML_PARSE_NOWARNING = 64
        XML_PARSE_NONET = 2048
        XML_PARSE_HUGE = 524288   # lifts the depth/size limits (we never set it)
