"""An in-memory oVirt engine driven by the API model the package ships.

:class:`Engine` holds the resources and answers HTTP requests (``Engine.handle``, given an
``ovirtsdk4.testing._http.Request``). Every path reachable from the root service works without
code per resource: collections are created on first use, typed by
:func:`ovirtsdk4.testing.model.collection_type`, and hold ``ovirtsdk4.types`` objects.

* ``GET`` a collection: ``list`` with ``search``, ``max``, ``case_sensitive``, ``follow``
  (``all_content`` is accepted; every stored member is always returned). Events come newest
  first and honour ``from``.
* ``GET`` an entity (``follow``), ``POST`` a collection (``add``: 201 with the object, an ``id``
  and ``href``), ``PUT`` an entity (``update``: merge of the given members), ``DELETE``
  (``remove``), ``POST`` an action segment (``<action><status>complete</status></action>``).
* Replies carry ``href``s and, for every locator of the entity's service, a
  ``<link href=... rel=...>``; ``follow`` inlines list links and references instead.
* References (``<cluster id=...>`` or ``<cluster><name>Default</name></cluster>``) are
  resolved against the top-level collection of their type when objects are added or updated;
  an unknown one is a 404 fault, like the engine's ``Entity not found``.
* Behaviour: the actions of :mod:`ovirtsdk4.testing.actions` (status transitions, refusals), disks
  ``locked`` then ``ok``, jobs for ``correlation_id``, events for adds, removes and actions,
  statistics for hosts and VMs, ``ticket``. With ``transition_delay=0`` (the default) the
  intermediate status is in the action's aftermath and the final one is reached before the
  next request is answered; with a delay, after that many seconds.
* Auth: the SSO password grant, revoke, bearer tokens checked (401 otherwise), HTTP basic
  auth. The Kerberos grant (``token-http-auth``) checks nothing, so it is refused unless
  ``kerberos=True`` (``serve --kerberos``): then anyone who can connect gets a token.

Python seeding: ``engine.add(types.Vm(name="web1", cluster=types.Cluster(name="Default")))``
adds to the top-level collection of the object's type; ``engine.add(nic, "/vms/ID/nics")`` to
any collection path. See :mod:`ovirtsdk4.testing.inventory` for files.
"""

from __future__ import annotations

import base64
import copy
import datetime
import heapq
import itertools
import json
import secrets
import threading
import time
import uuid
from urllib.parse import parse_qsl, unquote

from ovirtsdk4 import services, types
from ovirtsdk4.error import Error as SdkError
from ovirtsdk4.reader import Reader
from ovirtsdk4.testing import actions
from ovirtsdk4.testing import search as _search
from ovirtsdk4.testing._http import Response
from ovirtsdk4.testing.model import collection_type, service_info, struct_info
from ovirtsdk4.writer import Writer

__all__ = ["API_PREFIX", "Engine", "Fault"]

API_PREFIX = "/ovirt-engine/api"
_XML = [("Content-Type", "application/xml;charset=UTF-8")]
_JSON = [("Content-Type", "application/json;charset=UTF-8")]
_UTC = datetime.timezone.utc

# Members an add must carry, as the engine's "Incomplete parameters" checks.
REQUIRED = {
    types.Vm: ("name", "cluster"),
    types.Template: ("name", "vm"),
    types.Cluster: ("name",),
    types.DataCenter: ("name",),
    types.Host: ("name", "address"),
    types.Network: ("name", "data_center"),
    types.Disk: ("provisioned_size",),
    types.Tag: ("name",),
    types.AffinityLabel: ("name",),
    types.Nic: ("name",),
    types.DiskAttachment: ("disk",),
    types.StorageDomain: ("name",),
}

# Top-level collections whose names are unique: a second add with the same name is a 409.
UNIQUE_NAMES = frozenset(
    [
        "/vms",
        "/templates",
        "/clusters",
        "/datacenters",
        "/hosts",
        "/storagedomains",
        "/tags",
        "/affinitylabels",
        "/vmpools",
        "/macpools",
    ]
)

# How many objects' renderings are kept (each about 1-3 KB): a bound, so that listing 100,000
# VMs does not keep 100,000 documents.
CACHE_OBJECTS = 20_000
# Objects rendered per step of a streamed list (the lock is taken once per step).
LIST_STEP = 500

VS, HS, SS = types.VmStatus, types.HostStatus, types.SnapshotStatus


class Fault(Exception):
    """An error answered as a ``<fault>`` document."""

    def __init__(self, status, detail, reason="Operation Failed"):
        super().__init__(f"{status}: {reason}: {detail}")
        self.status = status
        self.reason = reason
        self.detail = detail


# Collections whose items are assignments of objects stored elsewhere (a VM's tags are the
# tags of /tags): service -> parent type -> segment of the reverse collection ("" if none).
_RELATIONS = {
    "AssignedTagsService": {
        types.Vm: "",
        types.Host: "",
        types.Template: "",
        types.User: "",
        types.Group: "",
    },
    "AssignedAffinityLabelsService": {types.Vm: "vms", types.Host: "hosts"},
    "AffinityLabelVmsService": {types.AffinityLabel: "affinitylabels"},
    "AffinityLabelHostsService": {types.AffinityLabel: "affinitylabels"},
}


_ASSIGNABLE = frozenset(
    [types.Tag, types.AffinityLabel, types.Vm, types.Host, types.Template, types.User, types.Group]
)


