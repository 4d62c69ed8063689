"""Parallel pushes through one backend whose OAuth token expires mid-push: every update lands,
and the token endpoint is asked once more, however many threads noticed the expiry.

One loopback server plays the provider: ``TokenServer``'s client-credentials endpoint, where each
token issued voids the one before it, and in front of the sandbox's API a gate that lets through
only the token issued last (and forwards what it lets through to the sandbox as its admin). The
client is the real one: ``ClientCredentialsAuth`` on a fake clock, one ``AriaBackend``, ``Pusher``.

The expiry happens at a fixed point, set up by the server: the ``write_concurrency`` updates in
flight after ``EXPIRE_AFTER - LAND_TOGETHER`` have landed meet there, all sent with the first token.
``LAND_TOGETHER`` of them land, the last of them being update ``EXPIRE_AFTER``, and then the clock
moves past the token's renewal time: their threads, free again, want a token for their next update.
The others are held until the renewal has voided their token, and are then refused with it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from crmdesk.remote.aria.adapter import ARIA_DEFAULTS, connect_aria
from crmdesk.remote.auth import ClientCredentialsAuth
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync.push import Pusher
from tests.hostile.server import serve
from tests.remote.conftest import FakeClock
from tests.remote.token_server import CLIENT_ID, CLIENT_SECRET, TokenServer

from ._support import FAST_RETRY, server_records, sync

UPDATES = 24  # one parallel run (PARALLEL_BATCH is 32)
WORKERS = ARIA_DEFAULTS.write_concurrency
EXPIRE_AFTER = 8  # updates that land with the first token; the clock moves as the last of them lands
LAND_TOGETHER = 2  # of the updates in flight at that moment, how many land (so 2 threads then want a token)
LIFETIME = 3600.0  # the token endpoint's expires_in
API = "/api/v1"
#: Answer headers not passed back through the gate (httpx has decoded the body already).
HOP = frozenset({"content-length", "content-encoding", "transfer-encoding", "connection"})


class Provider:
    """The token endpoint and, beside it, the sandbox's API behind a check of the bearer token."""

    def __init__(self, sandbox: SandboxServer, clock: FakeClock) -> None:
        self.sandbox = sandbox
        self.clock = clock
        self.tokens = TokenServer(expires_in=LIFETIME, one_live=True)
        self._lock = threading.Lock()
        self._patches = 0
        #: The ``WORKERS`` updates in flight when the token expires, all sent with the first token.
        self._meet = threading.Barrier(WORKERS, timeout=30)
        #: Those of them that land; the clock moves when all have.
        self._landed = threading.Barrier(LAND_TOGETHER, action=self._expire, timeout=30)
        #: (method, token, status) of every API request, in the order they were answered.
        self.answers: list[tuple[str, str, int]] = []
        self._upstream = httpx.Client(base_url=sandbox.url, limits=httpx.Limits(max_keepalive_connections=0))

    def _expire(self) -> None:
        self.clock.now = LIFETIME  # past the renewal time (LIFETIME minus the renew margin)

    def app(self) -> Starlette:
        return Starlette(routes=[
            *self.tokens.app().routes,
            Route(API + "/{path:path}", self._api, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
        ])

    async def _api(self, request: Request) -> Response:
        body = await request.body()  # then the waiting happens in a thread, not on the server's loop
        return await run_in_threadpool(partial(self._answer, request, body))

    def _answer(self, request: Request, body: bytes) -> Response:
        method = request.method
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        role = "plain"
        if method == "PATCH":
            with self._lock:
                self._patches += 1
                number = self._patches
            first = EXPIRE_AFTER - LAND_TOGETHER
            if first < number <= first + WORKERS:
                # Each worker has one request out at a time, so these are one from each worker.
                role = "lands" if self._meet.wait() < LAND_TOGETHER else "late"
        if role == "late":
            # Until the renewal voids the first token (if it never does: 30 s, then let through,
            # and the test fails on the refusals it counts).
            self.tokens.wait_void(token)
        if not self.tokens.is_live(token):
            self._note(method, token, 401)
            return JSONResponse({"error": {"code": "UNAUTHORIZED", "message": "Authentication required"}},
                                status_code=401)
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in ("host", "content-length", "authorization", "accept-encoding")}
        headers["Authorization"] = f"Bearer {self.sandbox.admin_token}"
        answer = self._upstream.request(method, request.url.path, params=request.url.query or None,
                                        content=body, headers=headers)
        if role == "lands":
            self._landed.wait()  # the last one to land moves the clock, before any of them answers
        self._note(method, token, answer.status_code)
        return Response(answer.content, status_code=answer.status_code,
                        headers={k: v for k, v in answer.headers.items() if k.lower() not in HOP})

    def _note(self, method: str, token: str, status: int) -> None:
        with self._lock:
            self.answers.append((method, token, status))

    def patches(self, status: int) -> list[str]:
        """The tokens of the PATCHes answered ``status``."""
        with self._lock:
            return [token for method, token, answered in self.answers if method == "PATCH" and answered == status]

    def close(self) -> None:
        self._upstream.close()


@contextmanager
def provider_for(sandbox: SandboxServer, clock: FakeClock) -> Iterator[tuple[Provider, str]]:
    provider = Provider(sandbox, clock)
    try:
        with serve(provider.app()) as url:
            yield provider, url
    finally:
        provider.close()


def test_a_token_expiring_mid_push_is_renewed_once_and_every_update_lands(tmp_path: Path) -> None:
    assert WORKERS >= 4
    clock = FakeClock()
    with (SandboxServer(records=60, seed=15) as server, Store.open(tmp_path / "w.sqlite") as store,
          provider_for(server, clock) as (provider, url)):
        assert sync(store, server).status.value == "synced"
        auth = ClientCredentialsAuth(url + "/oauth/token", CLIENT_ID, CLIENT_SECRET, clock=clock)
        # A fresh connection per request, as tests/sync/_support.backend.
        wire = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
        shared = connect_aria(url, auth, config={"retry": FAST_RETRY}, http_transport=wire)
        try:
            shared.objects()  # as after a pull: the schema is known before the push (first use: tok-1)
            targets = [r.id for r in store.records.rows(store.records.query_ids("people"))[:UPDATES]]
            assert len(targets) == UPDATES
            for number, record_id in enumerate(targets):
                store.edits.update_record(record_id, {"job_title": f"Expiring {number}"})

            pusher = Pusher(store, shared, ARIA_DEFAULTS)
            result = pusher.push()
        finally:
            shared.close()

        # What the user sees: everything sent, nothing refused or failed, nothing left to send.
        assert (result.pushed, result.rejected, result.conflicts, result.waiting) == (UPDATES, 0, 0, 0)
        assert store.outbox.count() == 0
        on_server = server_records(server, "people")
        assert [on_server[rid].get("job_title") for rid in targets] == [f"Expiring {n}" for n in range(UPDATES)]
        # The token endpoint: the first token, and one renewal for every thread that met the expiry.
        assert len(provider.tokens.fetches) == 2
        # The expiry was mid-push, where it was set up: EXPIRE_AFTER updates landed with the first
        # token, the rest with the second; those in flight with the first were refused once each
        # and went again (``RefreshGate``), nothing else was refused.
        assert Counter(provider.patches(200)) == {"tok-1": EXPIRE_AFTER, "tok-2": UPDATES - EXPIRE_AFTER}
        assert provider.patches(401) == ["tok-1"] * (WORKERS - LAND_TOGETHER)
        assert [status for _, _, status in provider.answers if status not in (200, 401)] == []
