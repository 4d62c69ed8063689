"""Records: range-paged full scans, get/create/update/delete, look-ups by a value."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from crmdesk.model import ObjectDef, Record
from crmdesk.model import values as model_values
from crmdesk.remote import limits, schema_cache
from crmdesk.remote.atomic import ids, resources
from crmdesk.remote.atomic.resources import MEMBERS, FieldSpec, Resource
from crmdesk.remote.atomic.session import MAX_PAGE, AtomicSession, row_id
from crmdesk.remote.atomic.values import encoder, from_wire
from crmdesk.remote.backend import RecordPage
from crmdesk.remote.errors import NotFound, PermissionDenied, ProtocolError, ServerRejected
from crmdesk.remote.rows import each, split_unchanged, timestamp
from crmdesk.remote.session import seg
from crmdesk.remote.transport import RequestKind

log = logging.getLogger(__name__)

#: Records of a custom object read to learn its fields when its config names none.
SAMPLE = 50

def _same_value(spec: FieldSpec | None, held: Any, wanted: Any, sent: Mapping[str, Any]) -> bool:
    """Whether a record's value is the one looked up. A value kept in several fields is the same
    when its parts are the ones a write of it sends (``sent``): "Smith, John" typed and "John
    Smith" composed from the row are one name."""
    if spec is not None and spec.parts:
        return isinstance(held, Mapping) and all(
            (held.get(key) or None) == sent.get(written) for key, written, _read in spec.parts)
    return bool(held == wanted)


