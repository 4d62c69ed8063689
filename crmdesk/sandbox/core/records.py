"""Records: canonical values (``crmdesk.model`` shapes) in a JSON document per record.

Writes validate every value with the model's codecs, keep a title/subtitle/search
text for lists and search, and keep the ``refs`` table (record references) for
``related`` answers. Reads come back as ``crmdesk.model.Record``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crmdesk.model import AttributeType, ObjectDef, Record, ValidationError, record_title
from crmdesk.model.values import elements, search_text, validate_value
from crmdesk.sandbox.clock import Clock, new_id
from crmdesk.sandbox.core.db import Database, dumps
from crmdesk.sandbox.core.errors import NotFound, Unprocessable
from crmdesk.sandbox.core.query import (
    Plan,
    Predicate,
    QueryRules,
    match_records,
    sort_records,
    sql_order,
    valid_sorts,
)
from crmdesk.sandbox.core.schema import SchemaStore

_COLUMNS = "id, object_id, data, created_by, created_at, updated_at, sent"


@dataclass(slots=True)
class StoredRecord(Record):
    """A record as the core keeps it: canonical values, and the wire JSON of those a facade
    stored as sent (``sent``, by slug), which the facade answers back instead of re-encoding."""

    sent: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RecordRef:
    id: str
    title: str
    object_slug: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Derived:
    title: str
    subtitle: str
    search: str
    refs: list[tuple[str, str]]


def derive(obj: ObjectDef, values: Mapping[str, Any]) -> Derived:
    title = record_title(obj, values)
    emails = obj.attribute("email_addresses")
    first_email = elements(values.get("email_addresses")) if emails else []
    subtitle = str(first_email[0]) if first_email else ""
    words = [title] + [search_text(a, values.get(a.slug)) for a in obj.attributes if a.slug in values]
    refs = [
        (attr.slug, str(target))
        for attr in obj.attributes
        if attr.type is AttributeType.RECORD_REFERENCE
        for target in elements(values.get(attr.slug))
    ]
    return Derived(title, subtitle, " ".join(w for w in words if w).lower(), refs)


class RecordStore:
    def __init__(self, db: Database, clock: Clock, schema: SchemaStore) -> None:
        self.db = db
        self.clock = clock
        self.schema = schema

    # -- values ----------------------------------------------------------------------------

    def clean(self, obj: ObjectDef, values: Mapping[str, Any]) -> dict[str, Any]:
        """Canonical values for known attributes (``None`` clears); unknown slugs are ignored."""
        out: dict[str, Any] = {}
        for slug, value in values.items():
            attr = obj.attribute(slug)
            if attr is None:
                continue
            try:
                out[slug] = validate_value(attr, value)
            except ValidationError as error:
                raise Unprocessable(str(error)) from None
        return out

    # -- reads -------------------------------------------------------------------------------

    @staticmethod
    def _record(row: sqlite3.Row, slug: str) -> StoredRecord:
        return StoredRecord(id=row["id"], object_slug=slug, values=json.loads(row["data"]),
                            created_at=row["created_at"], updated_at=row["updated_at"], created_by=row["created_by"],
                            sent=json.loads(row["sent"]))

    def get(self, slug: str, record_id: str) -> Record:
        obj = self.schema.object_def(slug)
        row = self.db.one(f"SELECT {_COLUMNS} FROM records WHERE id = ? AND object_id = ?", (record_id, obj.id))
        if row is None:
            raise NotFound("Record not found")
        return self._record(row, slug)

    def find(self, record_id: str) -> Record | None:
        row = self.db.one(f"SELECT {_COLUMNS} FROM records WHERE id = ?", (record_id,))
        if row is None:
            return None
        return self._record(row, self.schema.slug_of(row["object_id"]))

    def count(self, slug: str) -> int:
        obj = self.schema.object_def(slug)
        return int(self.db.scalar("SELECT COUNT(*) FROM records WHERE object_id = ?", (obj.id,)))

    def page(self, slug: str, limit: int | None, offset: int) -> list[Record]:
        """Newest first, as the real server's offset paging."""
        obj = self.schema.object_def(slug)
        rows = self.db.all(
            f"SELECT {_COLUMNS} FROM records WHERE object_id = ? ORDER BY created_at DESC, seq DESC "
            "LIMIT ? OFFSET ?",
            (obj.id, -1 if limit is None else limit, offset),
        )
        return [self._record(r, slug) for r in rows]

    def after(self, slug: str, created_at: str | None, limit: int) -> list[Record]:
        """Oldest first from ``created_at`` inclusive — the real cursor repeats its last record."""
        obj = self.schema.object_def(slug)
        rows = self.db.all(
            f"SELECT {_COLUMNS} FROM records WHERE object_id = ? AND created_at >= ? "
            "ORDER BY created_at, seq LIMIT ?",
            (obj.id, created_at or "", limit),
        )
        return [self._record(r, slug) for r in rows]

    def all(self, slug: str) -> list[Record]:
        obj = self.schema.object_def(slug)
        rows = self.db.all(
            f"SELECT {_COLUMNS} FROM records WHERE object_id = ? ORDER BY created_at DESC, seq DESC", (obj.id,)
        )
        return [self._record(r, slug) for r in rows]

    def query(self, slug: str, predicate: Predicate | None, sorts: Any, rules: QueryRules) -> list[Record]:
        """Every match, evaluated in Python over every record (the reference ``query_page`` must equal)."""
        obj = self.schema.object_def(slug)
        return sort_records(match_records(self.all(slug), predicate), sorts, obj, rules)

    def query_page(
        self, slug: str, plan: Plan, sorts: Any, rules: QueryRules, limit: int | None, offset: int
    ) -> tuple[list[Record], int]:
        """(``limit`` matches from ``offset``, total matches) — the same answer as slicing ``query``.

        SQL narrows by what it can answer (``plan.sql``: indexed createdAt/updatedAt bounds,
        emptiness); when nothing is left for Python and the sorts are on createdAt/updatedAt
        only, SQL also sorts, counts and pages, and only the page is decoded.
        """
        obj = self.schema.object_def(slug)
        where = "object_id = ?" + (f" AND ({plan.sql})" if plan.sql else "")
        params = (obj.id, *plan.params)
        valid = valid_sorts(sorts, obj, rules)
        order = sql_order(valid, obj)
        with self.db.lock:  # count and page (or the scan) see one state of the table
            if plan.predicate is None and order is not None:
                total = int(self.db.scalar(f"SELECT COUNT(*) FROM records WHERE {where}", params))
                rows = self.db.all(
                    f"SELECT {_COLUMNS} FROM records {self._index_for(obj.id, plan, valid, total)} WHERE {where} "
                    f"ORDER BY {order} LIMIT ? OFFSET ?",
                    (*params, -1 if limit is None else limit, offset),
                )
                return [self._record(r, slug) for r in rows], total
            rows = self.db.all(
                f"SELECT {_COLUMNS} FROM records WHERE {where} ORDER BY created_at DESC, seq DESC", params
            )
        found = match_records((self._record(r, slug) for r in rows), plan.predicate)
        if valid:
            found = sort_records(found, sorts, obj, rules)
        end = None if limit is None else offset + limit
        return found[offset:end], len(found)

    def _index_for(self, object_id: str, plan: Plan, valid: list[tuple[str, bool]], total: int) -> str:
        """Newest first over a filter matching many records: walk the creation index and skip (no sort).

        SQLite has no histogram to tell ``updated_at > 1970`` (everything) from ``> an hour ago``
        (a few): it would take the updated_at index and sort every match for one page.
        """
        if plan.sql is None or valid:
            return ""
        everything = int(self.db.scalar("SELECT COUNT(*) FROM records WHERE object_id = ?", (object_id,)))
        return "INDEXED BY records_by_created" if total * 8 >= everything else ""

    def refs_of(self, ids: Iterable[str]) -> dict[str, RecordRef]:
        """Title, object and creation time of each existing record among ``ids``."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, RecordRef] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.all(
                f"SELECT r.id, r.title, r.created_at, o.slug FROM records r JOIN objects o ON o.id = r.object_id "
                f"WHERE r.id IN ({marks})",
                chunk,
            )
            for row in rows:
                found[row["id"]] = RecordRef(row["id"], row["title"], row["slug"], row["created_at"])
        return found

    def referencing(self, record_id: str) -> list[str]:
        rows = self.db.all("SELECT DISTINCT source_id FROM refs WHERE target_id = ?", (record_id,))
        return [r[0] for r in rows]

    def referenced_by(self, record_id: str) -> list[str]:
        rows = self.db.all("SELECT DISTINCT target_id FROM refs WHERE source_id = ?", (record_id,))
        return [r[0] for r in rows]

    def search(self, text: str, limit: int) -> list[sqlite3.Row]:
        pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self.db.all(
            "SELECT r.id, r.title, r.subtitle, o.slug, o.singular_name, o.icon FROM records r "
            "JOIN objects o ON o.id = r.object_id WHERE r.search LIKE ? ESCAPE '\\' "
            "ORDER BY r.updated_at DESC LIMIT ?",
            (pattern, limit),
        )

    def recent(self, limit: int, exclude: Sequence[str] = (), object_id: str | None = None) -> list[sqlite3.Row]:
        where, params = [], []
        if object_id:
            where.append("r.object_id = ?")
            params.append(object_id)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        rows = self.db.all(
            "SELECT r.id, r.title, r.subtitle, o.slug, o.singular_name, o.icon FROM records r "
            f"JOIN objects o ON o.id = r.object_id {clause} ORDER BY r.updated_at DESC, r.seq DESC LIMIT ?",
            (*params, limit + len(exclude)),
        )
        skip = set(exclude)
        return [r for r in rows if r["id"] not in skip][:limit]

    # -- writes ------------------------------------------------------------------------------

    def _write_refs(self, conn: sqlite3.Connection, record_id: str, refs: list[tuple[str, str]]) -> None:
        conn.execute("DELETE FROM refs WHERE source_id = ?", (record_id,))
        conn.executemany("INSERT INTO refs VALUES (?, ?, ?)", [(record_id, s, t) for s, t in refs])

    def create(
        self, slug: str, values: Mapping[str, Any], created_by: str | None, *, sent: Mapping[str, Any] | None = None
    ) -> StoredRecord:
        """``sent``: the wire JSON of values to answer back as written (slugs of ``values`` only)."""
        obj = self.schema.object_def(slug)
        clean = {k: v for k, v in self.clean(obj, values).items() if v is not None}
        kept = {k: v for k, v in (sent or {}).items() if k in clean}
        derived = derive(obj, clean)
        record_id, now = new_id(), self.clock.now()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO records (id, object_id, title, subtitle, search, data, created_by, created_at, "
                "updated_at, sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record_id, obj.id, derived.title, derived.subtitle, derived.search, dumps(clean), created_by,
                 now, now, dumps(kept)),
            )
            self._write_refs(conn, record_id, derived.refs)
        return StoredRecord(record_id, slug, clean, now, now, created_by, sent=kept)

    def update(
        self, slug: str, record_id: str, values: Mapping[str, Any], *, sent: Mapping[str, Any] | None = None
    ) -> StoredRecord:
        """Change some values; a value written without its wire form (``sent``) drops the old one."""
        obj = self.schema.object_def(slug)
        current = self.get(slug, record_id)
        merged = dict(current.values)
        wire = dict(current.sent)
        for key, value in self.clean(obj, values).items():
            wire.pop(key, None)
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
                if sent and key in sent:
                    wire[key] = sent[key]
        derived = derive(obj, merged)
        now = self.clock.now()
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE records SET data = ?, title = ?, subtitle = ?, search = ?, updated_at = ?, sent = ? "
                "WHERE id = ?",
                (dumps(merged), derived.title, derived.subtitle, derived.search, now, dumps(wire), record_id),
            )
            self._write_refs(conn, record_id, derived.refs)
        return StoredRecord(record_id, slug, merged, current.created_at, now, current.created_by, sent=wire)

    def delete(self, slug: str, record_id: str) -> None:
        """Hard delete, as the real server: no tombstone; entries, notes and links go with it."""
        self.get(slug, record_id)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM records WHERE id = ?", (record_id,))
            conn.execute("DELETE FROM refs WHERE source_id = ? OR target_id = ?", (record_id, record_id))
            conn.execute("DELETE FROM entries WHERE record_id = ?", (record_id,))
            conn.execute("DELETE FROM notes WHERE record_id = ?", (record_id,))
            conn.execute("DELETE FROM task_records WHERE record_id = ?", (record_id,))

    def bulk_insert(self, slug: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Demo builds: (id, canonical values, created_by, instant[, sent]) rows, trusted, one transaction."""
        obj = self.schema.object_def(slug)
        params, refs = [], []
        for record_id, values, created_by, instant, *sent in rows:
            derived = derive(obj, values)
            params.append((record_id, obj.id, derived.title, derived.subtitle, derived.search, dumps(values),
                           created_by, instant, instant, dumps(sent[0] if sent else {})))
            refs.extend((record_id, s, t) for s, t in derived.refs)
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT INTO records (id, object_id, title, subtitle, search, data, created_by, created_at, "
                "updated_at, sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                params,
            )
            conn.executemany("INSERT INTO refs VALUES (?, ?, ?)", refs)

    def touch(self, record_id: str, values: Mapping[str, Any], *, slug: str) -> Record:
        """Tests: change values as if another user edited the record (same path as the API)."""
        return self.update(slug, record_id, values)