class Collection:
    """The objects at one collection path."""

    __slots__ = (
        "path",
        "href",
        "service",
        "entity_service",
        "etype",
        "info",
        "items",
        "names",
        "plural",
        "parent",
        "relation",
    )

    def __init__(self, path, service, etype, parent=None):
        self.path = path
        self.href = API_PREFIX + path
        self.service = service
        self.entity_service = service.id_child and service_info(service.id_child)
        self.etype = etype
        self.info = struct_info(etype) if etype is not None else None
        self.plural = self.info.plural if self.info is not None else path.rsplit("/", 1)[-1]
        self.items: dict[str, object] = {}
        self.names: dict[str, object] | None = None  # name index, built on first use
        self.parent = parent
        #: For a collection of assignments (a VM's tags, a label's VMs): the segment of the
        #: reverse collection below each assigned object, "" when there is none.
        self.relation = _RELATIONS.get(service.name, {}).get(type(parent), None)

    def by_name(self, name):
        if self.names is None:
            self.names = {}
            for obj in self.items.values():
                n = getattr(obj, "name", None)
                if n is not None:
                    self.names.setdefault(n, obj)
        return self.names.get(name)

    def __repr__(self):
        return f"<Collection {self.path} of {self.etype.__name__ if self.etype else '?'}>"


class _Target:
    """A resolved request path."""

    __slots__ = ("kind", "service", "collection", "obj", "action", "segment")

    def __init__(self, kind, service, collection=None, obj=None, action=None, segment=None):
        self.kind = kind  # root | collection | entity | service
        self.service = service
        self.collection = collection
        self.obj = obj
        self.action = action  # (name, spec) when the last segment is an action
        self.segment = segment


def _now():
    return datetime.datetime.now(_UTC).replace(microsecond=0)


def _stub(cls, obj_id, href):
    stub = cls(id=obj_id)
    stub.href = href
    return stub


