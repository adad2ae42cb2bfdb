"""The view model: the API model JSON turned into frozen objects that carry every name the
templates need, so that templates hold layout only."""

import hashlib
import json
import keyword
from dataclasses import dataclass, replace
from pathlib import Path

from codegen import overlay

FORMAT = "ovirt-api-model/1"

PRIMITIVE_PYTHON_TYPES = {
    "Boolean": "bool",
    "Date": "datetime.datetime",
    "Decimal": "float",
    "Integer": "int",
    "String": "str",
}


CODEC_KINDS = {
    "Boolean": "boolean",
    "Date": "date",
    "Decimal": "decimal",
    "Integer": "integer",
    "String": "string",
}


class ModelError(Exception):
    """The model file cannot be used to generate code."""


def python_name(words_name):
    """The Python identifier for a snake_case model name: a trailing ``_`` for keywords."""
    return words_name + "_" if keyword.iskeyword(words_name) else words_name


def annotation(type_name, kind, is_list, module="", list_name="list"):
    """The type of a value: ``module`` prefixes enum and struct names (``types.`` in
    ``services.pyi``, where ``list_name`` is ``builtins.list``, as the ``list`` methods hide the
    built-in). Lists of structs read from documents are ``List``s, which are ``list``s, so
    ``list[...]`` names both."""
    base = PRIMITIVE_PYTHON_TYPES[type_name] if kind == "primitive" else module + type_name
    return f"{list_name}[{base}]" if is_list else base


@dataclass(frozen=True)
class Member:
    """One attribute of a struct, as the generated class and its reader/writer see it."""

    name: str  # snake_case model name
    python_name: str  # attribute and keyword name
    storage: str  # slot name, listed by vars() (ovirtsdk4/_bases.py)
    declared_in: str
    type_name: str  # primitive, enum or struct name
    kind: str  # primitive | enum | struct
    is_list: bool
    is_link: bool
    is_xml_attribute: bool
    xml_tag: str
    xml_item_tag: str | None
    link_rel: str | None
    deprecated: bool

    @property
    def codec_kind(self):
        """How the XML codec reads and writes the value (``ovirtsdk4/_xml/codec.pyx``)."""
        return CODEC_KINDS.get(self.type_name, self.kind)

    @property
    def codec_row(self):
        """The member's row in the codec tables, as a Python literal."""
        target = None if self.kind == "primitive" else self.type_name
        return repr(
            (
                self.python_name,
                self.xml_tag,
                self.codec_kind,
                target,
                self.is_list,
                self.xml_item_tag,
                self.is_link,
                self.link_rel,
                self.is_xml_attribute,
            )
        )

    @property
    def is_checked(self):
        """Assignments of struct and enum values check the exact type (API.md T-3)."""
        return self.kind in ("struct", "enum") and not self.is_list

    @property
    def type_doc(self):
        return annotation(self.type_name, self.kind, self.is_list)

    @property
    def stub_type(self):
        """The member's type in ``types.pyi``: every attribute may be ``None``."""
        return self.type_doc + " | None"

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
        return text + ", deprecated" if self.deprecated else text


@dataclass(frozen=True)
class Struct:
    name: str
    deprecated: bool
    base: str | None  # None means ovirtsdk4.Struct
    xml_element: str
    xml_list_element: str
    members: tuple  # every member, inherited ones too, in constructor order
    declared: tuple  # the members this class declares, in constructor order
    init_order: tuple  # every member in constructor order (the order vars() lists them)

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
    deprecated: bool


@dataclass(frozen=True)
class Enum:
    name: str
    values: tuple

    @property
    def deprecated(self):
        """The constants of the values the model marks deprecated."""
        return tuple(value.python_name for value in self.values if value.deprecated)


@dataclass(frozen=True)
class Parameter:
    """A parameter of a service method, as the generated signature and spec use it."""

    name: str  # model name
    python_name: str
    wire_name: str | None  # query key or <action> child tag
    type_name: str
    kind: str  # primitive | enum | struct
    is_list: bool
    request: str  # query | action | body
    required: bool  # the method's mandatory_parameters name it
    deprecated: bool

    @property
    def type_doc(self):
        """The type of a value, as the docstrings name it."""
        return annotation(self.type_name, self.kind, self.is_list, "types.")

    @property
    def stub(self):
        """The parameter in a ``services.pyi`` signature: the body has no default (API.md
        S-3)."""
        value = annotation(self.type_name, self.kind, self.is_list, "types.", "builtins.list")
        if self.request == "body":
            return f"{self.python_name}: {value}"
        return f"{self.python_name}: {value} | None = None"

    @property
    def doc(self):
        """The parameter's line in a method docstring."""
        where = {
            "body": "the request document",
            "query": f"query parameter ``{self.wire_name}``",
            "action": f"element ``<{self.wire_name}>`` of the request ``<action>``",
        }[self.request]
        need = "required" if self.required else "optional"
        text = f"{self.python_name} ({self.type_doc}, {need}): {where}"
        return text + ", deprecated" if self.deprecated else text

    @property
    def check_type(self):
        """The Python expression of the exact type a value must have (API.md S-4)."""
        if self.is_list:
            return "list"
        if self.kind == "primitive":
            return PRIMITIVE_PYTHON_TYPES[self.type_name]
        return "types." + self.type_name


