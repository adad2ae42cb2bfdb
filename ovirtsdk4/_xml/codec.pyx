# cython: language_level=3
"""Reading and writing every struct type, driven by per-type member tables.

The tables are generated from the API model (``ovirtsdk4/_schema.py``) and registered here
with ``Schema.struct``; ``Schema.seal`` resolves the references between types. One small
loop then reads any struct (``read_struct``) and one writes any struct (``write_struct``):

* objects are made without ``__init__`` and without the checking setters: each parsed value
  goes straight into the object's ``_name`` slot (``ovirtsdk4/_bases.py``), at the offset that
  the slot's member descriptor gives, and the slots left empty get ``None``;
* child tags are found through a small open-addressing hash table of the type's tags, on the
  borrowed name the cursor gives; unknown children are skipped with their subtree;
* ``<link rel=... href=...>`` children become empty ``List`` objects with that ``href`` (or set
  the ``href`` of a list read inline), after all children (API.md R-4); as in the official, a
  link whose ``rel`` or ``href`` is empty or missing is ignored;
* writing follows the official element order: ``href`` and ``id`` attributes, then the plain
  members, then the link members, each group in model order (API.md W-4).
"""

from cpython.datetime cimport PyDateTime_CheckExact, import_datetime
from cpython.unicode cimport PyUnicode_AsUTF8String
from cpython.list cimport PyList_Append
from cpython.object cimport PyObject, PyObject_TypeCheck, PyTypeObject
from cpython.ref cimport Py_INCREF, Py_XDECREF
from libc.stdint cimport uint32_t
from libc.stdlib cimport calloc, free
from libc.string cimport strcmp

from ovirtsdk4._xml.core cimport (
    Cursor,
    Emitter,
    parse_boolean_c,
    parse_date_c,
    parse_decimal_c,
    parse_integer_c,
    render_date_c,
)
from ovirtsdk4._xml.xmlstring cimport xmlChar


cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object text, Py_ssize_t* size) except NULL
    str PyUnicode_FromObject(object value)

    ctypedef struct PyMemberDef:
        int type
        Py_ssize_t offset
        int flags

    ctypedef struct PyMemberDescrObject:
        PyMemberDef* d_member

cdef extern from "structmember.h":
    int T_OBJECT_EX
    int READONLY

import datetime as _datetime_module
import enum as _enum
import gc as _gc
from types import MemberDescriptorType as _MemberDescriptor

from ovirtsdk4._bases import List
from ovirtsdk4.error import XmlValueError

cdef enum Kind:
    K_STRING = 0
    K_BOOLEAN = 1
    K_INTEGER = 2
    K_DECIMAL = 3
    K_DATE = 4
    K_ENUM = 5
    K_STRUCT = 6

cdef tuple _KIND_LABELS = ("string", "boolean", "integer", "decimal", "date", "enum", "struct")

cdef dict _KINDS = {
    "string": K_STRING,
    "boolean": K_BOOLEAN,
    "integer": K_INTEGER,
    "decimal": K_DECIMAL,
    "date": K_DATE,
    "enum": K_ENUM,
    "struct": K_STRUCT,
}

import_datetime()

cdef object _List = List
cdef tuple _NO_ARGS = ()
cdef object _Enum = _enum.Enum
cdef object _datetime = _datetime_module.datetime


cdef Py_ssize_t _slot_offset(type cls, str name) except -1:
    """The offset in ``cls`` instances of the object slot ``name`` (a ``__slots__`` entry of
    ``cls`` or of a base)."""
    descriptor = getattr(cls, name, None)
    if type(descriptor) is not _MemberDescriptor:
        raise TypeError(f"{cls.__name__}.{name} is not a slot")
    cdef PyMemberDef* member = (<PyMemberDescrObject*>descriptor).d_member
    if member.type != T_OBJECT_EX or member.flags & READONLY:
        raise TypeError(f"{cls.__name__}.{name} is not a writable object slot")
    return member.offset


cdef Py_ssize_t _LIST_HREF = _slot_offset(List, "_href")