class Engine:
    """The simulated engine. Thread safe: every request is answered under one lock."""

    def __init__(
        self,
        *,
        username="admin@internal",
        password=None,
        transition_delay=0.0,
        kerberos=False,
        sso_error_style="oauth",
        basic_auth=True,
    ):
        self.lock = threading.RLock()
        self.username = username
        self.password = password if password is not None else secrets.token_urlsafe(12)
        self.transition_delay = float(transition_delay)
        self.kerberos = kerberos
        self.sso_error_style = sso_error_style
        self.basic_auth = basic_auth
        self.tokens: dict[str, str] = {}
        self.collections: dict[str, Collection] = {}
        self._cache: dict[str, dict[str, str]] = {}
        self._pending: list = []
        self._latest: dict = {}  # (id(object), attribute) -> sequence of its pending change
        self._seq = itertools.count()
        self._event_ids = itertools.count(1)
        self.job_correlation: dict[str, str] = {}
        self.requests_served = 0
        #: Exceptions the simulator raised while answering (each answered as a 500 fault).
        self.errors: list[BaseException] = []
        self.root = service_info(services.SystemService)
        self.top: dict[type, str] = {}
        for segment, cls in self.root.locators.items():
            info = service_info(cls)
            if info.is_collection:
                etype = collection_type(cls, segment, None)
                if etype is not None:
                    self.top.setdefault(etype, "/" + segment)
        self._links: dict[type, list[str]] = {}
        self._stubs: dict[str, object] = {}
        #: What :func:`~ovirtsdk4.testing.inventory.populate` needs to make the devices of the
        #: VMs it generated on demand (``None`` when nothing was generated).
        self.generated = None
        #: hrefs of the objects that get no generated content (seeded ones).
        self.exact: set[str] = set()
        self.started = _now()
        from ovirtsdk4.testing.inventory import LAZY

        #: (parent type, segment) -> ``filler(engine, parent)`` giving the initial content of
        #: a sub-collection created on first use (statistics, snapshots, permissions ...).
        self.lazy = dict(LAZY)

    # ------------------------------------------------------------------ python API

    def collection(self, path) -> Collection:
        """The collection at ``path`` (``/vms``, ``/vms/ID/nics``); created on first use."""
        path = "/" + path.strip("/")
        coll = self.collections.get(path)
        if coll is not None:
            return coll
        target = self._resolve(path.strip("/").split("/"), "GET")
        if target.kind != "collection":
            raise Fault(404, f"{path} is not a collection")
        return target.collection

    def collection_of(self, cls) -> Collection:
        """The top-level collection holding objects of type ``cls``."""
        path = self.top.get(cls)
        if path is None:
            raise KeyError(f"no top-level collection holds {cls.__name__}")
        return self.collection(path)

    def add(self, obj, path=None, *, events=False, exact=False):
        """Add ``obj`` (an ``ovirtsdk4.types`` object) to the collection at ``path`` (default:
        the top-level collection of its type); returns the stored object, with ``id`` and
        ``href``. References by id or name are resolved; inline list links (``vm.nics``) go
        to the sub-collections. With ``exact`` (what seeds use), an unknown reference is a
        :class:`Fault` and the object gets no generated content (its statistics, snapshots,
        permissions, tags and labels are only what is added to them)."""
        with self.lock:
            coll = self.collection(path) if path is not None else self.collection_of(type(obj))
            return self._add(coll, obj, api=False, events=events, exact=exact)

    def attach(self, path, obj):
        """Put an object that is stored elsewhere into the collection at ``path`` too (for
        example a storage domain into ``/datacenters/ID/storagedomains``): both places then
        show the same object."""
        with self.lock:
            coll = self.collection(path)
            coll.items[obj.id] = obj
            coll.names = None
            self._invalidate(obj.id)
            return obj

    def get(self, path):
        """The object at ``path`` (``/vms/ID``), or ``None``."""
        with self.lock:
            try:
                target = self._resolve(path.strip("/").split("/"), "GET")
            except Fault:
                return None
            return target.obj

    def list(self, path):
        with self.lock:
            return list(self.collection(path).items.values())

    def find(self, cls, name):
        """The object of type ``cls`` named ``name`` in its top-level collection, or None."""
        with self.lock:
            return self.collection_of(cls).by_name(name)

    def changed(self, obj):
        """Tell the engine that ``obj`` was modified in place from Python."""
        with self.lock:
            self._invalidate(obj.id)

    def add_event(self, description, severity=types.LogSeverity.NORMAL, code=0, **refs):
        """Append an event (ids increase); ``refs`` are ``vm=``, ``host=`` ... objects."""
        with self.lock:
            event = types.Event(
                id=str(next(self._event_ids)),
                description=description,
                severity=severity,
                code=code,
                time=_now(),
                origin="oVirt",
                custom_id=-1,
                flood_rate=30,
                log_on_host=False,
            )
            for name, ref in refs.items():
                if name == "correlation_id":
                    event.correlation_id = ref
                elif ref is not None and getattr(ref, "id", None) is not None:
                    setattr(event, name, _stub(type(ref), ref.id, getattr(ref, "href", None)))
            coll = self.collection("/events")
            event.href = f"{coll.href}/{event.id}"
            coll.items[event.id] = event
            return event

    def token(self):
        """A valid SSO token, as if the password grant had been used."""
        with self.lock:
            token = secrets.token_urlsafe(32)
            self.tokens[token] = self.username
            return token

    # ------------------------------------------------------------------ path resolution

    def _resolve(self, segments, method):
        segments = [unquote(s) for s in segments if s != ""]
        info = self.root
        target = _Target("root", info)
        path = ""
        parent_type = None
        last = len(segments) - 1
        for i, seg in enumerate(segments):
            child = info.locators.get(seg)
            if child is not None:
                path = f"{path}/{seg}"
                cinfo = service_info(child)
                if cinfo.is_collection:
                    coll = self._collection_at(path, child, seg, parent_type, target.obj)
                    target = _Target("collection", cinfo, coll, segment=seg)
                else:
                    target = _Target("service", cinfo, segment=seg)
                info = cinfo
                parent_type = None
                continue
            if i == last and method == "POST" and seg in info.actions:
                target.action = info.actions[seg]
                return target
            if target.kind == "collection":
                obj = target.collection.items.get(seg)
                if obj is None:
                    raise Fault(404, f"Entity not found: {seg}", reason="Operation Failed")
                path = f"{path}/{seg}"
                info = service_info(info.id_child)
                target = _Target("entity", info, target.collection, obj)
                parent_type = type(obj)
                continue
            raise Fault(404, f"Resource not found: {'/'.join(segments)}", reason="Not Found")
        return target

    def _collection_at(self, path, service, segment, parent_type, parent):
        """The collection at ``path`` (served by ``service``, below ``parent``, an object of
        ``parent_type``, or the root), made and filled on first use."""
        coll = self.collections.get(path)
        if coll is None:
            etype = collection_type(service, segment, parent_type)
            coll = Collection(path, service_info(service), etype, parent)
            self.collections[path] = coll
            self._new_collection(coll, parent)
        return coll

    def _lookup_href(self, href):
        if not href or not href.startswith(API_PREFIX + "/"):
            return None
        coll_path, _, obj_id = href[len(API_PREFIX) :].rpartition("/")
        coll = self.collections.get(coll_path)
        if coll is None:
            return None
        return coll.items.get(obj_id)

    def _new_collection(self, coll, parent):
        """Fill a collection created on demand, where the engine would have content: the
        fillers of :attr:`lazy`, by (parent type, segment), give the objects, with ids and
        with their references already made by :meth:`ref` (or tags and labels to assign)."""
        if parent is None or parent.href in self.exact:
            return
        filler = self.lazy.get((type(parent), coll.path.rsplit("/", 1)[-1]))
        if filler is not None:
            for item in filler(self, parent):
                if coll.relation is not None:
                    self._assign(coll, item, strict=False)
                else:
                    self._put(coll, item)

    # ------------------------------------------------------------------ storage

    def _invalidate(self, obj_id):
        self._cache.pop(obj_id, None)

    def _new_id(self, coll):
        if coll.etype is types.Event:
            return str(next(self._event_ids))
        return str(uuid.uuid4())

    def _add(self, coll, obj, *, api, events=True, correlation_id=None, exact=False):
        if coll.etype is not None and not isinstance(obj, coll.etype):
            raise Fault(
                400,
                f"Expected a {coll.etype.__name__}, got a {type(obj).__name__}",
                reason="Request syntactically incorrect.",
            )
        if coll.relation is not None:
            return self._assign(coll, obj, strict=api or exact)
        etype = type(obj)
        if api:
            missing = [m for m in REQUIRED.get(etype, ()) if getattr(obj, m, None) is None]
            if missing:
                raise Fault(
                    400,
                    f"{etype.__name__} [{', '.join(missing)}] required for add",
                    reason="Incomplete parameters",
                )
            if coll.path in UNIQUE_NAMES and obj.name is not None and coll.by_name(obj.name):
                raise Fault(
                    409,
                    f"[Cannot add {etype.__name__}. The name {obj.name} is already in use.]",
                )
        if etype is types.DiskAttachment and obj.disk is not None and obj.disk.id is None:
            # The engine creates the disk of an attachment given a disk description.
            disk = self._add(self.collection("/disks"), obj.disk, api=api, events=events)
            obj.disk = disk
            if obj.id is None:
                obj.id = disk.id
        elif etype is types.DiskAttachment and obj.disk is not None and obj.id is None:
            obj.id = obj.disk.id
        if getattr(obj, "id", None) is None:
            obj.id = self._new_id(coll)
        elif obj.id in coll.items:
            raise Fault(409, f"[Cannot add {etype.__name__}. The id {obj.id} is already in use.]")
        obj.href = f"{coll.href}/{obj.id}"
        self._resolve_refs(obj, strict=api or exact)
        children = self._take_children(coll, obj)
        if api:
            self._start(obj, any(segment == "diskattachments" for segment, _ in children))
        if etype is types.Vm and obj.status is None:
            obj.status = VS.DOWN
        if api and hasattr(obj, "creation_time") and obj.creation_time is None:
            obj.creation_time = _now()
        coll.items[obj.id] = obj
        if exact:
            self.exact.add(obj.href)
        if coll.names is not None and getattr(obj, "name", None) is not None:
            coll.names.setdefault(obj.name, obj)
        self._invalidate(obj.id)
        for segment, items in children:
            sub = self.collection(f"{coll.path}/{obj.id}/{segment}")
            for item in items:
                self._add(sub, item, api=api, events=False, exact=exact)
        if events and coll.path.count("/") == 1 and etype is not types.Event:
            self._event_for(obj, "add", correlation_id)
        return obj

    def _assign(self, coll, given, strict):
        """Assign the stored object that ``given`` names (by id or name) to ``coll.parent``."""
        top = self.collection(self.top[coll.etype])
        found = top.items.get(given.id) if given.id is not None else None
        if found is None and getattr(given, "name", None) is not None:
            found = top.by_name(given.name)
        kind = coll.etype.__name__
        parent = coll.parent
        if found is None:
            if not strict:
                return given
            what = f"id={given.id}" if given.id is not None else f"name={given.name}"
            raise Fault(404, f"Entity not found: {kind}: {what}")
        if found.id in coll.items:
            raise Fault(
                409,
                f"[Cannot assign {kind}. {kind} {found.name} is already assigned to "
                f"{type(parent).__name__} {parent.name}.]",
            )
        self._link(coll, found)
        if coll.relation:
            self._link(self.collection(f"{found.href[len(API_PREFIX) :]}/{coll.relation}"), parent)
        return found

    def _link(self, coll, obj):
        coll.items[obj.id] = obj
        coll.names = None
        self._invalidate(obj.id)

    def _unassign(self, coll, obj):
        """Undo an assignment (both directions)."""
        coll.items.pop(obj.id, None)
        coll.names = None
        self._invalidate(obj.id)
        if coll.relation:
            reverse = self.collections.get(f"{obj.href[len(API_PREFIX) :]}/{coll.relation}")
            if reverse is not None:
                reverse.items.pop(coll.parent.id, None)
                reverse.names = None

    def _forget_assignments(self, obj):
        """A stored object is removed: it is no longer assigned anywhere."""
        for coll in list(self.collections.values()):
            if coll.relation is not None and coll.items.get(obj.id) is obj:
                self._unassign(coll, obj)
            elif coll.relation and coll.parent is obj:
                for other in list(coll.items.values()):
                    self._unassign(coll, other)

    def _put(self, coll, obj):
        """Store a generated object whose references are already :meth:`ref` ones."""
        obj.href = f"{coll.href}/{obj.id}"
        coll.items[obj.id] = obj
        coll.names = None

    def _take_children(self, coll, obj):
        """Inline list links of an added object that are sub-collections: taken out of it."""
        children = []
        entity = coll.entity_service
        if entity is None:
            return children
        for member in struct_info(type(obj)).members:
            if member.is_list and member.is_link and member.link_rel in entity.locators:
                value = getattr(obj, member.name)
                if value is not None:
                    setattr(obj, member.name, None)
                    if len(value):
                        children.append((member.link_rel, list(value)))
        return children

    def ref(self, obj):
        """The reference (``id`` and ``href`` only) to a stored object: one shared object per
        target, never changed (an update replaces a reference, it does not edit it)."""
        stub = self._stubs.get(obj.href)
        if stub is None:
            stub = self._stubs[obj.href] = _stub(type(obj), obj.id, obj.href)
        return stub

    def _resolve_refs(self, obj, strict, where=""):
        """Point every reference of ``obj`` (at any depth, lists included) at the stored
        object it names by id or name; an unknown one is a 404 when ``strict``."""
        for member in struct_info(type(obj)).members:
            if member.struct is None:
                continue
            value = getattr(obj, member.name)
            if value is None:
                continue
            name = f"{where}{member.name}"
            if not member.is_link:
                for item in value if member.is_list else (value,):
                    if isinstance(item, types.Struct):
                        self._resolve_refs(item, strict, name + ".")
                continue
            top = self.top.get(member.struct.cls)
            if top is None:
                continue
            if member.is_list:
                setattr(obj, member.name, [self._target(top, r, strict, name) for r in value])
            else:
                setattr(obj, member.name, self._target(top, value, strict, name))

    def _target(self, top, ref, strict, member):
        if ref.id is not None:
            found, what = self.collection(top).items.get(ref.id), f"id={ref.id}"
        elif getattr(ref, "name", None) is not None:
            found, what = self.collection(top).by_name(ref.name), f"name={ref.name}"
        else:
            return ref
        if found is None:
            if strict:
                raise Fault(
                    404, f"Entity not found: {type(ref).__name__}: {what} (member '{member}')"
                )
            return ref
        return self.ref(found)

    def _merge(self, dst, src):
        for member in struct_info(type(src)).members:
            if member.name in ("id", "href"):
                continue
            value = getattr(src, member.name)
            if value is None:
                continue
            if member.is_list and member.is_link:
                continue
            old = getattr(dst, member.name)
            if (
                member.struct is not None
                and not member.is_list
                and not member.is_link
                and old is not None
                and type(old) is type(value)
            ):
                # Nested objects may be shared between objects (generated ones are): copy.
                old = copy.copy(old)
                self._merge(old, value)
                setattr(dst, member.name, old)
            else:
                setattr(dst, member.name, value)

    def _remove(self, coll, obj):
        if coll.relation is not None:
            self._unassign(coll, obj)
            return
        if type(obj) in _ASSIGNABLE:
            self._forget_assignments(obj)
        obj_id = obj.id
        self._stubs.pop(obj.href, None)
        self.exact.discard(obj.href)
        del coll.items[obj_id]
        coll.names = None
        self._invalidate(obj_id)
        prefix = f"{coll.path}/{obj_id}/"
        for path in [p for p in self.collections if p.startswith(prefix)]:
            del self.collections[path]

    # ------------------------------------------------------------------ behaviour

    def _start(self, obj, gets_disks):
        """The status (and defaults) of an object added through the API."""
        etype = type(obj)
        if etype is types.Snapshot:
            obj.snapshot_type = obj.snapshot_type or types.SnapshotType.REGULAR
            obj.date = obj.date or _now()
            if obj.snapshot_status is None:
                self.transition(obj, SS.LOCKED, SS.OK, attribute="snapshot_status")
            return
        if etype is types.Job:
            if obj.external is None:
                obj.external = True
            obj.status = obj.status or types.JobStatus.STARTED
            obj.start_time = obj.start_time or _now()
            return
        found = actions.start_status(self, obj, gets_disks)
        if found is not None:
            self.transition(obj, *found)

    def transition(self, obj, now, later, *, attribute="status", then=None):
        """Set ``obj``'s ``attribute`` (its status) to ``now`` at once, and to ``later`` after
        :attr:`transition_delay` seconds (``then(obj)`` runs at that moment); either may be
        ``None``. A pending change of the same attribute of the same object is dropped."""
        if now is not None:
            setattr(obj, attribute, now)
        self._superseded(obj, attribute)
        if later is not None:
            if self.transition_delay or now is not None:
                self._schedule(obj, attribute, later, then=then)
            else:
                setattr(obj, attribute, later)
                if then is not None:
                    then(obj)
        self._invalidate(obj.id)

    def _superseded(self, obj, attribute):
        self._latest.pop((id(obj), attribute), None)

    def _schedule(self, obj, attribute, value, delay=None, then=None):
        delay = self.transition_delay if delay is None else delay
        due = time.monotonic() + delay
        seq = next(self._seq)
        self._latest[(id(obj), attribute)] = seq
        heapq.heappush(self._pending, (due, seq, obj, attribute, value, then))

    def _apply(self, entry):
        _, seq, obj, attribute, value, then = entry
        key = (id(obj), attribute)
        if self._latest.get(key) != seq:
            return  # superseded by a later action
        del self._latest[key]
        setattr(obj, attribute, value)
        if then is not None:
            then(obj)
        self._invalidate(obj.id)

    def _tick(self):
        now = time.monotonic()
        while self._pending and self._pending[0][0] <= now:
            self._apply(heapq.heappop(self._pending))

    def settle(self):
        """Apply every pending transition now (for tests and Python users)."""
        with self.lock:
            while self._pending:
                self._apply(heapq.heappop(self._pending))

    def _event_for(self, obj, what, correlation_id=None, user=None):
        etype = type(obj)
        name = getattr(obj, "name", None) or obj.id
        kind = etype.__name__
        text = {
            "add": f"{kind} {name} was created by {user or self.username}.",
            "remove": f"{kind} {name} was removed by {user or self.username}.",
        }.get(what, f"{kind} {name}: {what} was initiated by {user or self.username}.")
        refs = {}
        ref_name = {
            types.Vm: "vm",
            types.Host: "host",
            types.Cluster: "cluster",
            types.DataCenter: "data_center",
            types.StorageDomain: "storage_domain",
            types.Template: "template",
        }.get(etype)
        if ref_name:
            refs[ref_name] = obj
        if isinstance(obj, types.Vm) and obj.cluster is not None:
            refs["cluster"] = obj.cluster
        code = {"add": 34, "remove": 113, "start": 153, "stop": 33, "shutdown": 73}.get(what, 0)
        return self.add_event(text, code=code, correlation_id=correlation_id, **refs)

    def _do_action(self, target, name, action_in, correlation_id):
        result = actions.perform(self, target, name, action_in)
        obj = target.obj
        self._event_for(obj, name, correlation_id)
        if correlation_id:
            job = self._job(f"{name.capitalize()} {type(obj).__name__} {obj.id}", correlation_id)
            result.job = self.ref(job)
        return result

    def _job(self, description, correlation_id):
        now = _now()
        job = types.Job(
            description=description,
            status=types.JobStatus.STARTED if self.transition_delay else types.JobStatus.FINISHED,
            start_time=now,
            last_updated=now,
            end_time=None if self.transition_delay else now,
            external=False,
            auto_cleared=True,
        )
        coll = self.collection("/jobs")
        job = self._add(coll, job, api=False, events=False)
        self.job_correlation[job.id] = correlation_id
        if self.transition_delay:
            self._schedule(job, "status", types.JobStatus.FINISHED)
            self._schedule(
                job, "end_time", _now() + datetime.timedelta(seconds=self.transition_delay)
            )
        return job

    # ------------------------------------------------------------------ rendering

    def _link_segments(self, service):
        segments = self._links.get(service)
        if segments is None:
            segments = self._links[service] = sorted(service.locators)
        return segments

    def _entity_xml(self, coll, obj, follow=None, tag=None):
        obj_id = obj.id
        if not follow and tag is None:
            per = self._cache.get(obj_id)
            if per is not None:
                xml = per.get(coll.path)
                if xml is not None:
                    return xml
        href = f"{coll.href}/{obj_id}"
        out = obj
        if obj.href != href:
            out = copy.copy(obj)
            out.href = href
        extra = []
        followed = set()
        if follow:
            info = struct_info(type(obj))
            by_name = {m.name: m for m in info.members}
            for name, sub in follow.items():
                member = by_name.get(name)
                if member is None or member.struct is None:
                    raise Fault(
                        400,
                        f"Can't follow '{name}' of {type(obj).__name__}",
                        reason="Invalid follow parameter",
                    )
                if (
                    member.is_list
                    and member.link_rel
                    and coll.entity_service is not None
                    and member.link_rel in coll.entity_service.locators
                ):
                    sub_coll = self._collection_at(
                        f"{coll.path}/{obj_id}/{member.link_rel}",
                        coll.entity_service.locators[member.link_rel],
                        member.link_rel,
                        type(obj),
                        obj,
                    )
                    items = "".join(
                        self._entity_xml(sub_coll, item, sub) for item in sub_coll.items.values()
                    )
                    extra.append(f"<{member.tag}>{items}</{member.tag}>")
                    followed.add(member.link_rel)
                elif not member.is_list:
                    ref = getattr(obj, name)
                    if ref is None:
                        continue
                    target = self._lookup_href(getattr(ref, "href", None))
                    if target is None:
                        continue
                    if out is obj:
                        out = copy.copy(obj)
                    setattr(out, name, None)
                    target_coll = self.collections[
                        target.href.rpartition("/")[0][len(API_PREFIX) :]
                    ]
                    extra.append(self._entity_xml(target_coll, target, sub, tag=member.tag))
                else:
                    raise Fault(
                        400,
                        f"Can't follow '{name}' of {type(obj).__name__}",
                        reason="Invalid follow parameter",
                    )
        if coll.entity_service is not None:
            for segment in self._link_segments(coll.entity_service):
                if segment not in followed:
                    extra.append(f'<link href="{href}/{segment}" rel="{segment}"/>')
        xml = Writer.write(out, root=tag)
        if extra:
            closing = tag or struct_info(type(obj)).tag
            if xml.endswith("/>"):
                xml = f"{xml[:-2]}>{''.join(extra)}</{closing}>"
            else:
                cut = xml.rfind("</")
                xml = xml[:cut] + "".join(extra) + xml[cut:]
        if not follow and tag is None:
            per = self._cache.get(obj_id)
            if per is None:
                if len(self._cache) >= CACHE_OBJECTS:
                    # Bounded: forget the oldest rendering (a dict keeps insertion order).
                    del self._cache[next(iter(self._cache))]
                per = self._cache[obj_id] = {}
            per[coll.path] = xml
        return xml

    def _api_xml(self):
        counts = {}
        for key, cls in (
            ("vms", types.Vm),
            ("hosts", types.Host),
            ("storage_domains", types.StorageDomain),
            ("users", types.User),
        ):
            path = self.top.get(cls)
            coll = self.collections.get(path) if path else None
            items = list(coll.items.values()) if coll is not None else []
            active = sum(
                1
                for o in items
                if getattr(o, "status", None) in (VS.UP, HS.UP, types.StorageDomainStatus.ACTIVE)
            )
            counts[key] = types.ApiSummaryItem(total=len(items), active=active)
        blank = self.collection("/templates").by_name("Blank")
        api = types.Api(
            product_info=types.ProductInfo(
                name="oVirt Engine",
                vendor="ovirt.org",
                instance_id="00000000-0000-0000-0000-000000000001",
                version=types.Version(
                    major=4, minor=5, build=6, revision=0, full_version="4.5.6-simulated"
                ),
            ),
            special_objects=types.SpecialObjects(
                blank_template=_stub(types.Template, blank.id, blank.href) if blank else None,
            ),
            summary=types.ApiSummary(**counts),
            time=_now(),
        )
        api.href = API_PREFIX
        xml = Writer.write(api)
        links = "".join(
            f'<link href="{API_PREFIX}/{segment}" rel="{segment}"/>'
            for segment in sorted(self.root.locators)
        )
        cut = xml.rfind("</")
        return xml[:cut] + links + xml[cut:]

    # ------------------------------------------------------------------ HTTP

    def handle(self, request):
        """Answer one ``ovirtsdk4.testing._http.Request``."""
        path = request.path
        try:
            if path.startswith("/ovirt-engine/sso/"):
                return self._sso(request)
            if path == "/ovirt-engine/services/sso-logout":
                return self._revoke(request)
            if not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
                raise Fault(404, f"There is no resource at {path}", reason="Not Found")
            if not self._authorized(request):
                raise Fault(401, "The request has no valid credentials.", reason="Unauthorized")
            with self.lock:
                self.requests_served += 1
                self._tick()
                return self._api(request)
        except Fault as fault:
            return self._fault(fault)
        except Exception as exc:  # a defect of the simulator: still an engine-shaped answer
            self.errors.append(exc)
            return self._fault(
                Fault(500, f"The simulator failed: {type(exc).__name__}: {exc}", "Internal Error")
            )

    def _fault(self, fault):
        body = Writer.write(types.Fault(reason=fault.reason, detail=fault.detail))
        return Response(fault.status, body.encode(), list(_XML))

    def _authorized(self, request):
        value = request.header("authorization") or ""
        scheme, _, credentials = value.partition(" ")
        scheme = scheme.lower()
        if scheme == "bearer":
            with self.lock:
                return credentials.strip() in self.tokens
        if scheme == "basic" and self.basic_auth:
            try:
                user, _, password = base64.b64decode(credentials).decode().partition(":")
            except ValueError:
                return False
            return self._check_password(user, password)
        return False

    def _check_password(self, user, password):
        names = {self.username}
        if "@" in self.username:
            names.add(self.username.split("@", 1)[0])
        return user in names and secrets.compare_digest(password, self.password)

    def _sso_error(self, code, text, status=400):
        if self.sso_error_style == "openid":
            body = {"error": code, "error_description": text}
        else:
            body = {"error_code": code, "error": text}
        return Response(status, json.dumps(body).encode(), list(_JSON))

    def _sso(self, request):
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        form.update(parse_qsl(request.query, keep_blank_values=True))
        if request.method != "POST":
            return self._sso_error("invalid_request", "The SSO endpoints take POST requests.")
        grant = form.get("grant_type")
        if request.path == "/ovirt-engine/sso/oauth/token":
            if grant != "password":
                return self._sso_error(
                    "unsupported_grant_type", f"The grant type {grant!r} is not supported."
                )
            user, password = form.get("username", ""), form.get("password", "")
            if not self._check_password(user, password):
                return self._sso_error(
                    "access_denied",
                    f"Cannot authenticate user '{user}': The username or password is incorrect..",
                    status=401,
                )
            who = user
        elif request.path == "/ovirt-engine/sso/oauth/token-http-auth":
            if grant != "urn:ovirt:params:oauth:grant-type:http":
                return self._sso_error(
                    "unsupported_grant_type", f"The grant type {grant!r} is not supported."
                )
            if not self.kerberos:
                return self._sso_error(
                    "access_denied", "Kerberos authentication failed.", status=401
                )
            who = self.username
        else:
            return self._sso_error(
                "invalid_request", f"Unknown SSO endpoint {request.path}", status=404
            )
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = who
        body = {
            "access_token": token,
            "scope": form.get("scope", "ovirt-app-api"),
            "exp": str(int((time.time() + 3600) * 1000)),
            "token_type": "bearer",
        }
        return Response(200, json.dumps(body).encode(), list(_JSON))

    def _revoke(self, request):
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        with self.lock:
            self.tokens.pop(form.get("token", ""), None)
        return Response(200, b"{}", list(_JSON))

    def _api(self, request):
        method = request.method
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        rest = request.path[len(API_PREFIX) :]
        target = self._resolve(rest.strip("/").split("/"), method)
        correlation_id = query.get("correlation_id")
        if target.action is not None:
            _, spec = target.action
            action_in = self._read_body(request.body, types.Action, optional=True)
            result = self._do_action(target, spec.path, action_in, correlation_id)
            return Response(200, Writer.write(result).encode(), list(_XML))
        kind = target.kind
        if kind == "root":
            if method != "GET":
                raise Fault(405, "Only GET is allowed here", reason="Method Not Allowed")
            return Response(200, self._api_xml().encode(), list(_XML))
        if kind == "service":
            if method == "GET" and "list" in target.service.methods:
                return Response(200, f"<{target.segment}/>".encode(), list(_XML))
            raise Fault(404, "Resource not found", reason="Not Found")
        if kind == "collection":
            coll = target.collection
            if method == "GET":
                if "list" not in coll.service.methods:
                    raise Fault(405, "This collection can't be listed", reason="Method Not Allowed")
                return self._list(coll, query)
            if method == "POST":
                if "add" not in coll.service.methods:
                    raise Fault(
                        405, "This collection can't be added to", reason="Method Not Allowed"
                    )
                obj = self._read_body(request.body, coll.etype)
                obj = self._add(coll, obj, api=True, correlation_id=correlation_id)
                if correlation_id:
                    self._job(f"Adding {type(obj).__name__} {obj.id}", correlation_id)
                headers = list(_XML) + [("Location", obj.href)]
                return Response(201, self._entity_xml(coll, obj).encode(), headers)
            raise Fault(
                405, f"{method} is not allowed on a collection", reason="Method Not Allowed"
            )
        # entity
        coll, obj = target.collection, target.obj
        methods = target.service.methods
        if method == "GET":
            follow = self._follow(query.get("follow"))
            return Response(200, self._entity_xml(coll, obj, follow).encode(), list(_XML))
        if method == "PUT":
            if "update" not in methods:
                raise Fault(405, "This resource can't be updated", reason="Method Not Allowed")
            given = self._read_body(request.body, coll.etype or type(obj))
            if coll.path in UNIQUE_NAMES and given.name not in (None, obj.name):
                other = coll.by_name(given.name)
                if other is not None and other is not obj:
                    raise Fault(
                        409,
                        f"[Cannot edit {type(obj).__name__}. The name "
                        f"{given.name} is already in use.]",
                    )
            self._merge(obj, given)
            self._resolve_refs(obj, strict=True)
            coll.names = None
            self._invalidate(obj.id)
            if correlation_id:
                self._job(f"Editing {type(obj).__name__} {obj.id}", correlation_id)
            return Response(200, self._entity_xml(coll, obj).encode(), list(_XML))
        if method == "DELETE":
            if "remove" not in methods:
                raise Fault(405, "This resource can't be removed", reason="Method Not Allowed")
            if coll.relation is None:
                actions.check_remove(obj)
            self._remove(coll, obj)
            if coll.path.count("/") == 1 and not isinstance(obj, types.Event):
                self._event_for(obj, "remove", correlation_id)
            if correlation_id:
                self._job(f"Removing {type(obj).__name__} {obj.id}", correlation_id)
            return Response(200, b"", list(_XML))
        raise Fault(405, f"{method} is not allowed here", reason="Method Not Allowed")

    def _read_body(self, body, expected, optional=False):
        if not body.strip():
            if optional:
                return None
            raise Fault(400, "The request has no body", reason="Request syntactically incorrect.")
        try:
            obj = Reader.read(body)
        except (SdkError, ValueError, TypeError) as exc:
            raise Fault(
                400,
                f"The XML document can't be read: {exc}",
                reason="Request syntactically incorrect.",
            ) from None
        if expected is not None and type(obj) is not expected:
            raise Fault(
                400,
                f"Expected a <{struct_info(expected).tag}> document, got "
                f"{type(obj).__name__ if obj is not None else 'nothing'}",
                reason="Request syntactically incorrect.",
            )
        return obj

    @staticmethod
    def _follow(text):
        if not text:
            return None
        tree = {}
        for part in text.split(","):
            node = tree
            for name in part.strip().split("."):
                if name:
                    node = node.setdefault(name, {})
        return tree

    def _search_resolver(self, coll):
        info = coll.info

        def values(obj, key, depth=0):
            if depth > 4:
                return []
            head, _, tail = key.partition(".")
            if head == "correlation_id" and isinstance(obj, types.Job):
                return [self.job_correlation.get(obj.id)]
            sinfo = struct_info(type(obj))
            member = next((m for m in sinfo.members if m.name == head), None)
            if member is None:
                member = next((m for m in sinfo.members if m.name.replace("_", "") == head), None)
            if member is None:
                if depth == 0 and head in _search.ALIASES:
                    found = []
                    for alias in _search.ALIASES[head]:
                        try:
                            found.extend(
                                values(obj, alias + ("." + tail if tail else ""), depth + 1)
                            )
                        except _search.SearchError:
                            continue
                    return found
                raise _search.SearchError(f"unknown field '{key}' for {type(obj).__name__}")
            value = getattr(obj, member.name)
            if value is None:
                return []
            items = list(value) if member.is_list else [value]
            if member.struct is None:
                if tail:
                    raise _search.SearchError(f"'{head}' has no fields")
                return items
            out = []
            for item in items:
                if member.is_link:
                    full = self._lookup_href(getattr(item, "href", None)) or item
                else:
                    full = item
                if tail:
                    out.extend(values(full, tail, depth + 1))
                else:
                    out.extend(
                        v
                        for v in (getattr(full, "name", None), getattr(full, "id", None))
                        if v is not None
                    )
            return out

        del info
        return values

    def _list(self, coll, query):
        items = list(coll.items.values())
        if coll.etype is types.Event:
            items.sort(key=lambda e: int(e.id) if e.id.isdigit() else 0, reverse=True)
            start = query.get("from")
            if start:
                try:
                    start = int(start)
                except ValueError:
                    raise Fault(400, f"Invalid value for 'from': {start!r}") from None
                items = [e for e in items if e.id.isdigit() and int(e.id) > start]
        try:
            limit = int(query["max"]) if query.get("max") not in (None, "") else None
        except ValueError:
            raise Fault(400, f"Invalid value for 'max': {query['max']!r}") from None
        text = query.get("search")
        page = None
        if text:
            case_sensitive = query.get("case_sensitive", "true").lower() != "false"
            resolve = self._search_resolver(coll)
            try:
                parsed = _search.parse(text)
                items = [o for o in items if _search.matches(parsed, o, resolve, case_sensitive)]
                if parsed.sortby:
                    items.sort(
                        key=_search.sort_key(resolve, parsed.sortby), reverse=parsed.descending
                    )
            except _search.SearchError as exc:
                raise Fault(
                    400, f"Invalid search text '{text}': {exc}", reason="Operation Failed"
                ) from None
            page = parsed.page
        if page is not None and limit is not None and limit >= 0:
            items = items[(page - 1) * limit : page * limit]
        elif limit is not None and limit >= 0:
            items = items[:limit]
        follow = self._follow(query.get("follow"))
        tag = coll.plural
        if len(items) <= LIST_STEP:
            body = "".join(self._entity_xml(coll, obj, follow) for obj in items)
            return Response(200, f"<{tag}>{body}</{tag}>".encode(), list(_XML))
        return Response(200, self._stream(coll, items, follow, tag), list(_XML))

    def _stream(self, coll, items, follow, tag):
        """A long list, rendered a step at a time as the client reads it (chunked): the whole
        document never exists at once. Each step is rendered under the lock; an object
        removed meanwhile is left out."""
        yield f"<{tag}>".encode()
        for start in range(0, len(items), LIST_STEP):
            with self.lock:
                members = coll.items
                yield "".join(
                    self._entity_xml(coll, obj, follow)
                    for obj in items[start : start + LIST_STEP]
                    if members.get(obj.id) is obj
                ).encode()
        yield f"</{tag}>".encode()
