"""Tiny servers for the remote tests: any ASGI app on a loopback port, and a proxy in front of the
sandbox that rewrites chosen answers (the bad answers a foreign server may send).

    with serve(app) as url:
        ...

    with Spoiler(sandbox) as spoiler:
        spoiler.rewrite("/api/v1/tasks", lambda payload: ...)

Started the way ``SandboxServer`` starts uvicorn: the socket is bound first (port 0 picks a free
one) and ``serve`` returns once uvicorn says it is serving.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from crmdesk.sandbox.aria import create_app
from crmdesk.sandbox.server import SandboxServer

START_TIMEOUT = 30.0


def _not_a_hang_up(record: logging.LogRecord) -> bool:
    # The client hanging up mid-answer is what these tests provoke (a refused body, a deadline):
    # asyncio's note that the server's next write found the socket closed is expected.
    return not record.getMessage().startswith("socket.send() raised exception")


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """``app`` served on 127.0.0.1 in a thread; yields its base URL."""
    asyncio_log = logging.getLogger("asyncio")
    asyncio_log.addFilter(_not_a_hang_up)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="critical", access_log=False, lifespan="off", http="h11",
                            loop="asyncio", timeout_keep_alive=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="crmdesk-test-asgi",
                              daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:  # uvicorn's own flag, as SandboxServer.start waits on it
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.005)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        asyncio_log.removeFilter(_not_a_hang_up)


Rewrite = Callable[[Any], Any]


class Spoiler:
    """The sandbox's own Aria app (same core, same data) behind a proxy whose answers to chosen
    ``(method, path)`` pairs are rewritten: ``rewrite(path, change)`` hands the decoded JSON of
    each such answer to ``change`` and sends what it returns, lone surrogates included (escaped
    as JSON allows)."""

    def __init__(self, sandbox: SandboxServer) -> None:
        assert sandbox.core is not None, "start the sandbox first"
        self.sandbox = sandbox
        self._inner = create_app(sandbox.core, sandbox.settings)
        self._rewrites: dict[tuple[str, str], Rewrite] = {}
        self._lock = threading.Lock()
        self.url = ""
        self._serving: Any = None

    def rewrite(self, path: str, change: Rewrite, method: str = "GET") -> None:
        with self._lock:
            self._rewrites[(method, path)] = change

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self._inner), base_url="http://sandbox") as c:
            answer = await c.request(
                request.method, request.url.path, params=request.url.query or None, content=body,
                headers={k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")},
            )
        with self._lock:
            change = self._rewrites.get((request.method, request.url.path))
        if change is None or answer.status_code >= 300:
            return Response(answer.content, status_code=answer.status_code,
                            media_type=answer.headers.get("content-type"))
        payload = change(answer.json())
        return Response(json.dumps(payload), status_code=answer.status_code, media_type="application/json")

    def __enter__(self) -> Spoiler:
        app = Starlette(routes=[Route("/{path:path}", self._handle,
                                      methods=["GET", "POST", "PATCH", "PUT", "DELETE"])])
        self._serving = serve(app)
        self.url = self._serving.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._serving.__exit__(None, None, None)
