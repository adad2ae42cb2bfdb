# cython: language_level=3
"""The XML engine: a cursor over libxml2's xmlTextReader, an emitter over its xmlTextWriter,
the parse primitives and the ``TZ`` tzinfo. See core.pxd for the Cython API.

Ownership: a Cursor owns its reader and text buffer, an Emitter its writer and buffer; each is
freed only in ``__dealloc__`` (or ``close()``, which leaves NULL behind; every libxml2 function
we call accepts NULL). libxml2's errors are captured per reader by a structured handler and
raised from one place, ``Cursor._fail``; libxml2 never prints.

Security: the reader runs with XML_PARSE_NONET and without NOENT, DTDLOAD, XINCLUDE or HUGE, so
no file or network access happens, external entities are never loaded and libxml2's depth,
name and text-size limits apply; documents that declare a DOCTYPE are refused outright, which
also rules out internal entity bombs (the official reads them: docs/differences.md R4).
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.datetime cimport (
    PyDateTime_CheckExact,
    PyDateTime_DATE_GET_HOUR,
    PyDateTime_DATE_GET_MICROSECOND,
    PyDateTime_DATE_GET_MINUTE,
    PyDateTime_DATE_GET_SECOND,
    PyDateTime_DATE_GET_TZINFO,
    PyDateTime_DELTA_GET_DAYS,
    PyDateTime_DELTA_GET_MICROSECONDS,
    PyDateTime_DELTA_GET_SECONDS,
    PyDateTime_GET_DAY,
    PyDateTime_GET_MONTH,
    PyDateTime_GET_YEAR,
    datetime_new,
    import_datetime,
)
from cpython.exc cimport PyErr_Clear, PyErr_ExceptionMatches
from cpython.long cimport PyLong_FromLongLong
from cpython.ref cimport Py_INCREF, Py_XDECREF
from cpython.unicode cimport (
    PyUnicode_AsUTF8AndSize,
    PyUnicode_DecodeASCII,
    PyUnicode_DecodeUTF8,
    PyUnicode_GET_LENGTH,
)
from libc.limits cimport INT_MAX
from libc.stdint cimport uint64_t
from libc.stdlib cimport calloc, free, realloc
from libc.string cimport memcmp, memcpy, memset, strcspn, strlen

from ovirtsdk4._xml.globals cimport xmlFree
from ovirtsdk4._xml.parser cimport XML_PARSE_NONET
from ovirtsdk4._xml.tree cimport (
    XML_BUFFER_ALLOC_DOUBLEIT,
    xmlAttrSerializeTxtContent,
    xmlBufferContent,
    xmlBufferCreate,
    xmlBufferEmpty,
    xmlBufferFree,
    xmlBufferLength,
    xmlBufferSetAllocationScheme,
    xmlEncodeSpecialChars,
)
from ovirtsdk4._xml.xmlerror cimport (
    XML_ERR_ERROR,
    xmlError,
    xmlGenericErrorFunc,
    xmlSetGenericErrorFunc,
    xmlStructuredErrorFunc,
)
from ovirtsdk4._xml.xmlreader cimport (
    XML_READER_TYPE_CDATA,
    XML_READER_TYPE_TEXT,
    xmlFreeTextReader,
    xmlReaderForIO,
    xmlReaderForMemory,
    xmlTextReaderConstName,
    xmlTextReaderConstValue,
    xmlTextReaderCurrentNode,
    xmlTextReaderDepth,
    xmlTextReaderGetParserColumnNumber,
    xmlTextReaderGetParserLineNumber,
    xmlTextReaderHasAttributes,
    xmlTextReaderIsEmptyElement,
    xmlTextReaderMoveToAttribute,
    xmlTextReaderMoveToElement,
    xmlTextReaderNext,
    xmlTextReaderNodeType,
    xmlTextReaderRead,
    xmlTextReaderSetStructuredErrorHandler,
)
from ovirtsdk4._xml.xmlwriter cimport (
    xmlFreeTextWriter,
    xmlNewTextWriterMemory,
    xmlTextWriterFlush,
    xmlTextWriterWriteRawLen,
)

import datetime as _datetime

from ovirtsdk4.error import XmlError, XmlValueError

import_datetime()

cdef int _OPTIONS = XML_PARSE_NONET
cdef Py_ssize_t DEFAULT_CHUNK = 65536
cdef Py_ssize_t _SPILL_AT = 65536    # bytes an Emitter gathers before handing them to libxml2
cdef Py_ssize_t _SHARED_MAX = 8192   # distinct strings a cursor keeps for sharing
cdef size_t _SHARED_FIRST = 64       # entries of a cursor's table at first (a power of two)


# ---------------------------------------------------------------------------------------------
# TZ and the parse primitives
# ---------------------------------------------------------------------------------------------

from ovirtsdk4._tz import TZ

cdef object _UTC = TZ(0, "UTC")
cdef dict _TZ_CACHE = {}


cdef extern from "Python.h":
    # PyUnicode_AsUTF8AndSize without Cython's error check: NULL with an exception set.
    const char* _utf8_or_null "PyUnicode_AsUTF8AndSize"(object text, Py_ssize_t* size)
    str PyUnicode_FromObject(object text)
    void* PyUnicode_DATA(object text)
    bint PyUnicode_IS_ASCII(object text)


cdef inline size_t _hash_bytes(const char* s, Py_ssize_t n) noexcept:
    """A 64-bit multiplicative hash of ``n`` bytes, eight at a time."""
    cdef uint64_t h = 0x9E3779B97F4A7C15u ^ <uint64_t>n
    cdef uint64_t word
    while n >= 8:
        memcpy(&word, s, 8)
        h = (h ^ word) * 0xFF51AFD7ED558CCDu
        h ^= h >> 32
        s += 8
        n -= 8
    word = 0
    memcpy(&word, s, n)
    h = (h ^ word) * 0xC4CEB9FE1A85EC53u
    return <size_t>(h ^ (h >> 29))


cdef inline str _decode(const char* s, Py_ssize_t n):
    return PyUnicode_DecodeUTF8(s, n, NULL)


cdef object parse_boolean_c(const char* s, Py_ssize_t n):
    cdef char c
    if n == 1:
        c = s[0]
        if c == c'1':
            return True
        if c == c'0':
            return False
    elif n == 4:
        if ((s[0] | 32) == c't' and (s[1] | 32) == c'r' and (s[2] | 32) == c'u'
                and (s[3] | 32) == c'e'):
            return True
    elif n == 5:
        if ((s[0] | 32) == c'f' and (s[1] | 32) == c'a' and (s[2] | 32) == c'l'
                and (s[3] | 32) == c's' and (s[4] | 32) == c'e'):
            return False
    raise ValueError("The text '%s' isn't a valid boolean value" % _decode(s, n).lower())


cdef object parse_integer_c(const char* s, Py_ssize_t n):
    cdef Py_ssize_t i = 0
    cdef long long v = 0
    cdef bint neg = False
    if 0 < n <= 18:  # at most 18 digits: no long long overflow
        if s[0] == c'-' or s[0] == c'+':
            neg = s[0] == c'-'
            i = 1
        if i < n:
            while i < n and c'0' <= s[i] <= c'9':
                v = v * 10 + (s[i] - c'0')
                i += 1
            if i == n:
                return PyLong_FromLongLong(-v if neg else v)
    # Anything else (spaces, underscores, big numbers, errors) gets Python's int() rules.
    text = _decode(s, n)
    try:
        return int(text)
    except ValueError:
        raise ValueError("The text '%s' isn't a valid integer value" % text) from None


cdef object parse_decimal_c(const char* s, Py_ssize_t n):
    text = _decode(s, n)
    try:
        return float(text)
    except ValueError:
        raise ValueError("The text '%s' isn't a valid decimal value" % text) from None


cdef inline int _digits(const char* s, Py_ssize_t* pos, Py_ssize_t end, int lo, int hi):
    """Reads lo..hi ASCII digits at s[pos]; returns the value or -1."""
    cdef int v = 0
    cdef int count = 0
    cdef Py_ssize_t i = pos[0]
    while i < end and count < hi and c'0' <= s[i] <= c'9':
        v = v * 10 + (s[i] - c'0')
        i += 1
        count += 1
    if count < lo:
        return -1
    pos[0] = i
    return v


cdef inline bint _expect(const char* s, Py_ssize_t* pos, Py_ssize_t end, char c):
    if pos[0] < end and s[pos[0]] == c:
        pos[0] += 1
        return True
    return False


cdef object _tz_for(const char* s):
    """The cached TZ for a ``±HH:MM`` suffix (6 bytes, already checked to be digits)."""
    key = PyBytes_FromStringAndSize(s, 6)
    tz = _TZ_CACHE.get(key)
    if tz is None:
        hours = (s[1] - c'0') * 10 + (s[2] - c'0')
        minutes = (s[4] - c'0') * 10 + (s[5] - c'0')
        if hours >= 24 or minutes >= 60:
            return None
        offset = hours * 60 + minutes
        tz = TZ(-offset if s[0] == c'-' else offset, key.decode("ascii"))
        if len(_TZ_CACHE) < 4096:
            _TZ_CACHE[key] = tz
    return tz


cdef inline bint _isdigit(char c):
    return c'0' <= c <= c'9'


cdef object parse_date_c(const char* s, Py_ssize_t n):
    """``YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM]``; month, day and time fields take one or two
    digits and the fraction one to six, like the official ``strptime`` format, but ASCII digits
    only and no padding spaces (docs/differences.md R5)."""
    cdef Py_ssize_t end = n
    cdef Py_ssize_t pos = 0
    cdef int year, month, day, hour, minute, second
    cdef int usec = 0
    cdef int digits
    cdef object tz = None
    if n > 0 and s[n - 1] == c'Z':
        tz = _UTC
        end = n - 1
    elif (n >= 6 and (s[n - 6] == c'+' or s[n - 6] == c'-') and _isdigit(s[n - 5])
            and _isdigit(s[n - 4]) and s[n - 3] == c':' and _isdigit(s[n - 2])
            and _isdigit(s[n - 1])):
        tz = _tz_for(s + n - 6)
        end = n - 6
        if tz is None:
            return _bad_date(s, n)
    year = _digits(s, &pos, end, 4, 4)
    if year < 0 or not _expect(s, &pos, end, c'-'):
        return _bad_date(s, n)
    month = _digits(s, &pos, end, 1, 2)
    if month < 0 or not _expect(s, &pos, end, c'-'):
        return _bad_date(s, n)
    day = _digits(s, &pos, end, 1, 2)
    if day < 0 or not (_expect(s, &pos, end, c'T') or _expect(s, &pos, end, c't')):
        return _bad_date(s, n)
    hour = _digits(s, &pos, end, 1, 2)
    if hour < 0 or not _expect(s, &pos, end, c':'):
        return _bad_date(s, n)
    minute = _digits(s, &pos, end, 1, 2)
    if minute < 0 or not _expect(s, &pos, end, c':'):
        return _bad_date(s, n)
    second = _digits(s, &pos, end, 1, 2)
    if second < 0:
        return _bad_date(s, n)
    if _expect(s, &pos, end, c'.'):
        digits = 0
        while pos < end and _isdigit(s[pos]) and digits < 6:
            usec = usec * 10 + (s[pos] - c'0')
            pos += 1
            digits += 1
        if digits == 0:
            return _bad_date(s, n)
        while digits < 6:
            usec *= 10
            digits += 1
    if pos != end:
        return _bad_date(s, n)
    try:
        return datetime_new(year, month, day, hour, minute, second, usec, tz)
    except ValueError:
        return _bad_date(s, n)


cdef inline char* _digits_out(char* p, long long value, int width) noexcept:
    """Writes ``value`` (not negative) as ``width`` decimal digits, zero-padded."""
    cdef int i
    for i in range(width - 1, -1, -1):
        p[i] = c'0' + <char>(value % 10)
        value //= 10
    return p + width


cdef object render_date_c(object value):
    """``value.isoformat()`` of a ``datetime.datetime`` (exactly that class), in C: the date
    and time, ``.ffffff`` when there are microseconds, then the UTC offset as ``±HH:MM`` (with
    ``:SS`` and ``.ffffff`` when it has them) when the value has a ``tzinfo`` that gives one."""
    cdef char buf[64]
    cdef char* p = buf
    cdef int microsecond = PyDateTime_DATE_GET_MICROSECOND(value)
    cdef long long total
    p = _digits_out(p, PyDateTime_GET_YEAR(value), 4)
    p[0] = c'-'
    p = _digits_out(p + 1, PyDateTime_GET_MONTH(value), 2)
    p[0] = c'-'
    p = _digits_out(p + 1, PyDateTime_GET_DAY(value), 2)
    p[0] = c'T'
    p = _digits_out(p + 1, PyDateTime_DATE_GET_HOUR(value), 2)
    p[0] = c':'
    p = _digits_out(p + 1, PyDateTime_DATE_GET_MINUTE(value), 2)
    p[0] = c':'
    p = _digits_out(p + 1, PyDateTime_DATE_GET_SECOND(value), 2)
    if microsecond:
        p[0] = c'.'
        p = _digits_out(p + 1, microsecond, 6)
    if <object>PyDateTime_DATE_GET_TZINFO(value) is not None:
        offset = value.utcoffset()
        if offset is not None:
            total = (
                (PyDateTime_DELTA_GET_DAYS(offset) * 86400LL + PyDateTime_DELTA_GET_SECONDS(offset))
                * 1000000LL + PyDateTime_DELTA_GET_MICROSECONDS(offset)
            )
            p[0] = c'-' if total < 0 else c'+'
            if total < 0:
                total = -total
            microsecond = <int>(total % 1000000)
            total //= 1000000
            p = _digits_out(p + 1, total // 3600, 2)
            p[0] = c':'
            p = _digits_out(p + 1, total // 60 % 60, 2)
            if total % 60 or microsecond:
                p[0] = c':'
                p = _digits_out(p + 1, total % 60, 2)
            if microsecond:
                p[0] = c'.'
                p = _digits_out(p + 1, microsecond, 6)
    return PyUnicode_DecodeASCII(buf, p - buf, NULL)


cdef object _bad_date(const char* s, Py_ssize_t n):
    # The official message quotes the text without its time zone suffix; ours quotes it all.
    raise ValueError("The text '%s' isn't a valid date value" % _decode(s, n))


cdef bint _blank(bytes data):
    """True when ``data`` holds only XML white space (stops at the first other byte)."""
    cdef const char* s = PyBytes_AS_STRING(data)
    cdef Py_ssize_t i
    for i in range(PyBytes_GET_SIZE(data)):
        if s[i] != c' ' and s[i] != c'\n' and s[i] != c'\r' and s[i] != c'\t':
            return False
    return True


cdef inline bint _plain(const char* s, Py_ssize_t n) noexcept:
    """True when element text needs no escaping: none of the bytes that libxml2's
    xmlEncodeSpecialChars replaces (``<``, ``>``, ``&``, ``"``, carriage return). The text
    holds no NUL (``_check_xml_chars`` refused it); ``s[n]`` must be the terminating NUL."""
    # glibc's strcspn scans 16 bytes at a time.
    return <Py_ssize_t>strcspn(s, b'<>&"\r') == n


cdef inline bint _plain_attribute(str value, const char* s, Py_ssize_t n) noexcept:
    """True when the attribute ``value`` (``s``: its UTF-8, NUL-terminated) needs no escaping:
    only ASCII, and none of the bytes that libxml2's xmlAttrSerializeTxtContent replaces
    (``<``, ``>``, ``&``, ``"``, tab, newline, carriage return)."""
    # As many UTF-8 bytes as characters: every character is ASCII.
    return PyUnicode_GET_LENGTH(value) == n and <Py_ssize_t>strcspn(s, b'<>&"\t\n\r') == n


cdef extern from *:
    """
    #include <stdint.h>
    #include <string.h>
    #if defined(__SSE2__)
    #include <emmintrin.h>
    #endif

    /* Non-zero under 0x80.. when a byte of `word` is below 0x20 or is 0xEF (borrows may mark
       more bytes of such a word, never a word without one). */
    static inline uint64_t ovsdk_suspects64(uint64_t word) {
        uint64_t ef = word ^ 0xEFEFEFEFEFEFEFEFull;
        return ((word - 0x2020202020202020ull) & ~word) | ((ef - 0x0101010101010101ull) & ~ef);
    }

    #if defined(__SSE2__)
    static inline __m128i ovsdk_suspects128(const char *s) {
        __m128i v = _mm_loadu_si128((const __m128i *)s);
        __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
        return _mm_or_si128(low, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xEF)));
    }
    #endif

    /* 1 when one of the `n` bytes at `s` is below 0x20 or is 0xEF, else 0. Sixteen bytes at a
       time with SSE2, else eight; the last, partial block is read again from its end
       (overlapping), and values shorter than a word are read in overlapping pieces. */
    static inline int ovsdk_xml_suspect(const char *s, Py_ssize_t n) {
        const unsigned char *u = (const unsigned char *)s;
        uint64_t word, seen = 0;
        uint32_t half;
        Py_ssize_t i;
    #if defined(__SSE2__)
        if (n >= 16) {
            __m128i acc = _mm_setzero_si128();
            for (i = 0; i + 16 <= n; i += 16)
                acc = _mm_or_si128(acc, ovsdk_suspects128(s + i));
            acc = _mm_or_si128(acc, ovsdk_suspects128(s + n - 16));
            return _mm_movemask_epi8(acc) != 0;
        }
    #endif
        if (n >= 8) {
            for (i = 0; i + 8 <= n; i += 8) {
                memcpy(&word, s + i, 8);
                seen |= ovsdk_suspects64(word);
            }
            memcpy(&word, s + n - 8, 8);
        } else if (n >= 4) {
            memcpy(&half, s, 4);
            word = half;
            memcpy(&half, s + n - 4, 4);
            word |= (uint64_t)half << 32;
        } else if (n > 0) {
            /* The first, middle and last bytes cover all of 1 to 3; spaces fill the rest. */
            word = 0x2020202020000000ull | u[0] | ((uint64_t)u[n >> 1] << 8)
                   | ((uint64_t)u[n - 1] << 16);
        } else {
            return 0;
        }
        seen |= ovsdk_suspects64(word);
        return (seen & 0x8080808080808080ull) != 0;
    }
    """
    bint _suspect "ovsdk_xml_suspect"(const char* s, Py_ssize_t n) noexcept nogil


cdef inline int _check_xml_chars(const char* name, Py_ssize_t size, str value,
                                 const char* s, Py_ssize_t n, bint attribute) except -1:
    """Raises ``XmlValueError`` when ``value`` (``s``: its ``n`` UTF-8 bytes) holds a character
    that XML 1.0 does not allow: NUL and the other C0 controls except tab, LF and CR, U+FFFE,
    U+FFFF (lone surrogates have no UTF-8 and are refused before). The scan looks for the
    bytes where such a character can start, many bytes at a time and without a branch per
    byte; the rare value that has one (a tab, a line break, a character from U+F000 to
    U+FFFF) gets the exact test."""
    if _suspect(s, n):
        return _forbidden(name, size, value, s, n, attribute)
    return 0


cdef int _forbidden(const char* name, Py_ssize_t size, str value, const char* s, Py_ssize_t n,
                    bint attribute) except -1:
    """The exact test of ``_check_xml_chars``, for a value with a suspect byte."""
    cdef const unsigned char* u = <const unsigned char*>s
    cdef Py_ssize_t i
    cdef unsigned char c
    for i in range(n):
        c = u[i]
        if c < 0x20 and c != 0x09 and c != 0x0A and c != 0x0D:
            return _refuse(name, size, value, chr(c), attribute)
        if c == 0xEF and i + 2 < n and u[i + 1] == 0xBF and (u[i + 2] == 0xBE or u[i + 2] == 0xBF):
            return _refuse(name, size, value, chr(0xFFFE + (u[i + 2] - 0xBE)), attribute)
    return 0


cdef int _refuse(const char* name, Py_ssize_t size, str value, str char, bint attribute) except -1:
    raise XmlValueError(
        "Can't write the value of %s '%s' as XML: it contains U+%04X at index %d, a character "
        "that XML 1.0 does not allow"
        % ("attribute" if attribute else "element", _decode(name, size), ord(char),
           value.index(char))
    )


cdef inline const char* _utf8(str text, Py_ssize_t* size) except NULL:
    return PyUnicode_AsUTF8AndSize(text, size)


cdef inline const char* _utf8_out(str text, Py_ssize_t* size) except NULL:
    """``_utf8`` of a name or value to write. Text that has no UTF-8 form (a lone surrogate)
    is refused with a TypeError, as the official writer refuses it (docs/differences.md)."""
    cdef const char* s = _utf8_or_null(text, size)
    if s == NULL:
        return _unencodable(text)
    return s


cdef const char* _unencodable(str text) except NULL:
    """The cold path of ``_utf8_out``: its UnicodeEncodeError becomes a TypeError (any other
    error, such as MemoryError, stays as it is)."""
    if PyErr_ExceptionMatches(UnicodeEncodeError):
        PyErr_Clear()
        raise TypeError(f"Can't write {text!r} as XML: surrogates not allowed")
    return NULL


cdef inline str _exact_str(object text):
    """An instance of a subclass of ``str`` as a plain ``str`` with the same characters."""
    return <str>text if type(text) is str else PyUnicode_FromObject(text)


ctypedef object (*_parser)(const char* s, Py_ssize_t n)


cdef object _parse_text(object text, _parser parse):
    """None -> None; else ``parse`` over the UTF-8 of ``text``."""
    cdef Py_ssize_t n
    if text is None:
        return None
    cdef const char* s = _utf8(text, &n)
    return parse(s, n)


def parse_boolean(text):
    """``Reader.parse_boolean``: None -> None; true/1 -> True, false/0 -> False (any case)."""
    return _parse_text(text, parse_boolean_c)


def parse_integer(text):
    """``Reader.parse_integer``: None -> None; else Python ``int(text)``."""
    return _parse_text(text, parse_integer_c)


def parse_decimal(text):
    """``Reader.parse_decimal``: None -> None; else Python ``float(text)``."""
    return _parse_text(text, parse_decimal_c)


def parse_date(text):
    """``Reader.parse_date``: None -> None; else an ISO 8601 datetime (see parse_date_c)."""
    return _parse_text(text, parse_date_c)


# ---------------------------------------------------------------------------------------------
# Cursor
# ---------------------------------------------------------------------------------------------

cdef void _on_error(void* arg, xmlError* error) noexcept with gil:
    """libxml2's structured error handler of every reader: keeps the first error."""
    cdef Cursor cursor = <Cursor>arg
    if error == NULL or error.level < XML_ERR_ERROR or cursor._error is not None:
        return
    try:
        message = "unknown error"
        if error.message != NULL:
            message = " ".join(error.message.decode("utf-8", "replace").split())
        cursor._error = (message, error.line or None, error.int2 or None)
    except BaseException:  # noqa: a C callback must not raise; a MemoryError here is moot
        pass


cdef void _quiet(void* ctx, const char* msg, ...) noexcept nogil:
    """libxml2's generic error handler: says nothing. What it is told (an encoding that fails
    to convert, an I/O error) also stops the reader, which then raises an XmlError."""


cdef inline void _quiet_libxml2() noexcept nogil:
    """Keeps libxml2 from printing on stderr in this thread (its generic handler is per
    thread, so every cursor and emitter sets it when it opens)."""
    xmlSetGenericErrorFunc(NULL, <xmlGenericErrorFunc>_quiet)


cdef int _on_read(void* context, char* buffer, int size) noexcept with gil:
    """libxml2's read callback in stream mode: hands over bytes from ``source.read(chunk)``.
    Returns the count, 0 at the end, -1 after storing the exception ``read`` raised."""
    cdef Cursor cursor = <Cursor>context
    cdef Py_ssize_t available
    cdef object data
    if cursor._pending is not None:
        return -1
    try:
        while True:
            if cursor._rest is not None:
                available = PyBytes_GET_SIZE(cursor._rest) - cursor._rest_pos
                if available > 0:
                    if available > size:
                        available = size
                    memcpy(buffer, PyBytes_AS_STRING(cursor._rest) + cursor._rest_pos, available)
                    cursor._rest_pos += available
                    return <int>available
                cursor._rest = None
            if cursor._source is None:
                return 0
            data = cursor._source.read(cursor._chunk)
            if data is None:
                data = b""
            elif type(data) is not bytes:
                if not isinstance(data, (bytes, bytearray, memoryview)):
                    raise TypeError(
                        "The 'read' method of the input returned '%s', expected 'bytes'"
                        % type(data).__name__
                    )
                data = bytes(data)
            if PyBytes_GET_SIZE(data) == 0:
                cursor._source = None
                return 0
            cursor._rest = data
            cursor._rest_pos = 0
            if not cursor._content and not _blank(data):
                cursor._content = True
    except BaseException as exc:
        cursor._pending = exc
        return -1


cdef int reader_read(xmlTextReaderPtr reader) noexcept:
    return xmlTextReaderRead(reader)


cdef int reader_next(xmlTextReaderPtr reader) noexcept:
    return xmlTextReaderNext(reader)


cdef xmlNodePtr reader_current_node(xmlTextReaderPtr reader) noexcept:
    return xmlTextReaderCurrentNode(reader)


cdef int reader_node_type(xmlTextReaderPtr reader) noexcept:
    return xmlTextReaderNodeType(reader)


cdef int reader_depth(xmlTextReaderPtr reader) noexcept:
    return xmlTextReaderDepth(reader)


cdef const xmlChar* reader_name(xmlTextReaderPtr reader) noexcept:
    return xmlTextReaderConstName(reader)


cdef int reader_has_attributes(xmlTextReaderPtr reader) noexcept:
    return xmlTextReaderHasAttributes(reader)


cdef int reader_is_empty(xmlTextReaderPtr reader) noexcept:
    return xmlTextReaderIsEmptyElement(reader)


cdef int _check_cdata(Cursor cursor, const char* s, Py_ssize_t n) except -1:
    """Refuses a CDATA section whose bytes are not UTF-8, as a malformed document. libxml2
    (2.9.14 at least) hands such a section over as it came, after a check that lets overlong
    forms through (``C0 8D`` for a carriage return, ``E0 80 A0`` for a space), which no UTF-8
    decoder accepts; elsewhere libxml2 reports them itself."""
    try:
        PyUnicode_DecodeUTF8(s, n, NULL)
    except UnicodeDecodeError as error:
        line = xmlTextReaderGetParserLineNumber(cursor._reader) or None
        exc = XmlError(
            "Can't read a CDATA section: it is not proper UTF-8, %s at byte %d of the section "
            "(line %s)" % (error.reason, error.start, line),
            line,
        )
    else:
        return 0
    cursor._abandon(exc)
    raise exc


cdef class Cursor:
    """A forward-only cursor over an XML document (libxml2's xmlTextReader).

    ``Cursor.from_bytes(data)`` reads from memory; ``Cursor.from_stream(source)`` pulls bytes
    from ``source.read(n)`` as it goes (``b''`` means the end), so a document of any length is
    read in constant memory. Both leave the cursor on the first node. ``XmlReader`` in
    ``ovirtsdk4.xml`` is this class with the official constructor.
    """

    def __cinit__(self, *args, **kwargs):
        self._reader = NULL
        self._buf = NULL
        self._cap = 0
        self._type = 0
        self._chunk = DEFAULT_CHUNK

    def __dealloc__(self):
        if self._reader != NULL:
            xmlFreeTextReader(self._reader)
            self._reader = NULL
        if self._buf != NULL:
            free(self._buf)
            self._buf = NULL
        self._drop_table()

    @classmethod
    def from_bytes(cls, data):
        """A cursor on the first node of ``data`` (bytes, or str encoded as UTF-8)."""
        cdef Cursor self = cls.__new__(cls)
        self.open_bytes(data)
        return self

    @classmethod
    def from_stream(cls, source, Py_ssize_t chunk_size=DEFAULT_CHUNK):
        """A cursor on the first node of the bytes returned by ``source.read(chunk_size)``
        (a ``b''`` result means the end; results longer than asked for are fine)."""
        cdef Cursor self = cls.__new__(cls)
        self.open_stream(source, chunk_size)
        return self

    def open_bytes(self, data):
        """Opens a cursor made with ``__new__`` on ``data`` and moves to the first node."""
        if self._reader != NULL or self._failed is not None:
            raise XmlError("The XML reader is already open")
        self._open_memory(data)
        self._first()

    def open_stream(self, source, Py_ssize_t chunk_size=DEFAULT_CHUNK):
        """Opens a cursor made with ``__new__`` on ``source`` and moves to the first node."""
        if self._reader != NULL or self._failed is not None:
            raise XmlError("The XML reader is already open")
        self._open_stream(source, chunk_size)
        self._first()

    cdef int _open_memory(self, object data) except -1:
        if isinstance(data, str):
            data = (<str>data).encode("utf-8")
        elif type(data) is not bytes:
            data = bytes(data)
        if PyBytes_GET_SIZE(data) > INT_MAX:
            # xmlReaderForMemory takes an int size.
            import io
            return self._open_stream(io.BytesIO(data), DEFAULT_CHUNK)
        self._data = data
        _quiet_libxml2()
        self._reader = xmlReaderForMemory(
            PyBytes_AS_STRING(data), <int>PyBytes_GET_SIZE(data), NULL, NULL, _OPTIONS
        )
        if self._reader == NULL:
            raise MemoryError()
        xmlTextReaderSetStructuredErrorHandler(
            self._reader, <xmlStructuredErrorFunc><void*>_on_error, <void*>self
        )
        return 0

    cdef int _open_stream(self, object source, Py_ssize_t chunk) except -1:
        if chunk <= 0:
            raise ValueError("chunk_size must be positive")
        self._source = source
        self._chunk = chunk
        self._streamed = True
        _quiet_libxml2()
        self._reader = xmlReaderForIO(_on_read, NULL, <void*>self, NULL, NULL, _OPTIONS)
        if self._reader == NULL:
            # xmlReaderForIO reads the first bytes to detect the encoding.
            if self._pending is not None:
                exc, self._pending = self._pending, None
                raise exc
            raise XmlError("Can't read first node: the input could not be opened")
        xmlTextReaderSetStructuredErrorHandler(
            self._reader, <xmlStructuredErrorFunc><void*>_on_error, <void*>self
        )
        return 0

    cdef int _first(self) except -1:
        if self._data is not None and _blank(self._data):
            raise XmlError("Can't read first node: the document is empty", 1, 1)
        try:
            self.move()
        except XmlError as exc:
            if self._streamed and not self._content:
                raise XmlError("Can't read first node: the document is empty", 1, 1) from exc
            raise XmlError(
                "Can't read first node: %s" % exc.args[0].partition(": ")[2], exc.line, exc.column
            ) from exc
        if self._type == 0:
            raise XmlError("Can't read first node: the document is empty")
        return 0

    cdef int _fail(self, int r) except -1:
        """The cold path of every move: r is xmlTextReaderRead's result (or 1 on a DOCTYPE).
        Returns 0 at a clean end; otherwise raises, and keeps raising: libxml2's reader would
        carry on after an error, so the cursor drops it and remembers the failure."""
        cdef object error
        self._type = 0
        if self._failed is not None:
            raise self._failed
        if self._reader == NULL:
            raise XmlError("Can't move to next node: the reader is closed")
        if self._pending is not None:
            exc, self._pending = self._pending, None
            self._abandon(exc)
            raise exc
        if r == 1:
            line = xmlTextReaderGetParserLineNumber(self._reader) or None
            exc = XmlError(
                "Can't move to next node: DOCTYPE declarations are not allowed (line %s)" % line,
                line,
            )
            self._abandon(exc)
            raise exc
        error = self._error
        if r == 0 and error is None:
            return 0
        if error is None:
            line = xmlTextReaderGetParserLineNumber(self._reader) or None
            column = xmlTextReaderGetParserColumnNumber(self._reader) or None
            error = ("the document is not well-formed", line, column)
        message, line, column = error
        if line is not None:
            where = " (line %d" % line + (", column %d)" % column if column is not None else ")")
        else:
            where = ""
        exc = XmlError("Can't move to next node: %s%s" % (message, where), line, column)
        self._abandon(exc)
        raise exc

    cdef void _abandon(self, object failure):
        """Frees the reader after a failure; every later move raises ``failure`` again."""
        self._failed = failure
        self._type = 0
        if self._reader != NULL:
            xmlFreeTextReader(self._reader)
            self._reader = NULL
        self._source = None
        self._rest = None
        self._data = None

    cdef int _need_start(self) except -1:
        if self._type != XML_READER_TYPE_ELEMENT:
            raise XmlError("Current node isn't the start of an element")
        return 0

    cdef int _grow(self, Py_ssize_t need) except -1:
        cdef Py_ssize_t cap = self._cap * 2 if self._cap else 256
        while cap < need:
            cap *= 2
        cdef char* buf = <char*>realloc(self._buf, cap)
        if buf == NULL:
            raise MemoryError()
        self._buf = buf
        self._cap = cap
        return 0

    cdef Py_ssize_t collect(self) except -2:
        cdef int depth
        cdef int t
        cdef Py_ssize_t used = 0
        cdef Py_ssize_t size
        cdef const xmlChar* value
        self._need_start()
        if reader_is_empty(self._reader) == 1:
            self.move()
            return -1
        depth = reader_depth(self._reader)
        while True:
            if not self.move():
                raise XmlError("Can't move to next node: the document ended inside an element")
            t = self._type
            if t == XML_READER_TYPE_TEXT or t == XML_READER_TYPE_CDATA:
                value = xmlTextReaderConstValue(self._reader)
                if value != NULL:
                    size = <Py_ssize_t>strlen(<const char*>value)
                    if t == XML_READER_TYPE_CDATA:
                        _check_cdata(self, <const char*>value, size)
                    if used + size + 1 > self._cap:
                        self._grow(used + size + 1)
                    memcpy(self._buf + used, value, size)
                    used += size
            elif t == XML_READER_TYPE_END_ELEMENT and reader_depth(self._reader) == depth:
                break
        if used + 1 > self._cap:
            self._grow(used + 1)
        self._buf[used] = 0
        self.move()
        return used

    cdef object text(self):
        cdef Py_ssize_t n = self.collect()
        if n < 0:
            return None
        return PyUnicode_DecodeUTF8(self._buf, n, NULL)

    cdef object shared(self, const char* s, Py_ssize_t n):
        # A list repeats the same references (cluster, template, host ids and hrefs) and the
        # same short values in every item: keeping one str per distinct value makes a parsed
        # VM ~2 KB smaller, and finding it by its bytes saves decoding them again. Only ASCII
        # values are kept (their bytes are their characters). The table starts small (most
        # documents are one object), doubles while it is half full, and is emptied when it
        # holds _SHARED_MAX values, so that streaming a huge list holds bounded memory;
        # values seen again after that are shared again from then on.
        cdef size_t h = _hash_bytes(s, n)
        cdef size_t i
        cdef _Shared* entry
        cdef object text
        if self._table == NULL:
            self._resize(_SHARED_FIRST)
        i = h & self._table_mask
        while self._table[i].text != NULL:
            entry = &self._table[i]
            if (entry.hash == h and PyUnicode_GET_LENGTH(<object>entry.text) == n
                    and memcmp(PyUnicode_DATA(<object>entry.text), s, n) == 0):
                return <object>entry.text
            i = (i + 1) & self._table_mask
        text = PyUnicode_DecodeUTF8(s, n, NULL)
        if not PyUnicode_IS_ASCII(text):
            return text
        if 2 * (<size_t>self._table_used + 1) > self._table_mask + 1:
            if self._table_used >= _SHARED_MAX:
                self._forget()
            else:
                self._resize(2 * (self._table_mask + 1))
            i = h & self._table_mask
            while self._table[i].text != NULL:
                i = (i + 1) & self._table_mask
        Py_INCREF(text)
        self._table[i].text = <PyObject*>text
        self._table[i].hash = h
        self._table_used += 1
        return text

    cdef int _resize(self, size_t size) except -1:
        """Moves the shared strings to a new table of ``size`` entries (a power of two)."""
        cdef _Shared* table = <_Shared*>calloc(size, sizeof(_Shared))
        cdef size_t i
        cdef size_t j
        if table == NULL:
            raise MemoryError()
        if self._table != NULL:
            for i in range(self._table_mask + 1):
                if self._table[i].text != NULL:
                    j = self._table[i].hash & (size - 1)
                    while table[j].text != NULL:
                        j = (j + 1) & (size - 1)
                    table[j] = self._table[i]
            free(self._table)
        self._table = table
        self._table_mask = size - 1
        return 0

    cdef void _drop_table(self):
        """Releases the table of shared strings (a later ``shared`` makes a new one)."""
        if self._table != NULL:
            self._forget()
            free(self._table)
            self._table = NULL

    cdef void _forget(self):
        """Empties the table of shared strings."""
        cdef size_t i
        for i in range(self._table_mask + 1):
            Py_XDECREF(self._table[i].text)
        memset(self._table, 0, (self._table_mask + 1) * sizeof(_Shared))
        self._table_used = 0

    cdef object shared_text(self):
        cdef Py_ssize_t n = self.collect()
        if n < 0:
            return None
        return self.shared(self._buf, n)

    cdef object shared_attr(self, const char* name):
        return self._attribute(name, True)

    cdef object attr(self, const char* name):
        return self._attribute(name, False)

    cdef object _attribute(self, const char* name, bint shared):
        """The attribute ``name`` (no prefix) of the current start tag: read straight from the
        element node the reader built when its value is one text node (always so without a
        DTD), else through the reader's attribute API."""
        cdef xmlNodePtr node
        cdef xmlAttrPtr prop
        if self._type == XML_READER_TYPE_ELEMENT:
            node = reader_current_node(self._reader)
            prop = node.properties if node != NULL and node.type == XML_ELEMENT_NODE else NULL
            while prop != NULL:
                if ((prop.ns == NULL or prop.ns.prefix == NULL)
                        and strcmp(<const char*>prop.name, name) == 0):
                    node = prop.children
                    if node != NULL and node.next == NULL and node.type == XML_TEXT_NODE:
                        return self._value(<const char*>node.content, shared)
                    break
                prop = prop.next
            if prop == NULL:
                return None
        # Visiting the attribute node and reading its borrowed value saves the copy (and the
        # free) that xmlTextReaderGetAttribute makes; the cursor then goes back to the element.
        if xmlTextReaderMoveToAttribute(self._reader, <const xmlChar*>name) != 1:
            return None
        try:
            return self._value(<const char*>xmlTextReaderConstValue(self._reader), shared)
        finally:
            xmlTextReaderMoveToElement(self._reader)

    cdef object _value(self, const char* value, bint shared):
        if value == NULL:
            return ""
        if shared:
            return self.shared(value, strlen(value))
        return PyUnicode_DecodeUTF8(value, strlen(value), NULL)

    cdef list texts(self):
        cdef list result = []
        if self.enter():
            while self.next_start():
                result.append(self.text())
            self.leave()
        return result

    cdef object enum_value(self, dict values):
        # A shared str keeps its hash, so looking the same value up again does not hash it.
        cdef object text = self.shared_text()
        if text is None:
            return None
        return values.get(text)

    cdef str name_str(self):
        cdef const xmlChar* n = reader_name(self._reader)
        if n == NULL or self._type == 0:
            return None
        return PyUnicode_DecodeUTF8(<const char*>n, strlen(<const char*>n), NULL)

    # -- the XmlReader face (API.md X-1) ------------------------------------------------------

    def read(self):
        """Moves to the next node; True if there is one, False at the end."""
        return self.move() == 1

    def forward(self):
        """Moves to the next start tag (True) or stops on an end tag / at the end (False)."""
        return self.next_start() == 1

    def node_name(self):
        """The current node's name: None at the end, '#text', '#comment', ..."""
        return self.name_str()

    def empty_element(self):
        """True if the current element is written as ``<x/>``."""
        return self._type == XML_READER_TYPE_ELEMENT and self.is_empty()

    def get_attribute(self, name):
        """The attribute's value, '' when empty, None when absent."""
        cdef Py_ssize_t n
        if not isinstance(name, str):
            raise TypeError("The 'name' parameter must be a string")
        return self.attr(_utf8(name, &n))

    def read_element(self):
        """The text of the current element (None for ``<x/>``), then moves past its end."""
        return self.text()

    def read_elements(self):
        """``read_element()`` of each child of the current element, then moves past its end."""
        return self.texts()

    def next_element(self):
        """Skips the current node and its subtree; True/False like read()."""
        return self.skip() == 1

    def close(self):
        """Releases the reader; further moves raise XmlError."""
        if self._reader != NULL:
            xmlFreeTextReader(self._reader)
            self._reader = NULL
        self._type = 0
        self._data = None
        self._source = None
        self._rest = None
        self._drop_table()


# ---------------------------------------------------------------------------------------------
# Emitter
# ---------------------------------------------------------------------------------------------

cdef class Emitter:
    """Writes XML through libxml2's xmlTextWriter into a growable buffer.

    ``Emitter.create(io=None, indent=False)``; ``XmlWriter`` in ``ovirtsdk4.xml`` is this class
    with the official constructor. With ``io``, ``flush()`` hands the pending output to
    ``io.write(bytes)``; without, the output stays in the buffer (``getvalue()``/``string()``).

    The bytes are those xmlTextWriterStartElement, WriteAttribute, WriteElement and EndElement
    (libxml2 2.9) write with the indent string "  " or without indentation, but the emitter
    keeps the element stack itself and hands each piece to the writer with one
    xmlTextWriterWriteRawLen: libxml2 spends ~2,000 instructions per element on its own stack
    (a malloc'd entry, a copy of the name, a list link) and on one output call per indentation
    level and per tag fragment. libxml2's element stack therefore stays empty, so the raw
    writes never interact with its state (WriteRawLen only closes start tags libxml2 opened).
    What libxml2 writes, with ``d`` the number of elements open around the one written:

    * start: ``>`` (``>`` and a newline when indented) to close a parent start tag still open,
      then ``d`` times the indent string and ``<name``;
    * attribute: `` name="value"``, allowed only while the start tag is open;
    * end: ``/>`` if the start tag is still open, else ``d`` times the indent string and
      ``</name>`` (libxml2's ``doindent`` flag is always set at that point: text only ever
      comes from WriteElement, whose own end tag sets it again); then a newline when indented;
    * element: start, the escaped text (closing the start tag with ``>`` and no newline) and
      the end tag without indentation (writing the text cleared ``doindent``).

    An empty name fails before anything is written, as in libxml2. The composed start tag
    stays in ``_out`` until the element gets a child, text or its end (or a flush), so that a
    start tag and its attributes cost one write, not one per attribute.
    """

    def __cinit__(self, *args, **kwargs):
        self._writer = NULL
        self._buffer = NULL

    def __dealloc__(self):
        self._release()

    cdef int _release(self) except -1:
        """Frees everything; the emitter is closed afterwards."""
        if self._writer != NULL:
            xmlFreeTextWriter(self._writer)
            self._writer = NULL
        if self._buffer != NULL:
            xmlBufferFree(self._buffer)
            self._buffer = NULL
        if self._escaped != NULL:
            xmlBufferFree(self._escaped)
            self._escaped = NULL
        free(self._out)
        free(self._names)
        free(self._marks)
        self._out = NULL
        self._names = NULL
        self._marks = NULL
        self._out_len = self._out_cap = self._names_len = self._names_cap = 0
        self._marks_cap = self._depth = 0
        self._tag_open = False
        return 0

    @classmethod
    def create(cls, io=None, bint indent=False):
        cdef Emitter self = cls.__new__(cls)
        self._open(io, indent)
        return self

    def open(self, io=None, bint indent=False):
        """Opens an emitter made with ``__new__`` (``XmlWriter.__init__`` calls this)."""
        self._open(io, indent)

    cdef int _open(self, object io, bint indent) except -1:
        if self._writer != NULL:
            raise XmlError("The XML writer is already open")
        self._io = io
        self._indent = indent
        _quiet_libxml2()
        self._buffer = xmlBufferCreate()
        if self._buffer == NULL:
            raise MemoryError()
        # The default scheme grows the buffer to the exact size at every flush of the writer.
        xmlBufferSetAllocationScheme(self._buffer, XML_BUFFER_ALLOC_DOUBLEIT)
        self._writer = xmlNewTextWriterMemory(self._buffer, 0)
        if self._writer == NULL:
            raise MemoryError()
        self._escaped = xmlBufferCreate()
        if self._escaped == NULL:
            raise MemoryError()
        return 0

    cdef int _ready(self) except -1:
        if self._writer == NULL:
            raise XmlError("The XML writer is closed")
        return 0

    cdef char* _reserve(self, Py_ssize_t size) except NULL:
        """Room for ``size`` more bytes at the end of ``_out``; returns where they go."""
        cdef Py_ssize_t need = self._out_len + size
        cdef Py_ssize_t cap
        cdef char* out
        if need > self._out_cap:
            cap = self._out_cap * 2 if self._out_cap else 1024
            while cap < need:
                cap *= 2
            out = <char*>realloc(self._out, cap)
            if out == NULL:
                raise MemoryError()
            self._out = out
            self._out_cap = cap
        return self._out + self._out_len

    cdef int _push(self, const char* name, Py_ssize_t size) except -1:
        """Records ``name`` as the innermost open element."""
        cdef Py_ssize_t cap
        cdef char* names
        cdef Py_ssize_t* marks
        if self._depth == self._marks_cap:
            cap = self._marks_cap * 2 if self._marks_cap else 32
            marks = <Py_ssize_t*>realloc(self._marks, cap * sizeof(Py_ssize_t))
            if marks == NULL:
                raise MemoryError()
            self._marks = marks
            self._marks_cap = cap
        if self._names_len + size > self._names_cap:
            cap = self._names_cap * 2 if self._names_cap else 512
            while cap < self._names_len + size:
                cap *= 2
            names = <char*>realloc(self._names, cap)
            if names == NULL:
                raise MemoryError()
            self._names = names
            self._names_cap = cap
        memcpy(self._names + self._names_len, name, size)
        self._marks[self._depth] = self._names_len
        self._names_len += size
        self._depth += 1
        return 0

    cdef int _emit(self) except -1:
        """Hands ``_out`` to the writer (in pieces of at most INT_MAX bytes) and empties it."""
        cdef Py_ssize_t done = 0
        cdef Py_ssize_t size = self._out_len
        cdef int piece
        self._out_len = 0
        while done < size:
            piece = <int>(size - done if size - done <= INT_MAX else INT_MAX)
            if xmlTextWriterWriteRawLen(
                self._writer, <const xmlChar*>(self._out + done), piece
            ) < 0:
                raise XmlError("Can't write XML output")
            done += piece
        return 0

    cdef int _spill(self) except -1:
        """Hands ``_out`` to the writer once it holds ``_SPILL_AT`` bytes: one call per 64 KB
        instead of one per tag (what the writer is handed, and in which order, is the same)."""
        if self._out_len >= _SPILL_AT:
            return self._emit()
        return 0

    cdef int start_c(self, const char* name) except -1:
        cdef Py_ssize_t size = strlen(name)
        cdef Py_ssize_t spaces
        cdef char* p
        self._ready()
        if size == 0:
            raise XmlError("Can't start XML element with name ''")
        spaces = 2 * self._depth if self._indent else 0
        p = self._reserve(2 + spaces + 1 + size)
        if self._tag_open:
            p[0] = c'>'
            p += 1
            if self._indent:
                p[0] = c'\n'
                p += 1
        memset(p, c' ', spaces)
        p += spaces
        p[0] = c'<'
        memcpy(p + 1, name, size)
        p += 1 + size
        self._push(name, size)
        self._out_len = p - self._out
        self._tag_open = True
        return 0

    cdef int start(self, str name) except -1:
        cdef Py_ssize_t n
        if name is None:
            raise TypeError("The 'name' parameter must be a string")
        return self.start_c(_utf8_out(name, &n))

    cdef int attribute_c(self, const char* name, str value) except -1:
        cdef Py_ssize_t n
        cdef Py_ssize_t size = strlen(name)
        cdef const char* text
        cdef char* p
        if value is None:
            raise TypeError("The 'value' parameter must be a string")
        self._ready()
        text = _utf8_out(value, &n)
        if size == 0 or not self._tag_open:
            raise XmlError(
                "Can't write attribute with name '%s' and value '%s'"
                % (_decode(name, size), value)
            )
        _check_xml_chars(name, size, value, text, n, True)
        if not _plain_attribute(value, text, n):
            return self._escaped_attribute(name, size, text)
        p = self._reserve(size + n + 4)
        p[0] = c' '
        memcpy(p + 1, name, size)
        p += 1 + size
        p[0] = c'='
        p[1] = c'"'
        memcpy(p + 2, text, n)
        p += 2 + n
        p[0] = c'"'
        self._out_len = p + 1 - self._out
        return 0

    cdef int _escaped_attribute(self, const char* name, Py_ssize_t size,
                                const char* value) except -1:
        """``attribute_c`` for a value with characters to escape: libxml2 escapes it, with the
        function xmlTextWriterWriteAttribute uses. Without a document (the writer's own has no
        encoding, and only a character XML does not allow would give it one, ISO-8859-1, which
        ``_check_xml_chars`` rules out) it writes non-ASCII characters as references."""
        cdef Py_ssize_t n
        cdef char* p
        xmlAttrSerializeTxtContent(self._escaped, NULL, NULL, <const xmlChar*>value)
        n = xmlBufferLength(self._escaped)
        p = self._reserve(size + n + 4)
        p[0] = c' '
        memcpy(p + 1, name, size)
        p += 1 + size
        p[0] = c'='
        p[1] = c'"'
        memcpy(p + 2, xmlBufferContent(self._escaped), n)
        p += 2 + n
        p[0] = c'"'
        self._out_len = p + 1 - self._out
        xmlBufferEmpty(self._escaped)
        return 0

    cdef int attribute(self, str name, str value) except -1:
        cdef Py_ssize_t n
        if name is None:
            raise TypeError("The 'name' parameter must be a string")
        return self.attribute_c(_utf8_out(name, &n), value)

    cdef int element_c(self, const char* name, str value) except -1:
        cdef Py_ssize_t n
        cdef Py_ssize_t size = strlen(name)
        cdef const char* text
        cdef xmlChar* escaped
        if value is None:
            raise TypeError("The 'value' parameter must be a string")
        self._ready()
        if size == 0:
            raise XmlError("Can't write element with name '' and value '%s'" % value)
        text = _utf8_out(value, &n)
        _check_xml_chars(name, size, value, text, n, False)
        if _plain(text, n):
            return self._text_element(name, size, text, n)
        # Escaped by the function xmlTextWriterWriteString uses.
        escaped = xmlEncodeSpecialChars(NULL, <const xmlChar*>text)
        if escaped == NULL:
            raise MemoryError()
        try:
            return self._text_element(
                name, size, <const char*>escaped, strlen(<const char*>escaped)
            )
        finally:
            xmlFree(escaped)

    cdef int _text_element(self, const char* name, Py_ssize_t size, const char* text,
                           Py_ssize_t length) except -1:
        """Writes ``<name>text</name>`` (``text`` already escaped) as a child of the innermost
        open element, indentation included, with one write."""
        cdef Py_ssize_t spaces = 2 * self._depth if self._indent else 0
        cdef char* p = self._reserve(2 + spaces + 2 * size + length + 6)
        if self._tag_open:
            p[0] = c'>'
            p += 1
            if self._indent:
                p[0] = c'\n'
                p += 1
            self._tag_open = False
        memset(p, c' ', spaces)
        p += spaces
        p[0] = c'<'
        memcpy(p + 1, name, size)
        p += 1 + size
        p[0] = c'>'
        memcpy(p + 1, text, length)
        p += 1 + length
        p[0] = c'<'
        p[1] = c'/'
        memcpy(p + 2, name, size)
        p += 2 + size
        p[0] = c'>'
        p += 1
        if self._indent:
            p[0] = c'\n'
            p += 1
        self._out_len = p - self._out
        return self._spill()

    cdef int element(self, str name, str value) except -1:
        cdef Py_ssize_t n
        if name is None:
            raise TypeError("The 'name' parameter must be a string")
        return self.element_c(_utf8_out(name, &n), value)

    cdef int end(self) except -1:
        cdef Py_ssize_t mark
        cdef Py_ssize_t size
        cdef Py_ssize_t spaces
        cdef char* p
        self._ready()
        if self._depth == 0:
            raise XmlError("Can't end XML element")
        mark = self._marks[self._depth - 1]
        size = self._names_len - mark
        spaces = 2 * (self._depth - 1) if self._indent else 0
        p = self._reserve(spaces + size + 4)
        if self._tag_open:
            p[0] = c'/'
            p[1] = c'>'
            p += 2
            self._tag_open = False
        else:
            memset(p, c' ', spaces)
            p += spaces
            p[0] = c'<'
            p[1] = c'/'
            memcpy(p + 2, self._names + mark, size)
            p += 2 + size
            p[0] = c'>'
            p += 1
        if self._indent:
            p[0] = c'\n'
            p += 1
        self._out_len = p - self._out
        self._names_len = mark
        self._depth -= 1
        return self._spill()

    cdef int flush_c(self) except -1:
        cdef int length
        self._ready()
        self._emit()
        if xmlTextWriterFlush(self._writer) < 0:
            raise XmlError("Can't flush XML writer")
        if self._io is not None:
            length = xmlBufferLength(self._buffer)
            if length > 0:
                data = PyBytes_FromStringAndSize(
                    <const char*>xmlBufferContent(self._buffer), length
                )
                xmlBufferEmpty(self._buffer)
                self._io.write(data)
        return 0

    cdef bytes getvalue(self):
        self.flush_c()
        return PyBytes_FromStringAndSize(
            <const char*>xmlBufferContent(self._buffer), xmlBufferLength(self._buffer)
        )

    # -- the XmlWriter face (API.md X-2) -------------------------------------------------------

    def write_start(self, name):
        """Opens an element."""
        if not isinstance(name, str):
            raise TypeError("The 'name' parameter must be a string")
        self.start(_exact_str(name))

    def write_end(self):
        """Closes the innermost open element."""
        self.end()

    def write_attribute(self, name, value):
        """Adds an attribute to the open start tag."""
        if not isinstance(name, str):
            raise TypeError("The 'name' parameter must be a string")
        if not isinstance(value, str):
            raise TypeError("The 'value' parameter must be a string")
        self.attribute(_exact_str(name), _exact_str(value))

    def write_element(self, name, value):
        """Writes a start tag, the escaped text and the end tag."""
        if not isinstance(name, str):
            raise TypeError("The 'name' parameter must be a string")
        if not isinstance(value, str):
            raise TypeError("The 'value' parameter must be a string")
        self.element(_exact_str(name), _exact_str(value))

    def flush(self):
        """Passes the pending output to ``io``."""
        self.flush_c()

    def string(self):
        """Flushes, then returns the whole output (of ``io``, when given) as str."""
        if self._io is None:
            self.flush_c()
            return PyUnicode_DecodeUTF8(
                <const char*>xmlBufferContent(self._buffer), xmlBufferLength(self._buffer), NULL
            )
        self.flush_c()
        return self._io.getvalue().decode("utf-8")

    def close(self):
        """Releases the writer; pending output is flushed to ``io`` first."""
        if self._writer != NULL:
            try:
                if self._io is not None:
                    self.flush_c()
            finally:
                self._release()
