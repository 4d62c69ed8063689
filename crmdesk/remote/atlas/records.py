"""Templates and entities: the schema, full scans, get/create/update/delete, look-ups by a value.

Entities keep no time they were made or changed and the API has no "changed since": every pull
reads every entity (``GET …/entities?type=…&size=100``, next links, ``AtlasSession.listing``'s
completeness check), and the same scan finds deletions. A list item without ``fields`` (the seed's
list example shows none) is read by its own ``GET``.

Creates are ``POST …/entities`` (201); the API has no idempotency key, so a create whose answer
was lost is looked up (``find_records_by``) before it is sent again. Updates are ``PUT`` with the
changed fields only (``null`` clears one); deletes ``DELETE`` (404: already gone).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from crmdesk.model import AttributeDef, ObjectDef, Record
from crmdesk.model import values as model_values
from crmdesk.remote import schema_cache
from crmdesk.remote.atlas import schema
from crmdesk.remote.atlas.session import MAX_PAGE, AtlasSession, object_of
from crmdesk.remote.atlas.values import filter_param, from_wire, to_wire
from crmdesk.remote.backend import RecordPage
from crmdesk.remote.errors import NotFound, PoisonedRow, ServerRejected
from crmdesk.remote.lookup import holding, looked_up
from crmdesk.remote.paging import Row
from crmdesk.remote.rows import each, usable_identity
from crmdesk.remote.session import seg

log = logging.getLogger(__name__)


class RecordsMixin(AtlasSession):
    # -- schema -----------------------------------------------------------------------------------

    def load_objects(self) -> list[ObjectDef]:
        """The three entity types from their templates (three requests); refreshes the cache."""
        objects = [self.load_object(slug) for slug in schema.ENTITY_TYPES]
        self.schema.replace(objects)
        return objects

    def load_object(self, slug: str) -> ObjectDef:
        if slug not in schema.ENTITY_TYPES:
            raise NotFound(f"Atlas CRM has no entity type “{slug}” (it has companies, contacts and sales).")
        found = schema.object_def(slug, self.get(f"/template/{seg(slug)}"))
        self.schema.put(found)
        return found

    # -- mapping ------------------------------------------------------------------------------------

    def decode_record(self, obj: ObjectDef, entity: Mapping[str, Any]) -> Record:
        """A record from an entity; ``PoisonedRow`` for an unusable id or another type than
        ``obj``'s (``each`` skips it in a page; a single answer fails)."""
        ident = entity.get("id")
        if not isinstance(ident, str) or not ident:
            raise PoisonedRow(f"An entity of {obj.slug} from the server has no id.")
        usable_identity(ident, "id", f"An entity of {obj.slug}")
        kind = entity.get("type")
        if kind is not None and kind != obj.slug:
            # One item of another type fails no pull: a list skips it (``each``, logged).
            raise PoisonedRow(f"The server sent a {str(kind)[:20]} where a {obj.slug} was asked for ({ident}).")
        values = schema_cache.decode_values(obj.by_slug, entity.get("fields"), owner=f"{obj.slug} {ident}",
                                            read=from_wire)
        return Record(id=ident, object_slug=obj.slug, values=values)

    def encode(self, attrs: Mapping[str, AttributeDef], values: Mapping[str, Any]) -> dict[str, Any]:
        """Canonical values → ``{field id: wire value}`` (``None`` clears), or ``ServerRejected``
        naming each field that cannot be sent, before anything is sent."""
        def write(attr: AttributeDef, value: Any) -> Any:
            return to_wire(attr, model_values.validate_value(attr, value))

        return schema_cache.encode_values(attrs, values, write=write)

    def _entity(self, answer: Any, obj: ObjectDef, what: str) -> Record:
        return self.decode_record(obj, object_of(answer, what))

    # -- paging ---------------------------------------------------------------------------------------

    def _scan(
        self, obj: ObjectDef, page_size: int, filters: Mapping[str, Any] | None = None,
    ) -> Iterator[tuple[list[Row], int | None]]:
        params = {"type": obj.slug, **(filters or {})}
        yield from self.listing("/entities", params, page_size, obj.plural_name.lower())

    def _decode_rows(self, obj: ObjectDef, rows: list[Row]) -> list[Record]:
        def build(row: Row) -> Record:
            item = row["item"]
            if "fields" not in item:  # a bare list item: its fields are read on their own
                return self.get_record(obj.slug, str(row["id"]))
            return self.decode_record(obj, item)

        return each(rows, build, f"an entity of {obj.slug}")

    def iter_record_pages(
        self, object_slug: str, changed_since: str | None = None, page_size: int = MAX_PAGE,
        known_updated_at: Mapping[str, str] | None = None,
    ) -> Iterator[RecordPage]:
        """Every entity of the type, by name. ``changed_since`` and ``known_updated_at`` cannot be
        honoured (entities keep no times; ``ATLAS_DEFAULTS.changed_since_objects`` is empty)."""
        obj = self.object_def(object_slug)
        for rows, total in self._scan(obj, page_size):
            yield RecordPage(self._decode_rows(obj, rows), total)

    def record_ids(self, object_slug: str) -> set[str]:
        obj = self.object_def(object_slug)
        found: set[str] = set()
        for rows, _total in self._scan(obj, MAX_PAGE):
            found.update(str(row["id"]) for row in rows)
        return found

    # -- one record -----------------------------------------------------------------------------------

    def _path(self, record_id: str) -> str:
        return f"/entities/{seg(record_id)}"

    def get_record(self, object_slug: str, record_id: str) -> Record:
        obj = self.object_def(object_slug)
        return self._entity(self.get(self._path(record_id)), obj, "an entity")

    def create_record(self, object_slug: str, values: Mapping[str, Any], idempotency_key: str) -> Record:
        """``POST …/entities`` (the API takes no idempotency key: ``idempotency_key`` is not sent). A
        required field left out is refused by the server with its words."""
        obj = self.object_def(object_slug)
        fields = {slug: sent for slug, sent in self.encode(obj.by_slug, values).items() if sent is not None}
        answer = self.write("POST", "/entities", {"type": object_slug, "fields": fields})
        return self._entity(answer, obj, "a created entity")

    def update_record(self, object_slug: str, record_id: str, changed: Mapping[str, Any]) -> Record:
        """``PUT`` with the changed fields only; ``None`` is ``null``, which clears a field."""
        obj = self.object_def(object_slug)
        fields = self.encode(obj.by_slug, changed)
        if not fields:
            return self.get_record(object_slug, record_id)
        return self._entity(self.write("PUT", self._path(record_id), {"fields": fields}), obj, "an updated entity")

    def delete_record(self, object_slug: str, record_id: str) -> None:
        try:
            self.write("DELETE", self._path(record_id))
        except NotFound:
            log.info("entity %s %s was already gone", object_slug, record_id)

    # -- look-ups --------------------------------------------------------------------------------------

    def find_records_by(self, object_slug: str, attribute: str, value: Any, limit: int = 20) -> list[Record]:
        """Entities whose ``attribute`` holds ``value`` (an element of a multi-select): asked with the
        field's filter (``eq``, or ``contains`` where the type has no ``eq``) and compared here, so
        only entities really holding the value come back."""
        obj = self.object_def(object_slug)
        attr = obj.attribute(attribute)
        if attr is None:
            raise ServerRejected(f"Atlas CRM has no field “{attribute}” on {obj.plural_name.lower()}.")
        wanted, (key, text) = looked_up(attr, value, attr.title, lambda element: filter_param(attr, element))
        if isinstance(wanted, dict) and wanted.get("currency") is None:
            wanted = {**wanted, "currency": attr.currency_code}  # an amount alone is in the field's code
        pages = (self._decode_rows(obj, rows) for rows, _total in self._scan(obj, MAX_PAGE, {key: text}))
        return holding(pages, attribute, wanted, limit)


__all__ = ["RecordsMixin"]
