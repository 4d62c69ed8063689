"""The Aria dialect (OpenClaw CRM's ``/api/v1``) in front of the sandbox core."""

from __future__ import annotations

from collections import defaultdict

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from crmdesk.sandbox.aria.http import Handler, Settings, endpoint, error
from crmdesk.sandbox.aria.routes import ROUTES
from crmdesk.sandbox.aria.web_page import PATH as RECORD_PAGE
from crmdesk.sandbox.aria.web_page import record_page
from crmdesk.sandbox.core import Core


def aria_routes(core: Core, settings: Settings) -> list[Route]:
    # Starlette routes by path then method: group the methods of one path into one route.
    by_path: dict[str, dict[str, tuple[Handler, bool, bool]]] = defaultdict(dict)
    for method, path, handler, admin, json_check in ROUTES:
        by_path[path][method] = (handler, admin, json_check)
    routes = []
    for path, methods in by_path.items():
        wrapped = {m: endpoint(h, core, settings, admin=a, json_check=j) for m, (h, a, j) in methods.items()}

        async def route(request: Request, wrapped: dict = wrapped) -> Response:  # type: ignore[type-arg]
            return await wrapped[request.method](request)

        routes.append(Route(path, route, methods=list(methods)))

    async def login(request: Request) -> Response:
        return PlainTextResponse("Sign in with an API key: this is a crmdesk sandbox.")

    async def not_found(request: Request) -> Response:
        return error(404, "NOT_FOUND", "Not found")

    routes.append(Route("/login", login))
    routes.append(Route(RECORD_PAGE, record_page(core), methods=["GET"]))  # a demo page, for a browser
    routes.append(Route("/api/v1/{rest:path}", not_found, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]))
    return routes


def create_app(core: Core, settings: Settings) -> Starlette:
    return Starlette(routes=aria_routes(core, settings))


__all__ = ["Settings", "create_app"]
