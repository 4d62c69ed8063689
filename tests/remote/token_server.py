"""A small OAuth server on loopback for the credential tests: a client-credentials token endpoint
(form and JSON bodies, the standard and the Atlas path) and one resource that wants a live token.

Served with ``tests.hostile.server.serve`` (uvicorn in a thread, as the sandbox is). The resource
is a plain function, so Starlette runs each request in its own worker thread: the first ``meet``
refusals can be held until all of them have come back, which makes several requests sent with one
stale token meet, deterministically, before anything can renew it.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

CLIENT_ID = "crmdesk-tests"
#: Short, no label, no run of hex: ``redact()`` would not recognise it, so a test that finds it
#: missing from a message proves the auth scrubbed it itself.
CLIENT_SECRET = "hunter2-plain"
ATLAS_PATH = "/api/1.0/oauth/token"


@dataclass(frozen=True, slots=True)
class Fetch:
    """One token request, as the endpoint received it."""

    path: str
    content_type: str
    fields: dict[str, Any]


class TokenServer:
    """The endpoint's state; ``app()`` is what to serve. Safe to use from the test's threads."""

    def __init__(self, expires_in: Any = 3600, meet: int = 0, one_live: bool = False) -> None:
        self.expires_in = expires_in
        #: Each token issued voids those before it: only the newest one works.
        self.one_live = one_live
        self._lock = threading.Lock()
        self._voided = threading.Condition(self._lock)
        self._fetches: list[Fetch] = []
        self._live: set[str] = set()
        self._refusals = 0
        self._meet = meet
        self._barrier = threading.Barrier(meet, timeout=30) if meet else None
        #: When set, the token endpoint answers this instead (status, body bytes, content type).
        self.answer: tuple[int, bytes, str] | None = None

    @property
    def fetches(self) -> list[Fetch]:
        with self._lock:
            return list(self._fetches)

    @property
    def refusals(self) -> int:
        with self._lock:
            return self._refusals

    def revoke_all(self) -> None:
        """Every token issued so far stops working (as when they expire on the server's clock)."""
        with self._lock:
            self._live.clear()
            self._voided.notify_all()

    def is_live(self, token: str) -> bool:
        with self._lock:
            return token in self._live

    def wait_void(self, token: str, timeout: float = 30) -> bool:
        """Wait until ``token`` no longer works (a newer one was issued, or all were revoked)."""
        with self._voided:
            return self._voided.wait_for(lambda: token not in self._live, timeout)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/oauth/token", self._token, methods=["POST"]),
            Route(ATLAS_PATH, self._token, methods=["POST"]),
            Route("/api/whoami", self._whoami, methods=["GET"]),
        ])

    async def _token(self, request: Request) -> Response:
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            fields = json.loads(body)
        else:
            fields = dict(parse_qsl(body.decode()))
        with self._lock:
            self._fetches.append(Fetch(request.url.path, content_type, fields))
            number = len(self._fetches)
        if self.answer is not None:
            status, content, kind = self.answer
            return Response(content, status_code=status, media_type=kind)
        if fields.get("grant_type") != "client_credentials" or fields.get("client_id") != CLIENT_ID:
            return JSONResponse({"error": "unauthorized_client"}, status_code=400)
        if fields.get("client_secret") != CLIENT_SECRET:
            # Echoes what it was sent, as careless servers do: the client must not pass it on.
            return JSONResponse({"error": "invalid_client",
                                 "error_description": f"no client with secret {fields.get('client_secret')}"},
                                status_code=401)
        token = f"tok-{number}"
        with self._lock:
            if self.one_live:
                self._live.clear()
                self._voided.notify_all()
            self._live.add(token)
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in})

    def _whoami(self, request: Request) -> Response:
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ")
        with self._lock:
            live = header.startswith("Bearer ") and token in self._live
            if not live:
                self._refusals += 1
            hold = not live and self._barrier is not None and self._refusals <= self._meet
        if live:
            return JSONResponse({"token": token})
        if hold:
            assert self._barrier is not None
            self._barrier.wait()  # BrokenBarrierError (a 500, failing the test) if they never meet
        return JSONResponse({"error": {"code": "UNAUTHORIZED", "message": "Authentication required"}},
                            status_code=401)
