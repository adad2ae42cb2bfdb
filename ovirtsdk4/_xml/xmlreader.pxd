# libxml/xmlreader.h: only what ovirtsdk4._xml calls.

from ovirtsdk4._xml.xmlerror cimport xmlStructuredErrorFunc
from ovirtsdk4._xml.xmlIO cimport xmlInputCloseCallback, xmlInputReadCallback
from ovirtsdk4._xml.tree cimport xmlNodePtr
from ovirtsdk4._xml.xmlstring cimport xmlChar


cdef extern from "libxml/xmlreader.h" nogil:
    ctypedef struct xmlTextReader
    ctypedef xmlTextReader* xmlTextReaderPtr

    ctypedef enum xmlReaderTypes:
        XML_READER_TYPE_NONE = 0
        XML_READER_TYPE_ELEMENT = 1
        XML_READER_TYPE_ATTRIBUTE = 2
        XML_READER_TYPE_TEXT = 3
        XML_READER_TYPE_CDATA = 4
        XML_READER_TYPE_ENTITY_REFERENCE = 5
        XML_READER_TYPE_ENTITY = 6
        XML_READER_TYPE_PROCESSING_INSTRUCTION = 7
        XML_READER_TYPE_COMMENT = 8
        XML_READER_TYPE_DOCUMENT = 9
        XML_READER_TYPE_DOCUMENT_TYPE = 10
        XML_READER_TYPE_DOCUMENT_FRAGMENT = 11
        XML_READER_TYPE_NOTATION = 12
        XML_READER_TYPE_WHITESPACE = 13
        XML_READER_TYPE_SIGNIFICANT_WHITESPACE = 14
        XML_READER_TYPE_END_ELEMENT = 15
        XML_READER_TYPE_END_ENTITY = 16
        XML_READER_TYPE_XML_DECLARATION = 17

    xmlTextReaderPtr xmlReaderForMemory(const char* buffer, int size, const char* URL,
                                        const char* encoding, int options)
    xmlTextReaderPtr xmlReaderForIO(xmlInputReadCallback ioread, xmlInputCloseCallback ioclose,
                                    void* ioctx, const char* URL, const char* encoding,
                                    int options)
    void xmlFreeTextReader(xmlTextReaderPtr reader)
    void xmlTextReaderSetStructuredErrorHandler(xmlTextReaderPtr reader,
                                                xmlStructuredErrorFunc f, void* arg)

    # All of these accept a NULL reader (they return -1 or NULL).
    int xmlTextReaderRead(xmlTextReaderPtr reader)
    int xmlTextReaderNext(xmlTextReaderPtr reader)
    int xmlTextReaderNodeType(xmlTextReaderPtr reader)
    # The node the reader is on (borrowed; freed by a later move).
    xmlNodePtr xmlTextReaderCurrentNode(xmlTextReaderPtr reader)
    int xmlTextReaderDepth(xmlTextReaderPtr reader)
    int xmlTextReaderIsEmptyElement(xmlTextReaderPtr reader)
    int xmlTextReaderHasAttributes(xmlTextReaderPtr reader)
    const xmlChar* xmlTextReaderConstName(xmlTextReaderPtr reader)
    const xmlChar* xmlTextReaderConstValue(xmlTextReaderPtr reader)
    int xmlTextReaderMoveToAttribute(xmlTextReaderPtr reader, const xmlChar* name)
    int xmlTextReaderMoveToElement(xmlTextReaderPtr reader)
    xmlChar* xmlTextReaderGetAttribute(xmlTextReaderPtr reader, const xmlChar* name)
    int xmlTextReaderGetParserLineNumber(xmlTextReaderPtr reader)
    int xmlTextReaderGetParserColumnNumber(xmlTextReaderPtr reader)
