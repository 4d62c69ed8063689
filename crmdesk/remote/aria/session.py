"""What every part of the Aria adapter shares: the transport, the envelope, the schema."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from crmdesk.model import AttributeDef, ListDef, Note, ObjectDef
from crmdesk.remote.aria import wire
from crmdesk.remote.errors import ProtocolError
from crmdesk.remote.rows import each
from crmdesk.remote.session import ApiSession, seg
from crmdesk.remote.transport import RequestKind, Transport

API = "/api/v1"


class AriaSession(ApiSession):
    """Base of ``AriaBackend``: requests answering ``{"data": …}`` and the schema cache."""

    api = API

    def __init__(self, transport: Transport, *, paging: str = "offset") -> None:
        if paging not in ("offset", "cursor"):
            raise ValueError("paging is “offset” or “cursor”")
        super().__init__(transport)
        #: Each list's definition as last read (``lists``/``get_list``): entry reads and writes
        #: decode and encode values with it instead of asking ``GET /lists/{id}`` per call. A sync
        #: refreshes it once, in its schema step (``lists``).
        self.list_defs: dict[str, ListDef] = {}
        #: Notes as last read — the server's row and what it read as — by id: Aria has no "changed
        #: since" for notes, so a sync re-reads all of them; a row that has not changed at all is
        #: not converted from TipTap again.
        self.notes_read: dict[str, tuple[Mapping[str, Any], Note]] = {}
        self.paging = paging
        #: Set by ``probe_capabilities``: whether the server really filters on updatedAt.
        self.incremental_pull = False

    def answer(self, payload: Any, method: str, path: str) -> Any:
        """The ``data`` of the envelope every answer comes in; a ``ProtocolError`` naming the
        request when there is none."""
        try:
            return wire.data_of(payload)
        except ProtocolError as error:
            error.method, error.path = method, path
            raise

    def query(self, path: str, body: Any) -> Any:
        """A POST that only reads (``…/records/query``): safe to retry."""
        return self.call("POST", path, body=body, kind=RequestKind.READ)

    # -- schema ---------------------------------------------------------------------------

    def load_objects(self) -> list[ObjectDef]:
        """All objects with attributes and options/statuses; refreshes the cache."""
        def load(row: Mapping[str, Any]) -> ObjectDef:
            return wire.object_def(row, self.load_attributes(wire.identity(row, "slug", "An object")))

        objects = each(wire.rows_of(self.get("/objects"), "objects"), load, "an object")
        self.schema.replace(objects)
        return objects

    def load_object(self, slug: str) -> ObjectDef:
        """One object, asked for by slug, and kept in the cache (a list answer may have left it out)."""
        obj = wire.object_def(self.get(f"/objects/{seg(slug)}"), self.load_attributes(slug))
        self.schema.put(obj)
        return obj

    def load_attributes(self, slug: str) -> tuple[AttributeDef, ...]:
        rows = wire.rows_of(self.get(f"/objects/{seg(slug)}/attributes"), "attributes")
        attrs = []
        for attr in each(rows, wire.attribute, f"an attribute of {slug}"):
            if attr is None:
                continue
            if attr.has_options and not attr.options and attr.id:
                # The attribute list may leave choices out (or list none yet): ask for them.
                attr = self._with_options(slug, attr)
            attrs.append(attr)
        return tuple(attrs)

    def _with_options(self, slug: str, attr: AttributeDef) -> AttributeDef:
        data = self.get(f"/objects/{seg(slug)}/attributes/options", {"attributeId": attr.id})
        options = tuple(sorted(each(wire.rows_of(data, "options"), wire.option, f"an option of {attr.slug}"),
                               key=lambda o: o.order))
        return replace(attr, options=options)

    def refresh_object(self, slug: str) -> ObjectDef:
        """Reload one object's attributes (after a schema change made through us)."""
        obj = self.object_def(slug)
        fresh = replace(obj, attributes=self.load_attributes(slug))
        self.schema.put(fresh)
        return fresh
