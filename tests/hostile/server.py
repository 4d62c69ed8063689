"""A hostile server: a small Starlette app in front of the sandbox that spoils chosen answers.

    with HostileServer(sandbox) as hostile:
        hostile.spoil("empty_objects")
        sync against hostile.url with sandbox.admin_token

The sandbox underneath is real (its data changes, its handlers run); the hostile app forwards each
request to it in process and then spoils the answer on the way out, one *mode* per attack crmdesk
must survive. Modes are switched on and off while it serves; each one says which requests it
touches, so every other request gets the sandbox's own answer. ``hits`` counts the answers each
mode spoiled, so a test can tell that the attack really happened.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.aria import create_app
from crmdesk.sandbox.server import LoopbackServer

API = "/api/v1"
Rewrite = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Answer:
    """What the sandbox answered, before any spoiling."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _json_response(status: int, payload: Any) -> Response:
    return Response(json.dumps(payload), status_code=status, media_type="application/json")


def _rows(payload: Any) -> list[dict[str, Any]] | None:
    """The rows of a list answer (``{"data": [...]}`` or ``{"data": {"records": [...]}}``)."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for value in data.values():
            if isinstance(value, list):
                return value
    return None


class HostileServer:
    """The sandbox's own Aria app (same core, same data) behind a spoiling proxy on its own port."""

    def __init__(self, sandbox: SandboxServer) -> None:
        assert sandbox.core is not None, "start the sandbox first"
        self.sandbox = sandbox
        self._inner = create_app(sandbox.core, sandbox.settings)
        self._modes: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self._rewrites: dict[tuple[str, str], Rewrite] = {}
        self._serving: Any = None
        self._url = ""

    # -- modes ----------------------------------------------------------------------------------

    def spoil(self, mode: str, **options: Any) -> None:
        """Switch ``mode`` on (options: ``times`` = spoil only that many answers, and the mode's own)."""
        if mode not in MODES:
            raise ValueError(f"no such hostile mode: {mode} (there are: {', '.join(sorted(MODES))})")
        with self._lock:
            self._modes[mode] = dict(options)

    def behave(self, mode: str | None = None) -> None:
        """Switch one mode off, or every mode."""
        with self._lock:
            if mode is None:
                self._modes.clear()
            else:
                self._modes.pop(mode, None)

    def rewrite(self, path: str, change: Rewrite, method: str = "GET") -> None:
        """The ``rewrite`` mode for one ``(method, path)``: each 2xx answer's decoded JSON goes
        through ``change`` and what it returns is sent (lone surrogates escaped as JSON allows)."""
        with self._lock:
            self._rewrites[(method, path)] = change
            self._modes.setdefault("rewrite", {})["changes"] = self._rewrites

    def _take(self, method: str, path: str, query: bytes, body: bytes) -> tuple[str, dict[str, Any]] | None:
        with self._lock:
            for mode, options in self._modes.items():
                if not MODES[mode].applies(method, path, query, body, options):
                    continue
                times = options.get("times")
                if times is not None:
                    if times <= 0:
                        continue
                    options["times"] = times - 1
                self.hits[mode] += 1
                return mode, {**options, "_method": method, "_path": path, "_query": query}
        return None

    # -- the app ----------------------------------------------------------------------------------

    async def _forward(self, request: Request, body: bytes) -> Answer:
        transport = httpx.ASGITransport(app=self._inner)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            answer = await client.request(
                request.method, request.url.path, params=request.url.query or None, content=body,
                headers={k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")},
            )
        headers = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        return Answer(answer.status_code, headers, answer.content)

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        taken = self._take(request.method, request.url.path, request.url.query.encode(), body)
        answer = await self._forward(request, body)
        if taken is None:
            return Response(answer.body, status_code=answer.status, headers=answer.headers)
        mode, options = taken
        return MODES[mode].spoil(answer, options)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self._handle,
                                       methods=["GET", "POST", "PATCH", "PUT", "DELETE"])])

    # -- life cycle -------------------------------------------------------------------------------

    def start(self) -> HostileServer:
        self._serving = serve(self.app())
        self._url = self._serving.__enter__()
        return self

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.__exit__(None, None, None)
            self._serving = None

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self._url


