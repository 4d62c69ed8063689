"""Request plumbing shared by every Aria endpoint: auth, JSON bodies, envelopes, errors.

Each endpoint is a plain function ``handler(ctx) -> (status, data)``; ``endpoint``
wraps it with what the real server does around every route:

- no ``Authorization: Bearer …`` header (a lowercase ``bearer``, a raw key, an
  ``X-Api-Key``): 307 to ``/login?redirect=<path>``; an unknown or revoked key: 401;
- malformed JSON: 500 with an empty body (the real route handlers throw), except
  where the real server checks (``POST /tasks``: 400 "Invalid JSON body");
- core errors map to the seed's codes; anything unexpected is a 500 with an empty
  body, and never takes the server down.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from crmdesk.sandbox.core import BadRequest, Core, Forbidden, NotFound, Unprocessable
from crmdesk.sandbox.core.db import dumps

log = logging.getLogger("crmdesk.sandbox")

Handler = Callable[["Ctx"], tuple[int, Any]]
_NO_BODY = object()


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class EmptyServerError(Exception):
    """The real server's bare 500."""


@dataclass(slots=True)
class Settings:
    strict: bool = False
    #: Attribute slugs whose record writes the server chokes on with an empty 500, as the real
    #: server does on a value it cannot store (tests: one refused field among several).
    choke_on: frozenset[str] = frozenset()
    #: Replay the answer to a repeated ``Idempotency-Key``. The real Aria server ignores the
    #: header; off, the sandbox does too (crash loops then prove creates are never sent twice).
    honour_idempotency_keys: bool = True


@dataclass
class Ctx:
    request: Request
    core: Core
    settings: Settings
    member: sqlite3.Row
    raw_body: Any = _NO_BODY
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        return str(self.member["user_id"])

    @property
    def path_params(self) -> Mapping[str, str]:
        return self.request.path_params

    @property
    def query(self) -> Mapping[str, str]:
        return self.request.query_params

    @property
    def body(self) -> Any:
        """The parsed JSON body; a missing body is the real server's 500."""
        if self.raw_body is _NO_BODY:
            raise EmptyServerError()
        return self.raw_body

    def body_object(self) -> dict[str, Any]:
        body = self.body
        if not isinstance(body, dict):
            raise ApiError(400, "BAD_REQUEST", "Request body must be a JSON object")
        return body


def json_bytes(payload: Any) -> bytes:
    return dumps(payload).encode()


def respond(status: int, payload: Any) -> Response:
    return Response(json_bytes(payload), status_code=status, media_type="application/json")


def error(status: int, code: str, message: str) -> Response:
    return respond(status, {"error": {"code": code, "message": message}})


def redirect_to_login(request: Request) -> Response:
    target = f"{str(request.base_url).rstrip('/')}/login?redirect={quote(request.url.path, safe='')}"
    return Response(target, status_code=307, headers={"location": target}, media_type="text/plain")


def authenticate(request: Request, core: Core) -> sqlite3.Row | Response:
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return redirect_to_login(request)
    member = core.workspace.authenticate(header[len("Bearer "):].strip())
    if member is None:
        return error(401, "UNAUTHORIZED", "Authentication required")
    return member


def endpoint(
    handler: Handler, core: Core, settings: Settings, *, admin: bool = False, json_check: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """Starlette endpoint around ``handler``; ``json_check``: malformed JSON is a 400, not a 500."""

    async def run(request: Request) -> Response:
        member = authenticate(request, core)
        if isinstance(member, Response):
            return member
        ctx = Ctx(request, core, settings, member)
        if request.method in ("POST", "PATCH", "PUT", "DELETE"):
            raw = await request.body()
            if raw.strip():
                try:
                    ctx.raw_body = json.loads(raw)
                except (ValueError, RecursionError):
                    if json_check:
                        return error(400, "BAD_REQUEST", "Invalid JSON body")
                    return Response(status_code=500)
        if admin and member["role"] != "admin":
            return error(403, "FORBIDDEN", "Admin access required")
        key = request.headers.get("idempotency-key")
        if request.method == "POST" and key and settings.honour_idempotency_keys:
            # Check, run and remember without awaiting in between: one event loop, so no
            # second request with the same key can slip in and create twice.
            seen = core.workspace.remembered(ctx.user_id, key[:200])
            if seen is not None:
                return Response(bytes(seen["body"]), status_code=seen["status"], media_type="application/json",
                                headers={"idempotent-replayed": "true"})
            response = dispatch(handler, ctx)
            if response.status_code < 500:
                core.workspace.remember(ctx.user_id, key[:200], request.method, request.url.path,
                                        response.status_code, bytes(response.body))
            return response
        return dispatch(handler, ctx)

    return run


def dispatch(handler: Handler, ctx: Ctx) -> Response:
    try:
        status, data = handler(ctx)
        return respond(status, {"data": data})
    except ApiError as failure:
        return error(failure.status, failure.code, failure.message)
    except NotFound as failure:
        return error(404, "NOT_FOUND", failure.message)
    except BadRequest as failure:
        return error(400, "BAD_REQUEST", failure.message)
    except Forbidden as failure:
        return error(403, "FORBIDDEN", failure.message)
    except (Unprocessable, EmptyServerError):
        return Response(status_code=500)
    except Exception:  # a sandbox bug: log it, answer like the real server, keep serving
        log.exception("unhandled error in %s %s", ctx.request.method, ctx.request.url.path)
        return Response(status_code=500)


# -- query parameters -----------------------------------------------------------------------------


def _js_number(text: str | None) -> float | None:
    """JavaScript's ``Number(text)``: NaN (here ``None``) for anything not numeric."""
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        return None


def paging(query: Mapping[str, str], default: int = 50, cap: int = 200) -> tuple[int | None, int, Any]:
    """(limit or None for "no limit", offset, limit as the real server echoes it).

    The real server does ``Math.min(Number(limit), 200)``: ``abc`` becomes NaN (no
    limit, echoed as null), ``-1`` no limit, ``2.5`` and a negative offset reach SQL
    and fail with a 500.
    """
    raw = query.get("limit")
    number = float(default) if raw is None else _js_number(raw)
    if number is None:
        limit, echo = None, None
    else:
        number = float(min(number, cap))
        if not number.is_integer():
            raise EmptyServerError()
        limit = int(number) if number >= 0 else None
        echo = int(number)
    off = _js_number(query.get("offset")) or 0.0
    if off < 0 or not off.is_integer():
        raise EmptyServerError()
    return limit, int(off), echo


def bounded_int(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    number = _js_number(query.get(name))
    if number is None or not number.is_integer():
        return default
    return max(low, min(int(number), high))


def flag(query: Mapping[str, str], name: str) -> bool:
    return query.get(name, "").lower() in ("true", "1", "yes")
