"""A read-only connection (the dashboard's count, the workspace chooser's ``read_meta``) opens the
workspace file wherever the data folder is, whatever characters its path holds — ``#``, ``?`` and
``%`` mean something in the URI SQLite is given — and never creates or writes a file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crmdesk.store import Store
from crmdesk.store.connection import open_connection, read_meta


@pytest.mark.parametrize("folder", ["a #b", "e?f", "c%41d", "g h", "plain"])
def test_a_read_only_connection_opens_the_file_whatever_its_folder_is_called(tmp_path: Path, folder: str) -> None:
    path = tmp_path / folder / "w.sqlite"
    path.parent.mkdir()
    with Store.open(path) as store, store.write():
        store.schema.set_meta("workspace_name", "Acme")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert read_meta(path)["workspace_name"] == "Acme"
    conn = open_connection(path, readonly=True)
    try:
        assert conn.execute("SELECT count(*) FROM records").fetchone() == (0,)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    finally:
        conn.close()
    # Nothing was created beside the folder (a cut URI opened "a " or "e" read-write).
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_relative_path_opens_read_only_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(tmp_path / "w.sqlite") as store, store.write():
        store.schema.set_meta("workspace_name", "Acme")
    monkeypatch.chdir(tmp_path)
    assert read_meta(Path("w.sqlite"))["workspace_name"] == "Acme"
