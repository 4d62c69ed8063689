"""Reading the schema: objects, their attributes, and the options and statuses of each choice.

One request for the objects, one per object for its attributes, and one per select or status
attribute for its choices (the attribute list carries none). They are read once per schema pull
(``objects()``, the sync's schema step) into the schema cache; records, entries and look-ups decode
with the cached definitions and ask nothing more. Archived options and statuses are read too
(``show_archived``): a record may still hold one, and it shows with its title, inactive.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from crmdesk.model import AttributeDef, ObjectDef, Option
from crmdesk.remote.attio import ids, schema
from crmdesk.remote.attio.session import AttioSession, row_of, rows_of
from crmdesk.remote.rows import each
from crmdesk.remote.session import seg

log = logging.getLogger(__name__)

#: The choice endpoint and the key of a choice's id, by Attio type.
CHOICES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {"select": ("options", "option_id"), "status": ("statuses", "status_id")})


class SchemaMixin(AttioSession):
    def load_objects(self) -> list[ObjectDef]:
        """Every object with its attributes and choices; refreshes the caches."""
        rows = rows_of(self.get("/objects"), "objects")
        # Attribute configs name objects by id: the whole map first, then the attributes.
        self.object_slugs = {oid: slug for row in rows if (oid := ids.raw_inner(row, "object_id"))
                             and isinstance(slug := row.get("api_slug"), str)}
        def build(row: Mapping[str, Any]) -> ObjectDef:
            return schema.object_def(row, self.load_attributes("objects", schema.slug_of(row, "An object")))

        objects = each(rows, build, "an object")
        self.schema.replace(objects)
        return objects

    def load_object(self, slug: str) -> ObjectDef:
        """One object asked for by its slug (``NotFound`` when the server has none), cached."""
        row = row_of(self.get(f"/objects/{seg(slug)}"), f"object {slug}")
        if not self.object_slugs:
            # A cold cache: attribute configs name objects by id, so every object is read first,
            # this one among them (with its attributes): it is not read a second time.
            fresh = next((obj for obj in self.load_objects() if obj.slug == slug), None)
            if fresh is not None:
                return fresh
        found = schema.object_def(row, self.load_attributes("objects", slug))
        oid = found.id
        if oid and self.object_slugs.get(oid) != found.slug:
            self.object_slugs = {**self.object_slugs, oid: found.slug}
        self.schema.put(found)
        return found

    def refresh_object(self, slug: str) -> ObjectDef:
        """The object with its attributes read again (after a change made through us)."""
        obj = replace(self.object_def(slug), attributes=self.load_attributes("objects", slug))
        self.schema.put(obj)
        return obj

    def load_attributes(self, target: str, identifier: str) -> tuple[AttributeDef, ...]:
        """The attributes of an object or list (``target`` ``objects`` or ``lists``), with choices."""
        rows = rows_of(self.get(f"/{target}/{seg(identifier)}/attributes"), f"attributes of {identifier}")
        found: list[AttributeDef] = []
        for order, row in enumerate(rows):
            def build(row: Mapping[str, Any], order: int = order) -> AttributeDef | None:
                return schema.attribute(row, self.object_slugs, order, self._choices(target, identifier, row))

            found.extend(attr for attr in each([row], build, f"an attribute of {identifier}") if attr is not None)
        return tuple(found)

    def _choices(self, target: str, identifier: str, row: Mapping[str, Any]) -> tuple[Option, ...]:
        where = CHOICES.get(str(row.get("type")))
        attribute = ids.raw_inner(row, "attribute_id") or row.get("api_slug")
        if where is None or not isinstance(attribute, str):
            return ()
        endpoint, key = where
        path = f"/{target}/{seg(identifier)}/attributes/{seg(attribute)}/{endpoint}"
        rows = rows_of(self.get(path, {"show_archived": "true"}), f"{endpoint} of {attribute}")
        return tuple(each(
            [{**row, "_order": order} for order, row in enumerate(rows)],
            lambda choice: schema.option(choice, key, int(choice["_order"])), f"an option of {attribute}"))


__all__ = ["CHOICES", "SchemaMixin"]
