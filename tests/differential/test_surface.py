"""Differential API-surface test against the official ovirtsdk4 4.6.3 (API.md M-4).

surface.py is run once under the reference interpreter (``$OVIRTSDK_REF_PYTHON``)
and once under ``sys.executable`` (our package), and every public name of the
reference is compared with ours: kind, base classes, constructor and method
signatures (parameter names, order and defaults; annotations are ignored),
properties, special methods and enum members/values.  Missing or mismatched
names fail; extra names on our side are allowed (docs/differences.md M2).

Run::

    python -m venv ref && ref/bin/pip install ovirt-engine-sdk-python==4.6.3
    OVIRTSDK_REF_PYTHON=$PWD/ref/bin/python python -m pytest tests/differential -v
"""

import pytest

# (module, names): ``names`` is None for "every public name of the reference
# module", or a tuple restricting the check to those names.  To extend the
# check, add or widen a line here, e.g. replace the first line with
# ("ovirtsdk4", None), or move a line up from PENDING_CHECKS.
CHECKS = (
    ("ovirtsdk4", None),
    ("ovirtsdk4.types", None),
    ("ovirtsdk4.services", None),
    ("ovirtsdk4.readers", None),
    ("ovirtsdk4.writers", None),
    ("ovirtsdk4.xml", None),
    ("ovirtsdk4.reader", None),
    ("ovirtsdk4.writer", None),
    ("ovirtsdk4.http", None),
    ("ovirtsdk4.service", None),
    ("ovirtsdk4.version", None),
)

# Reference names that we do not have on purpose (docs/differences.md M1).
OPTIONAL = {
    "ovirtsdk4.reader": {"TZ_OFFSET_RE", "TZ_USEC_RE"},
}

# Every surface run imports all modules named in CHECKS, in this order, so
# both interpreters see the same set of imported submodules.
MODULES = tuple(dict.fromkeys(module for module, _ in CHECKS))

MAX_SHOWN = 50

# Reference signatures that say nothing (C-level callables of the compiled
# ovirtsdk4.xml): any signature of ours is acceptable there.
_UNINFORMATIVE_SIGNATURES = ("(self, /, *args, **kwargs)", "(*args, **kwargs)")


def _known(sig):
    return (
        sig is not None
        and not sig.startswith("<unavailable")
        and sig not in _UNINFORMATIVE_SIGNATURES
    )


def _split_params(sig):
    inner = sig.strip()
    if inner.startswith("(") and ")" in inner:
        inner = inner[1 : inner.rindex(")")]
    return [p for p in (x.strip() for x in inner.split(", ")) if p]


def _sig_problem(path, what, ref_sig, our_sig):
    """None when the signatures agree, else a one-line description."""
    if not _known(ref_sig) or ref_sig == our_sig:
        return None
    if our_sig is None:
        return "%s: %s missing (ref %s)" % (path, what, _short(ref_sig))
    if our_sig.startswith("<unavailable"):
        return "%s: %s not introspectable on ours: %s" % (path, what, our_sig)
    ref_p, our_p = _split_params(ref_sig), _split_params(our_sig)
    if our_p[: len(ref_p)] == ref_p and _extra_keywords_only(our_p[len(ref_p) :]):
        return None
    for i in range(max(len(ref_p), len(our_p))):
        r = ref_p[i] if i < len(ref_p) else "<none>"
        o = our_p[i] if i < len(our_p) else "<none>"
        if r != o:
            return (
                "%s: %s differs at parameter #%d: ref %r, ours %r (ref has %d params, ours %d)"
                % (
                    path,
                    what,
                    i,
                    r,
                    o,
                    len(ref_p),
                    len(our_p),
                )
            )
    return "%s: %s differs: ref %s, ours %s" % (path, what, ref_sig, our_sig)


def _extra_keywords_only(extra):
    """Whether parameters added after the reference's are keyword-only with defaults, which
    code written for the reference cannot notice (API.md C-15: extra keyword arguments)."""
    return bool(extra) and extra[0] == "*" and all("=" in p for p in extra[1:])


def _short(text, limit=120):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_subsequence(needle, haystack):
    it = iter(haystack)
    return all(any(x == y for y in it) for x in needle)


def _compare_members(path, ref_members, our_members, problems):
    for name in sorted(ref_members):
        ref_m = ref_members[name]
        mpath = "%s.%s" % (path, name)
        our_m = our_members.get(name)
        if our_m is None:
            problems.append(("missing", "%s: missing %s" % (mpath, ref_m["kind"])))
            continue
        if ref_m["kind"] != our_m["kind"]:
            problems.append(
                ("mismatch", "%s: kind: ref %s, ours %s" % (mpath, ref_m["kind"], our_m["kind"]))
            )
            continue
        if "signature" in ref_m:
            msg = _sig_problem(mpath, "signature", ref_m["signature"], our_m.get("signature"))
            if msg:
                problems.append(("mismatch", msg))
        if ref_m["kind"] == "property":
            rs, os_ = ref_m.get("settable"), our_m.get("settable")
            if rs is not None and os_ is not None and rs != os_:
                problems.append(("mismatch", "%s: settable: ref %s, ours %s" % (mpath, rs, os_)))
        if ref_m["kind"] == "attribute":
            for key in ("type", "value"):
                if key in ref_m and ref_m[key] != our_m.get(key):
                    problems.append(
                        (
                            "mismatch",
                            "%s: %s: ref %r, ours %r" % (mpath, key, ref_m[key], our_m.get(key)),
                        )
                    )


