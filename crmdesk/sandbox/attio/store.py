"""The facade's tables on the core's connection: creating them, token scopes, schema extras.

Value history (``history.py``) and comment threads (``comments.py``) run their own SQL on the
tables made here.
"""

from __future__ import annotations

import json
from typing import Any

from crmdesk.sandbox.attio.tables import attio_tables
from crmdesk.sandbox.core import Core
from crmdesk.sandbox.core.db import dumps

#: Every scope family Attio's spec lists; each comes as ``:read`` and ``:read-write``.
SCOPE_FAMILIES = ("user_management", "record_permission", "object_configuration", "list_entry",
                  "list_configuration", "public_collection", "private_collection", "comment", "task", "note",
                  "meeting", "call_recording", "webhook")
ALL_SCOPES = tuple(f"{family}:{level}" for family in SCOPE_FAMILIES for level in ("read", "read-write"))
#: What a member's token lacks: schema administration and user management (contract).
MEMBER_WITHOUT = frozenset({"object_configuration:read-write", "list_configuration:read-write",
                            "user_management:read-write"})
MEMBER_SCOPES = tuple(s for s in ALL_SCOPES if s not in MEMBER_WITHOUT)


def grants(scopes: frozenset[str], wanted: str) -> bool:
    """``x:read`` is granted by ``x:read`` or ``x:read-write``."""
    return wanted in scopes or (wanted.endswith(":read") and wanted + "-write" in scopes)


class AttioStore:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.db = core.db
        self.db.create_tables(attio_tables())
        latest = self.db.scalar("SELECT MAX(created_at) FROM attio_comments")
        if latest:
            core.clock.observe(latest)

    # -- tokens ------------------------------------------------------------------------------------

    def set_scopes(self, token_id: str, scopes: tuple[str, ...] | list[str]) -> None:
        with self.db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO attio_token_scopes VALUES (?, ?)", (token_id, " ".join(scopes)))

    def scopes(self, token_id: str, role: str) -> tuple[str, ...]:
        """A token's scopes; one issued outside the facade (a test's) has its member's role's."""
        stored = self.db.scalar("SELECT scopes FROM attio_token_scopes WHERE token_id = ?", (token_id,))
        if stored is not None:
            return tuple(str(stored).split())
        return ALL_SCOPES if role == "admin" else MEMBER_SCOPES

    # -- extras --------------------------------------------------------------------------------------

    def extras(self, row_id: str) -> dict[str, Any]:
        data = self.db.scalar("SELECT data FROM attio_extras WHERE id = ?", (row_id,))
        return {} if data is None else dict(json.loads(data))

    def all_extras(self) -> dict[str, dict[str, Any]]:
        """Every row's extras (a schema answer reads many; one SELECT)."""
        return {row[0]: json.loads(row[1]) for row in self.db.all("SELECT id, data FROM attio_extras")}

    def update_extras(self, row_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        merged = {**self.extras(row_id), **changes}
        with self.db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO attio_extras VALUES (?, ?)", (row_id, dumps(merged)))
        return merged

    # -- clean-up --------------------------------------------------------------------------------------

    def forget(self, parent_id: str) -> None:
        """A deleted record's or entry's history, value parts and comment threads go with it."""
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM attio_values WHERE parent_id = ?", (parent_id,))
            conn.execute("DELETE FROM attio_value_parts WHERE parent_id = ?", (parent_id,))
            threads = [r[0] for r in conn.execute(
                "SELECT id FROM attio_threads WHERE record_id = ? OR entry_id = ?", (parent_id, parent_id))]
            conn.executemany("DELETE FROM attio_comments WHERE thread_id = ?", [(t,) for t in threads])
            conn.executemany("DELETE FROM attio_threads WHERE id = ?", [(t,) for t in threads])
