"""The real Atomic server's recorded answers (``tests/fixtures/atomic-real/``), served over loopback HTTP.

``Replay`` is a small Starlette app in a ``LoopbackServer``: each route answers either one
recording exactly as the real server sent it (status, ``Content-Type``, ``Content-Range``,
``Retry-After``, body), or — for lists — recorded rows paged the way the real server pages them
(README 1–3): ``range=[first,last]`` inclusive in the request, rows sorted by ``sort`` with
``order`` exactly ``DESC`` for descending, and ``Content-Range: <resource> <start>-<end>/<total>``
whose end is EXCLUSIVE (``0-3/8`` for ``[0,2]``), ``100-8/8`` past the end, ``0-0/0`` when empty.
Every request is kept (method, path, query, JSON body) for the tests to check what was sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from crmdesk.sandbox.server import LoopbackServer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "atomic-real"
TOKEN = "bos_crm_0123456789abcdef0123456789abcdef"
_KEPT_HEADERS = ("content-type", "content-range", "retry-after")
_EMAIL = re.compile(r"<EMAIL_(\d+)>")


def _addresses(value: Any) -> Any:
    """The recordings' e-mail placeholders (``<EMAIL_8>``, numbered consistently) as addresses
    (``user8@example.com``): a placeholder is no address, and would be skipped as unreadable."""
    if isinstance(value, str):
        match = _EMAIL.fullmatch(value)
        return f"user{match[1]}@example.com" if match else value
    if isinstance(value, list):
        return [_addresses(item) for item in value]
    if isinstance(value, dict):
        return {key: _addresses(item) for key, item in value.items()}
    return value


def recording(name: str) -> dict[str, Any]:
    """One recording by its number or name prefix (``"019"`` or ``"019-contacts-list-sort-id-ASC"``)."""
    found = sorted(FIXTURES.glob(f"{name}*.json"))
    if len(found) != 1:
        raise LookupError(f"{len(found)} recordings match {name!r}")
    return _addresses(json.loads(found[0].read_text(encoding="utf-8")))  # type: ignore[no-any-return]


def body_of(name: str) -> Any:
    return recording(name)["response"]["body"]


def answer(name: str) -> Response:
    """The recorded answer, as the real server sent it."""
    rec = recording(name)["response"]
    headers = {k: v for k, v in rec["headers"].items() if k in _KEPT_HEADERS}
    kind = headers.pop("content-type", "application/json")
    body = rec["body"]
    content = body.encode() if kind.startswith("text/plain") else json.dumps(body).encode()
    return Response(content, status_code=rec["status"], headers=headers, media_type=kind)


def json_answer(data: Any) -> Response:
    """``data`` as a 200 JSON answer: a recording changed, or a value no recording holds."""
    return Response(json.dumps(data).encode(), media_type="application/json")


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    body: Any


Handler = Callable[[Request, Any], Response]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def listing(resource: str, rows: list[dict[str, Any]]) -> Handler:
    """Recorded ``rows`` paged as the real server pages a list (see the module's notes)."""

    def handle(request: Request, _body: Any) -> Response:
        sort = request.query_params.get("sort")
        ordered = list(rows)
        if sort:
            key = _camel(sort)
            ordered.sort(key=lambda row: (row.get(key) is None, row.get(key) if key in row else row.get(sort)))
            if request.query_params.get("order") == "DESC":  # exactly DESC (README 3)
                ordered.reverse()
        first, last = 0, 24
        match = re.fullmatch(r"\[(\d+),(\d+)\]", request.query_params.get("range", ""))
        if match and int(match[1]) <= int(match[2]):
            first, last = int(match[1]), int(match[2])
        window = ordered[first:last + 1]
        total = len(ordered)
        end = min(first + len(window), total) if total else 0
        start = first if total else 0
        return Response(json.dumps(window).encode(), media_type="application/json",
                        headers={"content-range": f"{resource} {start}-{end}/{total}"})

    return handle


def fixed(name: str) -> Handler:
    return lambda _request, _body: answer(name)


def in_turn(*handlers: Handler) -> Handler:
    """Each request gets the next handler; the last one answers every later request."""
    queue = list(handlers)

    def handle(request: Request, body: Any) -> Response:
        chosen = queue.pop(0) if len(queue) > 1 else queue[0]
        return chosen(request, body)

    return handle


@dataclass
class Replay:
    """Routes ``(METHOD, /path)`` → handler; anything else answers 599 (so a test notices)."""

    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def on(self, method: str, path: str, handler: Handler | str) -> Replay:
        self.routes[(method, path)] = fixed(handler) if isinstance(handler, str) else handler
        return self

    def requests(self, method: str | None = None, path: str | None = None) -> list[Seen]:
        return [s for s in self.seen if (method is None or s.method == method) and (path is None or s.path == path)]

    async def __call__(self, scope: Mapping[str, Any], receive: Any, send: Any) -> None:
        request = Request(dict(scope), receive)
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self.seen.append(Seen(request.method, request.url.path, dict(request.query_params), body))
        handler = self.routes.get((request.method, request.url.path))
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            response = answer("013")  # no or another key: 401 before any routing (132)
        elif handler is None:
            response = Response(f"no recording for {request.method} {request.url.path}", status_code=599)
        else:
            response = handler(request, body)
        await response(scope, receive, send)


@contextmanager
def serving(replay: Replay) -> Iterator[str]:
    """The replay on a loopback port: yields its root address."""
    server = LoopbackServer(replay, name="atomic-replay")  # type: ignore[arg-type]
    port = server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def standard(replay: Replay) -> Replay:
    """The schema's answers every adapter call starts from: configuration (116) and no
    object-config list (the real server's list answer is not recorded)."""
    replay.on("GET", "/api/configuration", listing("configuration", body_of("116")))
    replay.on("GET", "/api/object-config", "127")  # 404 {"error": "Unknown resource"}
    return replay