def _compare_enum_values(path, ref_values, our_values, problems):
    ours = dict((n, v) for n, v in our_values)
    for name, value in ref_values:
        if name not in ours:
            problems.append(
                ("missing", "%s.%s: missing enum member (value %r)" % (path, name, value))
            )
        elif ours[name] != value:
            problems.append(
                ("mismatch", "%s.%s: enum value: ref %r, ours %r" % (path, name, value, ours[name]))
            )
    ref_order = [n for n, _ in ref_values]
    our_order = [n for n, _ in our_values if n in set(ref_order)]
    if set(ref_order) <= set(our_order) and ref_order != our_order:
        problems.append(
            ("mismatch", "%s: enum member order: ref %s, ours %s" % (path, ref_order, our_order))
        )


def compare_entry(path, ref, ours, problems):
    """Append (category, message) tuples to ``problems`` for every difference."""
    if ref["kind"] != ours["kind"]:
        detail = ""
        if ours["kind"] == "external":
            detail = " (%s)" % ours.get("origin")
        problems.append(
            ("mismatch", "%s: kind: ref %s, ours %s%s" % (path, ref["kind"], ours["kind"], detail))
        )
        return
    kind = ref["kind"]
    if kind == "module":
        if ref["name"] != ours["name"]:
            problems.append(
                ("mismatch", "%s: module: ref %s, ours %s" % (path, ref["name"], ours["name"]))
            )
    elif kind == "function":
        msg = _sig_problem(path, "signature", ref["signature"], ours.get("signature"))
        if msg:
            problems.append(("mismatch", msg))
    elif kind in ("class", "enum"):
        ref_mro, our_mro = ref["mro"], ours["mro"]
        if ref_mro[:1] != our_mro[:1] or not _is_subsequence(ref_mro, our_mro):
            problems.append(
                ("mismatch", "%s: bases (MRO): ref %s, ours %s" % (path, ref_mro, our_mro))
            )
        if kind == "class":
            for key, what in (("init_signature", "__init__ signature"), ("signature", "signature")):
                msg = _sig_problem(path, what, ref.get(key), ours.get(key))
                if msg:
                    problems.append(("mismatch", msg))
        _compare_members(path, ref.get("members", {}), ours.get("members", {}), problems)
        missing_dunders = sorted(set(ref.get("dunders", ())) - set(ours.get("dunders", ())))
        if missing_dunders:
            problems.append(
                (
                    "missing",
                    "%s: special methods not defined: %s" % (path, ", ".join(missing_dunders)),
                )
            )
        if kind == "enum":
            _compare_enum_values(path, ref["values"], ours.get("values", []), problems)
    elif kind == "other":
        for key in ("type", "value"):
            if key in ref and ref[key] != ours.get(key):
                problems.append(
                    ("mismatch", "%s: %s: ref %r, ours %r" % (path, key, ref[key], ours.get(key)))
                )


def compare_module(module, names, ref_mod, our_mod):
    problems = []
    if our_mod["error"]:
        return [("missing", "%s: import failed: %s" % (module, our_mod["error"]))]
    ref_names = ref_mod["names"]
    our_names = our_mod["names"]
    optional = OPTIONAL.get(module, set())
    if names is None:
        selected = [
            n for n in sorted(ref_names) if ref_names[n]["kind"] != "external" and n not in optional
        ]
    else:
        selected = list(names)
    for name in selected:
        path = "%s.%s" % (module, name)
        if name not in our_names:
            problems.append(("missing", "%s: missing %s" % (path, ref_names[name]["kind"])))
            continue
        compare_entry(path, ref_names[name], our_names[name], problems)
    return problems


def format_report(module, problems):
    missing = sum(1 for c, _ in problems if c == "missing")
    mismatched = len(problems) - missing
    lines = [
        "%s: %d problem(s): %d missing, %d mismatched (showing the first %d)"
        % (module, len(problems), missing, mismatched, min(MAX_SHOWN, len(problems)))
    ]
    for category, message in problems[:MAX_SHOWN]:
        lines.append("  [%s] %s" % (category, message))
    if len(problems) > MAX_SHOWN:
        lines.append("  ... %d more" % (len(problems) - MAX_SHOWN))
    return "\n".join(lines)


def _check_id(check):
    module, names = check
    return module if names is None else "%s[subset]" % module


@pytest.fixture(scope="module")
def ref_surface(surface_of):
    surface = surface_of("ref", MODULES)
    for module in MODULES:
        error = surface["modules"][module]["error"]
        if error:
            pytest.fail("the reference cannot import %s: %s" % (module, error))
    return surface


@pytest.fixture(scope="module")
def our_surface(surface_of):
    return surface_of("ours", MODULES)


@pytest.mark.parametrize("check", CHECKS, ids=_check_id)
def test_surface(check, ref_surface, our_surface):
    module, names = check
    ref_mod = ref_surface["modules"][module]
    if names is not None:
        unknown = [n for n in names if n not in ref_mod["names"]]
        assert not unknown, "names not in the reference %s: %s" % (module, unknown)
    problems = compare_module(module, names, ref_mod, our_surface["modules"][module])
    if problems:
        pytest.fail(format_report(module, problems), pytrace=False)


def test_reference_is_the_expected_oracle(ref_surface):
    """Sanity check of the oracle itself (M-1): 220 structs and 115 enums."""
    if "ovirtsdk4.types" not in ref_surface["modules"]:
        pytest.skip("ovirtsdk4.types is not in CHECKS")
    names = ref_surface["modules"]["ovirtsdk4.types"]["names"]
    structs = [
        n
        for n, e in names.items()
        if e["kind"] == "class" and "Struct" in e["mro"] and n != "Struct"
    ]
    enums = [n for n, e in names.items() if e["kind"] == "enum"]
    assert (len(structs), len(enums)) == (220, 115)
