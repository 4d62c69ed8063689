"""Each hostile test gets its own sandbox and the hostile proxy in front of it: modes and data
never leak from one test to the next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store

from .server import HostileServer


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(records=60, seed=21) as server:
        yield server


@pytest.fixture
def hostile(sandbox: SandboxServer) -> Iterator[HostileServer]:
    with HostileServer(sandbox) as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "ws.sqlite") as opened:
        yield opened

