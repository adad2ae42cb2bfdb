"""The view model: the API model JSON turned into frozen objects that carry every name the
templates need, so that templates hold layout only."""

import hashlib
import json
import keyword
from dataclasses import dataclass
from pathlib import Path

FORMAT = "ovirt-api-model/1"

PRIMITIVE_PYTHON_TYPES = {
    "Boolean": "bool",
    "Date": "datetime.datetime",
    "Decimal": "float",
    "Integer": "int",
    "String": "str",
}


class ModelError(Exception):
    """The model file cannot be used to generate code."""


def python_name(words_name):
    """The Python identifier for a snake_case model name: a trailing ``_`` for keywords."""
    return words_name + "_" if keyword.iskeyword(words_name) else words_name


@dataclass(frozen=True)
class Member:
    """One attribute of a struct, as the generated class and its reader/writer see it."""

    name: str  # snake_case model name
    python_name: str  # attribute and keyword name
    storage: str  # key in the instance __dict__
    declared_in: str
    type_name: str  # primitive, enum or struct name
    kind: str  # primitive | enum | struct
    is_list: bool
    is_link: bool
    is_xml_attribute: bool
    xml_tag: str
    xml_item_tag: str | None
    link_rel: str | None

    @property
    def is_checked(self):
        """Assignments of struct and enum values check the exact type (API.md T-3)."""
        return self.kind in ("struct", "enum") and not self.is_list

    @property
    def type_doc(self):
        base = PRIMITIVE_PYTHON_TYPES.get(self.type_name, self.type_name)
        return f"list[{base}]" if self.is_list else base

    @property
    def doc(self):
        """One line stating the member's structure for the class docstring."""
        where = (
            f"XML attribute ``{self.xml_tag}``"
            if self.is_xml_attribute
            else (f"element ``<{self.xml_tag}>``")
        )
        if self.is_list:
            where += f" of ``<{self.xml_item_tag}>``"
        text = f"{self.python_name}: {self.type_doc}, {self.kind}, {where}"
        if self.is_link:
            text += f", link (rel ``{self.link_rel}``)" if self.link_rel else ", link"
        return text


@dataclass(frozen=True)
class Struct:
    name: str
    base: str | None  # None means ovirtsdk4.Struct
    xml_element: str
    xml_list_element: str
    members: tuple  # every member, inherited ones too, in constructor order
    declared: tuple  # the members this class declares, in constructor order
    init_order: tuple  # every member in the order the instance __dict__ gets them

    @property
    def base_class(self):
        return self.base or "Struct"

    @property
    def checked(self):
        return tuple(m for m in self.declared if m.is_checked)

    @property
    def plain(self):
        return tuple(m for m in self.declared if not m.is_checked)


@dataclass(frozen=True)
class EnumValue:
    name: str  # wire value
    python_name: str  # constant name


@dataclass(frozen=True)
class Enum:
    name: str
    values: tuple


@dataclass(frozen=True)
class Model:
    sha256: str
    structs: tuple
    enums: tuple

    @property
    def struct_names(self):
        return tuple(s.name for s in self.structs)

    @property
    def enum_names(self):
        return tuple(e.name for e in self.enums)


def _member(raw):
    name = python_name(raw["name"])
    if name != raw["python_name"]:
        raise ModelError(
            f"member {raw['name']!r}: model says {raw['python_name']!r}, rule says {name!r}"
        )
    return Member(
        name=raw["name"],
        python_name=name,
        storage="_" + name,
        declared_in=raw["declared_in"],
        type_name=raw["type"],
        kind=raw["type_kind"],
        is_list=raw["is_list"],
        is_link=raw["is_link"],
        is_xml_attribute=raw["xml_is_attribute"],
        xml_tag=raw["xml_tag"],
        xml_item_tag=raw["xml_item_tag"],
        link_rel=raw["link_rel"],
    )


def _struct(raw, raw_by_name):
    members = tuple(_member(m) for m in raw["all_members"])
    chain = [raw["name"], *raw["ancestors"]][::-1]  # root first, as the constructors run
    init_order = tuple(m for owner in chain for m in members if m.declared_in == owner)
    for ancestor in raw["ancestors"]:
        if ancestor not in raw_by_name:
            raise ModelError(f"struct {raw['name']}: unknown ancestor {ancestor}")
    return Struct(
        name=raw["name"],
        base=raw["base"],
        xml_element=raw["xml_element"],
        xml_list_element=raw["xml_list_element"],
        members=members,
        declared=tuple(m for m in members if m.declared_in == raw["name"]),
        init_order=init_order,
    )


def _enum(raw):
    values = []
    for value in raw["values"]:
        constant = value["name"].upper()
        if constant != value["python_name"]:
            raise ModelError(f"enum {raw['name']}: {value['python_name']!r} is not {constant!r}")
        values.append(EnumValue(name=value["name"], python_name=constant))
    return Enum(name=raw["name"], values=tuple(values))


def _topological(structs):
    """Bases before subclasses, otherwise in model order (the classes must exist to be
    subclassed)."""
    by_name = {s.name: s for s in structs}
    done, ordered = set(), []

    def visit(struct):
        if struct.name in done:
            return
        if struct.base:
            visit(by_name[struct.base])
        done.add(struct.name)
        ordered.append(struct)

    for struct in structs:
        visit(struct)
    return tuple(ordered)


def load(path):
    """Read the model at ``path`` and build the view model."""
    data = Path(path).read_bytes()
    raw = json.loads(data)
    if raw.get("format") != FORMAT:
        raise ModelError(f"{path}: format {raw.get('format')!r}, expected {FORMAT!r}")
    raw_by_name = {s["name"]: s for s in raw["structs"]}
    structs = tuple(_struct(s, raw_by_name) for s in raw["structs"])
    return Model(
        sha256=hashlib.sha256(data).hexdigest(),
        structs=_topological(structs),
        enums=tuple(_enum(e) for e in raw["enums"]),
    )