cdef inline PyObject** _slot(object obj, Py_ssize_t offset) noexcept:
    return <PyObject**>(<char*><PyObject*>obj + offset)


cdef inline void _put(object obj, Py_ssize_t offset, object value) noexcept:
    """Stores ``value`` in the slot at ``offset`` of ``obj``, dropping what it held."""
    cdef PyObject** slot = _slot(obj, offset)
    cdef PyObject* old = slot[0]
    Py_INCREF(value)
    slot[0] = <PyObject*>value
    Py_XDECREF(old)


cdef inline object _get(object obj, Py_ssize_t offset):
    """The value in the slot at ``offset`` of ``obj``; ``None`` for an empty slot."""
    cdef PyObject* value = _slot(obj, offset)[0]
    if value == NULL:
        return None
    return <object>value


cdef class Member:
    """One member of a struct type, as read from and written to XML."""

    cdef readonly str name            # python name
    cdef readonly str storage         # slot name, ``_`` + name
    cdef bytes _tag                   # element or attribute name, UTF-8
    cdef bytes _item_tag              # lists: the item element name
    cdef readonly int kind
    cdef readonly bint is_list
    cdef readonly bint is_link
    cdef readonly bint is_attribute
    cdef readonly str link_rel
    cdef readonly object target_name  # struct or enum class name
    cdef readonly Py_ssize_t offset   # of the slot in the type's instances
    cdef readonly StructInfo struct   # K_STRUCT: the item type
    cdef dict enum_values             # K_ENUM: wire value -> member
    cdef dict enum_values_folded      # K_ENUM: lower-cased wire value -> member (attributes)

    @property
    def tag(self):
        return self._tag.decode()

    @property
    def kind_name(self):
        return _KIND_LABELS[self.kind]


cdef class StructInfo:
    """A struct type's tables: its class, tags, slots, members and tag index."""

    cdef readonly object cls
    cdef readonly str tag
    cdef readonly str plural
    cdef bytes _tag
    cdef bytes _plural
    cdef Py_ssize_t* _offsets         # every slot of the type's instances
    cdef Py_ssize_t _count
    cdef Py_ssize_t _href             # offset of the ``_href`` slot
    cdef readonly tuple members
    cdef tuple elements               # element members in write order: plain, then links
    cdef Member id_member             # the ``id`` XML attribute, or None
    cdef dict links                   # link rel -> Member
    # Open-addressing index of element tags: _keys[i] is borrowed from the member's _tag.
    cdef const char** _keys
    cdef PyObject** _slots
    cdef uint32_t _mask

    def __dealloc__(self):
        free(self._keys)
        free(self._slots)
        free(self._offsets)

    cdef int _locate(self, dict offsets) except -1:
        """Keeps the offset of every slot (``offsets``: slot name -> offset)."""
        cdef Py_ssize_t i = 0
        self._offsets = <Py_ssize_t*>calloc(len(offsets), sizeof(Py_ssize_t))
        if self._offsets == NULL:
            raise MemoryError()
        for offset in offsets.values():
            self._offsets[i] = offset
            i += 1
        self._count = i
        self._href = offsets["_href"]
        return 0

    cdef int _index(self) except -1:
        cdef Py_ssize_t size = 8
        cdef Member m
        cdef uint32_t i
        while size < 2 * len(self.elements) + 2:
            size *= 2
        self._keys = <const char**>calloc(size, sizeof(char*))
        self._slots = <PyObject**>calloc(size, sizeof(PyObject*))
        if self._keys == NULL or self._slots == NULL:
            raise MemoryError()
        self._mask = <uint32_t>(size - 1)
        for m in self.elements:
            i = _hash(m._tag) & self._mask
            while self._keys[i] != NULL:
                i = (i + 1) & self._mask
            self._keys[i] = m._tag
            self._slots[i] = <PyObject*>m
        return 0

    cdef inline Member find(self, const char* name):
        cdef uint32_t i = _hash(name) & self._mask
        while self._keys[i] != NULL:
            if strcmp(self._keys[i], name) == 0:
                return <Member>self._slots[i]
            i = (i + 1) & self._mask
        return None