def _not_a_hang_up(record: logging.LogRecord) -> bool:
    # The client hanging up mid-answer is what hostile tests provoke (a refused body, a deadline):
    # asyncio's note that the server's next write found the socket closed is expected.
    return not record.getMessage().startswith("socket.send() raised exception")


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """``app`` served on 127.0.0.1 in a thread, as the sandbox is served; yields its base URL."""
    asyncio_log = logging.getLogger("asyncio")
    asyncio_log.addFilter(_not_a_hang_up)
    serving = LoopbackServer(app, name="crmdesk-hostile")
    try:
        yield f"http://127.0.0.1:{serving.start()}"
    finally:
        serving.stop()
        asyncio_log.removeFilter(_not_a_hang_up)


# -- the modes ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mode:
    """``applies(method, path, query, body, options)`` picks the requests; ``spoil`` the answer."""

    applies: Callable[[str, str, bytes, bytes, dict[str, Any]], bool]
    spoil: Callable[[Answer, dict[str, Any]], Response]
    why: str


def _get(path: str) -> Callable[[str, str, bytes, bytes, dict[str, Any]], bool]:
    return lambda method, actual, query, body, options: method == "GET" and actual == API + path


def _records_get(method: str, path: str, query: bytes, body: bytes, options: dict[str, Any]) -> bool:
    slug = options.get("object", "")
    return method == "GET" and path.startswith(API + "/objects/" + slug) and path.endswith("/records")


def _objects_without(answer: Answer, options: dict[str, Any]) -> Response:
    payload = answer.json()
    payload["data"] = [o for o in payload["data"] if o.get("slug") not in options["slugs"]]
    return _json_response(answer.status, payload)


def _workspace_id(answer: Answer, options: dict[str, Any]) -> Response:
    payload = answer.json()
    payload["data"]["id"] = options["id"]
    return _json_response(answer.status, payload)


def _filtered_query(method: str, path: str, query: bytes, body: bytes, options: dict[str, Any]) -> bool:
    if method != "POST" or not path.endswith("/records/query"):
        return False
    try:
        wanted = json.loads(body or b"{}")
    except ValueError:
        return False
    conditions = (wanted.get("filter") or {}).get("conditions") or []
    attributes = options.get("attributes")
    return any(attributes is None or c.get("attribute") in attributes for c in conditions)


def _empty_500(answer: Answer, options: dict[str, Any]) -> Response:
    return Response(b"", status_code=500)


def _created_then_500(method: str, path: str, query: bytes, body: bytes, options: dict[str, Any]) -> bool:
    return method == "POST" and path.endswith("/records") and path.startswith(API + "/objects/")


def _poison_first_row(answer: Answer, options: dict[str, Any]) -> Response:
    """The first record of the page gets a poisoned text value in ``attribute``."""
    payload = answer.json()
    rows = _rows(payload)
    if rows:
        rows[0].setdefault("values", {})[options["attribute"]] = options["value"]
    # ensure_ascii keeps a lone surrogate as a JSON escape (it cannot be encoded as UTF-8).
    return Response(json.dumps(payload, ensure_ascii=True), status_code=answer.status,
                    media_type="application/json")


def _more_rows_than_asked(answer: Answer, options: dict[str, Any]) -> Response:
    """The page padded to one row more than its ``limit`` asked for (copies with new ids)."""
    payload = answer.json()
    rows = _rows(payload)
    asked = parse_qs(options["_query"].decode()).get("limit", ["200"])[0]
    if rows:
        template = rows[0]
        for index in range(int(asked) + 1 - len(rows)):
            rows.append(dict(template, id=f"{template['id'][:-6]}{index:06d}"))
    return _json_response(answer.status, payload)


def _nested(answer: Answer, options: dict[str, Any]) -> Response:
    depth = options.get("depth", 100_000)
    return Response(b"[" * depth + b"]" * depth, status_code=options.get("status", answer.status),
                    media_type="application/json")