@dataclass(frozen=True)
class Method:
    name: str
    kind: str  # get | list | add | update | remove | action
    http_method: str  # GET, POST, PUT or DELETE
    path: str | None  # action segment
    body: Parameter | None  # add/update: the object sent and returned
    parameters: tuple  # the keyword parameters, in signature order
    result: str | None  # action: the <action> member returned
    returned: Parameter | None  # the model's result parameter (None: returns nothing)
    signature_of: str | None  # the method this one is a signature of (add_from_scratch: add)
    mandatory: tuple  # groups of alternative input paths the model makes mandatory
    deprecated: bool

    @property
    def returns(self):
        """The type a waited call returns, in ``services.pyi``: ``list`` and ``get`` of a
        collection give a ``List``; an action's result may be missing from the reply."""
        if self.returned is None:
            return "None"
        item = annotation(self.returned.type_name, self.returned.kind, False, "types.")
        if self.returned.is_list:
            return f"List[{item}]" if self.returned.kind == "struct" else f"builtins.list[{item}]"
        return f"{item} | None" if self.kind == "action" else item

    @property
    def item(self):
        """``list_iter``: the type of one item."""
        return annotation(self.returned.type_name, self.returned.kind, False, "types.")

    @property
    def stub_parameters(self):
        """The stub signature before ``headers`` (self, the body, the keyword parameters)."""
        return ", ".join(["self", *(p.stub for p in self.checked)])

    @property
    def returns_doc(self):
        """What the docstring says a waited call returns."""
        if self.returned is None:
            return None
        if self.kind == "action":
            return f"the reply's ``<action>``'s ``<{self.returned.name}>``, or None without one"
        return "the reply's document"

    @property
    def mandatory_doc(self):
        """The model's mandatory inputs, one group per item: ``a or b``."""
        return tuple(" or ".join(f"``{path}``" for path in group) for group in self.mandatory)

    @property
    def signature(self):
        names = [self.body.python_name] if self.body else []
        names += [f"{p.python_name}=None" for p in self.parameters]
        return ", ".join(["self", *names, "headers=None", "query=None", "wait=True", "**kwargs"])

    @property
    def iter_signature(self):
        """``list_iter``: the list parameters, then ``page_size`` (ours)."""
        names = [f"{p.python_name}=None" for p in self.parameters]
        names.append("page_size=None")
        return ", ".join(["self", *names, "headers=None", "query=None", "**kwargs"])

    @property
    def checked(self):
        return ((self.body,) if self.body else ()) + self.parameters

    @property
    def values(self):
        """The tuple expression of the checked arguments' values, in spec order."""
        names = [p.python_name for p in self.checked]
        return "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"

    @property
    def target(self):
        """Where the request goes, relative to the service path."""
        return "{path}/" + self.path if self.path else "{path}"


@dataclass(frozen=True)
class Locator:
    name: str
    service: str
    path: str | None  # None for the id locator
    parameter: str | None  # the id locator's parameter name


@dataclass(frozen=True)
class Watched:
    """What a service's ``wait_for`` polls: the struct its ``get`` returns and the member that
    holds the struct's status (``Vm.status``, ``Snapshot.snapshot_status``,
    ``ImageTransfer.phase``)."""

    struct: str
    member: str
    enum: str


@dataclass(frozen=True)
class Service:
    name: str
    base: str | None  # None means ovirtsdk4.service.Service
    methods: tuple
    locators: tuple
    watched: Watched | None = None  # the service has ``wait_for`` (ours)
    follows_events: bool = False  # the service has ``follow`` (ours)

    @property
    def base_class(self):
        return self.base or "Service"

    @property
    def path_locators(self):
        return tuple(loc for loc in self.locators if loc.path is not None)

    @property
    def id_locator(self):
        return next((loc for loc in self.locators if loc.path is None), None)


@dataclass(frozen=True)
class Model:
    sha256: str
    structs: tuple
    enums: tuple
    services: tuple

    @property
    def struct_names(self):
        return tuple(s.name for s in self.structs)

    @property
    def enum_names(self):
        return tuple(e.name for e in self.enums)

    @property
    def service_names(self):
        return tuple(s.name for s in self.services)

    @property
    def dated_parameters(self):
        """Whether a service method takes a date (``services.pyi`` then imports datetime)."""
        return any(
            p.type_name == "Date" for s in self.services for m in s.methods for p in m.checked
        )


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
        deprecated=raw["deprecated"],
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
        deprecated=raw["deprecated"],
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
        values.append(
            EnumValue(name=value["name"], python_name=constant, deprecated=value["deprecated"])
        )
    return Enum(name=raw["name"], values=tuple(values))


