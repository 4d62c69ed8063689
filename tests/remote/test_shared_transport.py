"""One ``Transport`` shared by several threads: when requests sent with the same credentials come
back 401 at the same moment, the credentials are refreshed once, and every request goes again with
the new ones (``RefreshGate``). The refusals meet on the server (``TokenServer(meet=…)``), so the
threads are refused together, deterministically, before anything can refresh."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor

import pytest

from crmdesk.remote.auth import ClientCredentialsAuth, RefreshGate
from crmdesk.remote.errors import AuthError
from crmdesk.remote.transport import Transport, TransportConfig
from tests.hostile.server import serve

from .token_server import CLIENT_ID, CLIENT_SECRET, TokenServer

THREADS = 4


@pytest.fixture
def endpoint() -> Iterator[tuple[TokenServer, str]]:
    server = TokenServer(meet=THREADS)
    with serve(server.app()) as url:
        yield server, url


def whoami_from_threads(transport: Transport) -> list[str | BaseException]:
    """``GET /api/whoami`` from ``THREADS`` threads at once: the token each was answered with, or its error."""

    def ask() -> str | BaseException:
        try:
            return str(transport.request_json("GET", "/api/whoami")["token"])
        except AuthError as error:
            return error

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(ask) for _ in range(THREADS)]
        return [future.result() for future in futures]


def test_a_token_refused_under_several_threads_is_fetched_again_once(endpoint: tuple[TokenServer, str]) -> None:
    server, url = endpoint
    auth = ClientCredentialsAuth(url + "/oauth/token", CLIENT_ID, CLIENT_SECRET)
    with Transport(TransportConfig(base_url=url), auth) as transport:
        assert transport.request_json("GET", "/api/whoami") == {"token": "tok-1"}
        server.revoke_all()  # as if it expired on the server's clock, long before ours says so
        answers = whoami_from_threads(transport)
    assert answers == ["tok-2"] * THREADS
    assert server.refusals == THREADS  # all were refused with tok-1, together
    assert len(server.fetches) == 2  # the first token, and one more for all of them


class StaticKey:
    """A key that refreshing cannot improve (``BearerAuth``'s answer), counting how often it is asked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.refreshes = 0

    def headers(self) -> Mapping[str, str]:
        return {"Authorization": "Bearer revoked-key"}

    def refresh(self) -> bool:
        with self._lock:
            self.refreshes += 1
        return False


def test_a_refresh_that_brings_nothing_is_not_asked_again_by_each_thread(endpoint: tuple[TokenServer, str]) -> None:
    server, url = endpoint
    auth = StaticKey()
    with Transport(TransportConfig(base_url=url), auth) as transport:
        answers = whoami_from_threads(transport)
    assert all(isinstance(answer, AuthError) and answer.status == 401 for answer in answers), answers
    assert server.refusals == THREADS
    assert auth.refreshes == 1


def test_the_gate_says_retry_when_the_credentials_moved_on_since_sending(endpoint: tuple[TokenServer, str]) -> None:
    """A token renewed shortly before its expiry while a request was out with the old one: that
    request goes again with the new token, and nothing is fetched a third time."""
    server, url = endpoint
    auth = ClientCredentialsAuth(url + "/oauth/token", CLIENT_ID, CLIENT_SECRET)
    gate = RefreshGate(auth)
    sent = gate.current()
    assert auth.refresh()  # what a renewal before expiry does, in another thread
    assert gate.refresh_after_401(sent) is True
    assert gate.current().headers == {"Authorization": "Bearer tok-2"}
    assert len(server.fetches) == 2
    assert "tok-" not in repr(sent)
