"""List entries: a record's place in a list, with list-only values indexed like records'."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crmdesk.model import Entry, FilterGroup, ListDef, Sort
from crmdesk.store.changes import ChangeLog
from crmdesk.store.errors import NotFound
from crmdesk.store.query import Source, filter_sql, order_sql
from crmdesk.store.records import object_resolver
from crmdesk.store.schema_repo import SchemaRepo
from crmdesk.store.value_index import IndexRow, index_rows, local_key_test

_COLUMNS = "rowid, id, list_id, record_id, values_json, created_at, updated_at"


@dataclass(slots=True)
class EntryRow:
    rowid: int
    id: str
    list_id: str
    record_id: str
    values: dict[str, Any]
    created_at: str | None
    updated_at: str | None


def _row(row: Sequence[Any]) -> EntryRow:
    return EntryRow(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6])


class EntryRepo:
    def __init__(self, conn: sqlite3.Connection, schema: SchemaRepo, changes: ChangeLog) -> None:
        self._conn = conn
        self._changes = changes
        self._schema = schema

    def get(self, entry_id: str) -> EntryRow | None:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM entries WHERE id = ?", (entry_id,)).fetchone()
        return _row(row) if row else None

    def rows(self, rowids: Sequence[int]) -> list[EntryRow]:
        found: dict[int, EntryRow] = {}
        for start in range(0, len(rowids), 500):
            chunk = rowids[start : start + 500]
            for row in self._conn.execute(
                f"SELECT {_COLUMNS} FROM entries WHERE rowid IN ({','.join('?' * len(chunk))})", chunk
            ):
                found[row[0]] = _row(row)
        return [found[r] for r in rowids if r in found]

    def held(self, list_id: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """Every cached entry of the list by id: (its record, its values) — what a pull compares
        the server's entries with."""
        rows = self._conn.execute("SELECT id, record_id, values_json FROM entries WHERE list_id = ?", (list_id,))
        return {row[0]: (row[1], json.loads(row[2])) for row in rows}

    def for_record(self, record_id: str) -> list[EntryRow]:
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM entries WHERE record_id = ?", (record_id,))
        return [_row(r) for r in rows]

    def delete_list(self, list_id: str) -> int:
        """Drop every entry of a list (its values go with them); how many there were."""
        self._conn.execute(
            "DELETE FROM entry_values WHERE entry_rowid IN (SELECT rowid FROM entries WHERE list_id = ?)", (list_id,)
        )
        gone = self._conn.execute("DELETE FROM entries WHERE list_id = ?", (list_id,)).rowcount
        self._changes.list_changed(list_id)
        return int(gone)

    def ids(self, list_id: str) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT id FROM entries WHERE list_id = ?", (list_id,))}

    def query_ids(
        self, list_id: str, filter_group: FilterGroup | None = None, sorts: Sequence[Sort] = ()
    ) -> list[int]:
        """Ordered entry rowids; conditions may name list attributes or the parent object's."""
        list_def = self._schema.get_list(list_id)
        if list_def is None:
            raise NotFound(f"The list {list_id}")
        parent = self._schema.get_object(list_def.parent_object)
        parent_source = object_resolver(self._schema, parent) if parent is not None else None

        def resolve(slug: str) -> Source | None:
            attr = list_def.attribute(slug)
            if attr is not None:
                attr_id = self._schema.attribute_id("list", list_id, slug)
                return Source(attr, attr_id, "entry_values", "entry_rowid", "e.rowid") if attr_id else None
            return parent_source(slug) if parent_source is not None else None

        params: list[Any] = []
        plan = order_sql(sorts, resolve, "e.created_at DESC, e.rowid DESC")
        where = filter_sql(filter_group, resolve, params)
        sql = (
            f"SELECT e.rowid FROM entries e LEFT JOIN records r ON r.id = e.record_id{plan.joins}"
            f" WHERE e.list_id = ? AND ({where}) ORDER BY {plan.order_by}"
        )
        return [row[0] for row in self._conn.execute(sql, (list_id, *params))]

    def _drop_values(self, entry_rowid: int, list_id: str) -> None:
        # By (attribute, entry) — the primary key's order; by entry alone SQLite reads the whole index.
        self._conn.execute(
            "DELETE FROM entry_values WHERE attribute_id IN"
            " (SELECT id FROM attributes WHERE owner_kind = 'list' AND owner = ?) AND entry_rowid = ?",
            (list_id, entry_rowid),
        )

    def put(self, list_def: ListDef, entry: Entry) -> int:
        old = self._conn.execute("SELECT rowid, list_id FROM entries WHERE id = ?", (entry.id,)).fetchone()
        if old is not None:
            self._drop_values(old[0], old[1])
        rowid = self._conn.execute(
            "INSERT INTO entries (id, list_id, record_id, values_json, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET list_id = excluded.list_id,"
            " record_id = excluded.record_id, values_json = excluded.values_json,"
            " updated_at = excluded.updated_at RETURNING rowid",
            (entry.id, list_def.id, entry.record_id, json.dumps(entry.values), entry.created_at, entry.updated_at),
        ).fetchone()[0]
        rows: list[IndexRow] = []
        for attr in list_def.attributes:
            attr_id = self._schema.attribute_id("list", list_def.id, attr.slug)
            if attr_id is not None and entry.values.get(attr.slug) is not None:
                rows.extend(index_rows(attr_id, attr, rowid, entry.values[attr.slug]))
        self._conn.executemany(
            "INSERT INTO entry_values (attribute_id, entry_rowid, ord, key, fold, sort) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        self._changes.list_changed(list_def.id)
        return int(rowid)

    def reindex(self, list_def: ListDef) -> None:
        """Rebuild the list's value index from the values kept (its attributes' options or types
        changed: what "contains" and sorting read is the options' titles)."""
        rows = self._conn.execute(
            "SELECT id, record_id, values_json, created_at, updated_at FROM entries WHERE list_id = ?",
            (list_def.id,)).fetchall()
        for entry_id, record_id, values, created_at, updated_at in rows:
            self.put(list_def, Entry(entry_id, list_def.id, record_id, json.loads(values), created_at, updated_at))

    def delete(self, entry_id: str) -> bool:
        row = self._conn.execute("SELECT rowid, list_id FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            return False
        self._drop_values(row[0], row[1])
        self._conn.execute("DELETE FROM entries WHERE rowid = ?", (row[0],))
        self._changes.list_changed(row[1])
        return True

    def rewrite_id(self, old_id: str, new_id: str) -> None:
        renamed = self._conn.execute("UPDATE entries SET id = ? WHERE id = ?", (new_id, old_id)).rowcount
        renamed += self._conn.execute("UPDATE entries SET record_id = ? WHERE record_id = ?", (new_id, old_id)).rowcount
        renamed += self._conn.execute("UPDATE entries SET list_id = ? WHERE list_id = ?", (new_id, old_id)).rowcount
        if renamed:  # which lists: the views of lists re-read on any ``lists`` notice naming one
            for (list_id,) in self._conn.execute(
                    "SELECT DISTINCT list_id FROM entries WHERE id = ? OR record_id = ? OR list_id = ?",
                    (new_id, new_id, new_id)):
                self._changes.list_changed(list_id)
        # List values that reference the record (as RecordRepo.rewrite_id does for record values).
        is_reference = ("attribute_id IN (SELECT id FROM attributes WHERE type = 'record_reference')"
                        + local_key_test(old_id))
        referencing = [
            row[0]
            for row in self._conn.execute(
                f"SELECT DISTINCT entry_rowid FROM entry_values WHERE key = ? AND {is_reference}", (old_id,)
            )
        ]
        self._conn.execute(f"UPDATE entry_values SET key = ? WHERE key = ? AND {is_reference}", (new_id, old_id))
        old_json, new_json = json.dumps(old_id), json.dumps(new_id)
        self._conn.executemany(
            "UPDATE entries SET values_json = replace(values_json, ?, ?) WHERE rowid = ?",
            [(old_json, new_json, rowid) for rowid in referencing],
        )
