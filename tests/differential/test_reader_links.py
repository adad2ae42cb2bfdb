"""Differential tests of the readers against the official ovirtsdk4 4.6.3 over ``<link>``
elements and ``href``/``id`` attributes (issue 12).

Both implementations read the same documents (``worker.py``, ``read``) and must return the same
objects, compared in a normal form (every attribute, ``List`` with its ``href``), or both fail,
ours with the official's exception class or a subclass of it (an ``XmlValueError`` is a
``ValueError``; docs/differences.md). The cases: links with an empty, missing, repeated or
unknown ``rel`` or ``href``, before, after or instead of the inline list, between other
elements, in lists and nested objects; empty, missing and odd ``id`` and ``href`` attributes
of every kind of ``id`` (text, integer, enum). Then hypothesis builds random documents of those
parts for types with links. Skipped when ``OVIRTSDK_REF_PYTHON`` does not name the official
package's interpreter.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovirtsdk4._xml.tables import SCHEMA

LINKED = sorted(
    (info for info in SCHEMA.by_name.values() if any(m.link_rel for m in info.members)),
    key=lambda info: info.tag,
)

DOCUMENTS = {
    "empty-href": '<vm><link href="" rel="tags"/></vm>',
    "empty-rel": '<vm><link href="/t" rel=""/></vm>',
    "empty-both": '<vm><link href="" rel=""/></vm>',
    "missing-href": '<vm><link rel="tags"/></vm>',
    "missing-rel": '<vm><link href="/t"/></vm>',
    "missing-both": "<vm><link/></vm>",
    "blank-href": '<vm><link href=" " rel="tags"/></vm>',
    "blank-rel": '<vm><link href="/t" rel=" "/></vm>',
    "unknown-rel": '<vm><link href="/x" rel="bogus"/></vm>',
    "rel-of-another-type": '<vm><link href="/x" rel="hooks"/></vm>',
    "rel-is-the-tag": '<vm><link href="/x" rel="disk_attachments"/></vm>',
    "rel-case": '<vm><link href="/x" rel="Tags"/></vm>',
    "rel-of-a-single-link": '<vm><link href="/x" rel="cluster"/></vm>',
    "repeated": '<vm><link href="/a" rel="tags"/><link href="/b" rel="tags"/></vm>',
    "repeated-then-empty": '<vm><link href="/a" rel="tags"/><link href="" rel="tags"/></vm>',
    "empty-then-repeated": '<vm><link href="" rel="tags"/><link href="/b" rel="tags"/></vm>',
    "before-inline": '<vm><link href="/l" rel="tags"/><tags><tag id="1"/></tags></vm>',
    "after-inline": '<vm><tags><tag id="1"/></tags><link href="/l" rel="tags"/></vm>',
    "after-inline-with-href": '<vm><tags href="/i"><tag id="1"/></tags>'
    '<link href="/l" rel="tags"/></vm>',
    "empty-after-inline-with-href": '<vm><tags href="/i"/><link href="" rel="tags"/></vm>',
    "after-empty-inline": '<vm><tags/><link href="/l" rel="tags"/></vm>',
    "inline-empty-href": '<vm><tags href=""/></vm>',
    "instead-of-inline": '<vm><link href="/l" rel="tags"/><name>n</name></vm>',
    "inline-twice-then-link": "<vm><tags><tag id='1'/></tags><tags><tag id='2'/></tags>"
    '<link href="/l" rel="tags"/></vm>',
    "link-with-children": '<vm><link href="/l" rel="tags"><tag id="1"/>text</link></vm>',
    "link-with-more-attributes": '<vm><link id="9" href="/l" rel="tags" x="y"/></vm>',
    "link-in-reference": '<vm><cluster id="c"><link href="/p" rel="permissions"/>'
    '<link href="" rel="affinitygroups"/></cluster></vm>',
    "links-in-list-items": '<vms><vm id="1"><link href="/1" rel="tags"/></vm>'
    '<vm id="2"><link href="" rel="tags"/></vm></vms>',
    "link-as-list-item": '<vms><link href="/1" rel="tags"/><vm id="2"/></vms>',
    "link-on-a-type-without-links": '<cpu><link href="/1" rel="tags"/><mode>custom</mode></cpu>',
    "numa-nodes": '<vm><link href="/n" rel="numanodes"/><host_numa_nodes/></vm>',
    "many-rels": "<host>"
    + "".join(
        f'<link href="/{m.link_rel}" rel="{m.link_rel}"/>'
        for m in SCHEMA.by_name["Host"].members
        if m.link_rel
    )
    + "</host>",
    "empty-id-href": '<vm href="" id=""><cluster href="" id=""/></vm>',
    "missing-id-href": "<vm><cluster/><template></template></vm>",
    "blank-id": '<vm id=" "><host id="&#9;"/></vm>',
    "list-href-empty": '<vms href=""><vm href="" id=""/></vms>',
    "list-href-missing": "<vms><vm/></vms>",
    "integer-id-empty": '<network><vlan id=""/></network>',
    "integer-id-missing": "<network><vlan/></network>",
    "integer-id-spaces": '<network><vlan id=" 7 "/></network>',
    "integer-id-sign": '<network><vlan id="+7"/></network>',
    "integer-id-big": '<network><vlan id="123456789012345678901234567890"/></network>',
    "integer-id-text": '<network><vlan id="x"/></network>',
    "integer-id-with-href": '<network><vlan href="/v" id="7"/></network>',
    "enum-id-case": '<sso><methods><method id="GUEST_AGENT"/></methods></sso>',
    "enum-id-missing": '<sso><methods><method href="/m"/></methods></sso>',
}


@pytest.fixture(scope="module")
def read_both(both_sides):
    def read(documents):
        return both_sides({"op": "read", "documents": documents})

    return read


def _same(ours, ref):
    """The official's outcome, or (for errors) one of a subclass of its exception class."""
    if ref[0] == "error":
        return ours[0] == "error" and ref[1][0] in ours[1]
    return ours == ref


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_link_and_attribute_edge_cases(read_both, name):
    ours, ref = read_both([DOCUMENTS[name]])
    assert _same(ours[0], ref[0]), f"\nours     {ours[0]}\nofficial {ref[0]}"


