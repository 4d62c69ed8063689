"""SQL over the atlas tables (``tables.py``, created here): entities, links, issue links, comments
and clients. Reads return plain dicts (an entity: ``{"id", "type", "fields"}``); the facade renders
them with their ``_links`` (``render.py``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from crmdesk.sandbox.atlas.query import Query
from crmdesk.sandbox.atlas.tables import atlas_tables
from crmdesk.sandbox.clock import new_id
from crmdesk.sandbox.core import Core
from crmdesk.sandbox.core.db import dumps

Entity = dict[str, Any]
#: A record's links as rows of ``e`` (the other entity) with ``roles``: both ends of each pair.
_LINKED = ("(SELECT high AS other, roles FROM atlas_links WHERE low = ? "
           "UNION ALL SELECT low AS other, roles FROM atlas_links WHERE high = ?) l "
           "JOIN atlas_entities e ON e.id = l.other")


def fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def sort_name(fields: dict[str, Any], entity_type: str) -> str:
    return str(fields.get(f"{entity_type}-name") or "").casefold()


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _entity(row: sqlite3.Row) -> Entity:
    return {"id": row["id"], "type": row["type"], "fields": json.loads(row["data"])}


class AtlasStore:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.db = core.db
        self.db.create_tables(atlas_tables())  # the core creates only its own tables
        with self.db.lock:
            # Unicode-aware case folding for ``contains`` and text sorts (SQLite's lower() is ASCII only).
            self.db.conn.create_function("atlas_fold", 1, fold, deterministic=True)

    # -- entities ------------------------------------------------------------------------------------

    def entity(self, entity_id: str) -> Entity | None:
        row = self.db.one("SELECT id, type, data FROM atlas_entities WHERE id = ?", (entity_id,))
        return None if row is None else _entity(row)

    def page(self, entity_type: str, query: Query) -> tuple[list[Entity], int]:
        where = f"e.type = ? AND {query.where}"
        params = (entity_type, *query.params)
        total = int(self.db.scalar(f"SELECT COUNT(*) FROM atlas_entities e WHERE {where}", params))
        rows = self.db.all(f"SELECT e.id, e.type, e.data FROM atlas_entities e WHERE {where} ORDER BY {query.order} "
                           "LIMIT ? OFFSET ?", (*params, *query.order_params, query.size, query.offset))
        return [_entity(r) for r in rows], total

    def create(self, entity_type: str, fields: dict[str, Any]) -> Entity:
        entity_id = new_id()
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO atlas_entities (id, type, sort_name, data, created_at) VALUES (?, ?, ?, ?, ?)",
                         (entity_id, entity_type, sort_name(fields, entity_type), dumps(fields), self.core.clock.now()))
        return {"id": entity_id, "type": entity_type, "fields": fields}

    def replace_fields(self, entity: Entity, fields: dict[str, Any]) -> Entity:
        with self.db.transaction() as conn:
            conn.execute("UPDATE atlas_entities SET data = ?, sort_name = ? WHERE id = ?",
                         (dumps(fields), sort_name(fields, entity["type"]), entity["id"]))
        return {**entity, "fields": fields}

    def delete(self, entity_id: str) -> None:
        """The entity, its links (both ends), issue links and comments."""
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM atlas_entities WHERE id = ?", (entity_id,))
            conn.execute("DELETE FROM atlas_links WHERE low = ? OR high = ?", (entity_id, entity_id))
            conn.execute("DELETE FROM atlas_issue_links WHERE entity_id = ?", (entity_id,))
            conn.execute("DELETE FROM atlas_comments WHERE entity_id = ?", (entity_id,))

    def count(self, entity_type: str) -> int:
        return int(self.db.scalar("SELECT COUNT(*) FROM atlas_entities WHERE type = ?", (entity_type,)))

    # -- links -------------------------------------------------------------------------------------

    def link_page(self, entity_id: str, entity_type: str | None, query: Query
                  ) -> tuple[list[tuple[Entity, list[str]]], int]:
        where = query.where + (" AND e.type = ?" if entity_type else "")
        params = (entity_id, entity_id, *query.params, *((entity_type,) if entity_type else ()))
        total = int(self.db.scalar(f"SELECT COUNT(*) FROM {_LINKED} WHERE {where}", params))
        rows = self.db.all(f"SELECT e.id, e.type, e.data, l.roles FROM {_LINKED} WHERE {where} "
                           f"ORDER BY {query.order} LIMIT ? OFFSET ?",
                           (*params, *query.order_params, query.size, query.offset))
        return [(_entity(r), json.loads(r["roles"])) for r in rows], total

    def roles(self, a: str, b: str) -> list[str] | None:
        """The roles of the link between two entities (None: not linked)."""
        found = self.db.scalar("SELECT roles FROM atlas_links WHERE low = ? AND high = ?", pair(a, b))
        return None if found is None else list(json.loads(found))

    def set_link(self, a: str, b: str, roles: Sequence[str]) -> None:
        with self.db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO atlas_links (low, high, roles) VALUES (?, ?, ?)",
                         (*pair(a, b), dumps(list(roles))))

    def unlink(self, a: str, b: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM atlas_links WHERE low = ? AND high = ?", pair(a, b))

    # -- issue links ---------------------------------------------------------------------------------

    def issues(self, entity_id: str) -> list[str]:
        return [r[0] for r in self.db.all("SELECT issue_id FROM atlas_issue_links WHERE entity_id = ? ORDER BY seq",
                                          (entity_id,))]

    def link_issues(self, entity_id: str, issue_ids: Sequence[str]) -> list[str]:
        with self.db.transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO atlas_issue_links (entity_id, issue_id) VALUES (?, ?)",
                             [(entity_id, i) for i in issue_ids])
        return self.issues(entity_id)

    def unlink_issues(self, entity_id: str, issue_ids: Sequence[str]) -> list[str]:
        with self.db.transaction() as conn:
            conn.executemany("DELETE FROM atlas_issue_links WHERE entity_id = ? AND issue_id = ?",
                             [(entity_id, i) for i in issue_ids])
        return self.issues(entity_id)

    # -- comments -------------------------------------------------------------------------------------

    def add_comment(self, entity_id: str, comment: str, account_id: str) -> dict[str, Any]:
        comment_id = new_id()
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO atlas_comments (id, entity_id, comment, account_id, created_at) "
                         "VALUES (?, ?, ?, ?, ?)", (comment_id, entity_id, comment, account_id, self.core.clock.now()))
        return {"id": comment_id, "comment": comment, "account-id": account_id}

    def comments(self, entity_id: str) -> list[dict[str, Any]]:
        """For tests: the comments written on an entity, oldest first (the API has no read)."""
        rows = self.db.all("SELECT id, comment, account_id FROM atlas_comments WHERE entity_id = ? ORDER BY seq",
                           (entity_id,))
        return [{"id": r["id"], "comment": r["comment"], "account-id": r["account_id"]} for r in rows]

    # -- clients -----------------------------------------------------------------------------------------

    def add_client(self, client_id: str, secret: str, role: str, account_id: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO atlas_clients (client_id, secret, role, account_id) VALUES (?, ?, ?, ?)",
                         (client_id, secret, role, account_id))

    def client(self, client_id: str) -> sqlite3.Row | None:
        return self.db.one("SELECT * FROM atlas_clients WHERE client_id = ?", (client_id,))

    def client_of_role(self, role: str) -> sqlite3.Row | None:
        return self.db.one("SELECT * FROM atlas_clients WHERE role = ? ORDER BY seq LIMIT 1", (role,))