cdef inline uint32_t _hash(const char* s) noexcept:
    """FNV-1a over a NUL-terminated string."""
    cdef uint32_t h = 2166136261u
    while s[0] != 0:
        h = (h ^ <unsigned char>s[0]) * 16777619u
        s += 1
    return h


# -- reading ---------------------------------------------------------------------------------

cdef object _new_list(object href):
    cdef object result = _List.__new__(_List)
    _put(result, _LIST_HREF, href)
    return result


cdef object _read_value(Cursor c, Member m):
    """The value of the child element ``m`` the cursor is on; moves past it."""
    cdef int kind = m.kind
    if kind == K_STRING:
        return c.shared_text()
    if kind == K_STRUCT:
        return read_struct(c, m.struct, True)
    try:
        if kind == K_ENUM:
            return c.enum_value(m.enum_values)
        if kind == K_INTEGER:
            return c.integer()
        if kind == K_BOOLEAN:
            return c.boolean()
        if kind == K_DATE:
            return c.date()
        return c.decimal()
    except ValueError as error:
        raise XmlValueError(f"Invalid value of <{m.tag}>: {error}") from error


cdef object _parse_text(int kind, Member m, object text):
    if text is None:
        return None
    if kind == K_STRING:
        return text
    if kind == K_ENUM:
        return m.enum_values.get(text)
    cdef Py_ssize_t n
    cdef const char* s = PyUnicode_AsUTF8AndSize(text, &n)
    try:
        if kind == K_INTEGER:
            return parse_integer_c(s, n)
        if kind == K_BOOLEAN:
            return parse_boolean_c(s, n)
        if kind == K_DATE:
            return parse_date_c(s, n)
        return parse_decimal_c(s, n)
    except ValueError as error:
        raise XmlValueError(f"Invalid value in <{m.tag}>: {error}") from error


cdef object _read_member(Cursor c, Member m):
    cdef list texts
    cdef int kind = m.kind
    if not m.is_list:
        return _read_value(c, m)
    if kind == K_STRUCT:
        return read_list(c, m.struct)
    texts = c.texts()
    if kind == K_STRING:
        return texts
    return [_parse_text(kind, m, text) for text in texts]


cdef object _read_id(Cursor c, Member m, bint reference):
    cdef object text = c.shared_attr(b"id") if reference else c.attr(b"id")
    if text is None or m.kind == K_STRING:
        return text
    if m.kind == K_ENUM:
        # Unknown: None, as in elements; the official raises (docs/differences.md R6).
        return m.enum_values_folded.get(text.lower())
    return _parse_text(m.kind, m, text)


cdef object read_struct(Cursor c, StructInfo info, bint reference):
    """Reads the element the cursor is on (whatever its tag) as an ``info`` object and moves
    past it. ``reference``: a struct member, typically a reference (``<cluster href id/>``)
    that many items of a list repeat, so its ``href`` and ``id`` strings are shared."""
    cdef type cls = info.cls
    # Every slot starts empty (NULL); the ones no element fills get None at the end.
    cdef object obj = (<PyTypeObject*>cls).tp_new(cls, <PyObject*>_NO_ARGS, NULL)
    cdef const xmlChar* name
    cdef Member m
    cdef list links = None
    cdef object href
    cdef PyObject** slot
    cdef Py_ssize_t i
    if c.has_attributes():
        _put(obj, info._href, c.shared_attr(b"href") if reference else c.attr(b"href"))
        if info.id_member is not None:
            _put(obj, info.id_member.offset, _read_id(c, info.id_member, reference))
    if c.enter():
        while c.next_start():
            name = c.name()
            m = info.find(<const char*>name)
            if m is not None:
                _put(obj, m.offset, _read_member(c, m))
                continue
            if strcmp(<const char*>name, b"link") == 0 and info.links:
                m = info.links.get(c.shared_attr(b"rel"))
                href = c.attr(b"href")
                if m is not None and href:
                    if links is None:
                        links = []
                    links.append((m, href))
            c.skip()
        c.leave()
    if links is not None:
        for m, href in links:
            current = _get(obj, m.offset)
            if PyObject_TypeCheck(current, <PyTypeObject*>_List):
                _put(current, _LIST_HREF, href)
            else:
                _put(obj, m.offset, _new_list(href))
    for i in range(info._count):
        slot = _slot(obj, info._offsets[i])
        if slot[0] == NULL:
            Py_INCREF(None)
            slot[0] = <PyObject*>None
    return obj


