"""The sync tests' shared fixture: a store synced from the module's own ``server`` fixture
(each module sizes and scopes its sandbox to what its tests change on it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store

from ._support import sync


@pytest.fixture
def store(tmp_path: Path, server: SandboxServer) -> Iterator[Store]:
    """A new workspace file, synced once from ``server`` before the test."""
    with Store.open(tmp_path / "ws.sqlite") as opened:
        assert sync(opened, server).status.value == "synced"
        yield opened


@pytest.fixture
def db(tmp_path: Path, server: SandboxServer) -> Path:
    """A workspace file synced once from ``server``, closed: for a sync worker that opens its own."""
    path = tmp_path / "ws.sqlite"
    with Store.open(path) as store:
        assert sync(store, server).status.value == "synced"
    return path
