"""Records in the cache: writing them with their index rows, and the query API."""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crmdesk.model import FilterGroup, ObjectDef, Record, Sort, record_title
from crmdesk.store.changes import ChangeLog
from crmdesk.store.clock import utc_now
from crmdesk.store.errors import NotFound
from crmdesk.store.field_history import LOCAL, SERVER, FieldHistoryRepo, value_changes
from crmdesk.store.query import Resolver, Source, filter_sql, order_sql
from crmdesk.store.schema_repo import SchemaRepo
from crmdesk.store.search import SearchIndex
from crmdesk.store.value_index import IndexRow, index_rows, local_key_test, search_body

_ROW_COLUMNS = "rowid, id, object_slug, title, values_json, created_at, updated_at, created_by"


@dataclass(slots=True)
class RecordRow:
    rowid: int
    id: str
    object_slug: str
    title: str
    values: dict[str, Any]
    created_at: str | None
    updated_at: str | None
    created_by: str | None


def _row(row: Sequence[Any]) -> RecordRow:
    return RecordRow(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], row[7])


def object_resolver(schema: SchemaRepo, obj: ObjectDef) -> Resolver:
    """Where an object's attributes are indexed, for a query joining ``records r``."""

    def resolve(slug: str) -> Source | None:
        attr = obj.attribute(slug)
        if attr is None:
            return None
        attr_id = schema.attribute_id("object", obj.slug, slug)
        return Source(attr, attr_id, "record_values", "record_rowid", "r.rowid") if attr_id is not None else None

    return resolve


