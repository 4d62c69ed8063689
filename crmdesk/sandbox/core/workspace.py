"""The workspace, its members, API tokens (with the member's role) and idempotent answers."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Mapping
from typing import Any

from sqlmodel import select

from crmdesk.sandbox.clock import Clock, new_id, random_alnum
from crmdesk.sandbox.core.db import Database, dumps
from crmdesk.sandbox.core.errors import BadRequest, NotFound
from crmdesk.sandbox.core.tables import MemberRow, TokenRow, WorkspaceRow

ROLES = ("admin", "member")


def new_token() -> str:
    """``oc_sk_`` and 48 hex digits, the real server's key format."""
    return "oc_sk_" + secrets.token_hex(24)


class WorkspaceStore:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # -- workspace -----------------------------------------------------------------------------

    def get(self) -> WorkspaceRow:
        with self.db.session() as session:
            row = session.exec(select(WorkspaceRow).limit(1)).first()
        if row is None:
            raise NotFound("Workspace not found")
        return row

    def create(self, name: str, slug: str) -> WorkspaceRow:
        now = self.clock.now()
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO workspace VALUES (?, ?, ?, ?, ?, ?)", (new_id(), name, slug, "{}", now, now))
        return self.get()

    def update(self, fields: Mapping[str, Any]) -> WorkspaceRow:
        row = self.get()
        changes: dict[str, Any] = {}
        if isinstance(fields.get("name"), str) and fields["name"].strip():
            changes["name"] = fields["name"].strip()
        if isinstance(fields.get("settings"), dict):
            changes["settings"] = dumps(fields["settings"])
        changes["updated_at"] = self.clock.now()
        sets = ", ".join(f"{k} = ?" for k in changes)
        with self.db.transaction() as conn:
            conn.execute(f"UPDATE workspace SET {sets} WHERE id = ?", (*changes.values(), row["id"]))
        return self.get()

    # -- members ---------------------------------------------------------------------------------

    def members(self) -> list[sqlite3.Row]:
        """On the plain connection, as ``authenticate`` is: the task list reads it per request."""
        return self.db.all("SELECT * FROM members ORDER BY created_at")

    def member(self, member_id: str) -> MemberRow:
        with self.db.session() as session:
            row = session.get(MemberRow, member_id)
        if row is None:
            raise NotFound("Member not found")
        return row

    def add_member(self, email: Any, role: Any = "member", name: Any = None, *, at: str | None = None,
                   user_id: str | None = None) -> MemberRow:
        if not isinstance(email, str) or "@" not in email:
            raise BadRequest("email is required")
        role = role or "member"
        if role not in ROLES:
            raise BadRequest("role must be admin or member")
        if self.db.one("SELECT 1 FROM members WHERE lower(email) = lower(?)", (email,)):
            raise BadRequest("This user is already a member of the workspace")
        member_id = new_id()
        display = name if isinstance(name, str) and name.strip() else email.split("@")[0]
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO members VALUES (?, ?, ?, ?, ?, ?)",
                         (member_id, user_id or random_alnum(32), display, email, role, at or self.clock.now()))
        return self.member(member_id)

    def set_role(self, member_id: str, role: Any) -> MemberRow:
        row = self.member(member_id)
        if role not in ROLES:
            raise BadRequest("role must be admin or member")
        if row["role"] == "admin" and role != "admin":
            self._keep_an_admin(member_id)
        with self.db.transaction() as conn:
            conn.execute("UPDATE members SET role = ? WHERE id = ?", (role, member_id))
        return self.member(member_id)

    def remove_member(self, member_id: str) -> None:
        row = self.member(member_id)
        if row["role"] == "admin":
            self._keep_an_admin(member_id)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM members WHERE id = ?", (member_id,))
            conn.execute("UPDATE tokens SET revoked = 1 WHERE user_id = ?", (row["user_id"],))

    def _keep_an_admin(self, member_id: str) -> None:
        others = self.db.scalar("SELECT COUNT(*) FROM members WHERE role = 'admin' AND id != ?", (member_id,))
        if not others:
            raise BadRequest("A workspace needs at least one admin")

    # -- tokens ----------------------------------------------------------------------------------

    def issue_token(self, user_id: str, name: str = "sandbox") -> tuple[str, str]:
        token_id, token = new_id(), new_token()
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO tokens VALUES (?, ?, ?, ?, 0, ?)",
                         (token_id, token, name, user_id, self.clock.now()))
        return token_id, token

    def tokens(self) -> list[TokenRow]:
        with self.db.session() as session:
            return list(session.exec(select(TokenRow).where(TokenRow.revoked == 0).order_by(TokenRow.created_at)))

    def token_for(self, role: str) -> str | None:
        row = self.db.one(
            "SELECT t.token FROM tokens t JOIN members m ON m.user_id = t.user_id "
            "WHERE t.revoked = 0 AND m.role = ? ORDER BY t.created_at LIMIT 1",
            (role,),
        )
        return None if row is None else str(row[0])

    def revoke_token(self, token_id: str) -> None:
        if self.db.one("SELECT 1 FROM tokens WHERE id = ? AND revoked = 0", (token_id,)) is None:
            raise NotFound("API key not found")
        with self.db.transaction() as conn:
            conn.execute("UPDATE tokens SET revoked = 1 WHERE id = ?", (token_id,))

    def authenticate(self, token: str) -> sqlite3.Row | None:
        """The member a live token belongs to (with the token's id as ``token_id``), or ``None``."""
        return self.db.one(
            "SELECT m.*, t.id AS token_id FROM tokens t JOIN members m ON m.user_id = t.user_id "
            "WHERE t.token = ? AND t.revoked = 0",
            (token,),
        )

    # -- idempotency ---------------------------------------------------------------------------------

    def remembered(self, user_id: str, key: str) -> sqlite3.Row | None:
        return self.db.one("SELECT * FROM idempotency WHERE user_id = ? AND key = ?", (user_id, key))

    def remember(self, user_id: str, key: str, method: str, path: str, status: int, body: bytes) -> None:
        with self.db.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO idempotency VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (user_id, key, method, path, status, body, self.clock.now()))
