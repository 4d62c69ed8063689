"""Sandbox test fixtures: a shared read-mostly server per module, fresh ones per test when mutating."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.testing import sandbox_server  # noqa: F401  (re-exported fixture)


def client_for(server: SandboxServer, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token or server.admin_token}"}
    return httpx.Client(base_url=server.api_url, headers=headers, timeout=10, follow_redirects=False)


@pytest.fixture(scope="module")
def shared_server() -> Iterator[SandboxServer]:
    with SandboxServer(records=120, seed=7) as server:
        yield server


@pytest.fixture(scope="module")
def api(shared_server: SandboxServer) -> Iterator[httpx.Client]:
    with client_for(shared_server) as client:
        yield client


@pytest.fixture
def empty_server() -> Iterator[SandboxServer]:
    with SandboxServer(records=0) as server:
        yield server


@pytest.fixture
def empty_api(empty_server: SandboxServer) -> Iterator[httpx.Client]:
    with client_for(empty_server) as client:
        yield client
