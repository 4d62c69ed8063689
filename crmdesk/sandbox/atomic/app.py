"""The atomic facade's ASGI app: one catch-all route and a small router of its own, so
unrouted paths and methods answer as the real server's framework does (text/plain 404,
after authentication) rather than as Starlette would (405)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crmdesk.sandbox.atomic import auth, custom, routes
from crmdesk.sandbox.atomic.accounts import Accounts
from crmdesk.sandbox.atomic.http import (
    Ctx,
    RateLimiter,
    Settings,
    error,
    json_response,
    not_found_text,
    server_error_text,
)
from crmdesk.sandbox.atomic.resources import Resource, Summary, builtin_resources, summaries
from crmdesk.sandbox.atomic.store import AtomicStore
from crmdesk.sandbox.core import Core

log = logging.getLogger("crmdesk.sandbox")

Handler = Callable[..., Response]
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
_PUBLIC = ("/api/auth/", "/api/signup")


def _routes() -> tuple[tuple[str, re.Pattern[str], Handler], ...]:
    """(method, path pattern, handler(app, ctx, *groups)); the first match wins."""
    table: tuple[tuple[str, str, Handler], ...] = (
        ("GET", r"/", lambda app, ctx: json_response(200, {
            "name": "BasicsOS API", "health": "/health",
            "docs": "https://www.basicsos.com/docs/self-hosted-crm/introduction"})),
        ("GET", r"/health", lambda app, ctx: json_response(200, {"status": "ok"})),
        ("POST", r"/api/auth/sign-in/email", auth.sign_in),
        ("POST", r"/api/signup", auth.sign_up),
        ("GET", r"/api/me", auth.me),
        ("GET", r"/api/api-tokens", auth.list_tokens),
        ("POST", r"/api/api-tokens", auth.create_token),
        ("DELETE", r"/api/api-tokens/([^/]+)", auth.revoke_token),
        ("POST", r"/api/invites", auth.invite),
        ("GET", r"/api/object-config", custom.list_configs),
        ("POST", r"/api/object-config", custom.create_config),
        ("POST", r"/api/merge_contacts", routes.merge_contacts),
        ("GET", r"/api/([^/]+)", routes.list_rows),
        ("POST", r"/api/([^/]+)", routes.create_row),
        ("GET", r"/api/([^/]+)/([^/]+)", routes.get_row),
        ("PUT", r"/api/([^/]+)/([^/]+)", routes.update_row),
        ("DELETE", r"/api/([^/]+)/([^/]+)", routes.delete_row),
        ("POST", r"/api/([^/]+)/([^/]+)/restore", routes.restore_row),
    )
    return tuple((method, re.compile(pattern + r"/?\Z"), handler) for method, pattern, handler in table)


def _reserved(routes: tuple[tuple[str, re.Pattern[str], Handler], ...]) -> frozenset[str]:
    """The fixed first segments of the routes under ``/api/`` (``auth``, ``me``, ``object-config``…)."""
    heads = (pattern.pattern.removeprefix("/api/").split("/")[0] for _, pattern, _ in routes
             if pattern.pattern.startswith("/api/"))
    return frozenset(head for head in heads if not head.startswith("("))


class Atomic:
    """The facade's state: the core, its own tables, accounts, settings and rate limiter."""

    def __init__(self, core: Core, settings: Settings, store: AtomicStore | None = None) -> None:
        self.core = core
        self.settings = settings
        self.store = store or AtomicStore(core)
        self.accounts = Accounts(core)
        self.resources: dict[str, Resource] = builtin_resources()
        self.summaries: dict[str, Summary] = summaries()
        self.limiter = RateLimiter(settings.rate_limits) if settings.rate_limits else None
        self.routes = _routes()
        #: Paths of their own under ``/api``: never a custom object's slug.
        self.reserved = _reserved(self.routes)
        self._organization_id: str | None = None

    @property
    def organization_id(self) -> str:
        if self._organization_id is None:
            self._organization_id = self.store.organization_id
        return self._organization_id

    def route(self, method: str, path: str) -> tuple[Handler, tuple[str, ...]] | None:
        for route_method, pattern, handler in self.routes:
            if route_method == method and (match := pattern.match(path)):
                return handler, match.groups()
        return None

    async def __call__(self, request: Request) -> Response:
        path = request.url.path
        if self.limiter is not None and path.startswith("/api/"):
            client = request.client.host if request.client else ""
            wait = self.limiter.retry_after(client, path)
            if wait is not None:
                return json_response(429, {"error": "Too many requests"}, {"retry-after": str(wait)})
        ctx = Ctx(request, await request.body())
        if path.startswith("/api/") and not path.startswith(_PUBLIC):
            ctx.user = auth.who(self, request)
            if ctx.user is None:
                return error(401, "Unauthorized")
        found = self.route(request.method, path)
        if found is None:
            return not_found_text()
        handler, groups = found
        try:
            return handler(self, ctx, *groups)
        except Exception:  # a sandbox bug: log it, answer like the real server, keep serving
            log.exception("unhandled error in %s %s", request.method, path)
            return server_error_text()


def create_app(core: Core, settings: Settings, store: AtomicStore | None = None) -> Starlette:
    atomic = Atomic(core, settings, store)

    async def endpoint(request: Request) -> Response:
        return await atomic(request)

    app = Starlette(routes=[Route("/{path:path}", endpoint, methods=_METHODS)])
    app.state.atomic = atomic
    return app