class RecordRepo:
    def __init__(self, conn: sqlite3.Connection, schema: SchemaRepo, search: SearchIndex, changes: ChangeLog,
                 history: FieldHistoryRepo) -> None:
        self._conn = conn
        self._changes = changes
        self._schema = schema
        self._search = search
        #: Where a pull's value changes are kept (the store's field history).
        self._history = history

    # -- reading ---------------------------------------------------------------------------

    def get(self, record_id: str) -> RecordRow | None:
        row = self._conn.execute(f"SELECT {_ROW_COLUMNS} FROM records WHERE id = ?", (record_id,)).fetchone()
        return _row(row) if row else None

    def rowid_of(self, record_id: str) -> int | None:
        row = self._conn.execute("SELECT rowid FROM records WHERE id = ?", (record_id,)).fetchone()
        return int(row[0]) if row else None

    def rows(self, rowids: Sequence[int]) -> list[RecordRow]:
        """Rows for a batch of ids, in the order asked (missing ones left out)."""
        if not rowids:
            return []
        found: dict[int, RecordRow] = {}
        for start in range(0, len(rowids), 500):
            chunk = rowids[start : start + 500]
            for row in self._conn.execute(
                f"SELECT {_ROW_COLUMNS} FROM records WHERE rowid IN ({','.join('?' * len(chunk))})", chunk
            ):
                found[row[0]] = _row(row)
        return [found[r] for r in rowids if r in found]

    def titles(self, record_ids: Iterable[str]) -> dict[str, str]:
        ids = list(set(record_ids))
        result: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            result.update(
                self._conn.execute(
                    f"SELECT id, title FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
            )
        return result

    def ids_titled(self, title: str, object_slug: str | None = None) -> list[str]:
        """Ids of the records (of ``object_slug``, or any) whose title is ``title``, ignoring case;
        newest first. What a user typing a name into a reference field means."""
        # One folding on both sides, in SQL: one Python call per row, as lower() cost before.
        sql = "SELECT id FROM records WHERE py_casefold(title) = ?"
        params: list[Any] = [title.strip().casefold()]
        if object_slug is not None:
            sql += " AND object_slug = ?"
            params.append(object_slug)
        return [row[0] for row in self._conn.execute(sql + " ORDER BY created_at DESC, rowid DESC", params)]

    def count(self, object_slug: str) -> int:
        return int(
            self._conn.execute("SELECT count(*) FROM records WHERE object_slug = ?", (object_slug,)).fetchone()[0]
        )

    def ids(self, object_slug: str) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT id FROM records WHERE object_slug = ?", (object_slug,))}

    def query_ids(
        self, object_slug: str, filter_group: FilterGroup | None = None, sorts: Sequence[Sort] = (),
        *, among: Sequence[int] | None = None, limit: int | None = None,
    ) -> list[int]:
        """The ordered rowids of an object's records that pass the filter (only those of
        ``among``, when given: how a table checks a few changed rows without re-reading them all;
        only the first ``limit``, when given: how a long table paints its first screen at once).

        Raises ``InvalidFilter`` for a filter that names unknown attributes or has
        operands of the wrong type. Without sorts, newest first (the rowid breaks every tie, so
        the order is total: the same records always come in the same order).
        """
        obj = self._schema.get_object(object_slug)
        if obj is None:
            raise NotFound(f"The object “{object_slug}”")
        resolve = object_resolver(self._schema, obj)
        plan = order_sql(sorts, resolve, "r.created_at DESC, r.rowid DESC")
        if limit is not None and filter_group is not None and not sorts and among is None:
            # A filtered head in the index's order: each record checked on its own (EXISTS) stops
            # after ``limit`` matches (5 ms for 1,000 of 1,000,000, where the list form reads every
            # value first: 200–400 ms). A rare filter would walk every record so (950 ms): the walk
            # stops after 50 records per row wanted, and when that found too few, the list form
            # answers. The matches among the first records walked are the first matches of all.
            walked: list[Any] = []
            where = filter_sql(filter_group, resolve, walked, correlated=True)
            sql = (f"SELECT r.rowid FROM (SELECT rowid AS rowid, created_at FROM records WHERE object_slug = ?"
                   f" ORDER BY created_at DESC, rowid DESC LIMIT ?) r WHERE {where} ORDER BY {plan.order_by} LIMIT ?")
            found = [row[0] for row in self._conn.execute(sql, (object_slug, 50 * limit, *walked, limit))]
            if len(found) == limit:
                return found
        if limit is not None and plan.head_cut is not None and among is None:
            # A sorted head: SQLite's top-K joins every record to its value first (0.8–1.3 s over
            # 1,000,000); the cut keeps those whose value comes no later than the limit-th one
            # (0.6 s with 12 distinct job titles). Too few kept (a filter, empty values): the join.
            cut_params: list[Any] = []
            where = filter_sql(filter_group, resolve, cut_params)
            sql = (f"SELECT r.rowid FROM records r{plan.joins} WHERE r.object_slug = ? AND ({where})"
                   f" AND {plan.head_cut} ORDER BY {plan.order_by} LIMIT ?")
            found = [row[0] for row in self._conn.execute(sql, (object_slug, *cut_params, limit - 1, limit))]
            if len(found) == limit:
                return found
        return [row[0] for row in self._ordered_rowids(object_slug, filter_group, sorts, among, limit)]

    def query_id_array(
        self, object_slug: str, filter_group: FilterGroup | None = None, sorts: Sequence[Sort] = (),
    ) -> Sequence[int]:
        """``query_ids``' whole list as an ``array('q')``: 8 bytes a row, where a list holds a
        36-byte int object a row (36 MB at 1,000,000 rows, and both at once while it converts)."""
        return array("q", (row[0] for row in self._ordered_rowids(object_slug, filter_group, sorts)))

    def _ordered_rowids(
        self, object_slug: str, filter_group: FilterGroup | None, sorts: Sequence[Sort],
        among: Sequence[int] | None = None, limit: int | None = None,
    ) -> sqlite3.Cursor:
        """A cursor over the ordered rowids (the general query: every match read, then sorted)."""
        obj = self._schema.get_object(object_slug)
        if obj is None:
            raise NotFound(f"The object “{object_slug}”")
        resolve = object_resolver(self._schema, obj)
        plan = order_sql(sorts, resolve, "r.created_at DESC, r.rowid DESC")
        params: list[Any] = []
        where = filter_sql(filter_group, resolve, params)
        if among is None:
            rows = f"r.object_slug = ? AND ({where})"
            head: tuple[Any, ...] = (object_slug,)
        else:
            # The few rowids first, looked up by key; "+" keeps SQLite from walking the whole
            # object's index in sorted order instead (10× slower over 100,000 records).
            rows = f"r.rowid IN (SELECT value FROM json_each(?)) AND +r.object_slug = ? AND ({where})"
            head = (json.dumps(list(among)), object_slug)
        sql = f"SELECT r.rowid FROM records r{plan.joins} WHERE {rows} ORDER BY {plan.order_by}"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._conn.execute(sql, (*head, *params))

    def where_are(self, record_ids: Iterable[str]) -> dict[str, tuple[str, int]]:
        """Each cached record's object and rowid, by id (ids not cached are left out)."""
        rows = self._conn.execute(
            "SELECT id, object_slug, rowid FROM records WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(record_ids)),),
        )
        return {record_id: (slug, rowid) for record_id, slug, rowid in rows}

    def server_times(self, object_slug: str) -> dict[str, str]:
        """Record id → the server's ``updatedAt`` as last stored, for every cached record of the
        object that has one: what a full scan hands the adapter, so a record the server still has
        at that time needs no decoding (one indexed read; a 100,000-record object takes tens of
        milliseconds)."""
        rows = self._conn.execute(
            "SELECT id, server_updated_at FROM records WHERE object_slug = ? AND server_updated_at IS NOT NULL",
            (object_slug,),
        )
        return dict(rows.fetchall())

    # -- writing (callers own the transaction) -------------------------------------------------

    def put(self, obj: ObjectDef, record: Record) -> int:
        """Insert or replace one record with its index rows and search entry."""
        return self.put_many(obj, [record])[0]

    def put_server_page(self, obj: ObjectDef, records: Sequence[Record], *,
                        unrecorded: Collection[str] = ()) -> list[str]:
        """Store records as the server has them, rewriting only those whose values changed
        (a full scan then costs little); for the rest only a newer server time is noted.
        Returns the ids whose values were written. The changes go into the field history as the
        server's, but those of the ``unrecorded`` attributes (a push's refused fields: the server
        kept its value, nobody changed it there)."""
        if not records:
            return []
        held: dict[str, tuple[str, str | None]] = {}
        ids = [r.id for r in records]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for record_id, values_json, server_updated_at in self._conn.execute(
                f"SELECT id, values_json, server_updated_at FROM records WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                held[record_id] = (values_json, server_updated_at)
        changed = []
        retimed = []
        history = []
        for record in records:
            known = held.get(record.id)
            if known is None:
                changed.append(record)  # first seen: no old value, so no history
                continue
            old_values = json.loads(known[0])
            if old_values == record.values:
                if known[1] != record.updated_at:
                    retimed.append((record.updated_at, record.updated_at, record.id))
                continue
            changed.append(record)
            # The server's time of the change where it says one; no dialect's record names who made it.
            history += [change for change in value_changes(
                obj, record.id, old_values, record.values,
                changed_at=record.updated_at or utc_now(), actor_id=None, source=SERVER,
            ) if change.attribute_slug not in unrecorded]
        if retimed:
            # Same values, a newer server time (our own push answered, say): no index rebuild.
            self._conn.executemany(
                "UPDATE records SET updated_at = ?, server_updated_at = ? WHERE id = ?", retimed
            )
        self.put_many(obj, changed)
        self._history.add(history)
        return [r.id for r in changed]

    def put_many(self, obj: ObjectDef, records: Sequence[Record]) -> list[int]:
        """Insert or replace records of one object. Fast path for records not cached yet."""
        if not records:
            return []
        asked = [r.id for r in records]
        # A batch may name a record twice (a server page shifting under writes): the last
        # one wins. Writing both would leave the first one's index rows behind.
        records = list({r.id: r for r in records}.values())
        ids = [r.id for r in records]
        existing: dict[str, int] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            existing.update(
                self._conn.execute(
                    f"SELECT id, rowid FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
            )
        attr_ids = [
            (attr, self._schema.attribute_id("object", obj.slug, attr.slug)) for attr in obj.attributes
        ]
        title_attr = obj.title_attribute
        skip = title_attr.slug if title_attr else None
        if existing:
            self._drop_index([rowid for rowid in existing.values()], [a for _, a in attr_ids if a is not None])
        next_rowid = int(self._conn.execute("SELECT coalesce(max(rowid), 0) FROM records").fetchone()[0]) + 1
        record_rows = []
        value_rows: list[IndexRow] = []
        search_rows = []
        rowids = []
        for record in records:
            rowid = existing.get(record.id)
            if rowid is None:
                rowid = next_rowid
                next_rowid += 1
            rowids.append(rowid)
            title = record_title(obj, record.values)
            record_rows.append(
                (
                    rowid, record.id, obj.slug, title, title.lower(), json.dumps(record.values),
                    record.created_at, record.updated_at, record.created_by, record.updated_at,
                )
            )
            for attr, attr_id in attr_ids:
                if attr_id is not None:
                    value = record.values.get(attr.slug)
                    if value is not None:
                        value_rows.extend(index_rows(attr_id, attr, rowid, value))
            search_rows.append((rowid, title, search_body(obj.attributes, record.values, skip)))
        self._conn.executemany(
            "INSERT OR REPLACE INTO records (rowid, id, object_slug, title, title_fold, values_json, created_at,"
            " updated_at, created_by, server_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            record_rows,
        )
        self._conn.executemany(
            "INSERT INTO record_values (attribute_id, record_rowid, ord, key, fold, sort) VALUES (?, ?, ?, ?, ?, ?)",
            value_rows,
        )
        self._search.put_many(search_rows)
        self._changes.records(obj.slug, ids)
        by_id = dict(zip(ids, rowids, strict=True))
        return [by_id[record_id] for record_id in asked]

    def _drop_index(self, rowids: list[int], attribute_ids: list[int]) -> None:
        self._conn.executemany(
            "DELETE FROM record_values WHERE attribute_id = ? AND record_rowid = ?",
            [(attr_id, rowid) for rowid in rowids for attr_id in attribute_ids],
        )
        self._conn.executemany("DELETE FROM search_index WHERE rowid = ?", [(r,) for r in rowids])

    def set_values(self, obj: ObjectDef, record_id: str, values: dict[str, Any], updated_at: str | None) -> None:
        """Replace a cached record's values (keeping its id and creation details)."""
        current = self.get(record_id)
        if current is None:
            raise NotFound(f"The record {record_id}")
        self.put(
            obj,
            Record(record_id, obj.slug, values, current.created_at, updated_at or current.updated_at,
                   current.created_by),
        )

    def change_values(self, obj: ObjectDef, record_id: str, values: dict[str, Any], changed_at: str) -> None:
        """The user changed the record's values here (an edit, keep mine or a merge, a refused value
        typed again): set them, and keep each change in the field history as theirs (``local``,
        actor "me" where the workspace knows who that is), so the history ends where the field is."""
        current = self.get(record_id)
        if current is None:
            raise NotFound(f"The record {record_id}")
        self.set_values(obj, record_id, values, changed_at)
        self._history.add(value_changes(obj, record_id, current.values, values, changed_at=changed_at,
                                        actor_id=self._schema.my_actor_id(), source=LOCAL))

    def delete(self, record_id: str, *, keep_history: bool = False) -> bool:
        """Drop the record from the cache; its field history goes with it unless ``keep_history``
        (a local delete the server has not taken yet: Discard brings the record back with it; if
        the server takes it, the rows age out with the retention)."""
        row = self._conn.execute("SELECT rowid, object_slug FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            return False
        rowid = row[0]
        # By (attribute, record) — the primary key's order; by record alone SQLite reads the whole index.
        self._conn.execute(
            "DELETE FROM record_values WHERE attribute_id IN"
            " (SELECT id FROM attributes WHERE owner_kind = 'object' AND owner = ?) AND record_rowid = ?",
            (row[1], rowid),
        )
        self._search.delete(rowid)
        self._conn.execute("DELETE FROM records WHERE rowid = ?", (rowid,))
        if not keep_history:
            self._history.delete_for_record(record_id)
        self._changes.records(row[1], [record_id])
        return True

    def rewrite_id(self, old_id: str, new_id: str) -> None:
        """A local id became a server id: rename the record and every reference to it."""
        self._conn.execute("UPDATE records SET id = ? WHERE id = ?", (new_id, old_id))
        referencing = [
            row[0]
            for row in self._conn.execute(
                f"SELECT DISTINCT record_rowid FROM record_values WHERE key = ?{local_key_test(old_id)} AND"
                " attribute_id IN (SELECT id FROM attributes WHERE type = 'record_reference')",
                (old_id,),
            )
        ]
        self._conn.execute(
            f"UPDATE record_values SET key = ? WHERE key = ?{local_key_test(old_id)} AND attribute_id IN"
            " (SELECT id FROM attributes WHERE type = 'record_reference')",
            (new_id, old_id),
        )
        old_json, new_json = json.dumps(old_id), json.dumps(new_id)
        self._conn.executemany(
            "UPDATE records SET values_json = replace(values_json, ?, ?) WHERE rowid = ?",
            [(old_json, new_json, rowid) for rowid in referencing],
        )
        references = self._conn.execute(
            "SELECT owner, slug FROM attributes WHERE owner_kind = 'object' AND type = 'record_reference'"
        ).fetchall()
        self._history.rewrite_id(old_id, new_id, references)
        self._changes.record_id_changed(old_id, new_id)
