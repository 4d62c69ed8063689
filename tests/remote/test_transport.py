"""The transport's failure kinds, retries, waits, rate limits, redirects and secrecy."""

from __future__ import annotations

import email.utils
import logging
import random

import httpx
import pytest

from crmdesk.remote.auth import BearerAuth
from crmdesk.remote.errors import (
    AuthError,
    InsecureConnectionRefused,
    NetworkError,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
    ServerRejected,
)
from crmdesk.remote.ratelimit import RateLimiter, RateLimits, TokenBucket
from crmdesk.remote.transport import RequestKind, RetryPolicy, Transport, TransportConfig

from .conftest import TOKEN, FakeClock


def make(handler, clock: FakeClock, *, attempts: int = 4, base: str = "https://crm.test", **config) -> Transport:
    cfg = TransportConfig(base_url=base, retry=RetryPolicy(max_attempts=attempts, base_delay=1.0), **config)
    return Transport(cfg, BearerAuth(TOKEN), clock=clock, rng=random.Random(1),
                     http_transport=httpx.MockTransport(handler))


def answer(status: int, body: object = None, headers: dict[str, str] | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        if body is None:
            return httpx.Response(status, headers=headers)
        if isinstance(body, str):
            return httpx.Response(status, text=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)
    return handler


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (401, {"error": {"code": "UNAUTHORIZED", "message": "Authentication required"}}, AuthError),
        (403, {"error": {"code": "FORBIDDEN", "message": "Admin required"}}, PermissionDenied),
        (404, {"error": {"code": "NOT_FOUND", "message": "Record not found"}}, NotFound),
        (400, {"error": {"code": "BAD_REQUEST", "message": "values object is required"}}, ServerRejected),
        (422, {"errors": {"email": ["is not an email"]}, "message": "Invalid"}, ServerRejected),
        (429, {"error": {"code": "RATE", "message": "slow down"}}, RateLimited),
        (500, None, ServerError),
        (502, "<html><body>Bad gateway</body></html>", ServerError),
        (404, "<!DOCTYPE html><html>Next.js 404</html>", ProtocolError),
    ],
)
def test_failure_kinds_map_to_typed_errors(status, body, error, clock) -> None:
    transport = make(answer(status, body), clock, attempts=1)
    with pytest.raises(error) as caught:
        transport.request("GET", "/api/v1/x")
    assert caught.value.status == status
    assert TOKEN not in str(caught.value)


def test_field_messages_are_kept(clock) -> None:
    transport = make(answer(422, {"errors": {"email": ["is not an email"]}, "message": "Invalid"}), clock)
    with pytest.raises(ServerRejected) as caught:
        transport.request("POST", "/x", json_body={})
    assert caught.value.field_errors == {"email": "is not an email"}
    assert caught.value.message == "Invalid"


@pytest.mark.parametrize("content", [b"<html>oops</html>", b'{"data": {"records": [', b"",
                                     b'{"data": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"])
def test_bodies_that_are_not_json_are_protocol_errors(content, clock, caplog) -> None:
    transport = make(lambda r: httpx.Response(200, content=content), clock)
    with pytest.raises(ProtocolError):
        transport.request_json("GET", "/x")
    caplog.clear()  # the retries' warnings were expected


def test_retries_stop_at_their_limit_with_backoff(clock, caplog) -> None:
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(503)

    with pytest.raises(ServerError):
        make(handler, clock, attempts=4).request("GET", "/x")
    assert len(calls) == 4
    assert len(clock.sleeps) == 3
    # Full jitter: each wait is in [0, base·2^(n-1)].
    for n, wait in enumerate(clock.sleeps, start=1):
        assert 0 <= wait <= 1.0 * 2 ** (n - 1)
    caplog.clear()  # the retries' warnings were expected


def test_retry_after_seconds_is_honoured(clock, caplog) -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={"data": 1})])
    assert make(lambda r: next(answers), clock).request_json("GET", "/x") == {"data": 1}
    assert clock.sleeps == [7.0]
    caplog.clear()  # the retries' warnings were expected


def test_retry_after_http_date_is_honoured(clock, caplog) -> None:
    when = email.utils.formatdate(clock.time() + 12, usegmt=True)
    answers = iter([httpx.Response(429, headers={"Retry-After": when}), httpx.Response(200, json={"data": 1})])
    make(lambda r: next(answers), clock).request("GET", "/x")
    assert clock.sleeps == [pytest.approx(12, abs=1)]
    caplog.clear()  # the retries' warnings were expected


@pytest.mark.parametrize(("value", "offset"), [("5", 5.0), (None, 9.0)])
def test_x_ratelimit_reset_is_honoured(value, offset, clock, caplog) -> None:
    reset = value or str(int(clock.time() + 9))  # seconds from now, or an epoch time
    answers = iter([httpx.Response(429, headers={"X-RateLimit-Reset": reset}), httpx.Response(200)])
    make(lambda r: next(answers), clock).request("GET", "/x")
    assert clock.sleeps == [pytest.approx(offset, abs=1)]
    caplog.clear()  # the retries' warnings were expected


def test_a_very_long_retry_after_is_handed_to_the_caller(clock) -> None:
    transport = make(answer(429, None, {"Retry-After": "3600"}), clock)
    with pytest.raises(RateLimited) as caught:
        transport.request("GET", "/x")
    assert caught.value.retry_after == 3600
    assert clock.sleeps == []


