"""Shared fixtures: every test gets its own data directory, Qt runs offscreen, and no test ever
asks the machine's keyring (DESIGN: tests use an in-memory keyring backend)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest

from tests.memory_keyring import MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Subprocesses (`python -m crmdesk …`) inherit this: keyring's null backend, which holds nothing
# and stores nothing, so a child reads its token from CRMDESK_TOKEN or finds none. Set before
# anything here asks keyring for its backend, so the machine's is never even looked up.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

FIXTURES = Path(__file__).parent / "fixtures"




@pytest.fixture(autouse=True)
def suite_keyring() -> Iterator[MemoryKeyring]:
    """Every test's keyring (``TokenStore()`` and ``keyring.get_keyring()`` find it): empty at the
    start, so a token one test stores never reaches another."""
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(MemoryKeyring())


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory, also exported as CRMDESK_DATA_DIR for subprocesses."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("CRMDESK_DATA_DIR", str(folder))
    return folder