def _parameter(raw, required=False):
    name = python_name(raw["name"])
    if name != raw["python_name"]:
        raise ModelError(f"parameter {raw['name']!r}: model says {raw['python_name']!r}")
    return Parameter(
        name=raw["name"],
        python_name=name,
        wire_name=raw["wire_name"],
        type_name=raw["type"],
        kind=raw["type_kind"],
        is_list=raw["is_list"],
        request=raw["request"],
        required=required,
        deprecated=raw["deprecated"],
    )


def _method(service_name, raw):
    mandatory = set(raw["mandatory_parameters"])
    sent = [
        _parameter(p, p["name"] in mandatory)
        for p in raw["parameters"]
        if p["request"] in ("query", "action")
    ]
    order = overlay.PARAMETER_ORDER.get((service_name, raw["name"]))
    if order is not None:
        if sorted(order) != sorted(p.name for p in sent):
            raise ModelError(f"overlay order of {service_name}.{raw['name']} is out of date")
        sent.sort(key=lambda p: order.index(p.name))
    body = [_parameter(p, True) for p in raw["parameters"] if p["request"] == "body"]
    result = returned = None
    if raw["result_parameter"]:
        out = next(p for p in raw["parameters"] if p["name"] == raw["result_parameter"])
        returned = _parameter(out)
        if raw["kind"] == "action":
            result = python_name(out["name"])
    return Method(
        name=raw["name"],
        kind=raw["kind"],
        http_method=raw["http_method"],
        path=raw["path"],
        body=body[0] if body else None,
        parameters=tuple(sent),
        result=result,
        returned=returned,
        signature_of=raw["signature_of"],
        mandatory=tuple(tuple(group) for group in raw["mandatory"]),
        deprecated=raw["deprecated"],
    )


def _service(raw):
    return Service(
        name=raw["name"],
        base=raw["base"],
        methods=tuple(_method(raw["name"], m) for m in raw["all_methods"]),
        locators=tuple(
            Locator(
                name=loc["name"],
                service=loc["service"],
                path=loc["path"],
                parameter=python_name(loc["parameters"][0]["name"]) if loc["parameters"] else None,
            )
            for loc in raw["all_locators"]
        ),
    )


def status_member(structs, struct):
    """The member holding ``struct``'s status: a single enum member whose enum is named after
    the struct, or else after its nearest base, with ``Status``, ``Phase`` or ``State`` (a
    ``Snapshot`` is a ``Vm``: its own ``snapshot_status`` wins over the VM's ``status``)."""
    owner = struct
    while owner is not None:
        names = {f"{owner.name}{word}" for word in ("Status", "Phase", "State")}
        for member in struct.members:
            if member.kind == "enum" and not member.is_list and member.type_name in names:
                return member
        owner = structs[owner.base] if owner.base else None
    return None


def _watched(service, structs):
    get = next((m for m in service.methods if m.kind == "get"), None)
    if get is None or get.returned is None or get.returned.is_list:
        return None
    struct = structs.get(get.returned.type_name)
    member = status_member(structs, struct) if struct is not None else None
    if member is None:
        return None
    return Watched(struct=struct.name, member=member.python_name, enum=member.type_name)


def _follows_events(service):
    """A collection of events that can list from an event id on."""
    return any(
        m.kind == "list"
        and m.returned is not None
        and m.returned.type_name == "Event"
        and any(p.wire_name == "from" for p in m.parameters)
        for m in service.methods
    )


def _topological(items):
    """Bases before subclasses, otherwise in model order (the classes must exist to be
    subclassed)."""
    by_name = {item.name: item for item in items}
    done, ordered = set(), []

    def visit(item):
        if item.name in done:
            return
        if item.base:
            visit(by_name[item.base])
        done.add(item.name)
        ordered.append(item)

    for item in items:
        visit(item)
    return tuple(ordered)


def load(path):
    """Read the model at ``path`` and build the view model."""
    data = Path(path).read_bytes()
    raw = json.loads(data)
    if raw.get("format") != FORMAT:
        raise ModelError(f"{path}: format {raw.get('format')!r}, expected {FORMAT!r}")
    raw_by_name = {s["name"]: s for s in raw["structs"]}
    structs = tuple(_struct(s, raw_by_name) for s in raw["structs"])
    by_name = {s.name: s for s in structs}
    services = [_service(s) for s in raw["services"]]
    services = [
        replace(s, watched=_watched(s, by_name), follows_events=_follows_events(s))
        for s in services
    ]
    return Model(
        sha256=hashlib.sha256(data).hexdigest(),
        structs=_topological(structs),
        enums=tuple(_enum(e) for e in raw["enums"]),
        services=_topological(
            services
            + [
                Service(name=name, base=None, methods=(), locators=())
                for name in overlay.EMPTY_SERVICES
            ]
        ),
    )
