"""Shared fixtures: every test gets its own data directory, Qt runs offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory, also exported as CRMDESK_DATA_DIR for subprocesses."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("CRMDESK_DATA_DIR", str(folder))
    return folder
