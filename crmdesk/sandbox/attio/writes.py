"""The write path of records (and, through ``read``/``merge``, of entries) with Attio's rules.

- values are named by attribute slug or id; an unknown one is 400 ``value_not_found``;
- PUT replaces a multiselect attribute's values, PATCH (and assert) adds to them; ``[]`` clears;
- a single-value attribute takes one value; clearing a required one is 400 ``missing_value``;
- a unique attribute's value another record holds is 400 ``uniqueness_conflict``;
- every value replaced or removed is kept in the history with when it ended, every value
  written opens there with when and by whom (``history.py``);
- what a value holds beyond its canonical element (a location's lines 3 and 4 and coordinates)
  is kept beside it (``parts.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Record
from crmdesk.model.values import elements
from crmdesk.sandbox.attio.errors import ApiError, invalid
from crmdesk.sandbox.attio.history import History, element_key
from crmdesk.sandbox.attio.http import Ctx
from crmdesk.sandbox.attio.parts import ValueParts
from crmdesk.sandbox.attio.values import born_of
from crmdesk.sandbox.attio.values_in import ValueReader, missing

_FOLDED = (AttributeType.EMAIL_ADDRESS, AttributeType.DOMAIN)


def attribute_named(obj: ObjectDef, name: str) -> AttributeDef | None:
    return obj.attribute(name) or next((a for a in obj.attributes if a.id == name), None)


def holders(ctx: Ctx, obj: ObjectDef, attr: AttributeDef, element: Any) -> list[str]:
    """Records of ``obj`` with ``element`` among ``attr``'s values (SQL over the JSON for scalars)."""
    if isinstance(element, (dict, list)):
        key = element_key(element)
        return [r.id for r in ctx.core.records.all(obj.slug)
                if any(element_key(e) == key for e in elements(r.values.get(attr.slug)))]
    compare = "lower(j.value) = lower(?)" if attr.type in _FOLDED else "j.value = ?"
    rows = ctx.core.db.all(f"SELECT DISTINCT r.id FROM records r, json_each(r.data, ?) j "
                           f"WHERE r.object_id = ? AND {compare}", (f'$."{attr.slug}"', obj.id, element))
    return [r[0] for r in rows]


def match_records(ctx: Ctx, target: str, name: str, values: list[Any]) -> list[str]:
    """Records of ``target`` holding one of ``values`` in the attribute ``name`` (a reference by
    matching attribute: ``{"target_object": "companies", "domains": [{"domain": "acme.com"}]}``)."""
    obj = ctx.core.schema.object_def(target)
    attr = attribute_named(obj, name)
    if attr is None:
        raise missing(f"Cannot find attribute with slug or ID \"{name}\" on {target}.")
    found: list[str] = []
    for element in Writer(ctx, obj).reader.elements(attr, values):
        found += [h for h in holders(ctx, obj, attr, element) if h not in found]
    return found


class Writer:
    def __init__(self, ctx: Ctx, obj: ObjectDef) -> None:
        self.ctx = ctx
        self.obj = obj
        self.reader = ValueReader(ctx.names, lambda target, name, values: match_records(ctx, target, name, values))
        self.history = History(ctx.core.db)

    # -- reading and merging ---------------------------------------------------------------------

    def read(self, raw: Any) -> dict[str, list[Any]]:
        """``{slug or id: values}`` → ``{slug: canonical elements}`` (what they hold besides:
        ``reader.parts``, kept by ``keep_parts``)."""
        self.reader.parts = {}
        if not isinstance(raw, Mapping):
            raise invalid("values must be an object of attribute slugs or IDs to arrays of values")
        out: dict[str, list[Any]] = {}
        for name, values in raw.items():
            attr = attribute_named(self.obj, str(name))
            if attr is None:
                raise missing(f"Cannot find attribute with slug or ID \"{name}\".")
            out[attr.slug] = self.reader.elements(attr, values)
        return out

    def merge(self, current: Mapping[str, Any], written: Mapping[str, list[Any]], *, append: bool,
              creating: bool = False) -> dict[str, Any]:
        """The stored values the written elements make (``None`` clears)."""
        changes: dict[str, Any] = {}
        for slug, items in written.items():
            attr = self.obj.attribute(slug)
            assert attr is not None
            if not items:
                if attr.required and not creating:
                    raise ApiError(400, "missing_value", f"Required attribute \"{slug}\" cannot be cleared.")
                changes[slug] = None
            elif attr.multiselect:
                merged = list(elements(current.get(slug))) if append else []
                seen = {element_key(e) for e in merged}
                for element in items:
                    if element_key(element) not in seen:
                        seen.add(element_key(element))
                        merged.append(element)
                changes[slug] = merged
            elif len(items) > 1:
                raise invalid(f"Attribute \"{slug}\" takes a single value, not {len(items)}.")
            else:
                changes[slug] = items[0]
        return changes

    # -- uniqueness and look-ups ------------------------------------------------------------------

    def holders(self, obj: ObjectDef, attr: AttributeDef, element: Any) -> list[str]:
        return holders(self.ctx, obj, attr, element)

    def check_unique(self, changes: Mapping[str, Any], record: Record | None) -> None:
        for slug, value in changes.items():
            attr = self.obj.attribute(slug)
            if attr is None or not attr.unique:
                continue
            had = {element_key(e) for e in elements(record.values.get(slug))} if record else set()
            for element in elements(value):
                if element_key(element) in had:
                    continue
                others = [h for h in self.holders(self.obj, attr, element) if record is None or h != record.id]
                if others:
                    raise ApiError(400, "uniqueness_conflict",
                                   f"The value \"{element}\" of unique attribute \"{slug}\" is already held by "
                                   f"record {others[0]}.")

    # -- writes ----------------------------------------------------------------------------------

    def create(self, raw: Any) -> Record:
        written = self.read(raw)
        changes = {k: v for k, v in self.merge({}, written, append=False, creating=True).items() if v is not None}
        self.check_unique(changes, None)
        # No history rows: a record's first values are dated by the record (``born_of``).
        record = self.ctx.core.records.create(self.obj.slug, changes, self.ctx.user_id)
        self.keep_parts(record.id, written)
        return record

    def update(self, record: Record, raw: Any, *, append: bool) -> Record:
        written = self.read(raw)
        changes = self.merge(record.values, written, append=append)
        self.check_unique(changes, record)
        if not changes:
            return record
        updated = self.ctx.core.records.update(self.obj.slug, record.id, changes)
        self.note_changes(record.id, record.values, changes, str(updated.updated_at),
                          born_of(self.ctx.names, record.created_at, record.created_by))
        self.keep_parts(record.id, written)
        return updated

    def keep_parts(self, parent_id: str, written: Mapping[str, list[Any]]) -> None:
        """What the elements just written (``read``) hold beyond the canonical element, kept beside
        them; an element written without any forgets what was kept for it."""
        kept = [(slug, key, parts) for (slug, key), parts in self.reader.parts.items() if slug in written]
        if not kept:
            return
        with self.ctx.core.db.transaction() as conn:
            for slug, key, parts in kept:
                attr = self.obj.attribute(slug)
                assert attr is not None
                ValueParts.put(conn, parent_id, str(attr.id), key, parts)

    def note_changes(self, parent_id: str, before: Mapping[str, Any], changes: Mapping[str, Any], at: str,
                     born: Any) -> None:
        with self.ctx.core.db.transaction() as conn:
            for slug, value in changes.items():
                attr = self.obj.attribute(slug)
                assert attr is not None
                self.history.change(conn, parent_id, str(attr.id), before.get(slug), value, at=at,
                                    actor=self.ctx.actor, born=born)
