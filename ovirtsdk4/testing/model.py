"""What the simulator knows about the API, derived at run time from what the package ships.

Nothing here reads the JSON model (a wheel does not carry it). Everything comes from
``ovirtsdk4.services`` (service classes, their ``_locators`` and ``_id_locator``, and the method
specs ``_<Service>_<method>``) and ``ovirtsdk4._xml.tables.SCHEMA`` (members, tags, links).

The one fact the package does not ship is *which entity type a collection service holds*. It is
derived, in this order, from:

1. the body parameter of the collection's ``add`` method (``VmsService.add(vm: Vm)``);
2. the body parameter of the entity service's ``update`` method;
3. the member of the parent entity's type whose ``link_rel`` is the collection's URL segment
   (``Vm.statistics`` for ``/vms/{id}/statistics``);
4. the struct whose plural tag, without underscores, is the segment (``clusterlevels``);
5. :data:`_EXPLICIT_TYPES`, for the three collections none of the rules above can type.
"""

from __future__ import annotations

import functools

from ovirtsdk4 import services, types
from ovirtsdk4._xml.tables import SCHEMA
from ovirtsdk4.service import Method, Service

__all__ = ["ServiceInfo", "collection_type", "service_info", "struct_info"]

# Collections that rules 1-4 cannot type (no add, no update, no link from the parent, no
# struct with that plural), or type wrongly (rule 3 says ``Host`` for the hosts of an external
# host provider, which the model types as ``ExternalHost``).
_EXPLICIT_TYPES = {
    "OperatingSystemsService": "OperatingSystemInfo",
    "HostStorageService": "HostStorage",
    "GlusterBricksService": "GlusterBrick",
    "ExternalHostsService": "ExternalHost",
}


class ServiceInfo:
    """One service class: its locators, methods and actions."""

    def __init__(self, cls):
        self.cls = cls
        self.name = cls.__name__
        probe = cls(None, "")
        self.locators = {
            segment: type(getattr(probe, name)()) for segment, name in cls._locators.items()
        }
        self.id_child = type(getattr(probe, cls._id_locator)("x")) if cls._id_locator else None
        self.methods: dict[str, Method] = {}
        for name in dir(cls):
            if name.startswith("_"):
                continue
            for base in cls.__mro__:
                spec = getattr(services, f"_{base.__name__}_{name}", None)
                if isinstance(spec, Method):
                    self.methods[name] = spec
                    break
        # action segment -> (python method name, spec); signatures share a segment: keep the
        # shortest name (the base method).
        self.actions: dict[str, tuple[str, Method]] = {}
        for name in sorted(self.methods, key=len):
            spec = self.methods[name]
            if spec.kind == "action":
                self.actions.setdefault(spec.path, (name, spec))
        self.kinds = {spec.kind for spec in self.methods.values()}

    @property
    def is_collection(self):
        return self.id_child is not None

    def body_type(self, kind):
        """The type of the body of this service's ``add`` or ``update``, if it has one."""
        spec = self.methods.get(kind)
        if spec is None or not spec.has_body:
            return None
        expected = spec.parameters[0].expected
        if expected is list or not isinstance(expected, type):
            return None
        return expected

    def __repr__(self):
        return f"<ServiceInfo {self.name}>"


@functools.cache
def service_info(cls) -> ServiceInfo:
    return ServiceInfo(cls)


@functools.cache
def struct_info(cls):
    """The codec table of a struct class."""
    return SCHEMA.by_class[cls]


@functools.cache
def _plurals():
    return {info.plural.replace("_", ""): info.cls for info in SCHEMA.by_name.values()}


@functools.cache
def collection_type(cls, segment, parent_type):
    """The entity type held by collection service ``cls`` mounted at ``segment`` below an
    entity of type ``parent_type`` (or ``None`` below the root)."""
    info = service_info(cls)
    name = _EXPLICIT_TYPES.get(info.name)
    if name is not None:
        return getattr(types, name)
    found = info.body_type("add") or service_info(info.id_child).body_type("update")
    if found is not None:
        return found
    if parent_type is not None:
        for member in struct_info(parent_type).members:
            if member.link_rel == segment and member.target_name:
                return SCHEMA.by_name[member.target_name].cls
    return _plurals().get(segment)


def root_service():
    return services.SystemService


def is_service(cls):
    return isinstance(cls, type) and issubclass(cls, Service)
