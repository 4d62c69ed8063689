"""A workspace file that lost its bytes or went missing is reported, never started afresh."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crmdesk.cli import main
from crmdesk.paths import Paths
from crmdesk.store import EmptyDatabase, MissingDatabase, Store
from crmdesk.workspaces import remember_last_workspace


def _workspace(paths: Paths, workspace_id: str) -> Path:
    with Store.open(paths.workspace_db(workspace_id)) as store, store.write():
        store.schema.set_meta("workspace_name", f"Team {workspace_id}")
        store.edits  # noqa: B018 - opened and migrated: a real workspace file
    return paths.workspace_db(workspace_id)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    resolved = Paths.resolve(tmp_path / "data")
    resolved.ensure()
    return resolved


def test_a_zero_byte_workspace_file_is_refused_and_left_as_it_is(paths: Paths) -> None:
    path = paths.workspace_db("acme")
    path.write_bytes(b"")
    with pytest.raises(EmptyDatabase, match=r"is empty \(0 bytes\).*has not started it afresh"):
        Store.open(path)
    assert path.stat().st_size == 0
    assert not path.with_name(path.name + "-wal").exists()


def test_a_known_workspace_whose_file_went_missing_is_not_made_again(paths: Paths) -> None:
    path = paths.workspace_db("gone")
    with pytest.raises(MissingDatabase, match="is missing: it was moved or deleted"):
        Store.open(path, create=False)
    assert not path.exists()


def test_records_list_says_the_last_workspace_is_missing_and_makes_nothing(
        paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    _workspace(paths, "acme")
    globex = _workspace(paths, "globex")
    remember_last_workspace(paths, "globex")
    globex.unlink()

    code = main(["records", "list", "people", "--data-dir", str(paths.data_dir)])

    assert code == 1
    err = capsys.readouterr().err
    assert "“globex” used last is missing" in err and "Traceback" not in err
    assert sorted(p.name for p in paths.workspaces_dir.glob("*.sqlite")) == ["acme.sqlite"]


def test_records_list_on_a_zero_byte_file_says_so(paths: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    path = paths.workspace_db("acme")
    path.write_bytes(b"")
    os.utime(path, (0, 0))

    code = main(["records", "list", "people", "--workspace", "acme", "--data-dir", str(paths.data_dir)])

    assert code == 1
    assert "is empty (0 bytes)" in capsys.readouterr().err
    assert path.stat().st_size == 0 and path.stat().st_mtime == 0