cdef object read_list(Cursor c, StructInfo info):
    """Reads the container element the cursor is on as a ``List`` of ``info`` objects (items
    of any tag) and moves past it."""
    cdef object result = _new_list(c.attr(b"href"))
    if c.enter():
        while c.next_start():
            PyList_Append(result, read_struct(c, info, False))
        c.leave()
    return result


cdef Cursor _cursor(object reader):
    """``reader`` as the cursor it is (an ``XmlReader``). Anything else fails as in the
    official's generated readers, which call ``reader.forward()``: AttributeError when it has no
    ``forward``; any other reader-like object is refused (docs/differences.md)."""
    if isinstance(reader, Cursor):
        return <Cursor>reader
    if not hasattr(reader, "forward"):
        raise AttributeError(f"{type(reader).__name__!r} object has no attribute 'forward'")
    raise TypeError(f"Expected an 'XmlReader', but got {type(reader).__name__!r}")


def read_one(reader, StructInfo info):
    """``XxxReader.read_one``: the next element as an ``info`` object, or None."""
    cdef Cursor cursor = _cursor(reader)
    if not cursor.next_start():
        return None
    cdef bint collecting = _gc_pause()
    try:
        return read_struct(cursor, info, False)
    finally:
        _gc_resume(collecting)


def read_many(reader, StructInfo info):
    """``XxxReader.read_many``: the next container element as a ``List`` (empty if none)."""
    cdef Cursor cursor = _cursor(reader)
    if not cursor.next_start():
        return _new_list(None)
    cdef bint collecting = _gc_pause()
    try:
        return read_list(cursor, info)
    finally:
        _gc_resume(collecting)


def iter_many(reader, StructInfo info):
    """Yields the items of the next container element one by one, reading only as far as
    needed (constant memory over a streamed cursor)."""
    cdef Cursor cursor = _cursor(reader)
    cdef bint collecting
    if not cursor.next_start():
        return
    if cursor.enter():
        while cursor.next_start():
            collecting = _gc_pause()
            try:
                item = read_struct(cursor, info, False)
            finally:
                _gc_resume(collecting)
            yield item
        cursor.leave()


# The objects a document becomes hold no reference cycles, yet each allocation counts towards
# the cyclic collector's next run, which then walks every young object: with it running, a
# large list takes a third longer to read. So it is paused while a document is read
# (docs/differences.md R8).
cdef bint _gc_pause() except -1:
    if _gc.isenabled():
        _gc.disable()
        return True
    return False


cdef int _gc_resume(bint collecting) except -1:
    if collecting:
        _gc.enable()
    return 0


# -- writing ---------------------------------------------------------------------------------

cdef inline str _text(object value, Member m):
    """``value`` as the exact ``str`` the emitter takes: a ``str``, or a copy of an instance of
    a subclass of ``str`` (whose text the official writes as it is)."""
    if type(value) is str:
        return <str>value
    return _subclass_text(value, m)


cdef str _subclass_text(object value, Member m):
    if isinstance(value, str):
        return PyUnicode_FromObject(value)
    if m is None:
        raise TypeError(f"The value {value!r} of 'href' isn't valid: expected a str")
    raise TypeError(f"The value {value!r} of '{m.name}' isn't valid: expected a str")


