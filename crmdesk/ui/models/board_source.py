"""What a board shows cards of: an object's records or a list's entries.

Both answer the same few questions (which attributes can group and sum, which rowids
pass a filter, the cards for some rowids, how to change one value), so the board
model and its views never ask which kind they are showing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from crmdesk.model import AttributeDef, AttributeType, FilterGroup, Mutation, ObjectDef, Sort
from crmdesk.model.codecs.numeric import currency_of
from crmdesk.store import NotFound, Store
from crmdesk.store.board_totals import ColumnTotals, entry_column_totals, record_column_totals, record_values_outside

GROUP_TYPES = frozenset({AttributeType.STATUS, AttributeType.SELECT})
SUM_TYPES = frozenset({AttributeType.CURRENCY, AttributeType.NUMBER})


@dataclass(slots=True)
class Card:
    """One card's data: for an entry, the parent record's values overlaid by the list's."""

    id: str  # record id or entry id: what edits name
    record_id: str  # what "open" shows
    rowid: int
    title: str
    values: dict[str, Any]


def numeric_amount(attr: AttributeDef, value: Any) -> tuple[str, float] | None:
    """(currency code or "", amount) of a value worth summing; None for empty or odd values."""
    if value is None or isinstance(value, list):
        return None
    if attr.type is AttributeType.CURRENCY and isinstance(value, Mapping):
        amount = value.get("amount")
        if isinstance(amount, (int, float)):
            return currency_of(value, attr) or "", float(amount)
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "", float(value)
    return None


class BoardSource(Protocol):
    kind: str
    key: str

    @property
    def name(self) -> str: ...
    @property
    def noun(self) -> str: ...
    def attributes(self) -> list[AttributeDef]: ...
    def attribute(self, slug: str) -> AttributeDef | None: ...
    def title_attribute(self) -> AttributeDef | None: ...
    def query(self, group: FilterGroup | None, sorts: Sequence[Sort]) -> list[int]: ...
    def cards(self, rowids: Sequence[int]) -> list[Card]: ...
    def column_totals(self, group_slug: str, sum_slug: str, group: FilterGroup | None) -> ColumnTotals: ...
    def may_hold_other(self, slug: str, known: Sequence[str]) -> bool: ...
    def rowid_of(self, card_id: str) -> int | None: ...
    def set_value(self, card_id: str, slug: str, value: Any) -> Mutation | None: ...
    def reload_schema(self) -> None: ...


def group_attributes(source: BoardSource) -> list[AttributeDef]:
    return [a for a in source.attributes() if a.type in GROUP_TYPES and not a.multiselect]


def sum_attributes(source: BoardSource) -> list[AttributeDef]:
    return [a for a in source.attributes() if a.type in SUM_TYPES and not a.multiselect]


class RecordSource:
    """The records of one object."""

    kind = "object"

    def __init__(self, store: Store, object_slug: str) -> None:
        self.store = store
        self.key = object_slug
        self._obj = self._load()

    def _load(self) -> ObjectDef:
        obj = self.store.schema.get_object(self.key)
        if obj is None:
            raise NotFound(f"The object “{self.key}”")
        return obj

    def reload_schema(self) -> None:
        self._obj = self._load()

    @property
    def name(self) -> str:
        return self._obj.plural_name

    @property
    def noun(self) -> str:
        return self._obj.singular_name.lower()

    @property
    def object_def(self) -> ObjectDef:
        return self._obj

    def attributes(self) -> list[AttributeDef]:
        return list(self._obj.attributes)

    def attribute(self, slug: str) -> AttributeDef | None:
        return self._obj.attribute(slug)

    def title_attribute(self) -> AttributeDef | None:
        return self._obj.title_attribute

    def query(self, group: FilterGroup | None, sorts: Sequence[Sort]) -> list[int]:
        return self.store.records.query_ids(self.key, group, sorts)

    def cards(self, rowids: Sequence[int]) -> list[Card]:
        return [Card(r.id, r.id, r.rowid, r.title, r.values) for r in self.store.records.rows(rowids)]

    def column_totals(self, group_slug: str, sum_slug: str, group: FilterGroup | None) -> ColumnTotals:
        """Per group value (None: none), the sums of ``sum_slug`` per currency over the records that
        pass ``group``: what ``numeric_amount`` of every card would add up to, read from the index."""
        return record_column_totals(self.store.conn, self.store.schema, self.key, group_slug, sum_slug, group)

    def may_hold_other(self, slug: str, known: Sequence[str]) -> bool:
        """Whether any record may hold a value of ``slug`` other than ``known`` (False: surely none)."""
        return record_values_outside(self.store.conn, self.store.schema, self.key, slug, known)

    def rowid_of(self, card_id: str) -> int | None:
        return self.store.records.rowid_of(card_id)

    def set_value(self, card_id: str, slug: str, value: Any) -> Mutation | None:
        return self.store.edits.update_record(card_id, {slug: value})


