"""Lists (curated collections of one object's records), list-only attributes and entries."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from crmdesk.model import ObjectDef
from crmdesk.model.schema import ListDef
from crmdesk.sandbox.clock import Clock, new_id
from crmdesk.sandbox.core.db import Database, dumps
from crmdesk.sandbox.core.errors import BadRequest, NotFound, Unprocessable
from crmdesk.sandbox.core.records import RecordStore
from crmdesk.sandbox.core.schema import SchemaStore


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "list"


class ListStore:
    def __init__(self, db: Database, clock: Clock, schema: SchemaStore, records: RecordStore) -> None:
        self.db = db
        self.clock = clock
        self.schema = schema
        self.records = records

    def lists(self) -> list[sqlite3.Row]:
        return self.db.all(
            "SELECT l.*, o.slug AS object_slug, o.singular_name, o.plural_name, "
            "(SELECT COUNT(*) FROM entries e WHERE e.list_id = l.id) AS entry_count "
            "FROM lists l JOIN objects o ON o.id = l.object_id ORDER BY l.created_at"
        )

    def get(self, list_id: str) -> sqlite3.Row:
        row = self.db.one(
            "SELECT l.*, o.slug AS object_slug, o.singular_name, o.plural_name, "
            "(SELECT COUNT(*) FROM entries e WHERE e.list_id = l.id) AS entry_count "
            "FROM lists l JOIN objects o ON o.id = l.object_id WHERE l.id = ?",
            (list_id,),
        )
        if row is None:
            raise NotFound("List not found")
        return row

    def create(self, name: str, object_slug: str, private: bool, created_by: str | None) -> sqlite3.Row:
        if not isinstance(name, str) or not name.strip():
            raise BadRequest("name and objectSlug are required")
        obj = self.schema.object_row(object_slug)
        base = slug = slugify(name)
        suffix = 2
        while self.db.one("SELECT 1 FROM lists WHERE slug = ?", (slug,)):
            slug, suffix = f"{base}-{suffix}", suffix + 1
        list_id = new_id()
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO lists VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (list_id, obj["id"], name.strip(), slug, int(private), created_by, self.clock.now()))
        return self.get(list_id)

    def update(self, list_id: str, fields: Mapping[str, Any]) -> sqlite3.Row:
        self.get(list_id)
        changes = {k: v for k, v in fields.items() if k in ("name", "slug", "is_private") and v is not None}
        if changes:
            sets = ", ".join(f"{k} = ?" for k in changes)
            with self.db.transaction() as conn:
                conn.execute(f"UPDATE lists SET {sets} WHERE id = ?", (*changes.values(), list_id))
        return self.get(list_id)

    def delete(self, list_id: str) -> None:
        self.get(list_id)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM entries WHERE list_id = ?", (list_id,))
            conn.execute(
                "DELETE FROM options WHERE attribute_id IN (SELECT id FROM attributes WHERE list_id = ?)",
                (list_id,),
            )
            conn.execute("DELETE FROM attributes WHERE list_id = ?", (list_id,))
            conn.execute("DELETE FROM lists WHERE id = ?", (list_id,))
        self.schema.invalidate()

    def list_def(self, list_id: str) -> ListDef:
        row = self.get(list_id)
        attrs = tuple(self.schema.attribute_def(a) for a in self.schema.attributes(list_id=list_id))
        return ListDef(id=list_id, name=row["name"], parent_object=row["object_slug"], slug=row["slug"],
                       private=bool(row["is_private"]), attributes=attrs)

    def values_def(self, list_id: str) -> ObjectDef:
        """The list's attributes as an object (its id the list's), so entry values are read,
        validated and written as record values are."""
        found = self.list_def(list_id)
        return ObjectDef(slug=f"list:{list_id}", singular_name=found.name, plural_name=found.name, id=list_id,
                         attributes=found.attributes)

    # -- entries -------------------------------------------------------------------------------

    def entries(self, list_id: str, limit: int | None, offset: int) -> tuple[list[sqlite3.Row], int]:
        self.get(list_id)
        total = int(self.db.scalar("SELECT COUNT(*) FROM entries WHERE list_id = ?", (list_id,)))
        rows = self.db.all(
            "SELECT e.*, r.title AS record_title, o.slug AS record_object_slug FROM entries e "
            "JOIN records r ON r.id = e.record_id JOIN objects o ON o.id = r.object_id "
            "WHERE e.list_id = ? ORDER BY e.created_at DESC, e.seq DESC LIMIT ? OFFSET ?",
            (list_id, -1 if limit is None else limit, offset),
        )
        return rows, total

    def entry(self, list_id: str, entry_id: str) -> sqlite3.Row:
        row = self.db.one("SELECT * FROM entries WHERE id = ? AND list_id = ?", (entry_id, list_id))
        if row is None:
            raise NotFound("Entry not found")
        return row

    def add(self, list_id: str, record_id: str, values: Mapping[str, Any], created_by: str | None) -> sqlite3.Row:
        self.get(list_id)
        if not isinstance(record_id, str) or not record_id:
            raise BadRequest("recordId is required")
        existing = self.db.one("SELECT * FROM entries WHERE list_id = ? AND record_id = ?", (list_id, record_id))
        if existing is not None:
            # The real server answers a second add with the first entry (201), values untouched.
            return existing
        if self.records.find(record_id) is None:
            raise Unprocessable("no such record")
        clean = {k: v for k, v in self.records.clean(self.values_def(list_id), values).items() if v is not None}
        entry_id, now = new_id(), self.clock.now()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO entries (id, list_id, record_id, data, created_by, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (entry_id, list_id, record_id, dumps(clean), created_by, now, now),
            )
        return self.entry(list_id, entry_id)

    def update_entry(self, list_id: str, entry_id: str, values: Mapping[str, Any]) -> sqlite3.Row:
        row = self.entry(list_id, entry_id)
        merged = json.loads(row["data"])
        for key, value in self.records.clean(self.values_def(list_id), values).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        with self.db.transaction() as conn:
            conn.execute("UPDATE entries SET data = ?, updated_at = ? WHERE id = ?",
                         (dumps(merged), self.clock.now(), entry_id))
        return self.entry(list_id, entry_id)

    def remove(self, list_id: str, entry_id: str) -> None:
        self.entry(list_id, entry_id)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,))

    def available(self, list_id: str, search: str, limit: int) -> list[sqlite3.Row]:
        row = self.get(list_id)
        pattern = "%" + search.lower() + "%"
        return self.db.all(
            "SELECT r.id, r.title, r.subtitle, o.slug, o.singular_name, o.icon FROM records r "
            "JOIN objects o ON o.id = r.object_id WHERE r.object_id = ? AND r.search LIKE ? "
            "AND r.id NOT IN (SELECT record_id FROM entries WHERE list_id = ?) "
            "ORDER BY r.created_at DESC LIMIT ?",
            (row["object_id"], pattern, list_id, limit),
        )