def test_network_errors_are_retried_then_raised(clock, caplog) -> None:
    def handler(request):
        raise httpx.ConnectError("connection refused")

    with pytest.raises(NetworkError) as caught:
        make(handler, clock, attempts=3).request("GET", "/x")
    assert not isinstance(caught.value, OutcomeUnknown)
    assert len(clock.sleeps) == 2
    caplog.clear()  # the retries' warnings were expected


def test_a_create_that_timed_out_after_sending_is_outcome_unknown(clock) -> None:
    calls = []

    def handler(request):
        calls.append(request)
        raise httpx.ReadTimeout("read timed out")

    transport = make(handler, clock)
    with pytest.raises(OutcomeUnknown):
        transport.request("POST", "/api/v1/objects/people/records", json_body={"values": {}},
                          idempotency_key="op-1")
    assert len(calls) == 1  # never re-sent blindly
    assert calls[0].headers["Idempotency-Key"] == "op-1"


def test_a_create_is_not_retried_after_a_500(clock) -> None:
    calls = []
    transport = make(lambda r: calls.append(r) or httpx.Response(500), clock)
    with pytest.raises(ServerError):
        transport.request("POST", "/x", json_body={}, kind=RequestKind.CREATE)
    assert len(calls) == 1


def test_redirect_to_login_is_an_auth_error_and_not_followed(clock) -> None:
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(307, headers={"location": "http://localhost:3001/login?redirect=%2Fapi%2Fv1"})

    with pytest.raises(AuthError):
        make(handler, clock).request("GET", "/api/v1/objects")
    assert len(calls) == 1


def test_authorization_never_goes_to_another_host(clock) -> None:
    seen_hosts = []

    def handler(request):
        seen_hosts.append((request.url.host, request.headers.get("authorization")))
        if request.url.host == "crm.test":
            return httpx.Response(302, headers={"location": "https://evil.example/api/v1/objects"})
        return httpx.Response(200, json={"data": []})

    with pytest.raises(ProtocolError):
        make(handler, clock).request("GET", "/api/v1/objects")
    assert seen_hosts == [("crm.test", f"Bearer {TOKEN}")]
    with pytest.raises(ProtocolError):
        make(handler, clock).request("GET", "https://evil.example/steal")


def test_same_origin_get_redirects_are_followed_with_auth(clock) -> None:
    def handler(request):
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "/new"})
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        return httpx.Response(200, json={"data": "ok"})

    assert make(handler, clock).request_json("GET", "/old") == {"data": "ok"}


@pytest.mark.parametrize("url", ["http://crm.example.com", "http://10.0.0.5:3000"])
def test_plain_http_to_another_machine_is_refused(url, clock) -> None:
    with pytest.raises(InsecureConnectionRefused):
        make(answer(200), clock, base=url)
    make(answer(200), clock, base=url, allow_insecure_http=True)  # explicitly allowed


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:3001", "http://[::1]:8000"])
def test_plain_http_to_loopback_is_fine(url, clock) -> None:
    seen = []
    response = make(lambda r: seen.append(r) or httpx.Response(200), clock, base=url).request("GET", "/x")
    assert response.status_code == 200
    assert [str(r.url) for r in seen] == [f"{url}/x"]


def test_requests_carry_user_agent_timeouts_and_bearer(clock) -> None:
    seen = []
    make(lambda r: seen.append(r) or httpx.Response(200), clock).request("GET", "/x")
    request = seen[0]
    assert request.headers["user-agent"].startswith("crmdesk/")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    timeout = request.extensions["timeout"]
    assert timeout["connect"] == 5.0 and timeout["read"] == 30.0


def test_the_token_never_appears_in_logs_or_errors(clock, caplog) -> None:
    def handler(request):
        return httpx.Response(500, text=f"debug: got header Bearer {TOKEN}")

    with caplog.at_level(logging.DEBUG), pytest.raises(ServerError) as caught:
        make(handler, clock, attempts=3).request("GET", "/x")
    assert TOKEN not in str(caught.value)
    assert TOKEN not in caplog.text
    assert repr(BearerAuth(TOKEN)) == "BearerAuth(token=[REDACTED])"
    caplog.clear()  # the retries' warnings were expected


def test_token_bucket_waits_on_the_injected_clock(clock) -> None:
    bucket = TokenBucket(rate=25.0, clock=clock)
    waits = [bucket.acquire() for _ in range(50)]
    assert sum(1 for w in waits if w == 0) == 25  # a full bucket's burst
    assert clock.now == pytest.approx(1.0, abs=0.05)  # the other 25 took a second


def test_per_second_limits_a_dialect_passes_pace_reads(clock) -> None:
    # Attio's published limits (100 reads/s, 25 writes/s), as its adapter will pass them.
    transport = make(answer(200), clock, rate_limits=RateLimits(reads_per_second=100.0, writes_per_second=25.0))
    for _ in range(130):
        transport.request("GET", "/x")
    assert clock.now == pytest.approx(0.3, abs=0.02)  # 100 free, 30 more at 100/s
    limiter = RateLimiter(RateLimits(), clock)
    assert limiter.acquire(write=True) == 0.0  # no limits given (Aria's): no wait