class RecordsMixin(AtomicSession):
    # -- mapping ------------------------------------------------------------------------------

    def resource_of(self, object_slug: str) -> Resource:
        resource = resources.BY_OBJECT.get(object_slug) or self.custom.get(object_slug)
        if resource is None:
            self.object_def(object_slug)  # loads the schema once; NotFound when it has no such object
            resource = self.custom.get(object_slug)
        if resource is None:
            raise NotFound(f"The server has no object “{object_slug}”.")
        return resource

    def load_objects(self) -> list[ObjectDef]:
        """The built-in objects (deal stages from ``configuration``) and the custom objects of
        ``object-config``; refreshes the cache. Without the configuration, deals show their stage
        values as stored, without titles."""
        config = self.configuration()
        objects = [resources.object_def(resource, config) for resource in resources.BUILTIN]
        self.custom = {resource.object_slug: resource for resource in self._custom_resources()}
        objects.extend(resources.object_def(resource) for resource in self.custom.values())
        self.schema.replace(objects)
        return objects

    def _custom_resources(self) -> list[Resource]:
        """Custom objects from ``GET /api/object-config``. Only its create is recorded (169); a
        server without the list (404), or an account not allowed to read it (403), has none
        that crmdesk can see, and an answer in another shape is logged and read as none."""
        try:
            data = self.get("/object-config")
        except (NotFound, PermissionDenied) as error:
            log.info("no custom objects: %s", error.message)
            return []
        if isinstance(data, Mapping):
            data = data.get("data") or data.get("objects")
        if not isinstance(data, list):
            log.warning("the server's object-config answer is not a list; no custom objects read")
            return []
        found = []
        for row in data:
            if isinstance(row, Mapping) and row.get("isActive", True) is not False:
                resource = resources.custom_resource(row)
                if resource is not None and limits.flaw(resource.object_slug) is None:
                    found.append(self._with_fields(resource, row))
        return found

    def _with_fields(self, resource: Resource, config: Mapping[str, Any]) -> Resource:
        """A custom object's fields: the config's where it names them; else those its newest
        records hold (one request of ``SAMPLE`` rows per custom object, at each schema pull)."""
        if config.get("fields") or config.get("attributes"):
            return resource
        page = self.list_page(resource.name, 0, SAMPLE - 1, {"sort": "id", "order": "DESC"})
        return resources.with_sampled_fields(resource, page.rows)

    def decode_record(self, resource: Resource, obj: ObjectDef, row: Mapping[str, Any]) -> Record:
        """A record; ``PoisonedRow`` for a poisoned id (``each`` skips it in a page)."""
        record_id = row_id(row, resource.name, f"A record of {obj.slug}")
        extra = row.get("custom_fields") if resource.custom else None
        wire: dict[str, Any] = {}
        for spec in resource.fields:
            if spec.answered_in(row):
                wire[spec.slug] = spec.wire_of(row)
            elif isinstance(extra, Mapping) and spec.slug in extra:
                wire[spec.slug] = extra[spec.slug]
        owner = f"{obj.slug} {record_id}"
        values = schema_cache.decode_values(
            obj.by_slug, wire, owner=owner, read=from_wire
        )
        creator = ids.reference(MEMBERS, row.get("crmUserId", row.get("crm_user_id")))
        return Record(
            id=record_id,
            object_slug=obj.slug,
            values=values,
            created_at=timestamp(row.get(resource.created_key)) if resource.created_key else None,
            updated_at=timestamp(row.get(resource.updated_key)) if resource.updated_key else None,
            created_by=creator,
        )

    def encode(self, resource: Resource, obj: ObjectDef, values: Mapping[str, Any]) -> dict[str, Any]:
        """Canonical values → the snake_case body, only fields the server's whitelist takes;
        ``ServerRejected`` naming each field that cannot be sent (the server would answer 400).
        A value kept in several fields (a person's name) sets each of them: a clear clears all."""
        specs = {spec.slug: spec for spec in resource.fields}
        by_slug = schema_cache.encode_values(obj.by_slug, values, write=encoder(specs))
        body: dict[str, Any] = {}
        for slug, wire in by_slug.items():
            spec = specs.get(slug)
            if spec is None or not spec.parts:
                body[slug] = wire
                continue
            for key, written, _read in spec.parts:
                body[written] = wire.get(key) if isinstance(wire, Mapping) else None
        return body

    def send_values(self, resource: Resource, method: str, path: str, body: Mapping[str, Any], **options: Any) -> Any:
        """A create or update; a refusal naming a field of a value kept in several fields
        (``Invalid firstName``) names its attribute (``name``), which is what the user edited."""
        try:
            return self.call(method, path, body=body, **options)
        except ServerRejected as error:
            named = {resource.slug_of_field(field): message for field, message in error.field_errors.items()}
            if type(error) is not ServerRejected or named == dict(error.field_errors):
                raise
            raise ServerRejected(error.message, field_errors=named, status=error.status, code=error.code,
                                 method=error.method, path=error.path) from None

    # -- paging -------------------------------------------------------------------------------

    def iter_record_pages(
        self, object_slug: str, changed_since: str | None = None, page_size: int = MAX_PAGE,
        known_updated_at: Mapping[str, str] | None = None,
    ) -> Iterator[RecordPage]:
        """Every record, newest first by id. ``changed_since`` is not honoured: no object of this
        server can be asked (``ATOMIC_DEFAULTS.changed_since_objects`` is empty, so sync never
        asks). Contacts and companies keep no time; deals sort by ``updatedAt``, but it does not
        move on an update (recordings 088 and 181: a PUT answers the old time), so reading deals
        newest-updated first and stopping at the last sync's mark would miss every edit; and a
        filter on ``updated_at`` answers 500 (DESIGN §4).

        ``known_updated_at`` is used only where the server's time moves on every change (custom
        objects)."""
        resource = self.resource_of(object_slug)
        obj = self.object_def(object_slug)
        trusted = known_updated_at if resource.custom and resource.updated_key else None
        for rows, total in self.raw_pages(resource.name, "id", page_size, ahead=bool(trusted)):
            unchanged: list[str] = []
            if trusted and resource.updated_key:
                rows, unchanged = split_unchanged(
                    rows, trusted, id_of=lambda row: ids.reference(resource.name, row.get("id")),
                    time_key=resource.updated_key)
            records = each(rows, lambda row: self.decode_record(resource, obj, row), f"a record of {object_slug}")
            yield RecordPage(records, total, unchanged)

    def record_ids(self, object_slug: str) -> set[str]:
        resource = self.resource_of(object_slug)
        found: set[str] = set()
        for rows, _total in self.raw_pages(resource.name, "id", MAX_PAGE, ahead=True):
            found.update(ident for row in rows if (ident := ids.reference(resource.name, row.get("id"))))
        return found

    # -- one record ---------------------------------------------------------------------------

    def get_record(self, object_slug: str, record_id: str) -> Record:
        resource = self.resource_of(object_slug)
        try:
            number = ids.number_in(record_id, resource.name, "id")
        except ServerRejected:
            # An id of another resource (or made offline) names no record of this object here.
            raise NotFound(f"The server has no {object_slug} record {record_id}.") from None
        row = self.get_object_row(f"/{seg(resource.name)}/{number}", f"{object_slug} {record_id}")
        self._same_record(row, resource, record_id)
        return self.decode_record(resource, self.object_def(object_slug), row)

    @staticmethod
    def _same_record(row: Mapping[str, Any], resource: Resource, record_id: str) -> None:
        # The real server reads "1abc" as 1 (README 9): an answer about another record is not this one.
        if ids.reference(resource.name, row.get("id")) != record_id:
            raise NotFound(f"The server has no record {record_id}.")

    @staticmethod
    def record_number(resource: Resource, record_id: str) -> int:
        """The bare integer of a record id of ``resource`` (``ServerRejected`` naming ``id`` else)."""
        return ids.number_in(record_id, resource.name, "id")

    def create_record(self, object_slug: str, values: Mapping[str, Any], idempotency_key: str) -> Record:
        resource = self.resource_of(object_slug)
        obj = self.object_def(object_slug)
        body = self.encode(resource, obj, values)
        if not body:
            raise ServerRejected("A record needs at least one value on this server.")
        # The server ignores Idempotency-Key; sent anyway, harmless, for a server that honours it.
        row = self.send_values(resource, "POST", f"/{seg(resource.name)}", body, kind=RequestKind.CREATE,
                               idempotency_key=idempotency_key)
        return self.decode_record(resource, obj, self._row(row, "a created record"))

    def update_record(self, object_slug: str, record_id: str, changed: Mapping[str, Any]) -> Record:
        resource = self.resource_of(object_slug)
        obj = self.object_def(object_slug)
        number = self.record_number(resource, record_id)
        body = self.encode(resource, obj, changed)
        if not body:
            return self.get_record(object_slug, record_id)  # the server answers an empty PUT with 400
        row = self.send_values(resource, "PUT", f"/{seg(resource.name)}/{number}", body)
        return self.decode_record(resource, obj, self._row(row, "an updated record"))

    def delete_record(self, object_slug: str, record_id: str) -> None:
        """An admin's delete removes the record; a member's delete of a deal archives it (README
        10): it leaves every list, as a deleted one does, so it counts as deleted. A member may
        not delete other records (403: ``PermissionDenied``, a rejection)."""
        resource = self.resource_of(object_slug)
        number = self.record_number(resource, record_id)
        try:
            answer = self.call("DELETE", f"/{seg(resource.name)}/{number}")
        except NotFound:
            log.info("record %s %s was already gone", object_slug, record_id)
            return
        if isinstance(answer, Mapping) and answer.get("archived") is True:
            log.info("record %s %s was archived (a member's delete)", object_slug, record_id)

    def find_records_by(self, object_slug: str, attribute: str, value: Any, limit: int = 20) -> list[Record]:
        """Asked with ``filters`` (values as JSON strings: a number drops the filter, README 4) and
        checked here, since the real server ignores filters it cannot apply (custom objects ignore
        them all): only records whose value really equals ``value`` come back. A value kept in
        several fields (a person's name) is asked with an ``eq`` on each part it has, joined by
        AND (the server's default, 032)."""
        resource = self.resource_of(object_slug)
        obj = self.object_def(object_slug)
        attr = obj.attribute(attribute)
        if attr is None:
            raise ServerRejected(f"The server has no attribute “{attribute}” on {object_slug}.")
        wanted = model_values.validate_value(attr, value)
        body = self.encode(resource, obj, {attribute: wanted}) if wanted is not None else {}
        # The server compares text: a checkbox's True must be "true", as its JSON reads, not "True".
        terms = [{"field": field, "op": "eq", "value": operand if isinstance(operand, str) else json.dumps(operand)}
                 for field, operand in body.items() if operand is not None]
        if not terms:
            raise ServerRejected(f"Records cannot be looked up by an empty {attribute}.")
        spec = resource.spec(attribute)
        extra = {"filters": json.dumps(terms)}
        found: list[Record] = []
        for rows, _total in self.raw_pages(resource.name, "id", MAX_PAGE, extra=extra):
            for record in each(rows, lambda row: self.decode_record(resource, obj, row), f"a record of {object_slug}"):
                if _same_value(spec, record.values.get(attribute), wanted, body):
                    found.append(record)
                    if len(found) >= limit:
                        return found
        return found

    @staticmethod
    def _row(data: Any, what: str) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            raise ProtocolError(f"The server's answer for {what} is not an object.")
        return data
