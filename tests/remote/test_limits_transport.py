"""The transport is bounded against any server: answer size after decompression, a wall-clock
deadline per attempt, capped and interruptible waits, nesting, cut-short answers, odd tokens.

Bad servers are tiny Starlette apps on loopback (``tests/hostile/server.serve``); good ones the real sandbox.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from crmdesk.remote.aria import connect_aria
from crmdesk.remote.auth import BearerAuth
from crmdesk.remote.errors import (
    AnswerTooLarge,
    AuthError,
    DeadlineExceeded,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    RequestCancelled,
    ServerError,
    TruncatedAnswer,
)
from crmdesk.remote.transport import RequestKind, RetryPolicy, Transport, TransportConfig
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.sandbox.server import SandboxServer
from tests.hostile.server import serve

from .conftest import TOKEN, FakeClock

MiB = 1024 * 1024
FAST = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002)


class Calls:
    """Counts the requests an app answered."""

    def __init__(self) -> None:
        self.count = 0


def app_of(handler, calls: Calls) -> Starlette:
    async def counted(request: Request) -> Response:
        calls.count += 1
        await request.body()
        return await handler(request)

    return Starlette(routes=[Route("/{path:path}", counted, methods=["GET", "POST"])])


@pytest.fixture
def calls() -> Calls:
    return Calls()


def client_for(url: str, *, clock=None, **config) -> Transport:
    retry = config.pop("retry", FAST)
    return Transport(TransportConfig(base_url=url, retry=retry, **config), BearerAuth(TOKEN), clock=clock)


# -- size, counted after decompression ------------------------------------------------------------


async def gzip_bomb(request: Request) -> Response:
    # 8 MiB of JSON in about 8 kB: the limit must count what it inflates to.
    body = gzip.compress(b'{"data": "' + b" " * (8 * MiB) + b'"}', compresslevel=9)
    return Response(body, media_type="application/json", headers={"content-encoding": "gzip"})


async def endless_body(request: Request) -> StreamingResponse:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"data": "'
        for _ in range(16 * 16):  # 16 MiB without a Content-Length
            yield b" " * (64 * 1024)
        yield b'"}'

    return StreamingResponse(chunks(), media_type="application/json")


async def announced_body(request: Request) -> Response:
    return Response(b'{"data": "' + b" " * (2 * MiB) + b'"}', media_type="application/json")


@pytest.mark.parametrize("handler", [gzip_bomb, endless_body, announced_body], ids=["gzip", "streamed", "announced"])
def test_an_answer_over_the_size_limit_is_refused(handler, calls: Calls) -> None:
    with serve(app_of(handler, calls)) as url, client_for(url, max_response_bytes=MiB) as client, \
            pytest.raises(AnswerTooLarge) as caught:
        client.request_json("GET", "/api/v1/workspace")
    assert "larger than 1 MiB" in caught.value.message and "after decompression" in caught.value.message
    assert isinstance(caught.value, ProtocolError) and caught.value.status == 200
    assert calls.count == 1, "a refused answer is not asked for again"


def test_the_size_limit_defaults_to_64_mib_and_answers_under_it_are_read(calls: Calls) -> None:
    assert TransportConfig(base_url="http://127.0.0.1").max_response_bytes == 64 * MiB
    with serve(app_of(gzip_bomb, calls)) as url, client_for(url, max_response_bytes=9 * MiB) as client:
        assert len(client.request_json("GET", "/x")["data"]) == 8 * MiB


async def stacked_gzip(request: Request) -> Response:
    body = gzip.compress(gzip.compress(b'{"data": 1}'))
    return Response(body, media_type="application/json", headers={"content-encoding": "gzip, gzip"})


def test_stacked_compression_is_refused_unread(calls: Calls) -> None:
    """Each layer multiplies what a read can inflate to: only one layer, of what was asked for."""
    with serve(app_of(stacked_gzip, calls)) as url, client_for(url) as client, \
            pytest.raises(ProtocolError, match="does not accept"):
        client.request_json("GET", "/x")
    seen: list[httpx.Request] = []
    Transport(TransportConfig(base_url="https://crm.test"), BearerAuth(TOKEN),
              http_transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200))).request("GET", "/x")
    assert seen[0].headers["accept-encoding"] == "gzip, deflate"


# -- a deadline per attempt -------------------------------------------------------------------------


def trickle(interval: float, count: int):
    """The answer at one byte per ``interval``: every read gets a byte in time, so httpx's per-read
    timeout never fires."""

    async def handler(request: Request) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"data": "'
            for _ in range(count):
                await asyncio.sleep(interval)
                yield b"x"
            yield b'"}'

        return StreamingResponse(chunks(), status_code=201 if request.method == "POST" else 200,
                                 media_type="application/json")

    return handler


def test_a_trickling_answer_stops_at_the_deadline_and_is_not_asked_again(calls: Calls) -> None:
    with serve(app_of(trickle(0.05, 80), calls)) as url, \
            client_for(url, request_deadline=0.5, read_timeout=0.3) as client, \
            pytest.raises(DeadlineExceeded) as caught:
        client.request_json("GET", "/api/v1/objects")
    # 80 bytes at 50 ms take 4 s, each read well inside the 0.3 s read timeout: only the
    # deadline can end it, and says so.
    assert "within 0.5 s" in caught.value.message
    assert calls.count == 1
    assert TransportConfig(base_url="http://127.0.0.1").request_deadline == 60.0


def test_a_create_whose_answer_trickles_past_the_deadline_has_an_unknown_outcome(calls: Calls) -> None:
    with serve(app_of(trickle(0.05, 80), calls)) as url, client_for(url, request_deadline=0.4) as client, \
            pytest.raises(OutcomeUnknown, match="may or may not have been applied"):
        client.request_json("POST", "/api/v1/objects/people/records", json_body={"values": {}},
                            kind=RequestKind.CREATE)
    assert calls.count == 1  # never re-sent blindly


# -- Retry-After: capped, and cut short by Cancel or Quit -----------------------------------------------


def rate_limited(seconds: str):
    async def handler(request: Request) -> Response:
        return Response(b'{"error": {"code": "RATE_LIMITED", "message": "Too many requests"}}', status_code=429,
                        media_type="application/json", headers={"retry-after": seconds})

    return handler


def test_a_retry_after_over_a_minute_is_handed_to_sync_without_waiting(clock: FakeClock) -> None:
    assert RetryPolicy().max_retry_after == 60.0
    client = Transport(
        TransportConfig(base_url="https://crm.test"), BearerAuth(TOKEN), clock=clock,
        http_transport=httpx.MockTransport(lambda r: httpx.Response(429, headers={"Retry-After": "90"})),
    )
    with pytest.raises(RateLimited) as caught:
        client.request("GET", "/x")
    assert caught.value.retry_after == 90
    assert clock.sleeps == []


@pytest.mark.parametrize("handler", [rate_limited("30"), None], ids=["retry-after", "backoff"])
def test_cancel_ends_a_wait_before_a_retry_at_once(handler, calls: Calls, caplog: pytest.LogCaptureFixture) -> None:
    async def failing(request: Request) -> Response:
        return Response(b"", status_code=503)

    cancel = threading.Event()
    policy = RetryPolicy(max_attempts=3, base_delay=30.0, max_delay=30.0)
    with serve(app_of(handler or failing, calls)) as url, client_for(url, retry=policy) as client:
        client.interrupt_on(cancel)
        # The user presses Cancel (or quits) while the transport waits up to 30 s to ask again.
        pressed = threading.Timer(0.2, cancel.set)
        pressed.start()
        try:
            with pytest.raises(RequestCancelled, match="Cancelled while waiting"):
                client.request("GET", "/api/v1/objects")
        finally:
            pressed.cancel()
    # A wait that did not end on cancel would ask again after 30 s: a second call, no RequestCancelled.
    assert calls.count == 1, "nothing is sent after a cancel"
    assert any("retrying in" in r.getMessage() for r in caplog.records)
    caplog.clear()


def test_a_cancel_already_set_skips_the_wait(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    cancel = threading.Event()
    cancel.set()
    client = Transport(
        TransportConfig(base_url="https://crm.test"), BearerAuth(TOKEN), clock=clock, cancel=cancel,
        http_transport=httpx.MockTransport(lambda r: httpx.Response(429, headers={"Retry-After": "5"})),
    )
    with pytest.raises(RequestCancelled):
        client.request("GET", "/x")
    assert clock.sleeps == []
    caplog.clear()


def test_the_backend_passes_the_cancel_event_to_its_transport(calls: Calls, caplog: pytest.LogCaptureFixture) -> None:
    """What the sync engine calls with its cancel event (``AriaBackend.interrupt_waits_on``)."""
    cancel = threading.Event()
    with serve(app_of(rate_limited("30"), calls)) as url:
        backend = connect_aria(url, TOKEN)
        backend.interrupt_waits_on(cancel)
        pressed = threading.Timer(0.2, cancel.set)
        pressed.start()
        try:
            with pytest.raises(RequestCancelled):
                backend.workspace()
        finally:
            pressed.cancel()
            backend.close()
    assert calls.count == 1, "the 30 s wait ended on cancel, before a second request"
    caplog.clear()


# -- nesting ------------------------------------------------------------------------------------------


def deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    ("status", "error", "words"),
    [
        (200, ProtocolError, "nested too deeply"),
        (400, ProtocolError, "nested too deeply"),
        (404, ProtocolError, "nested too deeply"),
        (500, ServerError, "nested too deeply"),
    ],
)
@pytest.mark.parametrize("depth", [100_000, 500])
def test_deeply_nested_json_is_a_clear_error(status, error, words, depth, clock) -> None:
    client = Transport(
        TransportConfig(base_url="https://crm.test", retry=RetryPolicy(max_attempts=1)), BearerAuth(TOKEN),
        clock=clock, http_transport=httpx.MockTransport(lambda r: httpx.Response(status, content=deep(depth))),
    )
    with pytest.raises(error) as caught:
        client.request_json("GET", "/x")
    assert words in caught.value.message
    assert caught.value.status == status


def test_json_nested_within_the_limit_is_read(clock) -> None:
    body = b'{"data": ' + deep(150) + b"}"
    client = Transport(TransportConfig(base_url="https://crm.test"), BearerAuth(TOKEN), clock=clock,
                       http_transport=httpx.MockTransport(lambda r: httpx.Response(200, content=body)))
    data = client.request_json("GET", "/x")["data"]
    for _ in range(149):
        data = data[0]
    assert data == []


# -- answers cut short (the real sandbox's faults) ----------------------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(records=30, seed=5) as running:
        yield running


@pytest.fixture
def faults(sandbox: SandboxServer) -> Iterator[SandboxServer]:
    sandbox.set_faults(FaultConfig())
    yield sandbox
    sandbox.set_faults(FaultConfig())


def test_a_get_cut_short_is_asked_again(faults: SandboxServer, caplog: pytest.LogCaptureFixture) -> None:
    backend = connect_aria(faults.url, faults.admin_token, config={"retry": FAST})
    faults.set_faults(FaultConfig(truncate_rate=1.0, max_faults=1))
    try:
        assert backend.workspace().id
    finally:
        backend.close()
    assert faults.faults_injected == 1
    assert [r.getMessage() for r in caplog.records if "cut short" in r.getMessage()]
    caplog.clear()


def test_a_get_always_cut_short_ends_in_a_protocol_error(faults: SandboxServer, caplog) -> None:
    backend = connect_aria(faults.url, faults.admin_token, config={"retry": FAST})
    faults.set_faults(FaultConfig(truncate_rate=1.0))
    try:
        with pytest.raises(TruncatedAnswer) as caught:
            backend.workspace()
    finally:
        backend.close()
    assert faults.faults_injected == FAST.max_attempts
    assert "cut short" in caught.value.message and "Asked 3 times" in caught.value.message
    caplog.clear()


def test_a_query_cut_short_is_asked_again(faults: SandboxServer, caplog: pytest.LogCaptureFixture) -> None:
    """``…/records/query`` is a POST that only reads: retried like a GET."""
    backend = connect_aria(faults.url, faults.admin_token, config={"retry": FAST})
    try:
        backend.objects()
        faults.set_faults(FaultConfig(truncate_rate=1.0, max_faults=1))
        assert backend.find_records_by("people", "job_title", "nobody has this title") == []
    finally:
        backend.close()
    assert faults.faults_injected == 1
    caplog.clear()


def test_a_create_cut_short_is_not_sent_again(faults: SandboxServer) -> None:
    backend = connect_aria(faults.url, faults.admin_token, config={"retry": FAST})
    before = len(backend.record_ids("people"))
    faults.set_faults(FaultConfig(truncate_rate=1.0, max_faults=1))
    try:
        with pytest.raises(ProtocolError, match="cut short"):
            backend.create_record("people", {"job_title": "cut short"}, str(uuid.uuid4()))
        faults.set_faults(FaultConfig())
        assert len(backend.record_ids("people")) == before + 1  # made once, never twice
    finally:
        backend.close()


def test_a_get_whose_body_is_shorter_than_its_content_length_is_asked_again(
    faults: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    backend = connect_aria(faults.url, faults.admin_token, config={"retry": FAST})
    faults.set_faults(FaultConfig(drop_rate=1.0, max_faults=1))
    try:
        assert backend.workspace().id
    finally:
        backend.close()
    assert faults.faults_injected == 1
    caplog.clear()


# -- a token that cannot be sent --------------------------------------------------------------------


@pytest.mark.parametrize("token", ["tökén", "oc_sk_\u201cquoted\u201d", "oc_sk_\x7fdel"])
def test_a_token_that_cannot_travel_in_a_header_is_a_clear_auth_error(sandbox: SandboxServer, token: str) -> None:
    backend = connect_aria(sandbox.url, token)
    try:
        with pytest.raises(AuthError) as caught:
            backend.workspace()
    finally:
        backend.close()
    message = str(caught.value)
    assert "API key cannot be sent" in message
    assert "ASCII" in message or "control character" in message
    assert token not in message and token[1:4] not in message


def test_logging_of_retries_never_shows_a_poisoned_body(clock, caplog) -> None:
    """A cut-short answer's bytes are not quoted in the log (they may be anything)."""
    secret = "x" * 5000
    client = Transport(
        TransportConfig(base_url="https://crm.test", retry=RetryPolicy(max_attempts=2)), BearerAuth(TOKEN),
        clock=clock, http_transport=httpx.MockTransport(
            lambda r: httpx.Response(200, content=b'{"data": "' + secret.encode())),
    )
    with caplog.at_level(logging.WARNING), pytest.raises(TruncatedAnswer):
        client.request_json("GET", "/x")
    assert secret not in caplog.text
    caplog.clear()
