# cython: language_level=3
"""The public Cython API of the XML engine, for generated readers and writers that
``cimport`` it (``from ovirtsdk4._xml.core cimport Cursor, Emitter``).

Reading protocol of a generated struct reader (the cursor is on the struct's start tag)::

    obj_href = c.attr(b"href")           # attributes only while on the start tag
    if c.enter():                        # 0: it was <x/>, already moved past it
        while c.next_start():            # on a child start tag; 0 on the parent's end tag
            name = c.name()              # borrowed, valid until the cursor moves
            ... c.text() / c.integer() / ... / c.skip()   # each moves past the child
        c.leave()                        # moves past the parent's end tag

Every method that moves raises ``ovirtsdk4.error.XmlError`` (or the exception raised by the
stream's ``read``) when the document turns out to be broken at that point, never earlier.
"""

from libc.string cimport strcmp

from ovirtsdk4._xml.tree cimport (
    XML_ELEMENT_NODE,
    XML_TEXT_NODE,
    xmlAttrPtr,
    xmlBufferPtr,
    xmlNodePtr,
)
from ovirtsdk4._xml.xmlreader cimport (
    XML_READER_TYPE_DOCUMENT_TYPE,
    XML_READER_TYPE_ELEMENT,
    XML_READER_TYPE_END_ELEMENT,
    XML_READER_TYPE_TEXT,
    xmlTextReaderPtr,
)
from ovirtsdk4._xml.xmlstring cimport xmlChar
from ovirtsdk4._xml.xmlwriter cimport xmlTextWriterPtr


# Parse primitives over a UTF-8 byte range; each raises ValueError with the official message.
from cpython.object cimport PyObject

cdef object parse_boolean_c(const char* s, Py_ssize_t n)
cdef object parse_integer_c(const char* s, Py_ssize_t n)
cdef object parse_decimal_c(const char* s, Py_ssize_t n)
cdef object parse_date_c(const char* s, Py_ssize_t n)
cdef object render_date_c(object value)


# The libxml2 reader calls that Cursor's inline methods make. They are functions of this module,
# so that a module that cimports Cursor (the codec) reaches libxml2 through this one: a process
# then holds one libxml2, with one set of globals, whether it is linked shared (source builds) or
# statically into this module (wheels). Inside this module they compile to direct calls.
cdef int reader_read(xmlTextReaderPtr reader) noexcept
cdef int reader_next(xmlTextReaderPtr reader) noexcept
cdef xmlNodePtr reader_current_node(xmlTextReaderPtr reader) noexcept
cdef int reader_node_type(xmlTextReaderPtr reader) noexcept
cdef int reader_depth(xmlTextReaderPtr reader) noexcept
cdef const xmlChar* reader_name(xmlTextReaderPtr reader) noexcept
cdef int reader_has_attributes(xmlTextReaderPtr reader) noexcept
cdef int reader_is_empty(xmlTextReaderPtr reader) noexcept

# An entry of a cursor's table of shared strings: ``text`` (owned, ASCII) and the hash of its
# bytes; ``text`` is NULL in a free entry.
cdef struct _Shared:
    size_t hash
    PyObject* text


