# libxml/tree.h: only what ovirtsdk4._xml calls (the growable output buffer).

from ovirtsdk4._xml.xmlstring cimport xmlChar


cdef extern from "libxml/tree.h" nogil:
    ctypedef struct xmlBuffer
    ctypedef xmlBuffer* xmlBufferPtr

    xmlBufferPtr xmlBufferCreate()
    void xmlBufferFree(xmlBufferPtr buf)
    void xmlBufferEmpty(xmlBufferPtr buf)
    const xmlChar* xmlBufferContent(const xmlBuffer* buf)
    int xmlBufferLength(const xmlBuffer* buf)