def test_every_link_of_every_type_empty_missing_and_repeated(read_both):
    documents = []
    for info in LINKED:
        rels = [m.link_rel for m in info.members if m.link_rel]
        for href in ("/h", "", None):
            links = "".join(
                "<link rel='%s'%s/>" % (rel, "" if href is None else f" href='{href}'")
                for rel in rels
            )
            documents.append(f"<{info.tag}>{links}{links.replace('/h', '/again')}</{info.tag}>")
    ours, ref = read_both(documents)
    found = [d for d, a, b in zip(documents, ours, ref, strict=True) if not _same(a, b)]
    assert not found, f"{len(found)} of {len(documents)} differ, first: {found[0]}"


# -- hypothesis: documents made of links, inline lists and other elements ------------------------

ATTRIBUTE_VALUES = st.sampled_from([None, "", " ", "/x", "7", "a&amp;b"])


def _attributes(draw, names):
    out = ""
    for name in names:
        value = draw(ATTRIBUTE_VALUES)
        if value is not None:
            out += f' {name}="{value}"'
    return out


@st.composite
def documents(draw):
    info = draw(st.sampled_from(LINKED))
    links = [m for m in info.members if m.link_rel]
    plain = [m for m in info.members if m.kind_name == "string" and not m.is_attribute]
    children = []
    for _ in range(draw(st.integers(0, 6))):
        choice = draw(st.integers(0, 3))
        member = draw(st.sampled_from(links))
        if choice == 0:
            rel = draw(st.sampled_from([member.link_rel, member.link_rel, "", "bogus", None]))
            attributes = _attributes(draw, ["href"])
            if rel is not None:
                attributes += f' rel="{rel}"'
            children.append(f"<link{attributes}/>")
        elif choice == 1:
            item = f"<{member.struct.tag}{_attributes(draw, ['href', 'id'])}/>"
            items = item * draw(st.integers(0, 2))
            children.append(f"<{member.tag}{_attributes(draw, ['href'])}>{items}</{member.tag}>")
        elif choice == 2 and plain:
            tag = draw(st.sampled_from(plain)).tag
            children.append(f"<{tag}>t</{tag}>")
        else:
            children.append(f"<unknown{_attributes(draw, ['href', 'rel'])}/>")
    root = f"<{info.tag}{_attributes(draw, ['href', 'id'])}>{''.join(children)}</{info.tag}>"
    if draw(st.booleans()):
        return f"<{info.plural}{_attributes(draw, ['href'])}>{root}{root}</{info.plural}>"
    return root


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(document=documents())
def test_random_documents_of_links_and_lists(read_both, document):
    ours, ref = read_both([document])
    assert _same(ours[0], ref[0]), f"\nours     {ours[0]}\nofficial {ref[0]}"
