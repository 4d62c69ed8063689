"""A wait for a turn under a server's request limit ends the moment the user cancels or quits:
a per-minute window can make a request wait a whole minute."""

from __future__ import annotations

import threading

import pytest

from crmdesk.remote.auth import BearerAuth
from crmdesk.remote.errors import RequestCancelled
from crmdesk.remote.ratelimit import LimitWaitCancelled, RateLimiter, RateLimits
from crmdesk.remote.transport import Transport, TransportConfig
from crmdesk.sandbox.server import SandboxServer

from .conftest import FakeClock

FULL = RateLimits(requests_per_minute=10)


def test_a_cancelled_wait_ends_without_waiting(clock: FakeClock) -> None:
    limiter = RateLimiter(FULL, clock)
    for _ in range(9):  # reads' share of the 10
        limiter.acquire(write=False)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(LimitWaitCancelled):
        limiter.acquire(write=False, cancel=cancel)
    assert clock.sleeps == [] and clock.now == 0.0


def test_a_request_waiting_for_its_turn_is_cancelled_with_the_sync(clock: FakeClock) -> None:
    with SandboxServer(records=3, seed=1) as server:
        cancel = threading.Event()
        transport = Transport(TransportConfig(base_url=server.url, rate_limits=FULL),
                              BearerAuth(server.admin_token), clock=clock, cancel=cancel)
        try:
            for _ in range(9):
                transport.request_json("GET", "/api/v1/objects")
            cancel.set()  # Quit, while the minute's reads are used up
            with pytest.raises(RequestCancelled, match="request limit"):
                transport.request_json("GET", "/api/v1/objects")
            assert clock.sleeps == []
        finally:
            transport.close()

