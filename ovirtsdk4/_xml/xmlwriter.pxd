# libxml/xmlwriter.h: only what ovirtsdk4._xml calls. Every int function returns -1 on error.

from ovirtsdk4._xml.tree cimport xmlBufferPtr
from ovirtsdk4._xml.xmlstring cimport xmlChar


cdef extern from "libxml/xmlwriter.h" nogil:
    ctypedef struct xmlTextWriter
    ctypedef xmlTextWriter* xmlTextWriterPtr

    xmlTextWriterPtr xmlNewTextWriterMemory(xmlBufferPtr buf, int compression)
    void xmlFreeTextWriter(xmlTextWriterPtr writer)
    int xmlTextWriterWriteRawLen(xmlTextWriterPtr writer, const xmlChar* content, int len)
    int xmlTextWriterFlush(xmlTextWriterPtr writer)
