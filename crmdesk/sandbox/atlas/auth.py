"""The OAuth client-credentials flow: ``POST /api/1.0/oauth/token`` and the bearer tokens it issues.

Tokens live in memory (a restarted sandbox has none: clients fetch a new one on the 401) and
expire ``lifetime`` seconds after they were issued, measured on the sandbox's clock plus a skew
tests can add (``advance``), so expiry is tested without waiting. Both clients may read and write;
they differ in the Atlassian account they act as.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crmdesk.sandbox.atlas.errors import oauth_error, unauthorized
from crmdesk.sandbox.atlas.store import AtlasStore


@dataclass(frozen=True)
class Grant:
    client_id: str
    account_id: str
    expires_at: float


class Tokens:
    def __init__(self, store: AtlasStore, lifetime: int, now: Callable[[], float]) -> None:
        self.store = store
        self.lifetime = lifetime
        self._now = now
        self._skew = 0.0
        self._lock = threading.Lock()
        self._grants: dict[str, Grant] = {}
        self.issued = 0

    def now(self) -> float:
        with self._lock:
            skew = self._skew
        return self._now() + skew

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._skew += seconds

    def revoke_all(self) -> None:
        with self._lock:
            self._grants.clear()

    def issue(self, body: Any) -> dict[str, Any]:
        """The token answer for a JSON body, or an ``ApiError`` in OAuth's shape."""
        if not isinstance(body, dict):
            raise oauth_error(400, "invalid_request", "The body must be a JSON object")
        if body.get("grant_type") != "client_credentials":
            raise oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials")
        client_id, secret = body.get("client_id"), body.get("client_secret")
        if not isinstance(client_id, str) or not isinstance(secret, str) or not client_id or not secret:
            raise oauth_error(400, "invalid_request", "client_id and client_secret are required")
        client = self.store.client(client_id)
        if client is None or not secrets.compare_digest(str(client["secret"]), secret):
            raise oauth_error(401, "invalid_client", "Unknown client or wrong secret")
        token = secrets.token_urlsafe(32)
        grant = Grant(client_id, str(client["account_id"]), self.now() + self.lifetime)
        with self._lock:
            # Expired grants go as new ones come, so a long run does not keep them all.
            now = grant.expires_at - self.lifetime
            self._grants = {t: g for t, g in self._grants.items() if g.expires_at > now}
            self._grants[token] = grant
            self.issued += 1
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime}

    def check(self, header: str) -> Grant:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("Authentication required: Authorization: Bearer <access token>")
        with self._lock:
            grant = self._grants.get(token.strip())
        if grant is None:
            raise unauthorized("The access token is invalid or revoked")
        if grant.expires_at <= self.now():
            raise unauthorized("The access token has expired")
        return grant