class EntrySource:
    """The entries of one list: list-only attributes first, then the parent object's."""

    kind = "list"

    def __init__(self, store: Store, list_id: str) -> None:
        self.store = store
        self.key = list_id
        self.reload_schema()

    def reload_schema(self) -> None:
        list_def = self.store.schema.get_list(self.key)
        if list_def is None:
            raise NotFound(f"The list {self.key}")
        self.list_def = list_def
        self.parent = self.store.schema.get_object(list_def.parent_object)

    @property
    def name(self) -> str:
        return self.list_def.name

    @property
    def noun(self) -> str:
        return "entry"

    def list_attributes(self) -> list[AttributeDef]:
        return list(self.list_def.attributes)

    def parent_attributes(self) -> list[AttributeDef]:
        own = {a.slug for a in self.list_def.attributes}
        # A list attribute hides a parent one of the same slug, as the store's queries do.
        return [a for a in (self.parent.attributes if self.parent else ()) if a.slug not in own]

    def attributes(self) -> list[AttributeDef]:
        return self.list_attributes() + self.parent_attributes()

    def attribute(self, slug: str) -> AttributeDef | None:
        return self.list_def.attribute(slug) or (self.parent.attribute(slug) if self.parent else None)

    def is_list_attribute(self, slug: str) -> bool:
        return self.list_def.attribute(slug) is not None

    def title_attribute(self) -> AttributeDef | None:
        return self.parent.title_attribute if self.parent else None

    def query(self, group: FilterGroup | None, sorts: Sequence[Sort]) -> list[int]:
        return self.store.entries.query_ids(self.key, group, sorts)

    def cards(self, rowids: Sequence[int]) -> list[Card]:
        entries = self.store.entries.rows(rowids)
        cards = []
        for entry in entries:
            record = self.store.records.get(entry.record_id)
            values = {**(record.values if record else {}), **entry.values}
            title = record.title if record else "(record not downloaded)"
            cards.append(Card(entry.id, entry.record_id, entry.rowid, title, values))
        return cards

    def column_totals(self, group_slug: str, sum_slug: str, group: FilterGroup | None) -> ColumnTotals:
        return entry_column_totals(self.store.conn, self.store.schema, self.key, group_slug, sum_slug, group)

    def may_hold_other(self, slug: str, known: Sequence[str]) -> bool:
        return True  # (lists are small: the board's own query answers)

    def rowid_of(self, card_id: str) -> int | None:
        row = self.store.entries.get(card_id)
        return row.rowid if row else None

    def set_value(self, card_id: str, slug: str, value: Any) -> Mutation | None:
        if self.is_list_attribute(slug):
            return self.store.edits.update_entry(card_id, {slug: value})
        entry = self.store.entries.get(card_id)
        if entry is None:
            raise NotFound(f"The list entry {card_id}")
        return self.store.edits.update_record(entry.record_id, {slug: value})

    def add(self, record_id: str, values: Mapping[str, Any]) -> Mutation:
        return self.store.edits.add_entry(self.key, record_id, values)