cdef class Cursor:
    # Owned: the reader (freed in __dealloc__) and the text buffer (malloc, freed in __dealloc__).
    cdef xmlTextReaderPtr _reader
    cdef char* _buf
    cdef Py_ssize_t _cap
    # Kept alive for the reader: the bytes of memory mode, the file-like of stream mode.
    cdef object _data
    cdef object _source
    cdef object _rest            # bytes returned by source.read() not yet handed to libxml2
    cdef Py_ssize_t _rest_pos
    cdef Py_ssize_t _chunk
    cdef bint _content           # the stream has given something other than white space
    cdef bint _streamed          # opened by _open_stream
    cdef object _pending         # exception raised by source.read(), re-raised after the move
    cdef object _error           # first libxml2 error (msg, line, column), raised when reached
    cdef object _failed          # the exception every move raises after a failure
    cdef int _type               # node type of the current node, 0 before the start / at the end
    cdef _Shared* _table         # one str per repeated ASCII value (see ``shared``), or NULL
    cdef Py_ssize_t _table_used
    cdef size_t _table_mask      # entries - 1

    # Cold paths (defined in core.pyx).
    cdef int _open_memory(self, object data) except -1
    cdef int _open_stream(self, object source, Py_ssize_t chunk) except -1
    cdef int _first(self) except -1
    cdef int _fail(self, int r) except -1
    cdef void _abandon(self, object failure)
    cdef int _need_start(self) except -1
    cdef int _grow(self, Py_ssize_t need) except -1

    # Collects the text of the current element (must be a start tag) into the cursor's own buffer,
    # NUL-terminated, and moves past its end tag. Returns the length in bytes, or -1 for ``<x/>``.
    # The buffer (``self._buf``) stays valid until the next collect.
    cdef Py_ssize_t collect(self) except -2
    # ``collect()`` as ``str`` (UTF-8), ``None`` for ``<x/>``, ``''`` for ``<x></x>``.
    cdef object text(self)
    # The attribute of the current start tag as a new ``str``, ``None`` when absent.
    cdef object attr(self, const char* name)
    # ``text``, as one object for every equal value read by this cursor (see ``shared``).
    cdef object shared_text(self)
    # ``attr(name)``, as one object for every equal value read by this cursor.
    cdef object shared_attr(self, const char* name)
    # The ``n`` UTF-8 bytes at ``s`` as ``str``: the object already returned for equal bytes, if
    # any, without decoding them again.
    cdef object shared(self, const char* s, Py_ssize_t n)
    cdef void _forget(self)
    cdef void _drop_table(self)
    cdef int _resize(self, size_t size) except -1
    cdef object _attribute(self, const char* name, bint shared)
    cdef object _value(self, const char* value, bint shared)
    # ``read_elements()``: ``text()`` of every child of the current start tag, then moves past its
    # end tag.
    cdef list texts(self)
    # ``values.get(text())``: the prebuilt value -> member dict; unknown or ``<x/>`` -> None.
    cdef object enum_value(self, dict values)
    # The current node's name as a new ``str`` (``None`` at the end).
    cdef str name_str(self)

    cdef inline int _moved(self, int r) except -1:
        cdef xmlNodePtr node
        if r == 1:
            node = reader_current_node(self._reader)
            if node != NULL and node.type == XML_TEXT_NODE:
                # Text, blank or not: the cursor reads every kind alike, and asking the reader
                # would have it test the text for blanks and look up ``xml:space``.
                self._type = XML_READER_TYPE_TEXT
                return 1
            self._type = reader_node_type(self._reader)
            if self._type != XML_READER_TYPE_DOCUMENT_TYPE:
                return 1
        return self._fail(r)

    cdef inline int move(self) except -1:
        """Moves to the next node in document order: 1 if there is one, 0 at the end."""
        return self._moved(reader_read(self._reader))

    cdef inline int skip(self) except -1:
        """Moves to the node after the current one, skipping its whole subtree: 1 or 0."""
        return self._moved(reader_next(self._reader))

    cdef inline int next_start(self) except -1:
        """``forward()``: stays on or moves to the next start tag and returns 1; stops on an end
        tag or at the end of the document and returns 0."""
        while True:
            if self._type == XML_READER_TYPE_ELEMENT:
                return 1
            if self._type == XML_READER_TYPE_END_ELEMENT or self._type == 0:
                return 0
            self.move()

    cdef inline int node_type(self):
        """The libxml2 node type of the current node (XML_READER_TYPE_*), 0 at the end."""
        return self._type

    cdef inline int depth(self):
        """Depth of the current node, the root being 0."""
        return reader_depth(self._reader)

    cdef inline const xmlChar* name(self):
        """Borrowed qualified name of the current node (interned in the reader's dictionary),
        valid only until the cursor moves; NULL at the end."""
        return reader_name(self._reader)

    cdef inline bint name_is(self, const char* expected):
        cdef const xmlChar* n = reader_name(self._reader)
        return n != NULL and strcmp(<const char*>n, expected) == 0

    cdef inline bint has_attributes(self):
        """True when the current start tag has attributes."""
        return reader_has_attributes(self._reader) == 1

    cdef inline bint is_empty(self):
        """True when the current start tag is written ``<x/>``."""
        return reader_is_empty(self._reader) == 1

    cdef inline int enter(self) except -1:
        """On a start tag: for ``<x/>`` moves past it and returns 0; otherwise moves to its
        first child node and returns 1 (then loop on ``next_start()`` and finish with
        ``leave()``)."""
        self._need_start()
        if reader_is_empty(self._reader) == 1:
            self.move()
            return 0
        self.move()
        return 1

    cdef inline int leave(self) except -1:
        """After ``next_start()`` returned 0 on the parent's end tag: moves past it."""
        if self._type == XML_READER_TYPE_END_ELEMENT:
            return self.move()
        return 0

    cdef inline object boolean(self):
        cdef Py_ssize_t n = self.collect()
        return None if n < 0 else parse_boolean_c(self._buf, n)

    cdef inline object integer(self):
        cdef Py_ssize_t n = self.collect()
        return None if n < 0 else parse_integer_c(self._buf, n)

    cdef inline object decimal(self):
        cdef Py_ssize_t n = self.collect()
        return None if n < 0 else parse_decimal_c(self._buf, n)

    cdef inline object date(self):
        cdef Py_ssize_t n = self.collect()
        return None if n < 0 else parse_date_c(self._buf, n)


