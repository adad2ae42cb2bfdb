"""The common cases of the engine's search language.

Supported::

    name=myvm            name=web*         name!=db*        status=up
    cluster=Default      cluster.name=Default              memory>1073741824
    name=a* and status=up                  name=a or name=b (and binds tighter)
    name="with spaces"   sortby name [asc|desc]            page 2   (with ``max``)

A term compares a *key* with a value. The key is a member name of the searched type
(``status``, ``description``), a reference member (``cluster``, ``host``, ``template``:
compared with the referenced object's name, or its id), a dotted path (``cluster.name``,
``os.type``), or one of the aliases of :data:`ALIASES` (``datacenter``). ``*`` matches any
run of characters. Comparison is case sensitive unless ``case_sensitive=false`` is given.
Anything else (an unknown key, a dangling ``and``, an unknown word) raises
:class:`SearchError`, which the engine answers with a 400 fault.
"""

from __future__ import annotations

import datetime
import enum
import re

__all__ = ["ALIASES", "Query", "SearchError", "parse"]

ALIASES = {
    "datacenter": ("data_center", "cluster.data_center"),
    "storage": ("storage_domain", "storage_domains"),
    "storagedomain": ("storage_domain", "storage_domains"),
    "type": ("type", "os.type"),
    "os": ("os.type",),
}

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<term>(?P<key>[A-Za-z_][\w.]*)\s*(?P<op>!=|>=|<=|=|<|>)\s*
                 (?P<value>"[^"]*"|'[^']*'|[^\s"'()]+))
      | (?P<word>[A-Za-z]+)
      | (?P<number>\d+)
    )""",
    re.VERBOSE,
)


class SearchError(ValueError):
    """The search text is not understood."""


class Term:
    __slots__ = ("key", "op", "value")

    def __init__(self, key, op, value):
        self.key, self.op, self.value = key, op, value


class Query:
    """A parsed search: ``groups`` is a disjunction of conjunctions of terms."""

    def __init__(self, groups, sortby=None, descending=False, page=None):
        self.groups = groups
        self.sortby = sortby
        self.descending = descending
        self.page = page


def parse(text: str) -> Query:
    tokens = []
    pos = 0
    text = text.strip()
    # An engine-style "Vms:" prefix is accepted and ignored.
    prefix = re.match(r"\s*[A-Za-z]+\s*:\s*", text)
    if prefix and "=" not in prefix.group(0):
        pos = prefix.end()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            if text[pos:].strip() == "":
                break
            raise SearchError(f"unexpected text at position {pos}: {text[pos:]!r}")
        pos = match.end()
        if match.group("term"):
            value = match.group("value")
            if value[:1] in "\"'":
                value = value[1:-1]
            tokens.append(("term", Term(match.group("key").lower(), match.group("op"), value)))
        elif match.group("word"):
            tokens.append(("word", match.group("word").lower()))
        else:
            tokens.append(("number", match.group("number")))
    groups = [[]]
    sortby = None
    descending = False
    page = None
    expect_term = True
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "term":
            groups[-1].append(value)
            expect_term = False
        elif kind == "word" and value in ("and", "or"):
            if expect_term:
                raise SearchError(f"'{value}' must follow a condition")
            if value == "or":
                groups.append([])
            expect_term = True
        elif kind == "word" and value == "sortby":
            if i + 1 >= len(tokens) or tokens[i + 1][0] != "word":
                raise SearchError("'sortby' needs a field name")
            sortby = tokens[i + 1][1]
            i += 1
            if i + 1 < len(tokens) and tokens[i + 1] in (("word", "asc"), ("word", "desc")):
                descending = tokens[i + 1][1] == "desc"
                i += 1
        elif kind == "word" and value == "page":
            if i + 1 >= len(tokens) or tokens[i + 1][0] != "number":
                raise SearchError("'page' needs a number")
            page = int(tokens[i + 1][1])
            if page < 1:
                raise SearchError("page numbers start at 1")
            i += 1
        else:
            raise SearchError(f"unexpected {value!r}")
        i += 1
    if expect_term and tokens and tokens[-1] in (("word", "and"), ("word", "or")):
        raise SearchError("the search ends with 'and' or 'or'")
    groups = [group for group in groups if group]
    return Query(groups, sortby, descending, page)


def _pattern(value, case_sensitive):
    regex = ".*".join(re.escape(part) for part in value.split("*"))
    return re.compile(regex, 0 if case_sensitive else re.IGNORECASE | re.DOTALL)


def _text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def _compare(candidate, op, value, case_sensitive, pattern):
    if op in ("=", "!="):
        if candidate is None:
            found = False
        else:
            found = pattern.fullmatch(candidate) is not None
        return found if op == "=" else not found
    if candidate is None:
        return False
    try:
        left, right = float(candidate), float(value)
    except ValueError:
        left, right = candidate, value
        if not case_sensitive:
            left, right = left.lower(), right.lower()
    return {
        "<": left < right,
        ">": left > right,
        "<=": left <= right,
        ">=": left >= right,
    }[op]


def matches(query: Query, obj, resolve, case_sensitive=True) -> bool:
    """Whether ``obj`` satisfies ``query``. ``resolve(obj, key)`` returns the candidate values
    (a list of plain values) of ``key`` for ``obj``, or raises :class:`SearchError` for an
    unknown key."""
    if not query.groups:
        return True
    for group in query.groups:
        ok = True
        for term in group:
            pattern = _pattern(term.value, case_sensitive)
            candidates = [_text(v) for v in resolve(obj, term.key)] or [None]
            if term.op == "!=":
                hit = all(
                    _compare(c, "!=", term.value, case_sensitive, pattern) for c in candidates
                )
            else:
                hit = any(
                    _compare(c, term.op, term.value, case_sensitive, pattern) for c in candidates
                )
            if not hit:
                ok = False
                break
        if ok:
            return True
    return False


def sort_key(resolve, key):
    def keyfunc(obj):
        values = [_text(v) for v in resolve(obj, key)]
        value = values[0] if values else ""
        try:
            return (0, float(value), "")
        except (TypeError, ValueError):
            return (1, 0.0, value or "")

    return keyfunc
