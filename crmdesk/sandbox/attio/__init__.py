"""The attio dialect (Attio's REST API v2, ``/v2``) in front of the sandbox core.

Answers take the shapes of Attio's published OpenAPI (``tests/fixtures/specs/``); records,
lists, entries, notes, tasks and members are the core's, and the facade keeps what the core
lacks in tables of its own (``tables.py``): value history, the parts of values the core's
canonical ones cannot hold (a location's lines 3 and 4 and coordinates), comment threads, token
scopes and Attio-only schema properties.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crmdesk.sandbox.attio.errors import error_response, not_found
from crmdesk.sandbox.attio.http import Attio, Handler, Scopes, Settings, endpoint
from crmdesk.sandbox.attio.limits import RateLimiter, RateLimits
from crmdesk.sandbox.attio.routes import ROUTES
from crmdesk.sandbox.attio.store import AttioStore
from crmdesk.sandbox.core import Core

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def attio_routes(app: Attio) -> list[Route]:
    # Starlette routes by path then method: group the methods of one path into one route.
    by_path: dict[str, dict[str, tuple[Handler, Scopes]]] = defaultdict(dict)
    for method, path, handler, scopes in ROUTES:
        by_path[path][method] = (handler, scopes)
    routes = []
    for path, methods in by_path.items():
        wrapped: dict[str, Callable[[Request], Awaitable[Response]]] = {
            m: endpoint(h, app, s) for m, (h, s) in methods.items()}

        async def route(request: Request, wrapped: dict[str, Callable[[Request], Awaitable[Response]]] = wrapped,
                        ) -> Response:
            return await wrapped[request.method](request)

        routes.append(Route(path, route, methods=list(methods)))

    async def unrouted(request: Request) -> Response:
        return error_response(not_found(f"No {request.method} {request.url.path} in this API"))

    routes.append(Route("/v2/{rest:path}", unrouted, methods=_METHODS))
    return routes


def create_app(core: Core, settings: Settings, store: AttioStore | None = None) -> Starlette:
    limiter = RateLimiter(settings.rate_limits) if settings.rate_limits else None
    app = Attio(core, store or AttioStore(core), settings, limiter)
    starlette = Starlette(routes=attio_routes(app))
    starlette.state.attio = app
    return starlette


__all__ = ["AttioStore", "RateLimits", "Settings", "create_app"]