cdef class Emitter:
    # Owned: the writer and the buffer it writes to (freed in __dealloc__, writer first).
    cdef xmlTextWriterPtr _writer
    cdef xmlBufferPtr _buffer
    cdef object _io              # None: everything stays in _buffer; else flush() hands it over
    cdef bint _indent
    # The element structure is kept here, not in libxml2's element stack: every start tag, end
    # tag and text element is composed in ``_out`` and handed to the writer with one
    # xmlTextWriterWriteRawLen, exactly as xmlTextWriterStartElement/EndElement/WriteAttribute
    # would have written it (see core.pyx). Owned, malloc: _out, _names, _marks; libxml2: the
    # rest (freed with the writer).
    cdef char* _out              # composed output not yet written (at most the open start tags)
    cdef Py_ssize_t _out_len
    cdef Py_ssize_t _out_cap
    cdef char* _names            # the names of the open elements, back to back, innermost last
    cdef Py_ssize_t _names_len
    cdef Py_ssize_t _names_cap
    cdef Py_ssize_t* _marks      # _marks[i]: where the name of open element i starts in _names
    cdef Py_ssize_t _marks_cap
    cdef Py_ssize_t _depth       # number of open elements
    cdef bint _tag_open          # the innermost start tag is still waiting for its '>' or '/>'
    cdef xmlBufferPtr _escaped   # scratch for attribute values libxml2 escapes

    cdef int _open(self, object io, bint indent) except -1
    cdef int _ready(self) except -1
    cdef int _release(self) except -1
    cdef char* _reserve(self, Py_ssize_t size) except NULL
    cdef int _push(self, const char* name, Py_ssize_t size) except -1
    cdef int _emit(self) except -1
    cdef int _spill(self) except -1
    cdef int _text_element(self, const char* name, Py_ssize_t size, const char* text,
                           Py_ssize_t length) except -1
    cdef int _escaped_attribute(self, const char* name, Py_ssize_t size,
                                const char* value) except -1
    # Opens an element; ``name`` is UTF-8, copied.
    cdef int start_c(self, const char* name) except -1
    cdef int start(self, str name) except -1
    # Adds an attribute to the open start tag (escaped; non-ASCII as character references).
    cdef int attribute_c(self, const char* name, str value) except -1
    cdef int attribute(self, str name, str value) except -1
    # Writes ``<name>value</name>`` (``value`` escaped, '' gives ``<name></name>``).
    cdef int element_c(self, const char* name, str value) except -1
    cdef int element(self, str name, str value) except -1
    # Closes the innermost open element (``<x/>`` when it got no content).
    cdef int end(self) except -1
    # Flushes libxml2's pending output; with an ``io``, writes it there and empties the buffer.
    cdef int flush_c(self) except -1
    # Flushes, then the whole output so far as ``bytes`` (``io``-less emitters only).
    cdef bytes getvalue(self)