def _gzip_bomb(answer: Answer, options: dict[str, Any]) -> Response:
    size = options.get("size", 100 * 1024 * 1024)
    head = b'{"data": [], "padding": "'
    bomb = gzip.compress(head + b" " * size + b'"}', compresslevel=9)
    return Response(bomb, status_code=200, media_type="application/json", headers={"content-encoding": "gzip"})


def _huge_body(answer: Answer, options: dict[str, Any]) -> Response:
    size = options.get("size", 100 * 1024 * 1024)
    chunk = b" " * (1024 * 1024)

    async def stream() -> AsyncIterator[bytes]:
        yield b'{"data": [], "padding": "'
        for _ in range(size // len(chunk)):
            yield chunk
        yield b'"}'

    return StreamingResponse(stream(), status_code=200, media_type="application/json")


def _trickle(answer: Answer, options: dict[str, Any]) -> Response:
    """The real answer, one byte per ``interval`` seconds."""
    interval = options.get("interval", 1.0)

    async def stream() -> AsyncIterator[bytes]:
        for index in range(len(answer.body)):
            yield answer.body[index : index + 1]
            await asyncio.sleep(interval)

    return StreamingResponse(stream(), status_code=answer.status, media_type="application/json",
                             headers={"content-length": str(len(answer.body))})


def _retry_after(answer: Answer, options: dict[str, Any]) -> Response:
    return Response(b'{"error":{"code":"RATE_LIMITED","message":"Too many requests"}}', status_code=429,
                    media_type="application/json", headers={"retry-after": str(options.get("seconds", 86_400))})


def _truncated(answer: Answer, options: dict[str, Any]) -> Response:
    """A complete HTTP answer (its Content-Length matches) whose JSON stops half way."""
    return Response(answer.body[: max(1, len(answer.body) // 2)], status_code=answer.status,
                    media_type="application/json")


def _any_get(prefix: str) -> Callable[[str, str, bytes, bytes, dict[str, Any]], bool]:
    return lambda method, path, query, body, options: method == "GET" and path.startswith(API + prefix)


def _rewritten(method: str, path: str, query: bytes, body: bytes, options: dict[str, Any]) -> bool:
    return (method, path) in options.get("changes", {})


def _rewrite(answer: Answer, options: dict[str, Any]) -> Response:
    if answer.status >= 300:
        return Response(answer.body, status_code=answer.status, headers=answer.headers)
    change = options["changes"][(options["_method"], options["_path"])]
    return Response(json.dumps(change(answer.json())), status_code=answer.status, media_type="application/json")


MODES: dict[str, Mode] = {
    "rewrite": Mode(_rewritten, _rewrite, "answers to chosen (method, path) pairs go through a function"),
    "empty_objects": Mode(_get("/objects"), lambda a, o: _json_response(a.status, {"data": []}),
                          "lists no objects at all"),
    "drop_objects": Mode(_get("/objects"), _objects_without, "leaves the objects in options['slugs'] out"),
    "workspace_id": Mode(_get("/workspace"), _workspace_id, "answers another workspace id (options['id'])"),
    "query_500": Mode(_filtered_query, _empty_500,
                      "an empty 500 for a filtered query (Aria on a personal-name filter)"),
    "create_then_500": Mode(_created_then_500, _empty_500,
                            "creates the record, then answers an empty 500 (outcome unknown)"),
    "poison_value": Mode(_records_get, _poison_first_row, "a poisoned value in the first record of a page"),
    "more_rows_than_asked": Mode(_records_get, _more_rows_than_asked, "a page longer than its limit"),
    "nested_json": Mode(_any_get("/"), _nested, "100,000 nested arrays"),
    "gzip_bomb": Mode(_any_get("/"), _gzip_bomb, "100 MB of JSON in a 100 kB gzip body"),
    "huge_body": Mode(_any_get("/"), _huge_body, "a 100 MB body"),
    "trickle": Mode(_any_get("/"), _trickle, "the real answer at one byte a second"),
    "retry_after": Mode(_any_get("/"), _retry_after, "429 asking to wait a day"),
    "truncated_get": Mode(_any_get("/"), _truncated, "a 200 whose JSON stops half way"),
}
