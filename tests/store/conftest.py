"""Fixtures for the store tests: a fresh workspace file in tmp_path with the test schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.store import Store

from ._support import open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "ws.sqlite") as opened:
        yield opened
