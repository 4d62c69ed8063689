"""Request plumbing of the atomic facade: settings, the rate limiter, authentication,
JSON bodies and the real server's answer shapes.

- Answers are JSON (``application/json``) or, where the real server's framework answers
  itself, ``text/plain; charset=UTF-8``: ``404 Not Found`` for an unrouted path or method
  (``PATCH`` included), ``Internal Server Error`` for a failed query or foreign key.
- Every ``/api`` path but sign-in and sign-up wants a user: a ``bos_crm_…`` API token or a
  signed session value as ``Authorization: Bearer``, or the session cookie; anything else
  is 401 ``{"error": "Unauthorized"}`` — before routing, so an unknown path is 401 too.
- The rate limit (when on) counts requests per client address and path in fixed one-minute
  windows: 180 per window, 30 on ``/api/auth/…``; over it, 429 ``{"error": "Too many
  requests"}`` with ``Retry-After`` in whole seconds until the window ends.
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from crmdesk.sandbox.core.db import dumps
from crmdesk.sandbox.windows import FixedWindows

log = logging.getLogger("crmdesk.sandbox")

#: The security headers the real server sends with every answer (Hono's secureHeaders).
SECURITY_HEADERS = MappingProxyType({
    "access-control-allow-credentials": "true",
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data: https:; connect-src 'self' http://localhost:* "
                               "https://localhost:*; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-site",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "referrer-policy": "strict-origin-when-cross-origin",
    "vary": "Origin",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
})


@dataclass(frozen=True)
class RateLimits:
    """The real server's limits (README 17)."""

    per_minute: int = 180
    auth_per_minute: int = 30
    window_seconds: float = 60.0


@dataclass
class Settings:
    #: ``None``: no rate limit (tests and the demo); ``RateLimits()``: the real server's.
    rate_limits: RateLimits | None = None


class RateLimiter:
    """Fixed windows per (client, path), started by a bucket's first request."""

    def __init__(self, limits: RateLimits, now: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        # Paths carry ids, so windows are many.
        self._windows = FixedWindows(limits.window_seconds, prune_at=10_000, now=now)

    def retry_after(self, client: str, path: str) -> int | None:
        """Seconds to wait when this request is over the limit, else ``None`` (and it counts)."""
        limit = self.limits.auth_per_minute if path.startswith("/api/auth/") else self.limits.per_minute
        over = self._windows.over((client, path), limit)
        return None if over is None else max(1, math.ceil(over[1] - over[0]))


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(payload).encode(), status_code=status, media_type="application/json",
                    headers={**SECURITY_HEADERS, **(headers or {})})


def error(status: int, message: str, code: str | None = None) -> Response:
    return json_response(status, {"error": message} if code is None else {"error": message, "code": code})


def text_response(status: int, text: str) -> Response:
    return Response(text, status_code=status, media_type="text/plain; charset=UTF-8", headers=SECURITY_HEADERS)


def not_found_text() -> Response:
    return text_response(404, "404 Not Found")


def server_error_text() -> Response:
    return text_response(500, "Internal Server Error")


class BadJson(Exception):
    pass


_NO_BODY = object()


@dataclass
class Ctx:
    request: Request
    raw: bytes
    user: sqlite3.Row | None = None
    params: dict[str, str] = field(default_factory=dict)
    _parsed: Any = _NO_BODY

    @property
    def query(self) -> Any:
        return self.request.query_params

    def json(self) -> Any:
        """The body as JSON; ``BadJson`` for malformed or missing JSON."""
        if self._parsed is _NO_BODY:
            try:
                self._parsed = json.loads(self.raw)
            except (ValueError, RecursionError):
                raise BadJson() from None
        return self._parsed

    @property
    def user_id(self) -> int:
        assert self.user is not None
        return int(self.user["id"])

    @property
    def is_admin(self) -> bool:
        return bool(self.user is not None and self.user["administrator"])


def admin_json(ctx: Ctx) -> Any | Response:
    """The body of a request only an admin may make, or the real server's refusal: 403 before
    the body is read, then 400 for a body that is not JSON."""
    if not ctx.is_admin:
        return error(403, "Forbidden")
    try:
        return ctx.json()
    except BadJson:
        return error(400, "Invalid JSON body")
