"""What the disk does to a workspace file, met by ``Store.open`` and ``store.write()``: a read-only
file or folder, damage found half-way through a write, a file that cannot be opened at all. Each
becomes a ``StoreError`` of its kind whose message names the file and what to do, and crmdesk
leaves the file's bytes as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.store import DatabaseCorrupt, Store, StoreError
from crmdesk.store.errors import CannotOpenDatabase, FolderNotWritable, ReadOnlyDatabase
from tests.disk_faults import beside, damage_value_index, digest, make_workspace, unwritable
from tests.store._support import company, open_store


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("disk") / "template.sqlite")


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "workspaces" / "ws.sqlite"
    copy.parent.mkdir()
    copy.write_bytes(template.read_bytes())
    copy.chmod(0o600)
    return copy


# -- (a) a read-only file -------------------------------------------------------------------------


def test_a_read_only_file_is_refused_untouched(workspace: Path) -> None:
    before = digest(workspace)
    with unwritable(workspace), pytest.raises(ReadOnlyDatabase) as raised:
        Store.open(workspace)
    error = raised.value
    assert error.kind == "read_only" and error.path == workspace
    assert str(error).startswith(f"The workspace file {workspace} is read-only: crmdesk needs to write to it")
    assert "crmdesk has not changed it" in str(error)
    assert digest(workspace) == before and not beside(workspace)  # not even a -wal or -shm beside it


# -- (b) a read-only folder -----------------------------------------------------------------------


def test_a_read_only_workspaces_folder_is_named(workspace: Path) -> None:
    before = digest(workspace)
    with unwritable(workspace.parent):
        for path in (workspace, workspace.with_name("new.sqlite")):  # an existing file, a new one
            with pytest.raises(FolderNotWritable) as raised:
                Store.open(path)
            assert raised.value.kind == "folder_read_only" and raised.value.path == workspace.parent
            assert str(raised.value).startswith(f"The folder {workspace.parent} does not let crmdesk create files")
            assert "--data-dir" in str(raised.value)
    assert digest(workspace) == before and sorted(p.name for p in workspace.parent.iterdir()) == ["ws.sqlite"]


# -- (c) damage met half-way through a write ------------------------------------------------------


def test_damage_found_during_a_write_rolls_it_back_and_stops_writing(workspace: Path) -> None:
    assert damage_value_index(workspace) > 10
    damaged = digest(workspace)
    with Store.open(workspace) as store:  # the header, the schema and the records still read
        assert store.records.get("c5") is not None
        outbox = store.outbox.count()
        with pytest.raises(DatabaseCorrupt) as raised, store.write():
            store.schema.set_meta("written_before_the_damage", "yes")
            store.edits.update_record("c5", {"description": "new"})
        error = raised.value
        assert isinstance(error, StoreError) and error.kind == "corrupt" and error.path == workspace
        assert "database disk image is malformed" in str(error)
        assert "Move it somewhere safe" in str(error) and "reconnect the workspace" in str(error)
        # Rolled back whole: the meta row written before the damage was met is gone too.
        assert not store.conn.in_transaction
        assert store.schema.get_meta("written_before_the_damage") is None
        assert store.outbox.count() == outbox
        # And no later write goes into the damaged file, not even one that touches sound pages.
        with pytest.raises(DatabaseCorrupt), store.write():
            store.schema.set_meta("later", "yes")
        assert store.schema.get_meta("later") is None
    assert digest(workspace) == damaged and not beside(workspace)


def test_a_full_disk_during_a_write_is_disk_full_and_rolled_back(tmp_path: Path) -> None:
    """SQLite's own limit stands in for a full disk: the same SQLITE_FULL, met half-way."""
    with open_store(tmp_path / "ws.sqlite") as store:
        obj = store.schema.get_object("companies")
        assert obj is not None
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(StoreError) as raised, store.write():
            store.schema.set_meta("before", "yes")
            store.records.put_many(obj, [company(f"c{i}", "x" * 2000) for i in range(200)])
        assert raised.value.kind == "disk_full" and "nothing saved before was lost" in str(raised.value)
        assert not store.conn.in_transaction and store.schema.get_meta("before") is None
        with store.write():  # a full disk is not damage: writing works again once there is room
            store.schema.set_meta("after", "yes")


# -- (d) a file that cannot be opened at all ------------------------------------------------------


def test_a_folder_where_the_file_should_be_cannot_be_opened(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    path.mkdir()
    with pytest.raises(CannotOpenDatabase) as raised:
        Store.open(path)
    assert raised.value.kind == "unopenable"
    assert str(raised.value) == (f"The workspace file {path} cannot be opened: it is a folder, not a file. "
                                 "crmdesk has not changed it.")
    assert path.is_dir() and not list(path.iterdir())


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    path.write_bytes(b"name,email\nAda,ada@example.com\n" * 200)  # a CSV export saved over it
    before = digest(path)
    with pytest.raises(DatabaseCorrupt) as raised:
        Store.open(path)
    assert raised.value.kind == "corrupt" and "file is not a database" in str(raised.value)
    assert digest(path) == before and not beside(path)


def test_every_store_error_names_its_kind() -> None:
    kinds = {cls.kind for cls in StoreError.__subclasses__()}
    assert {"corrupt", "read_only", "folder_read_only", "unopenable", "disk_error", "locked", "disk_full",
            "newer", "migration_failed", "not_found"} <= kinds
