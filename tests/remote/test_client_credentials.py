"""``ClientCredentialsAuth`` against a real token endpoint on loopback: fetched on first use, in the
standard form or Atlas's JSON, renewed before it expires (an injected clock) and after a 401, one
fetch at a time, and the secret in no message, log line or repr."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from crmdesk.remote.auth import ClientCredentialsAuth, TokenRequestShape
from crmdesk.remote.errors import (
    AuthError,
    InsecureConnectionRefused,
    NetworkError,
    ProtocolError,
    RateLimited,
    ServerError,
)
from tests.hostile.server import serve

from .conftest import FakeClock
from .token_server import ATLAS_PATH, CLIENT_ID, CLIENT_SECRET, TokenServer

JSON = "application/json"


@pytest.fixture
def endpoint() -> Iterator[tuple[TokenServer, str]]:
    server = TokenServer()
    with serve(server.app()) as url:
        yield server, url


def auth_for(
    url: str, path: str = "/oauth/token", secret: str = CLIENT_SECRET, **options: Any
) -> ClientCredentialsAuth:
    return ClientCredentialsAuth(url + path, CLIENT_ID, secret, **options)


def test_nothing_is_asked_until_first_use_then_a_standard_form_request(endpoint: tuple[TokenServer, str]) -> None:
    server, url = endpoint
    auth = auth_for(url, scope="crm.read crm.write")
    assert server.fetches == []
    assert auth.headers() == {"Authorization": "Bearer tok-1"}
    assert auth.headers() == {"Authorization": "Bearer tok-1"}  # kept: still fresh
    [fetch] = server.fetches
    assert fetch.path == "/oauth/token"
    assert fetch.content_type == "application/x-www-form-urlencoded"
    assert fetch.fields == {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                            "client_secret": CLIENT_SECRET, "scope": "crm.read crm.write"}


def test_atlas_asks_with_a_json_body(endpoint: tuple[TokenServer, str]) -> None:
    server, url = endpoint
    auth = auth_for(url, ATLAS_PATH, shape=TokenRequestShape.JSON)
    assert auth.headers() == {"Authorization": "Bearer tok-1"}
    [fetch] = server.fetches
    assert (fetch.path, fetch.content_type) == (ATLAS_PATH, "application/json")
    assert fetch.fields == {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


def test_renewed_a_minute_before_it_expires(endpoint: tuple[TokenServer, str], clock: FakeClock) -> None:
    server, url = endpoint  # tokens last 3600 s
    auth = auth_for(url, clock=clock)
    assert auth.headers()["Authorization"] == "Bearer tok-1"
    clock.now = 3600 - 60 - 0.5
    assert auth.headers()["Authorization"] == "Bearer tok-1"
    clock.now = 3600 - 60
    assert auth.headers()["Authorization"] == "Bearer tok-2"
    clock.now += 3600 - 60 - 0.5
    assert auth.headers()["Authorization"] == "Bearer tok-2"
    assert len(server.fetches) == 2


def test_a_short_lived_token_is_renewed_halfway(endpoint: tuple[TokenServer, str], clock: FakeClock) -> None:
    server, url = endpoint
    server.expires_in = "90"  # a string, as some servers send it: still seconds
    auth = auth_for(url, clock=clock)
    assert auth.headers()["Authorization"] == "Bearer tok-1"
    clock.now = 44.5
    assert auth.headers()["Authorization"] == "Bearer tok-1"
    clock.now = 45.0
    assert auth.headers()["Authorization"] == "Bearer tok-2"


def test_without_expires_in_the_token_is_kept_until_refresh(
    endpoint: tuple[TokenServer, str], clock: FakeClock
) -> None:
    server, url = endpoint
    server.expires_in = None
    auth = auth_for(url, clock=clock)
    assert auth.headers()["Authorization"] == "Bearer tok-1"
    clock.now = 10 * 86400
    assert auth.headers()["Authorization"] == "Bearer tok-1"
    assert auth.refresh() is True  # what the transport calls after a 401
    assert auth.headers()["Authorization"] == "Bearer tok-2"
    assert len(server.fetches) == 2


def test_a_refused_client_names_the_reason_never_the_secret(
    endpoint: tuple[TokenServer, str], caplog: pytest.LogCaptureFixture
) -> None:
    _server, url = endpoint
    wrong = "wrong-" + CLIENT_SECRET
    auth = auth_for(url, secret=wrong)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthError) as refused:
        auth.headers()
    error = refused.value
    assert error.status == 401
    assert "invalid_client" in error.message
    assert "no client with secret [REDACTED]" in error.message  # the server's words, scrubbed
    for text in (str(error), repr(error), error.message, repr(auth), caplog.text):
        assert wrong not in text and CLIENT_SECRET not in text
    assert repr(auth) == (f"ClientCredentialsAuth(token_url='{url}/oauth/token', "
                          f"client_id='{CLIENT_ID}', client_secret=[REDACTED])")


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ((503, b"", "text/plain"), ServerError),
        ((429, b"{}", "application/json"), RateLimited),
        ((404, b"<html>not here</html>", "text/html"), ProtocolError),
        ((200, b"<html>sign in</html>", "text/html"), ProtocolError),
        ((200, b'{"token_type": "Bearer", "expires_in": 3600}', "application/json"), ProtocolError),
        ((200, b'{"access_token": "tok en", "token_type": "Bearer"}', "application/json"), ProtocolError),
        ((200, b'{"access_token": "t", "token_type": "mac", "expires_in": 3600}', JSON), ProtocolError),
        ((200, b'{"access_token": "t", "token_type": "Bearer", "expires_in": -5}', JSON), ProtocolError),
        ((200, b'{"access_token": "t", "token_type": "Bearer", "expires_in": true}', JSON), ProtocolError),
        ((200, b'{"access_token": "' + b"x" * 70_000 + b'"}', "application/json"), ProtocolError),
    ],
)
def test_what_the_token_endpoint_gets_wrong_is_a_typed_error(
    endpoint: tuple[TokenServer, str], answer: tuple[int, bytes, str], error: type[Exception]
) -> None:
    server, url = endpoint
    server.answer = answer
    with pytest.raises(error) as raised:
        auth_for(url).headers()
    assert CLIENT_SECRET not in str(raised.value)


def test_an_unreachable_token_endpoint_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on once this is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError) as raised:
        auth_for(f"http://127.0.0.1:{port}").headers()
    assert CLIENT_SECRET not in str(raised.value)


def test_the_secret_does_not_go_over_plain_http_to_another_host() -> None:
    with pytest.raises(InsecureConnectionRefused):
        ClientCredentialsAuth("http://auth.example.com/oauth/token", CLIENT_ID, CLIENT_SECRET)
    with pytest.raises(ValueError, match="client secret"):
        ClientCredentialsAuth("https://auth.example.com/oauth/token", CLIENT_ID, "  ")


def test_threads_asking_at_once_share_one_fetch(endpoint: tuple[TokenServer, str]) -> None:
    server, url = endpoint
    auth = auth_for(url)
    threads = 8
    start = threading.Barrier(threads, timeout=30)

    def ask() -> str:
        start.wait()  # all of them ask before any token exists
        return auth.headers()["Authorization"]

    with ThreadPoolExecutor(max_workers=threads) as pool:
        answers = list(pool.map(lambda _: ask(), range(threads)))
    assert answers == ["Bearer tok-1"] * threads
    assert len(server.fetches) == 1
