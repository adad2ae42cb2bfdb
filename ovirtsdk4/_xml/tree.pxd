# libxml/tree.h and libxml/entities.h: only what ovirtsdk4._xml calls (the growable output
# buffer and the two escaping functions xmlTextWriter itself uses), and the few fields of the
# nodes the reader builds that the cursor reads directly (the node's kind, an element's
# attributes and an attribute's text).

from ovirtsdk4._xml.xmlstring cimport xmlChar


cdef extern from "libxml/tree.h" nogil:
    ctypedef struct xmlBuffer
    ctypedef xmlBuffer* xmlBufferPtr
    ctypedef struct xmlDoc
    ctypedef xmlDoc* xmlDocPtr
    ctypedef enum xmlElementType:
        XML_ELEMENT_NODE
        XML_TEXT_NODE

    ctypedef struct xmlNs:
        const xmlChar* prefix

    ctypedef struct xmlNode
    ctypedef xmlNode* xmlNodePtr
    ctypedef struct xmlAttr
    ctypedef xmlAttr* xmlAttrPtr

    ctypedef struct xmlNode:
        xmlElementType type
        xmlNodePtr next
        xmlChar* content
        xmlAttrPtr properties

    ctypedef struct xmlAttr:
        const xmlChar* name
        xmlNodePtr children
        xmlAttrPtr next
        xmlNs* ns

    ctypedef enum xmlBufferAllocationScheme:
        XML_BUFFER_ALLOC_DOUBLEIT

    xmlBufferPtr xmlBufferCreate()
    void xmlBufferSetAllocationScheme(xmlBufferPtr buf, xmlBufferAllocationScheme scheme)
    void xmlBufferFree(xmlBufferPtr buf)
    void xmlBufferEmpty(xmlBufferPtr buf)
    const xmlChar* xmlBufferContent(const xmlBuffer* buf)
    int xmlBufferLength(const xmlBuffer* buf)

    xmlDocPtr xmlNewDoc(const xmlChar* version)
    void xmlFreeDoc(xmlDocPtr doc)
    # Appends ``string`` escaped as an attribute value; stops at a NUL.
    void xmlAttrSerializeTxtContent(xmlBufferPtr buf, xmlDocPtr doc, xmlAttrPtr attr,
                                    const xmlChar* string)


cdef extern from "libxml/entities.h" nogil:
    # ``input`` escaped as element text (malloc'd, free with xmlFree); stops at a NUL.
    xmlChar* xmlEncodeSpecialChars(const xmlDoc* doc, const xmlChar* input)
