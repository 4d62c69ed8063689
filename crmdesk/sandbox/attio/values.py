"""Records and entries as Attio answers them: every attribute's values as arrays of value objects,
each with when it became active and who wrote it (``history.py``).

Every attribute of the object (or list) is a key of ``values``, ``[]`` when empty, as Attio
answers; archived attributes are left out.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Record
from crmdesk.model.values import elements
from crmdesk.sandbox.attio.history import History, Meta, element_key
from crmdesk.sandbox.attio.parts import ValueParts
from crmdesk.sandbox.attio.render import Names, RowLike, attio_time
from crmdesk.sandbox.attio.values_out import ValueRenderer


def _wrap(meta: Meta, fields: dict[str, Any]) -> dict[str, Any]:
    return {"active_from": attio_time(meta.active_from), "active_until": attio_time(meta.active_until),
            "created_by_actor": meta.actor, **fields}


def live_attributes(names: Names, attrs: Iterable[AttributeDef]) -> list[AttributeDef]:
    return [a for a in attrs if not names.extras(str(a.id)).get("is_archived")]


class ValuesView:
    """Renders the values of many records (or entries) of one object (or list) at once."""

    def __init__(self, names: Names, owner_id: str, attrs: Sequence[AttributeDef], *, is_list: bool = False) -> None:
        self.names = names
        self.owner_id = owner_id
        self.attrs = live_attributes(names, attrs)
        self.is_list = is_list
        self.history = History(names.core.db)
        self.parts = ValueParts(names.core.db)
        self._locations = {str(a.id) for a in self.attrs if a.type is AttributeType.LOCATION}

    def renderer(self, value_sets: Iterable[Mapping[str, Any]]) -> ValueRenderer:
        refs = [a.slug for a in self.attrs if a.type is AttributeType.RECORD_REFERENCE]
        ids = [str(i) for values in value_sets for slug in refs for i in elements(values.get(slug))]
        return ValueRenderer(self.names, self.owner_id, is_list=self.is_list,
                             refs=self.names.core.records.refs_of(ids))

    def _parts(self, parent_ids: Sequence[str]) -> dict[tuple[str, str, str], dict[str, str]]:
        """What the values of these parents hold beyond their canonical elements (one SELECT, and
        none when no attribute can hold any)."""
        return self.parts.of(parent_ids) if self._locations else {}

    def many(self, parents: Sequence[tuple[str, Mapping[str, Any], Meta]]) -> list[dict[str, list[dict[str, Any]]]]:
        """(parent id, canonical values, what stands in for values written with the parent) → ``values``."""
        renderer = self.renderer(values for _, values, _ in parents)
        meta = self.history.open_meta([p for p, _, _ in parents])
        extra = self._parts([p for p, _, _ in parents])
        # Without history rows or kept parts there is nothing to look an element up by: skip its key.
        keyed = bool(meta or extra)
        out = []
        for parent_id, values, born in parents:
            shaped: dict[str, list[dict[str, Any]]] = {}
            for attr in self.attrs:
                items = []
                for element in elements(values.get(attr.slug)):
                    fields = renderer.fields(attr, element)
                    if fields is None:
                        continue
                    if keyed:
                        key = (parent_id, str(attr.id), element_key(element))
                        items.append(_wrap(meta.get(key, born), {**fields, **extra.get(key, {})}))
                    else:
                        items.append(_wrap(born, fields))
                shaped[attr.slug] = items
            out.append(shaped)
        return out

    def one_attribute(self, parent_id: str, values: Mapping[str, Any], born: Meta, attr: AttributeDef, *,
                      historic: bool) -> list[dict[str, Any]]:
        """``…/attributes/{attribute}/values``: the active values, and with ``historic`` the replaced ones too."""
        renderer = self.renderer([values])
        extra = self._parts([parent_id])
        items: list[tuple[str, dict[str, Any]]] = []
        if historic:
            for old in self.history.historic(parent_id, str(attr.id)):
                fields = renderer.fields(attr, old.element)
                if fields is not None:
                    parts = extra.get((parent_id, str(attr.id), element_key(old.element)), {})
                    items.append((old.meta.active_from, _wrap(old.meta, {**fields, **parts})))
        meta = self.history.open_meta([parent_id])
        for element in elements(values.get(attr.slug)):
            fields = renderer.fields(attr, element)
            if fields is not None:
                key = (parent_id, str(attr.id), element_key(element))
                found = meta.get(key, born)
                items.append((found.active_from, _wrap(found, {**fields, **extra.get(key, {})})))
        items.sort(key=lambda pair: pair[0])
        return [item for _, item in items]


def born_of(names: Names, created_at: str | None, created_by: str | None) -> Meta:
    return Meta(created_at or "1970-01-01T00:00:00.000000Z", names.actor(created_by))


def web_noun(obj: ObjectDef) -> str:
    """An object's segment in a record's web address: its singular noun in lower case, words
    joined by hyphens (``person``, ``company``, ``deal``, a custom object's own); its slug when
    the noun has no letter or digit to show."""
    words = re.findall(r"[^\W_]+", obj.singular_name.lower())
    return quote("-".join(words), safe="-") if words else obj.slug


class RecordsView:
    def __init__(self, names: Names, obj: ObjectDef) -> None:
        self.names = names
        self.obj = obj
        self.values = ValuesView(names, str(obj.id), obj.attributes)

    def web_url(self, record_id: str) -> str:
        """The record's page in the web app, in the shape of the spec's example
        (``https://app.attio.com/salarya/person/<id>``): the workspace's slug, the object's
        singular noun (``person`` for ``people``: not its slug), the id, then the page's tab."""
        return f"{self.names.base_url}{self.names.workspace['slug']}/{web_noun(self.obj)}/{record_id}/overview"

    def many(self, records: Sequence[Record]) -> list[dict[str, Any]]:
        shaped = self.values.many([(r.id, r.values, born_of(self.names, r.created_at, r.created_by))
                                   for r in records])
        return [{"id": {"workspace_id": self.names.workspace_id, "object_id": self.obj.id, "record_id": r.id},
                 "created_at": attio_time(r.created_at), "web_url": self.web_url(r.id), "values": values}
                for r, values in zip(records, shaped, strict=True)]

    def one(self, record: Record) -> dict[str, Any]:
        return self.many([record])[0]


class EntriesView:
    def __init__(self, names: Names, list_row: RowLike, attrs: Sequence[AttributeDef]) -> None:
        self.names = names
        self.list_row = list_row
        self.values = ValuesView(names, str(list_row["id"]), attrs, is_list=True)

    def many(self, rows: Sequence[sqlite3.Row]) -> list[dict[str, Any]]:
        decoded = [json.loads(r["data"]) for r in rows]
        shaped = self.values.many([(r["id"], values, born_of(self.names, r["created_at"], r["created_by"]))
                                   for r, values in zip(rows, decoded, strict=True)])
        return [{"id": {"workspace_id": self.names.workspace_id, "list_id": self.list_row["id"], "entry_id": r["id"]},
                 "parent_record_id": r["record_id"], "parent_object": self.list_row["object_slug"],
                 "created_at": attio_time(r["created_at"]), "entry_values": values}
                for r, values in zip(rows, shaped, strict=True)]