cdef str _render(Member m, object value):
    """The text of a primitive or enum value, accepted and refused as the official's generated
    writers accept and refuse it (API.md W-3, docs/differences.md): integers and decimals by
    ``str()`` of any ``int`` or ``float``, booleans only as ``bool``, dates only as a
    ``datetime.datetime``, enums by their ``value`` attribute (any object that has one), and
    the integer ``id`` attribute (``Vlan.id``) by ``str()`` of anything."""
    cdef int kind = m.kind
    if kind == K_STRING:
        return _text(value, m)
    if kind == K_ENUM:
        if PyObject_TypeCheck(value, <PyTypeObject*>_Enum):
            # ``_value_`` is a plain instance attribute; ``value`` is a Python-level property.
            return _text(value._value_, m)
        return _text(value.value, m)
    if kind == K_INTEGER:
        if m.is_attribute or isinstance(value, int):
            return _text(str(value), m)
    elif kind == K_BOOLEAN:
        if value is True:
            return "true"
        if value is False:
            return "false"
    elif kind == K_DECIMAL:
        if isinstance(value, float):
            return _text(str(value), m)
    elif kind == K_DATE:
        if PyDateTime_CheckExact(value):
            return render_date_c(value)
        if isinstance(value, _datetime):
            return _text(value.isoformat(), m)
    raise TypeError(
        f"The value {value!r} of '{m.name}' isn't valid: expected {_KIND_NAMES[kind]}"
    )


cdef tuple _KIND_NAMES = ("a str", "a bool", "an int", "a float", "a datetime", "an enum", "")


cdef int _write_member(Emitter e, Member m, object value) except -1:
    cdef const char* tag = m._tag
    cdef const char* item_tag
    if not m.is_list:
        if m.kind == K_STRUCT:
            return write_struct(e, value, m.struct, tag)
        return e.element_c(tag, _render(m, value))
    e.start_c(tag)
    item_tag = m._item_tag
    if m.kind == K_STRUCT:
        # Only an ``ovirtsdk4.List`` has an href; a plain list has none (and asking a plain
        # list for one would raise and clear an AttributeError every time).
        href = value.href if PyObject_TypeCheck(value, <PyTypeObject*>_List) else None
        if href is not None:
            e.attribute_c(b"href", _text(href, None))
        for item in value:
            write_struct(e, item, m.struct, item_tag)
    else:
        for item in value:
            if item is not None:
                e.element_c(item_tag, _render(m, item))
    return e.end()


cdef inline object _stored(object obj, Py_ssize_t offset, str name, bint slotted):
    """The attribute ``name`` of ``obj``: read from its slot when ``slotted`` and the slot is
    set, else through the property (or any attribute of that name: the official writers take
    any object that has the attributes they read)."""
    cdef PyObject* value
    if slotted:
        value = _slot(obj, offset)[0]
        if value != NULL:
            return <object>value
    return getattr(obj, name)


cdef int write_struct(Emitter e, object obj, StructInfo info, const char* tag) except -1:
    """Writes ``obj`` as an ``info`` element named ``tag``. An instance of exactly the type is
    read slot by slot; any other object, attribute by attribute."""
    cdef Member m
    cdef object value
    cdef bint slotted = type(obj) is info.cls
    e.start_c(tag)
    value = _stored(obj, info._href, "href", slotted)
    if value is not None:
        e.attribute_c(b"href", _text(value, None))
    if info.id_member is not None:
        m = info.id_member
        value = _stored(obj, m.offset, m.name, slotted)
        if value is not None:
            e.attribute_c(b"id", _render(m, value))
    for m in info.elements:
        value = _stored(obj, m.offset, m.name, slotted)
        if value is not None:
            _write_member(e, m, value)
    return e.end()


cdef bytes _tag_name(object tag):
    if not isinstance(tag, str):
        raise TypeError(f"The tag {tag!r} isn't valid: expected a str")
    return PyUnicode_AsUTF8String(tag)


cdef Emitter _emitter(object writer):
    """``writer`` as the emitter it is (an ``XmlWriter``). Anything else fails as in the
    official's generated writers, which call ``writer.write_start()``: AttributeError when it
    has no ``write_start``; any other writer-like object is refused (docs/differences.md)."""
    if isinstance(writer, Emitter):
        return <Emitter>writer
    if not hasattr(writer, "write_start"):
        raise AttributeError(f"{type(writer).__name__!r} object has no attribute 'write_start'")
    raise TypeError(f"Expected an 'XmlWriter', but got {type(writer).__name__!r}")


