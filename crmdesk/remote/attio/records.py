"""Records: full scans, get/create/update/delete, look-ups by a value.

Records carry no update time, so there is no "changed since": every pull scans (``POST
…/records/query`` sorted by ``created_at`` newest first, offset paging through the shared
``offset_pages``, 500 a page) and the same scan finds deletions.

An update that writes a location first reads the record (one ``GET``): a location is written
whole, and what the model cannot hold of the server's value (lines 3 and 4, the coordinates) is
carried over from it (``values.carried``) rather than erased.

Creates are ``POST …/records`` (an ``Idempotency-Key`` is sent; Attio documents none, so it is
harmless and ``idempotent_create`` stays off). Attio's assert (``PUT …/records?matching_attribute=``)
is deliberately not used for creates: where a colleague already holds the unique value, assert
would silently turn the user's new record into an update of theirs, overwriting its values,
where a create is refused (``uniqueness_conflict``) and the user decides. A create whose answer
was lost is looked up instead (``find_records_by``, by the values it sent), as on every dialect
without idempotent creates.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Record
from crmdesk.model import values as model_values
from crmdesk.remote import limits, schema_cache
from crmdesk.remote.attio import ids
from crmdesk.remote.attio.objects import SchemaMixin
from crmdesk.remote.attio.session import MAX_PAGE, row_of
from crmdesk.remote.attio.values import from_wire, to_wire
from crmdesk.remote.attio.web import relearnt
from crmdesk.remote.backend import RecordPage
from crmdesk.remote.errors import NotFound, ServerRejected
from crmdesk.remote.lookup import holding, looked_up
from crmdesk.remote.rows import each, timestamp
from crmdesk.remote.session import seg
from crmdesk.remote.transport import RequestKind

log = logging.getLogger(__name__)

#: Types whose equality Attio's filter takes as a plain ``$eq`` on a scalar (the contract).
_SCALAR_FILTER = frozenset({
    AttributeType.TEXT, AttributeType.NUMBER, AttributeType.CHECKBOX, AttributeType.EMAIL_ADDRESS,
    AttributeType.DOMAIN, AttributeType.PHONE_NUMBER, AttributeType.SELECT, AttributeType.STATUS,
})


class RecordsMixin(SchemaMixin):
    # -- mapping --------------------------------------------------------------------------------

    def decode_record(self, obj: ObjectDef, row: Mapping[str, Any]) -> Record:
        """A record; ``PoisonedRow`` for a poisoned id (``each`` skips it in a page)."""
        record_id = ids.inner(row, "record_id", f"A record of {obj.slug}")
        values = schema_cache.decode_values(obj.by_slug, row.get("values"), owner=f"{obj.slug} {record_id}",
                                            read=from_wire)
        creator = values.get("created_by")
        self.remember(record_id, obj.slug)
        template = relearnt(self.web_patterns.get(obj.slug), row.get("web_url"), record_id)
        if template is not None:
            self.web_patterns = {**self.web_patterns, obj.slug: template}
        return Record(
            id=record_id, object_slug=obj.slug, values=values,
            created_at=timestamp(row.get("created_at")),
            updated_at=None,  # Attio keeps no update time for a record
            created_by=creator if isinstance(creator, str) else None,
        )

    def encode(
        self, attrs: Mapping[str, AttributeDef], values: Mapping[str, Any],
        current: Mapping[str, Any] | None = None,
    ) -> dict[str, list[Any]]:
        """Canonical values → ``{slug: [input values]}`` (``[]`` clears), or ``ServerRejected``
        naming each field that cannot be sent (a reference to a record the server no longer has
        among them), before anything is sent. ``current``: the values as the server answered them,
        for what a write keeps of them (a location's lines and coordinates)."""
        def write(attr: AttributeDef, value: Any) -> list[Any]:
            return to_wire(attr, model_values.validate_value(attr, value), self.target_of,
                           (current or {}).get(attr.slug))

        return schema_cache.encode_values(attrs, values, write=write)

    def target_of(self, attr: AttributeDef, record_id: str) -> str:
        """The object a referenced record is of: the attribute's one allowed object, else the
        record's object as read (or asked for); ``ValueError`` (the value's refusal, naming the
        attribute) when no object has it."""
        if attr.target_object:
            return attr.target_object
        found = self.object_of(record_id)
        if found is None:
            raise ValueError(gone(record_id))
        return found

    def object_of(self, record_id: str) -> str | None:
        """The slug of the object ``record_id`` is of: as read by this backend, else asked of each
        object in turn; None when none has it. Never ``NotFound``: the record asked about is one a
        value or a task names, not the one being written (a ``NotFound`` would tell sync that one
        was deleted)."""
        known = self.record_objects.get(record_id)
        if known is not None:
            return known
        for slug in list(self.object_slugs.values()) or [obj.slug for obj in self.load_objects()]:
            try:
                self.get(f"/objects/{seg(slug)}/records/{seg(record_id)}")
            except NotFound:
                continue
            self.remember(record_id, slug)
            return slug
        return None

    # -- paging ----------------------------------------------------------------------------------

    def iter_record_pages(
        self, object_slug: str, changed_since: str | None = None, page_size: int = MAX_PAGE,
        known_updated_at: Mapping[str, str] | None = None,
    ) -> Iterator[RecordPage]:
        """Every record, newest first. ``changed_since`` and ``known_updated_at`` cannot be
        honoured (records have no update time; ``ATTIO_DEFAULTS.changed_since_objects`` is empty,
        so sync asks for neither): every record is read and decoded."""
        obj = self.object_def(object_slug)
        for rows in self.scan(f"/objects/{seg(object_slug)}/records/query", "record_id", page_size, ahead=True):
            yield RecordPage(each(rows, lambda row: self.decode_record(obj, row), f"a record of {object_slug}"))

    def record_ids(self, object_slug: str) -> set[str]:
        found: set[str] = set()
        for rows in self.scan(f"/objects/{seg(object_slug)}/records/query", "record_id", MAX_PAGE, ahead=True):
            for row in rows:
                ident = row.get("id")
                if isinstance(ident, str) and limits.flaw(ident) is None:  # a poisoned id names nothing
                    found.add(ident)
                    self.remember(ident, object_slug)
        return found

    # -- one record ------------------------------------------------------------------------------

    def _path(self, object_slug: str, record_id: str) -> str:
        return f"/objects/{seg(object_slug)}/records/{seg(ids.require(record_id, 'id'))}"

    def get_record(self, object_slug: str, record_id: str) -> Record:
        obj = self.object_def(object_slug)
        if not ids.is_uuid(record_id):
            raise NotFound(f"The server has no {object_slug} record {record_id}.")  # asked for nothing
        return self.decode_record(obj, row_of(self.get(self._path(object_slug, record_id)), "a record"))

    def create_record(self, object_slug: str, values: Mapping[str, Any], idempotency_key: str) -> Record:
        """``POST …/records`` (not assert: see the module's notes). A unique value another record
        holds is refused by the server (``uniqueness_conflict``): a ``ServerRejected`` with its words."""
        obj = self.object_def(object_slug)
        body = {"data": {"values": self.encode(obj.by_slug, values)}}
        self.require_scopes("records", f"Adding a record to {object_slug}")
        answer = self.call("POST", f"/objects/{seg(object_slug)}/records", body=body, kind=RequestKind.CREATE,
                           idempotency_key=idempotency_key)
        return self.decode_record(obj, row_of(answer, "a created record"))

    def update_record(self, object_slug: str, record_id: str, changed: Mapping[str, Any]) -> Record:
        """``PUT`` with the changed attributes only: the spec's PUT replaces a multiselect's list
        (PATCH would add to it) and leaves the attributes not sent as they are; ``None`` is ``[]``.
        A location written is first read as the server has it (one ``GET`` of the record), so what
        the model does not hold of it is kept (``values.carried``)."""
        obj = self.object_def(object_slug)
        path = self._path(object_slug, record_id)
        encoded = self.encode(obj.by_slug, changed)
        if not encoded:
            return self.get_record(object_slug, record_id)
        self.require_scopes("records", f"Changing a record of {object_slug}")
        encoded = self.keeping_locations(obj.by_slug, changed, encoded, path, "values")
        answer = self.call("PUT", path, body={"data": {"values": encoded}})
        return self.decode_record(obj, row_of(answer, "an updated record"))

    def keeping_locations(
        self, attrs: Mapping[str, AttributeDef], changed: Mapping[str, Any], encoded: dict[str, list[Any]],
        path: str, key: str,
    ) -> dict[str, list[Any]]:
        """``encoded`` with each location written carrying over what the server's value has that the
        model does not (``values.carried``): the record or entry at ``path`` is read first (one
        ``GET``; its values under ``key``) when a location is written, not otherwise."""
        places = {slug: changed[slug] for slug, sent in encoded.items()
                  if sent and attrs[slug].type is AttributeType.LOCATION}
        if not places:
            return encoded
        current = row_of(self.get(path), "what is being changed").get(key)
        return {**encoded, **self.encode(attrs, places, current if isinstance(current, Mapping) else {})}

    def delete_record(self, object_slug: str, record_id: str) -> None:
        path = self._path(object_slug, record_id)
        self.require_scopes("records", f"Deleting a record of {object_slug}")
        try:
            self.call("DELETE", path)
        except NotFound:
            log.info("record %s %s was already gone", object_slug, record_id)

    # -- look-ups ---------------------------------------------------------------------------------

    def find_records_by(self, object_slug: str, attribute: str, value: Any, limit: int = 20) -> list[Record]:
        """Records whose ``attribute`` equals ``value`` (an element of a multi-value): asked with
        Attio's filter (``{slug: {"$eq": scalar}}``; a personal name by its full name) and checked
        here, so only records really holding the value come back."""
        obj = self.object_def(object_slug)
        attr = obj.attribute(attribute)
        if attr is None:
            raise ServerRejected(f"The server has no attribute “{attribute}” on {object_slug}.")
        wanted, query = looked_up(attr, value, attribute, lambda element: _filter(attr, element))
        path = f"/objects/{seg(object_slug)}/records/query"
        pages = (each(rows, lambda row: self.decode_record(obj, row), f"a record of {object_slug}")
                 for rows in self.scan(path, "record_id", MAX_PAGE, extra={"filter": query}))
        return holding(pages, attribute, wanted, limit)


def gone(record_id: str) -> str:
    """Why a value or a task cannot name ``record_id``."""
    return f"names a record the server does not have (deleted there?): {record_id}"


def _filter(attr: AttributeDef, element: Any) -> dict[str, Any]:
    """Attio's filter for "``attr`` holds ``element``"; ``ServerRejected`` for a type it cannot ask."""
    if attr.type is AttributeType.PERSONAL_NAME:
        return {attr.slug: {"full_name": {"$eq": element.get("full_name")}}}
    if attr.type not in _SCALAR_FILTER:
        raise ServerRejected(f"Records cannot be looked up by {attr.title or attr.slug} on this server "
                             f"(a {attr.type.value} is not compared with a plain “equals”).")
    return {attr.slug: {"$eq": element}}


__all__ = ["RecordsMixin", "gone"]
