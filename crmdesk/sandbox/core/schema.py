"""Objects, attributes (of objects and of lists) and their options/statuses.

``object_def``/``list_def`` turn rows into ``crmdesk.model`` schema types, cached until
the next schema write, so value validation and filters use the client's own code.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Option
from crmdesk.model.attribute_types import MULTISELECT_TYPES
from crmdesk.sandbox.clock import Clock, new_id
from crmdesk.sandbox.core.db import Database, dumps
from crmdesk.sandbox.core.errors import BadRequest, NotFound

ATTRIBUTE_TYPES = tuple(t.value for t in AttributeType)
PALETTE = ("#22c55e", "#6366f1", "#f59e0b", "#ef4444", "#06b6d4", "#a855f7", "#64748b", "#ec4899")


class SchemaStore:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._defs: dict[str, ObjectDef] = {}

    def invalidate(self) -> None:
        self._defs.clear()

    # -- objects ------------------------------------------------------------------------

    def objects(self) -> list[sqlite3.Row]:
        return self.db.all("SELECT * FROM objects ORDER BY created_at")

    def object_row(self, slug: str) -> sqlite3.Row:
        row = self.db.one("SELECT * FROM objects WHERE slug = ?", (slug,))
        if row is None:
            raise NotFound("Object not found")
        return row

    def object_by_id(self, object_id: str) -> sqlite3.Row | None:
        return self.db.one("SELECT * FROM objects WHERE id = ?", (object_id,))

    def create_object(
        self, slug: str, singular: str, plural: str, icon: str | None = None, *, system: bool = False
    ) -> sqlite3.Row:
        if not slug or not singular or not plural:
            raise BadRequest("slug, singularName and pluralName are required")
        if self.db.one("SELECT 1 FROM objects WHERE slug = ?", (slug,)):
            raise BadRequest("An object with this slug already exists")
        object_id = new_id()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO objects VALUES (?, ?, ?, ?, ?, ?, ?)",
                (object_id, slug, singular, plural, icon, int(system), self.clock.now()),
            )
        self.invalidate()
        return self.object_row(slug)

    def update_object(self, slug: str, fields: Mapping[str, Any]) -> sqlite3.Row:
        row = self.object_row(slug)
        allowed = {"singular_name", "plural_name", "icon", "slug"}
        changes = {k: v for k, v in fields.items() if k in allowed and v is not None}
        if "slug" in changes and changes["slug"] != slug and self.db.one(
            "SELECT 1 FROM objects WHERE slug = ?", (changes["slug"],)
        ):
            raise BadRequest("An object with this slug already exists")
        if changes:
            sets = ", ".join(f"{k} = ?" for k in changes)
            with self.db.transaction() as conn:
                conn.execute(f"UPDATE objects SET {sets} WHERE id = ?", (*changes.values(), row["id"]))
        self.invalidate()
        return self.object_row(changes.get("slug", slug))

    def delete_object(self, slug: str) -> str:
        row = self.object_row(slug)
        with self.db.transaction() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM records WHERE object_id = ?", (row["id"],))]
            conn.executemany("DELETE FROM refs WHERE source_id = ? OR target_id = ?", [(i, i) for i in ids])
            conn.execute("DELETE FROM records WHERE object_id = ?", (row["id"],))
            for list_row in conn.execute("SELECT id FROM lists WHERE object_id = ?", (row["id"],)).fetchall():
                conn.execute("DELETE FROM entries WHERE list_id = ?", (list_row[0],))
                conn.execute("DELETE FROM attributes WHERE list_id = ?", (list_row[0],))
            conn.execute("DELETE FROM lists WHERE object_id = ?", (row["id"],))
            conn.execute(
                "DELETE FROM options WHERE attribute_id IN (SELECT id FROM attributes WHERE object_id = ?)",
                (row["id"],),
            )
            conn.execute("DELETE FROM attributes WHERE object_id = ?", (row["id"],))
            conn.execute("DELETE FROM objects WHERE id = ?", (row["id"],))
        self.invalidate()
        return str(row["id"])

    # -- attributes ---------------------------------------------------------------------

    def attributes(self, *, object_id: str | None = None, list_id: str | None = None) -> list[sqlite3.Row]:
        column, owner = ("object_id", object_id) if object_id else ("list_id", list_id)
        return self.db.all(f"SELECT * FROM attributes WHERE {column} = ? ORDER BY sort_order", (owner,))

    def attribute_row(self, attribute_id: str) -> sqlite3.Row:
        row = self.db.one("SELECT * FROM attributes WHERE id = ?", (attribute_id,))
        if row is None:
            raise NotFound("Attribute not found")
        return row

    def create_attribute(
        self,
        *,
        object_id: str | None = None,
        list_id: str | None = None,
        slug: str,
        title: str,
        type: str,
        config: Mapping[str, Any] | None = None,
        required: bool = False,
        unique: bool = False,
        multiselect: bool = False,
        system: bool = False,
        options: list[Mapping[str, Any]] | None = None,
    ) -> sqlite3.Row:
        if not slug or not title or not type:
            raise BadRequest("slug, title and type are required")
        if type not in ATTRIBUTE_TYPES:
            raise BadRequest("Invalid attribute type. Must be one of: " + ", ".join(ATTRIBUTE_TYPES))
        if multiselect and AttributeType(type) not in MULTISELECT_TYPES:
            raise BadRequest(f"{type} attributes cannot be multiselect")
        owner = "object_id" if object_id else "list_id"
        owner_id = object_id or list_id
        if self.db.one(f"SELECT 1 FROM attributes WHERE {owner} = ? AND slug = ?", (owner_id, slug)):
            where = "object" if object_id else "list"
            raise BadRequest(f"An attribute with this slug already exists on this {where}")
        order = self.db.scalar(f"SELECT COALESCE(MAX(sort_order) + 1, 0) FROM attributes WHERE {owner} = ?",
                               (owner_id,))
        attribute_id = new_id()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO attributes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (attribute_id, object_id, list_id, slug, title, type, dumps(dict(config or {})), int(system),
                 int(required), int(unique), int(multiselect), order, self.clock.now()),
            )
            for option in options or []:
                self._insert_option(conn, attribute_id, option)
        self.invalidate()
        return self.attribute_row(attribute_id)

    def update_attribute(self, attribute_id: str, fields: Mapping[str, Any]) -> sqlite3.Row:
        row = self.attribute_row(attribute_id)
        allowed = {"title", "slug", "config", "is_required", "is_unique", "is_multiselect", "sort_order"}
        changes = {k: v for k, v in fields.items() if k in allowed and v is not None}
        if "config" in changes:
            changes["config"] = dumps(dict(changes["config"]))
        with self.db.transaction() as conn:
            if changes:
                sets = ", ".join(f"{k} = ?" for k in changes)
                conn.execute(f"UPDATE attributes SET {sets} WHERE id = ?", (*changes.values(), attribute_id))
            if "slug" in changes and changes["slug"] != row["slug"]:
                self._rename_values(conn, row, str(changes["slug"]))
        self.invalidate()
        return self.attribute_row(attribute_id)

    def _rename_values(self, conn: sqlite3.Connection, row: sqlite3.Row, new_slug: str) -> None:
        # Values are keyed by slug inside the JSON documents: carry them to the new key.
        table, owner = ("records", "object_id") if row["object_id"] else ("entries", "list_id")
        owner_id = row["object_id"] or row["list_id"]
        old = row["slug"]
        for item in conn.execute(f"SELECT id, data FROM {table} WHERE {owner} = ?", (owner_id,)).fetchall():
            data = json.loads(item["data"])
            if old in data:
                data[new_slug] = data.pop(old)
                conn.execute(f"UPDATE {table} SET data = ? WHERE id = ?", (dumps(data), item["id"]))
        conn.execute("UPDATE refs SET attribute_slug = ? WHERE attribute_slug = ?", (new_slug, old))

    def delete_attribute(self, attribute_id: str) -> None:
        row = self.attribute_row(attribute_id)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM options WHERE attribute_id = ?", (attribute_id,))
            conn.execute("DELETE FROM attributes WHERE id = ?", (attribute_id,))
        self.invalidate()
        del row

    # -- options / statuses -----------------------------------------------------------------

    def options(self, attribute_id: str) -> list[sqlite3.Row]:
        return self.db.all("SELECT * FROM options WHERE attribute_id = ? ORDER BY sort_order", (attribute_id,))

    def option_row(self, option_id: str) -> sqlite3.Row:
        row = self.db.one("SELECT * FROM options WHERE id = ?", (option_id,))
        if row is None:
            raise NotFound("Option not found")
        return row

    def _insert_option(self, conn: sqlite3.Connection, attribute_id: str, option: Mapping[str, Any]) -> str:
        title = option.get("title")
        if not isinstance(title, str) or not title.strip():
            raise BadRequest("title is required")
        order = conn.execute(
            "SELECT COALESCE(MAX(sort_order) + 1, 0) FROM options WHERE attribute_id = ?", (attribute_id,)
        ).fetchone()[0]
        color = option.get("color") or PALETTE[order % len(PALETTE)]
        option_id = new_id()
        conn.execute(
            "INSERT INTO options (id, attribute_id, title, color, sort_order, is_active, created_at,"
            " celebration_enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (option_id, attribute_id, title.strip(), color, order, int(option.get("isActive", True) is not False),
             self.clock.now(), int(option.get("celebrationEnabled") is True)),
        )
        return option_id

    def create_option(self, attribute_id: str, option: Mapping[str, Any]) -> sqlite3.Row:
        attr = self.attribute_row(attribute_id)
        if attr["type"] not in ("select", "status"):
            raise BadRequest("Options exist only on select and status attributes")
        with self.db.transaction() as conn:
            option_id = self._insert_option(conn, attribute_id, option)
        self.invalidate()
        return self.option_row(option_id)

    def update_option(self, option_id: str, fields: Mapping[str, Any]) -> sqlite3.Row:
        self.option_row(option_id)
        allowed = {"title", "color", "sort_order", "is_active", "celebration_enabled"}
        changes = {k: v for k, v in fields.items() if k in allowed and v is not None}
        if changes:
            sets = ", ".join(f"{k} = ?" for k in changes)
            with self.db.transaction() as conn:
                conn.execute(f"UPDATE options SET {sets} WHERE id = ?", (*changes.values(), option_id))
        self.invalidate()
        return self.option_row(option_id)

    def delete_option(self, option_id: str) -> None:
        self.option_row(option_id)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM options WHERE id = ?", (option_id,))
        self.invalidate()

    # -- model views ------------------------------------------------------------------------

    def attribute_def(self, row: sqlite3.Row) -> AttributeDef:
        config = json.loads(row["config"])
        options = tuple(
            Option(o["id"], o["title"], o["color"], o["sort_order"], bool(o["is_active"]))
            for o in self.options(row["id"])
        ) if row["type"] in ("select", "status") else ()
        return AttributeDef(
            slug=row["slug"], title=row["title"], type=AttributeType(row["type"]), id=row["id"],
            required=bool(row["is_required"]), unique=bool(row["is_unique"]),
            multiselect=bool(row["is_multiselect"]), config=config, options=options,
            order=row["sort_order"], system=bool(row["is_system"]),
        )

    def object_def(self, slug: str) -> ObjectDef:
        cached = self._defs.get(slug)
        if cached is not None:
            return cached
        row = self.object_row(slug)
        attrs = tuple(self.attribute_def(a) for a in self.attributes(object_id=row["id"]))
        obj = ObjectDef(slug=slug, singular_name=row["singular_name"], plural_name=row["plural_name"],
                        icon=row["icon"], id=row["id"], attributes=attrs, system=bool(row["is_system"]))
        self._defs[slug] = obj
        return obj

    def slug_of(self, object_id: str) -> str:
        row = self.object_by_id(object_id)
        if row is None:
            raise NotFound("Object not found")
        return str(row["slug"])
