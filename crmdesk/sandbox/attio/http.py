"""Request plumbing shared by every Attio endpoint: rate limit, token, scopes, JSON, idempotency, errors.

Each endpoint is a plain function ``handler(ctx) -> payload`` (Attio answers 200 for reads,
creates and deletes alike); ``endpoint`` wraps it with what happens around every route:

- over the rate limit (when on): 429 with ``Retry-After`` as an HTTP date;
- no ``Authorization: Bearer <token>``, or a token that is unknown or revoked: 401;
- a scope the route needs and the token lacks: 403 naming it;
- a body that is not JSON: 400;
- ``Idempotency-Key`` on a POST: the first answer is kept and replayed for the same key
  (``Idempotent-Replayed: true``), as the aria facade does, so a retried create never makes two;
- core errors map to Attio's codes; anything unexpected is a 500 in the same shape, logged,
  and the server keeps serving.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from crmdesk.sandbox.attio.errors import ApiError, error_response, invalid, json_response, not_found
from crmdesk.sandbox.attio.limits import RateLimiter, RateLimits
from crmdesk.sandbox.attio.render import Names
from crmdesk.sandbox.attio.store import AttioStore, grants
from crmdesk.sandbox.core import BadRequest, Core, Forbidden, NotFound, Unprocessable

log = logging.getLogger("crmdesk.sandbox")

Handler = Callable[["Ctx"], Any]
#: A route's scopes: fixed, or read from the request (``objects`` and ``lists`` targets differ).
Scopes = tuple[str, ...] | Callable[["Ctx"], tuple[str, ...]]
_NO_BODY = object()
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def counts_as_write(method: str, path: str) -> bool:
    """Whether a request is under the write limit: a query or a search is a POST that only reads
    (the adapter paces it as a read; Attio's guide names reads and writes, not methods)."""
    return method in _WRITES and not path.endswith(("/query", "/records/search"))


@dataclass(slots=True)
class Settings:
    rate_limits: RateLimits | None = None
    #: Replay the answer to a repeated ``Idempotency-Key`` (off: the key is ignored).
    honour_idempotency_keys: bool = True


@dataclass
class Attio:
    """What every request shares: the core, the facade's tables, settings and the rate limiter."""

    core: Core
    store: AttioStore
    settings: Settings
    limiter: RateLimiter | None = None


@dataclass
class Ctx:
    request: Request
    app: Attio
    token_id: str
    member: sqlite3.Row
    scopes: frozenset[str]
    raw_body: Any = _NO_BODY

    @property
    def core(self) -> Core:
        return self.app.core

    @property
    def store(self) -> AttioStore:
        return self.app.store

    @property
    def user_id(self) -> str:
        return str(self.member["user_id"])

    @property
    def actor(self) -> dict[str, Any]:
        return {"type": "workspace-member", "id": str(self.member["id"])}

    @property
    def path(self) -> Mapping[str, str]:
        return self.request.path_params

    @property
    def query(self) -> Mapping[str, str]:
        return self.request.query_params

    @cached_property
    def names(self) -> Names:
        return Names(self.core, self.store, str(self.request.base_url))

    def body(self) -> dict[str, Any]:
        if not isinstance(self.raw_body, dict):
            raise invalid("The request body must be a JSON object")
        return self.raw_body

    def data(self) -> dict[str, Any]:
        """The body's ``data`` object, which every Attio write wraps its fields in."""
        data = self.body().get("data")
        if not isinstance(data, dict):
            raise invalid("The request body must have a data object")
        return data


def _authenticate(request: Request, app: Attio) -> tuple[str, sqlite3.Row] | ApiError:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    member = app.core.workspace.authenticate(secret) if scheme.lower() == "bearer" and secret else None
    if member is None:
        return ApiError(401, "unauthorized", "Authentication failed: a valid Bearer token is required",
                        kind="auth_error")
    return str(member["token_id"]), member


def endpoint(handler: Handler, app: Attio, scopes: Scopes) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        if app.limiter is not None:
            key = request.headers.get("authorization", "") or (request.client.host if request.client else "")
            when = app.limiter.retry_after(key, counts_as_write(request.method, request.url.path))
            if when is not None:
                failure = ApiError(429, "rate_limit_exceeded", "Rate limit exceeded, please try again later",
                                   kind="rate_limit_error")
                return error_response(failure, {"retry-after": when})
        found = _authenticate(request, app)
        if isinstance(found, ApiError):
            return error_response(found)
        token_id, member = found
        ctx = Ctx(request, app, token_id, member, frozenset(app.store.scopes(token_id, str(member["role"]))))
        raw = await request.body()
        if request.method in _WRITES and raw.strip():
            try:
                ctx.raw_body = json.loads(raw)
            except (ValueError, RecursionError):
                return error_response(invalid("The request body is not valid JSON"))
        return _guarded(handler, ctx, scopes)

    return run


def _guarded(handler: Handler, ctx: Ctx, scopes: Scopes) -> Response:
    try:
        wanted = scopes(ctx) if callable(scopes) else scopes
    except ApiError as failure:
        return error_response(failure)
    missing = [s for s in wanted if not grants(ctx.scopes, s)]
    if missing:
        return error_response(ApiError(403, "missing_scopes", f"The token lacks the scopes {', '.join(missing)}",
                                       kind="auth_error"))
    key = ctx.request.headers.get("idempotency-key")
    if ctx.request.method != "POST" or not key or not ctx.app.settings.honour_idempotency_keys:
        return dispatch(handler, ctx)
    # Check, run and remember without awaiting in between: one event loop, so no second
    # request with the same key can slip in and create twice.
    seen = ctx.core.workspace.remembered(ctx.user_id, key[:200])
    if seen is not None:
        return Response(bytes(seen["body"]), status_code=seen["status"], media_type="application/json",
                        headers={"idempotent-replayed": "true"})
    response = dispatch(handler, ctx)
    if response.status_code < 500:
        ctx.core.workspace.remember(ctx.user_id, key[:200], "POST", ctx.request.url.path, response.status_code,
                                    bytes(response.body))
    return response


def dispatch(handler: Handler, ctx: Ctx) -> Response:
    try:
        return json_response(200, handler(ctx))
    except ApiError as failure:
        return error_response(failure)
    except NotFound as failure:
        return error_response(not_found(failure.message))
    except (BadRequest, Unprocessable) as failure:
        return error_response(invalid(failure.message))
    except Forbidden as failure:
        return error_response(ApiError(403, "forbidden", failure.message, kind="auth_error"))
    except Exception:  # a sandbox bug: log it, answer in Attio's shape, keep serving
        log.exception("unhandled error in %s %s", ctx.request.method, ctx.request.url.path)
        return error_response(ApiError(500, "internal_server_error", "An unexpected error occurred",
                                       kind="api_error"))


# -- query parameters -----------------------------------------------------------------------------


def int_param(ctx: Ctx, name: str, default: int, high: int | None = None) -> int:
    """A non-negative integer query parameter, capped at ``high``; anything else is a 400."""
    raw = ctx.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        number = int(raw)
    except ValueError:
        raise invalid(f"{name} must be an integer") from None
    if number < 0:
        raise invalid(f"{name} must not be negative")
    return number if high is None else min(number, high)


def bool_param(ctx: Ctx, name: str) -> bool | None:
    raw = ctx.query.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() not in ("true", "false"):
        raise invalid(f"{name} must be true or false")
    return raw.lower() == "true"


def body_int(body: Mapping[str, Any], name: str, default: int, high: int) -> int:
    value = body.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer() or value < 0:
        raise invalid(f"{name} must be a non-negative integer")
    return min(int(value), high)