def write_one(obj, writer, StructInfo info, tag=None):
    """``XxxWriter.write_one``: ``obj`` as an element named ``tag`` (default: the type's)."""
    cdef Emitter emitter = _emitter(writer)
    cdef bytes name = info._tag if tag is None else _tag_name(tag)
    write_struct(emitter, obj, info, name)


def write_many(objs, writer, StructInfo info, singular=None, plural=None):
    """``XxxWriter.write_many``: a container named ``plural`` holding each of ``objs``."""
    cdef Emitter emitter = _emitter(writer)
    cdef bytes item = info._tag if singular is None else _tag_name(singular)
    cdef bytes container = info._plural if plural is None else _tag_name(plural)
    emitter.start_c(container)
    href = objs.href if PyObject_TypeCheck(objs, <PyTypeObject*>_List) else None
    if href is not None:
        emitter.attribute_c(b"href", _text(href, None))
    for obj in objs:
        write_struct(emitter, obj, info, item)
    emitter.end()


# -- the schema ------------------------------------------------------------------------------

cdef class Schema:
    """Every struct type's tables, by class and by name."""

    cdef readonly dict by_class
    cdef readonly dict by_name
    cdef readonly dict by_plural
    cdef dict _enums
    cdef bint _sealed

    def __init__(self):
        self.by_class = {}
        self.by_name = {}
        self.by_plural = {}
        self._enums = {}

    def enum(self, cls):
        """Registers an enum class, so that members can refer to it by name."""
        self._enums[cls.__name__] = cls

    def struct(self, cls, str tag, str plural, tuple template, tuple members):
        """Registers a struct type. ``template`` lists the storage keys in constructor order;
        each member is ``(python_name, xml_tag, kind, target, is_list, item_tag, is_link,
        link_rel, is_attribute)``, in model order."""
        cdef StructInfo info = StructInfo.__new__(StructInfo)
        cdef Member m
        cdef list built = []
        info.cls = cls
        info.tag, info.plural = tag, plural
        info._tag, info._plural = tag.encode("utf-8"), plural.encode("utf-8")
        offsets = {key: _slot_offset(cls, key) for key in template}
        info._locate(offsets)
        for name, xml_tag, kind, target, is_list, item_tag, is_link, link_rel, is_attr in members:
            m = Member.__new__(Member)
            m.name = name
            m.storage = "_" + name
            m._tag = xml_tag.encode("utf-8")
            m._item_tag = item_tag.encode("utf-8") if item_tag is not None else None
            m.kind = _KINDS[kind]
            m.is_list, m.is_link, m.is_attribute = is_list, is_link, is_attr
            m.link_rel = link_rel
            m.target_name = target
            m.offset = offsets[m.storage]
            built.append(m)
        info.members = tuple(built)
        info.elements = tuple(
            [m for m in built if not m.is_attribute and not m.is_link]
            + [m for m in built if not m.is_attribute and m.is_link]
        )
        info.links = {m.link_rel: m for m in built if m.link_rel is not None}
        info.id_member = next((m for m in built if m.is_attribute and m.name == "id"), None)
        info._index()
        self.by_class[cls] = info
        self.by_name[cls.__name__] = info
        self.by_plural[plural] = info
        return info

    def seal(self):
        """Resolves every member's struct or enum type; call once, after the last ``struct``."""
        cdef StructInfo info
        cdef Member m
        for info in self.by_name.values():
            for m in info.members:
                if m.kind == K_STRUCT:
                    m.struct = self.by_name[m.target_name]
                elif m.kind == K_ENUM:
                    cls = self._enums[m.target_name]
                    m.enum_values = {member.value: member for member in cls}
                    m.enum_values_folded = {member.value.lower(): member for member in cls}
        self._sealed = True
