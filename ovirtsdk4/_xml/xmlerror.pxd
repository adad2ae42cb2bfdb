# libxml/xmlerror.h: only what ovirtsdk4._xml calls.

cdef extern from "libxml/xmlerror.h" nogil:
    ctypedef enum xmlErrorLevel:
        XML_ERR_NONE = 0
        XML_ERR_WARNING = 1
        XML_ERR_ERROR = 2
        XML_ERR_FATAL = 3

    ctypedef struct xmlError:
        int domain
        int code
        char* message
        xmlErrorLevel level
        char* file
        int line
        char* str1
        char* str2
        char* str3
        int int1
        int int2  # the column, or 0

    # libxml2 >= 2.12 passes ``const xmlError*``; core casts its handler through ``void*`` so
    # that it builds against both signatures.
    ctypedef void (*xmlStructuredErrorFunc)(void* userData, xmlError* error)

    # Where libxml2 sends the errors it has no parser context for (encoding conversion, I/O),
    # per thread; by default it prints them on stderr.
    ctypedef void (*xmlGenericErrorFunc)(void* ctx, const char* msg, ...)
    void xmlSetGenericErrorFunc(void* ctx, xmlGenericErrorFunc handler)
