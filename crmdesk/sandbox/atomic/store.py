"""The atomic facade's data: SQL over its ``atomic_*`` tables (``core/tables.py``, created here) for
the built-in resources, the configuration and the object configurations it installs and
looks up. Two other modules run their own SQL on these tables: ``accounts.py`` (users,
sessions, API tokens, invites) and ``custom.py`` (listing and creating object
configurations, and custom objects' rows in ``atomic_custom_records``).

Reads come back as ``sqlite3.Row``; the facade renders them (``render.py``). Writes take
column values already checked by ``values.py``. A reference to a missing row (a note on a
contact that does not exist) fails as PostgreSQL's foreign key does: ``ReferenceFailed``,
after using up the id the insert would have taken (a sequence is not rolled back).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from crmdesk.sandbox.atomic.query import Where
from crmdesk.sandbox.atomic.resources import DEALS, Kind, Resource, Summary
from crmdesk.sandbox.core import Core
from crmdesk.sandbox.core.tables import atomic_tables


def default_config() -> dict[str, Any]:
    """The configuration a new BasicsOS organization starts with (recording 116)."""
    return {
        "title": "Basics OS",
        "dealStages": [{"label": "Opportunity", "value": "opportunity"},
                       {"label": "Proposal Sent", "value": "proposal-sent"},
                       {"label": "In Negotiation", "value": "in-negotiation"},
                       {"label": "Won", "value": "won"}, {"label": "Lost", "value": "lost"}],
        "companySectors": [{"label": "Information Technology", "value": "information-technology"},
                           {"label": "Health Care", "value": "health-care"},
                           {"label": "Financials", "value": "financials"}],
        "dealCategories": [{"label": "Other", "value": "other"}, {"label": "Copywriting", "value": "copywriting"},
                           {"label": "UI Design", "value": "ui-design"},
                           {"label": "Website design", "value": "website-design"}],
    }

#: The standard objects' configurations (ids 1–3: a custom object created next gets id 4,
#: position 3, as in recording 169).
STANDARD_OBJECTS = (("contacts", "Contact", "Contacts", "users", "contacts"),
                    ("companies", "Company", "Companies", "building", "companies"),
                    ("deals", "Deal", "Deals", "handshake", "deals"))

#: What deleting a row does to the rows that point at it (the real server's foreign keys):
#: (table, column, "cascade" | "null").
_DEPENDENTS: Mapping[str, tuple[tuple[str, str, str], ...]] = MappingProxyType({
    "atomic_companies": (("atomic_contacts", "company_id", "null"), ("atomic_deals", "company_id", "cascade"),
                         ("atomic_company_notes", "company_id", "cascade"), ("atomic_tasks", "company_id", "null")),
    "atomic_contacts": (("atomic_contact_notes", "contact_id", "cascade"), ("atomic_tasks", "contact_id", "cascade")),
    "atomic_deals": (("atomic_deal_notes", "deal_id", "cascade"), ("atomic_tasks", "deal_id", "null")),
    "atomic_tasks": (("atomic_tasks", "parent_task_id", "cascade"),),
})


class ReferenceFailed(Exception):
    """A write pointing at a row that does not exist (the real server answers a bare 500)."""


class AtomicStore:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.db = core.db
        self.clock = core.clock
        self.db.create_tables(atomic_tables())  # the core creates only its own tables
        for table in ("atomic_deals", "atomic_automation_rules", "atomic_users"):
            latest = self.db.scalar(f"SELECT MAX(updated_at) FROM {table}")
            if latest:
                self.clock.observe(latest)

    @property
    def organization_id(self) -> str:
        return str(self.core.workspace.get()["id"])

    def install_defaults(self) -> None:
        """What a new organization has: its configuration row and the standard object configs."""
        with self.db.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO atomic_configuration (id, config) VALUES (1, ?)",
                         (json.dumps(default_config()),))
            for position, (slug, singular, plural, icon, table) in enumerate(STANDARD_OBJECTS):
                conn.execute(
                    "INSERT OR IGNORE INTO atomic_object_configs (slug, singular_name, plural_name, icon, icon_color, "
                    "table_name, type, is_active, position, settings, fields) VALUES (?, ?, ?, ?, 'blue', ?, "
                    "'standard', 1, ?, '{}', '[]')", (slug, singular, plural, icon, table, position))

    # -- reads -----------------------------------------------------------------------------------

    @staticmethod
    def _select(resource: Resource) -> str:
        columns = ", ".join(f"t.{c.name}" for c in resource.stored)
        if resource is DEALS:
            columns += ", (SELECT c.name FROM atomic_companies c WHERE c.id = t.company_id) AS company_name"
        return f"SELECT {columns} FROM {resource.table} t"

    def page(self, resource: Resource, where: Where, order: str, start: int, end: int
             ) -> tuple[list[sqlite3.Row], int]:
        total = int(self.db.scalar(f"SELECT COUNT(*) FROM {resource.table} t{where.sql}", where.params))
        rows = self.db.all(f"{self._select(resource)}{where.sql}{order} LIMIT ? OFFSET ?",
                           (*where.params, end - start + 1, start))
        return rows, total

    @staticmethod
    def _summary_select(summary: Summary) -> str:
        columns = ", ".join(f"t.{c.name}" for c in summary.base.stored)
        computed = ", ".join(f"{sql} AS {name}" for name, sql in summary.computed)
        return f"SELECT {columns}, {computed} FROM {summary.base.table} t"

    def summary_page(self, summary: Summary, where: Where, start: int, end: int) -> tuple[list[sqlite3.Row], int]:
        total = int(self.db.scalar(f"SELECT COUNT(*) FROM {summary.base.table} t{where.sql}", where.params))
        rows = self.db.all(f"{self._summary_select(summary)}{where.sql} ORDER BY t.id LIMIT ? OFFSET ?",
                           (*where.params, end - start + 1, start))
        return rows, total

    def summary_get(self, summary: Summary, row_id: int) -> sqlite3.Row | None:
        return self.db.one(f"{self._summary_select(summary)} WHERE t.id = ?", (row_id,))

    def get(self, resource: Resource, row_id: int) -> sqlite3.Row | None:
        return self.db.one(f"{self._select(resource)} WHERE t.id = ?", (row_id,))

    def exists(self, table: str, row_id: int) -> bool:
        return self.db.one(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)) is not None

    def custom_object(self, slug: str) -> sqlite3.Row | None:
        """The configuration of the active custom object at ``/api/<slug>``, if there is one."""
        return self.db.one("SELECT * FROM atomic_object_configs WHERE slug = ? AND is_active = 1 "
                           "AND table_name LIKE 'custom\\_%' ESCAPE '\\'", (slug,))

    # -- writes ----------------------------------------------------------------------------------

    def _check_references(self, resource: Resource, values: Mapping[str, Any]) -> None:
        for column in resource.columns:
            target = column.references
            if target and values.get(column.name) is not None and not self.exists(target, values[column.name]):
                raise ReferenceFailed(f"{column.name} {values[column.name]} does not exist")

    def _burn_id(self, table: str) -> None:
        """A failed insert still took an id from the sequence (PostgreSQL does not give it back)."""
        with self.db.transaction() as conn:
            updated = conn.execute("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = ?", (table,)).rowcount
            if not updated:
                conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, 1)", (table,))

    def create(self, resource: Resource, values: Mapping[str, Any], user_id: int) -> sqlite3.Row:
        row = dict(values)
        try:
            self._check_references(resource, row)
        except ReferenceFailed:
            self._burn_id(resource.table)
            raise
        now = self.clock.now()
        names = {c.name for c in resource.stored}
        if "crm_user_id" in names and resource.creator:
            row["crm_user_id"] = user_id
        for stamp in ("created_at", "updated_at"):
            if stamp in names:
                row[stamp] = now
        for stamp in resource.now_on_create:
            if row.get(stamp) is None:
                row[stamp] = now
        for column in resource.stored:
            if column.kind is Kind.JSON and row.get(column.name) is None:
                row[column.name] = "{}"
        if "enabled" in names and row.get("enabled") is None:
            row["enabled"] = 0
        row.pop("id", None)
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"INSERT INTO {resource.table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()))
            new_id = int(cursor.lastrowid or 0)
        created = self.get(resource, new_id)
        assert created is not None
        return created

    def update(self, resource: Resource, row_id: int, values: Mapping[str, Any]) -> sqlite3.Row | None:
        """``None`` when there is no such row. Deals and rules keep their ``updated_at``: the
        real server's PUT does not touch it (recordings 088, 125, 181)."""
        if self.get(resource, row_id) is None:
            return None
        self._check_references(resource, values)
        if values:
            sets = ", ".join(f"{name} = ?" for name in values)
            with self.db.transaction() as conn:
                conn.execute(f"UPDATE {resource.table} SET {sets} WHERE id = ?", (*values.values(), row_id))
        return self.get(resource, row_id)

    def delete(self, resource: Resource, row_id: int) -> sqlite3.Row | None:
        row = self.get(resource, row_id)
        if row is None:
            return None
        with self.db.transaction() as conn:
            self._delete_rows(conn, resource.table, [row_id])
        return row

    def _delete_rows(self, conn: sqlite3.Connection, table: str, ids: Sequence[int]) -> None:
        if not ids:
            return
        marks = ", ".join("?" * len(ids))
        for child, column, action in _DEPENDENTS.get(table, ()):
            if action == "null":
                conn.execute(f"UPDATE {child} SET {column} = NULL WHERE {column} IN ({marks})", tuple(ids))
            else:
                children = [r[0] for r in conn.execute(f"SELECT id FROM {child} WHERE {column} IN ({marks})",
                                                       tuple(ids))]
                self._delete_rows(conn, child, children)
        conn.execute(f"DELETE FROM {table} WHERE id IN ({marks})", tuple(ids))

    # -- deals -----------------------------------------------------------------------------------

    def archive_deal(self, row_id: int) -> sqlite3.Row | None:
        if self.get(DEALS, row_id) is None:
            return None
        now = self.clock.now()
        with self.db.transaction() as conn:
            conn.execute("UPDATE atomic_deals SET archived_at = ?, updated_at = ? WHERE id = ?", (now, now, row_id))
        return self.get(DEALS, row_id)

    def restore_deal(self, row_id: int) -> sqlite3.Row | None:
        if self.get(DEALS, row_id) is None:
            return None
        with self.db.transaction() as conn:
            conn.execute("UPDATE atomic_deals SET archived_at = NULL, updated_at = ? WHERE id = ?",
                         (self.clock.now(), row_id))
        return self.get(DEALS, row_id)

    # -- contacts --------------------------------------------------------------------------------

    def merge_contacts(self, loser: int, winner: int) -> None:
        """The loser's notes and tasks move to the winner; the loser goes."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE atomic_contact_notes SET contact_id = ? WHERE contact_id = ?", (winner, loser))
            conn.execute("UPDATE atomic_tasks SET contact_id = ? WHERE contact_id = ?", (winner, loser))
            conn.execute("DELETE FROM atomic_contacts WHERE id = ?", (loser,))

    # -- configuration ---------------------------------------------------------------------------

    def configuration(self) -> sqlite3.Row:
        row = self.db.one("SELECT id, config FROM atomic_configuration WHERE id = 1")
        if row is None:
            self.install_defaults()
            row = self.db.one("SELECT id, config FROM atomic_configuration WHERE id = 1")
        assert row is not None
        return row

    def set_configuration(self, config: str) -> sqlite3.Row:
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO atomic_configuration (id, config) VALUES (1, ?) "
                         "ON CONFLICT (id) DO UPDATE SET config = excluded.config", (config,))
        return self.configuration()

    # -- bulk (demo data, test seeds) ---------------------------------------------------------------

    def bulk_insert(self, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Rows with their own ids and times, as they are stored; one ``executemany`` per table."""
        batch = list(rows)
        if not batch:
            return
        names = list(batch[0])
        with self.db.transaction() as conn:
            conn.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                             [tuple(row[n] for n in names) for row in batch])
