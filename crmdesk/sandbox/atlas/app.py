"""The atlas facade's ASGI app: one catch-all route and a small router of its own, so unrouted
paths answer 404 (and routed paths another method 405) in Atlas's message shape rather than
Starlette's text.

``AtlasApp`` is also what tests reach through ``atlas_app(server)``: ``revoke_tokens()``,
``tokens_issued``, ``requests_by_path``, ``advance_clock(seconds)`` and the ``store``. The server
answers on its own thread; the counters are kept under a lock.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crmdesk.sandbox.atlas import entities_api, links_api
from crmdesk.sandbox.atlas.auth import Tokens
from crmdesk.sandbox.atlas.errors import ApiError, error_response, invalid, json_response
from crmdesk.sandbox.atlas.http import Ctx, Settings, is_json
from crmdesk.sandbox.atlas.store import AtlasStore
from crmdesk.sandbox.clock import parse_instant
from crmdesk.sandbox.core import Core

log = logging.getLogger("crmdesk.sandbox")

Handler = Callable[..., tuple[int, Any]]
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
TOKEN_PATH = "/api/1.0/oauth/token"
_CRM = "/api/1.0/workspace/CRM"
_ID = r"([^/]+)"


def _routes() -> tuple[tuple[str, re.Pattern[str], Handler], ...]:
    entity = rf"{_CRM}/entities/{_ID}"
    table: tuple[tuple[str, str, Handler], ...] = (
        ("GET", rf"{_CRM}/template/{_ID}", entities_api.get_template),
        ("GET", rf"{_CRM}/entities", entities_api.list_entities),
        ("POST", rf"{_CRM}/entities", entities_api.create_entity),
        ("GET", entity, entities_api.get_entity),
        ("PUT", entity, entities_api.update_entity),
        ("DELETE", entity, entities_api.delete_entity),
        ("GET", rf"{entity}/links", links_api.list_links),
        ("POST", rf"{entity}/links", links_api.create_link),
        ("GET", rf"{entity}/links/{_ID}", links_api.get_link),
        ("PUT", rf"{entity}/links/{_ID}", links_api.update_link),
        ("DELETE", rf"{entity}/links/{_ID}", links_api.delete_link),
        ("POST", rf"{entity}/issues", links_api.link_issues),
        ("DELETE", rf"{entity}/issues", links_api.unlink_issues),
        ("POST", rf"{entity}/comments", links_api.create_comment),
    )
    return tuple((method, re.compile(pattern + r"/?\Z"), handler) for method, pattern, handler in table)


class AtlasApp:
    def __init__(self, core: Core, settings: Settings, store: AtlasStore | None = None) -> None:
        self.core = core
        self.settings = settings
        self.store = store or AtlasStore(core)
        self.tokens = Tokens(self.store, settings.token_lifetime, self._clock_seconds)
        self.routes = _routes()
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()

    def _clock_seconds(self) -> float:
        return parse_instant(self.core.clock.now()).timestamp()

    # -- for tests -----------------------------------------------------------------------------------

    def revoke_tokens(self) -> None:
        """Every token issued so far answers 401 from now on."""
        self.tokens.revoke_all()

    def advance_clock(self, seconds: float) -> None:
        """Move the tokens' clock forward (a token ``token_lifetime`` old has expired)."""
        self.tokens.advance(seconds)

    @property
    def tokens_issued(self) -> int:
        return self.tokens.issued

    @property
    def requests_by_path(self) -> Counter[str]:
        """``"METHOD /path"`` (no query) → how many requests came; a copy."""
        with self._lock:
            return Counter(self._requests)

    # -- serving ---------------------------------------------------------------------------------------

    def route(self, method: str, path: str) -> tuple[Handler, tuple[str, ...]] | str | None:
        """The handler and path groups; the allowed methods when only the method is wrong; else None."""
        allowed = []
        for route_method, pattern, handler in self.routes:
            if match := pattern.match(path):
                if route_method == method:
                    return handler, match.groups()
                allowed.append(route_method)
        return ", ".join(allowed) or None

    async def __call__(self, request: Request) -> Response:
        path = request.url.path
        with self._lock:
            self._requests[f"{request.method} {path}"] += 1
        raw = await request.body()
        try:
            return self._answer(request, path, raw)
        except ApiError as failure:
            return error_response(failure)
        except Exception:  # a sandbox bug: log it, answer in Atlas's shape, keep serving
            log.exception("unhandled error in %s %s", request.method, path)
            return json_response(500, {"message": "An unexpected error occurred"})

    def _answer(self, request: Request, path: str, raw: bytes) -> Response:
        if (self.settings.strict or raw.strip()) and not is_json(request.headers):
            raise ApiError(415, "Unsupported content type: use Content-Type: application/json")
        body: Any = None
        if raw.strip():
            try:
                body = json.loads(raw)
            except (ValueError, RecursionError):
                raise invalid("The request body is not valid JSON") from None
        if path.rstrip("/") == TOKEN_PATH:
            if request.method != "POST":
                raise ApiError(405, "Use POST to request a token", headers={"allow": "POST"})
            return json_response(200, self.tokens.issue(body), {"cache-control": "no-store"})
        found = self.route(request.method, path)
        if found is None:
            raise ApiError(404, f"No endpoint {request.method} {path}")
        if isinstance(found, str):
            raise ApiError(405, f"{request.method} is not allowed on {path}", headers={"allow": found})
        grant = self.tokens.check(request.headers.get("authorization", ""))
        handler, groups = found
        status, payload = handler(Ctx(request, self.store, grant, body), *groups)
        return json_response(status, payload)


def create_app(core: Core, settings: Settings, store: AtlasStore | None = None) -> Starlette:
    atlas = AtlasApp(core, settings, store)

    async def endpoint(request: Request) -> Response:
        return await atlas(request)

    app = Starlette(routes=[Route("/{path:path}", endpoint, methods=_METHODS)])
    app.state.atlas = atlas
    return app
