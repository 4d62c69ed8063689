"""Users, sign-in sessions, ``bos_crm_…`` API tokens and invites (README 17).

The real server signs users in with better-auth: the sign-in answer carries a raw session
token, and the ``better-auth.session_token`` cookie holds ``<token>.<signature>`` — that
signed value also works as a Bearer token (what the desktop app of BasicsOS does), the raw
token does not (recordings 010, 011). API tokens are ``bos_crm_`` and 48 hex digits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import sqlite3
import uuid
from datetime import timedelta
from urllib.parse import unquote

from crmdesk.sandbox.clock import format_instant, parse_instant, random_alnum
from crmdesk.sandbox.core import Core

TOKEN_PREFIX = "bos_crm_"
SESSION_COOKIE = "better-auth.session_token"
SESSION_DAYS = 7
INVITE_DAYS = 7
#: How stale ``lastUsedAt`` may get before a use writes it again: one write a minute per token,
#: not one per request (paging 100,000 records would otherwise write 400 times).
LAST_USED_EVERY = timedelta(seconds=60)


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_hex(24)


def hash_password(password: str, salt: str | None = None) -> str:
    # Sandbox credentials only; a cheap salted hash keeps the demo build fast.
    salt = salt or secrets.token_hex(8)
    return salt + "$" + hashlib.sha256((salt + password).encode()).hexdigest()


def password_matches(stored: str, password: str) -> bool:
    salt, _, _ = stored.partition("$")
    return hmac.compare_digest(stored, hash_password(password, salt))


class Accounts:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.db = core.db
        self.clock = core.clock
        self._secret_value: bytes | None = None

    # -- users -----------------------------------------------------------------------------------

    def user(self, user_id: int) -> sqlite3.Row | None:
        return self.db.one("SELECT * FROM atomic_users WHERE id = ?", (user_id,))

    def user_by_email(self, email: str) -> sqlite3.Row | None:
        return self.db.one("SELECT * FROM atomic_users WHERE lower(email) = lower(?)", (email,))

    def has_users(self) -> bool:
        return self.db.one("SELECT 1 FROM atomic_users") is not None

    def add_user(self, email: str, password: str, first_name: str | None, last_name: str | None, *,
                 administrator: bool, at: str | None = None, user_id: str | None = None) -> sqlite3.Row:
        now = at or self.clock.now()
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO atomic_users (user_id, first_name, last_name, email, password_hash, administrator, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (user_id or random_alnum(32), first_name, last_name, email, hash_password(password), int(administrator),
                 now, now))
            new_id = int(cursor.lastrowid or 0)
        row = self.user(new_id)
        assert row is not None
        return row

    def sign_in(self, email: str, password: str) -> sqlite3.Row | None:
        row = self.user_by_email(email)
        if row is None or row["disabled"] or not password_matches(row["password_hash"], password):
            return None
        return row

    # -- sessions --------------------------------------------------------------------------------

    def _secret(self) -> bytes:
        """The cookie-signing secret, kept in the core's ``meta`` table so a reopened file's
        sessions stay valid."""
        if self._secret_value is None:
            with self.db.transaction() as conn:
                conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('atomic_auth_secret', ?)",
                             (secrets.token_hex(32),))
                row = conn.execute("SELECT value FROM meta WHERE key = 'atomic_auth_secret'").fetchone()
            self._secret_value = str(row[0]).encode()
        return self._secret_value

    def _signature(self, token: str) -> str:
        digest = hmac.new(self._secret(), token.encode(), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def start_session(self, user_id: int) -> tuple[str, str]:
        """(raw token, signed cookie value)."""
        token, now = random_alnum(32), self.clock.now()
        expires = format_instant(parse_instant(now) + timedelta(days=SESSION_DAYS))
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO atomic_sessions (token, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                         (token, user_id, now, expires))
        return token, f"{token}.{self._signature(token)}"

    def session_user(self, signed: str) -> sqlite3.Row | None:
        token, dot, signature = unquote(signed).rpartition(".")
        if not dot or not hmac.compare_digest(signature, self._signature(token)):
            return None
        return self.db.one(
            "SELECT u.* FROM atomic_sessions s JOIN atomic_users u ON u.id = s.user_id "
            "WHERE s.token = ? AND s.expires_at > ? AND u.disabled = 0", (token, self.clock.now()))

    # -- API tokens ------------------------------------------------------------------------------

    def issue_token(self, user_id: int, name: str, *, at: str | None = None) -> tuple[sqlite3.Row, str]:
        token, token_id = new_api_token(), str(uuid.uuid4())
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO atomic_api_tokens (id, user_id, name, token, token_prefix, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", (token_id, user_id, name, token, token[:12], at or self.clock.now()))
        row = self.db.one("SELECT * FROM atomic_api_tokens WHERE id = ?", (token_id,))
        assert row is not None
        return row, token

    def tokens_of(self, user_id: int) -> list[sqlite3.Row]:
        return self.db.all("SELECT * FROM atomic_api_tokens WHERE user_id = ? AND revoked_at IS NULL "
                           "ORDER BY created_at", (user_id,))

    def revoke_token(self, user_id: int, token_id: str) -> bool:
        with self.db.transaction() as conn:
            return bool(conn.execute(
                "UPDATE atomic_api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                (self.clock.now(), token_id, user_id)).rowcount)

    def token_user(self, token: str) -> sqlite3.Row | None:
        row = self.db.one(
            "SELECT u.*, t.id AS token_id, t.last_used_at AS token_last_used FROM atomic_api_tokens t "
            "JOIN atomic_users u ON u.id = t.user_id WHERE t.token = ? AND t.revoked_at IS NULL AND u.disabled = 0",
            (token,))
        if row is not None:
            now = self.clock.now()
            last = row["token_last_used"]
            if last is None or parse_instant(now) - parse_instant(last) > LAST_USED_EVERY:
                with self.db.transaction() as conn:
                    conn.execute("UPDATE atomic_api_tokens SET last_used_at = ? WHERE id = ?", (now, row["token_id"]))
        return row

    def first_token(self, administrator: bool) -> str | None:
        """The oldest live token of an admin (or of a member): what ``crmdesk sandbox`` prints."""
        row = self.db.one(
            "SELECT t.token FROM atomic_api_tokens t JOIN atomic_users u ON u.id = t.user_id "
            "WHERE t.revoked_at IS NULL AND u.administrator = ? ORDER BY t.created_at LIMIT 1", (int(administrator),))
        return None if row is None else str(row[0])

    # -- invites ---------------------------------------------------------------------------------

    def invite(self, email: str, invited_by: int) -> sqlite3.Row:
        token, now = random_alnum(32), self.clock.now()
        expires = format_instant(parse_instant(now) + timedelta(days=INVITE_DAYS))
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO atomic_invites (token, email, invited_by, created_at, expires_at) "
                         "VALUES (?, ?, ?, ?, ?)", (token, email, invited_by, now, expires))
        row = self.db.one("SELECT * FROM atomic_invites WHERE token = ?", (token,))
        assert row is not None
        return row

    def open_invite(self, token: str, email: str) -> sqlite3.Row | None:
        return self.db.one(
            "SELECT * FROM atomic_invites WHERE token = ? AND lower(email) = lower(?) AND used_at IS NULL "
            "AND expires_at > ?", (token, email, self.clock.now()))

    def use_invite(self, token: str) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE atomic_invites SET used_at = ? WHERE token = ?", (self.clock.now(), token))
