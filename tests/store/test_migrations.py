"""Opening old, newer, damaged and busy workspace files."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from crmdesk.store import DatabaseCorrupt, DatabaseLocked, MigrationFailed, NewerDatabase, Store
from crmdesk.store import migrations as migrations_module
from crmdesk.store.connection import open_connection
from crmdesk.store.migrations import migrate, schema_version
from crmdesk.store.schema_repo import SchemaRepo
from crmdesk.store.schema_steps import LATEST_VERSION, STEPS

from ._support import PEOPLE

V1_RECORDS = [
    ("p1", "José Núñez", {"name": {"full_name": "José Núñez"}, "emails": ["jose@acme.io"], "job_title": "Welder"}),
    ("p2", "Zoë Quartermaine", {"name": {"full_name": "Zoë Quartermaine"}, "site": "zoe.dev"}),
]


def build_old_file(path: Path, version: int) -> None:
    """A file as a client at ``version`` left it, written with plain SQL."""
    conn = open_connection(path)
    migrate(conn, path, target=version)
    assert schema_version(conn) == version
    conn.execute("BEGIN")
    SchemaRepo(conn).save_object(PEOPLE, 0)
    for n, (record_id, title, values) in enumerate(V1_RECORDS, start=1):
        conn.execute(
            "INSERT INTO records (rowid, id, object_slug, title, title_fold, values_json, created_at)"
            " VALUES (?, ?, 'people', ?, ?, ?, ?)",
            (n, record_id, title, title.lower(), json.dumps(values), f"2026-01-0{n}T00:00:00.000Z"),
        )
    conn.execute(
        "INSERT INTO outbox (mutation_id, entity, op, target_id, scope, changes_json, base_json, created_at)"
        " VALUES ('m1', 'record', 'update', 'p1', 'people', '{\"job_title\": \"Welder\"}', '{}',"
        " '2026-01-03T00:00:00.000Z')"
    )
    if version >= 3:
        conn.execute("INSERT INTO notes (id, record_id, title, content) VALUES ('n1', 'p1', 'Visit', 'Forge tour')")
    if version >= 4:
        # A client with the search index kept it up to date as it wrote.
        from crmdesk.store.schema_steps import _backfill_search

        _backfill_search(conn)
    conn.execute("COMMIT")
    conn.close()


def rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("version", range(1, LATEST_VERSION))
def test_upgrade_keeps_data_outbox_and_backs_up(tmp_path: Path, version: int) -> None:
    path = tmp_path / "ws.sqlite"
    build_old_file(path, version)
    with Store.open(path) as store:
        assert schema_version(store.conn) == LATEST_VERSION
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.records.get("p1").values == V1_RECORDS[0][2]  # type: ignore[union-attr]
        assert store.records.ids("people") == {"p1", "p2"}
        [mutation] = store.outbox.all()
        assert (mutation.mutation_id, mutation.target_id, mutation.changes) == ("m1", "p1", {"job_title": "Welder"})
        # the upgrade indexed old records for search, by title and by text values
        assert [h.id for h in store.search("núñez")] == ["p1"]
        assert [h.id for h in store.search("welder")] == ["p1"]
        assert [h.id for h in store.search("jose@acme.io")] == ["p1"]
        assert [h.id for h in store.search("zoe.dev")] == ["p2"]
        if version >= 3:
            assert [h.id for h in store.search("forge")] == ["n1"]
    backups = list(tmp_path.glob(f"ws.v{version}-*.bak.sqlite"))
    assert len(backups) == 1
    assert rows(backups[0], "PRAGMA user_version") == [(version,)]
    assert rows(backups[0], "SELECT id FROM records ORDER BY id") == [("p1",), ("p2",)]
    assert rows(backups[0], "SELECT mutation_id FROM outbox") == [("m1",)]
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    # reopening an up-to-date file makes no further copy
    Store.open(path).close()
    assert len(list(tmp_path.glob("*.bak.sqlite"))) == 1


def test_new_file_is_private_wal_and_current(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "ws.sqlite"
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert schema_version(store.conn) == LATEST_VERSION
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(path.parent.glob("*.bak.sqlite"))  # a brand-new file needs no copy


def test_failing_step_leaves_previous_version_and_says_where_the_backup_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ws.sqlite"
    build_old_file(path, 2)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("simulated failure in step 3")

    steps = tuple((v, d, broken if v == 3 else f) for v, d, f in STEPS)
    monkeypatch.setattr(migrations_module, "STEPS", steps)
    with pytest.raises(MigrationFailed) as raised:
        Store.open(path)
    message = str(raised.value)
    assert str(path) in message and "simulated failure" in message
    [backup] = tmp_path.glob("ws.v2-*.bak.sqlite")
    assert str(backup) in message
    assert rows(path, "PRAGMA user_version") == [(2,)]
    assert rows(path, "SELECT name FROM sqlite_master WHERE name IN ('half_done', 'notes')") == []
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert rows(path, "SELECT count(*) FROM outbox") == [(1,)]
    monkeypatch.undo()  # the next start, with the bug fixed, upgrades normally
    with Store.open(path) as store:
        assert schema_version(store.conn) == LATEST_VERSION
        assert store.outbox.count() == 1


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_newer_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NewerDatabase) as raised:
        Store.open(path)
    assert str(path) in str(raised.value) and "Update crmdesk" in str(raised.value)
    assert (raised.value.found, raised.value.known) == (99, LATEST_VERSION)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws.sqlite"]


def test_corrupt_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    path.write_bytes(os.urandom(8192))
    before = digest(path)
    with pytest.raises(DatabaseCorrupt) as raised:
        Store.open(path)
    assert str(path) in str(raised.value) and "Move it somewhere safe" in str(raised.value)
    assert raised.value.path == path
    assert digest(path) == before


def test_locked_file_makes_write_raise_database_locked(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    Store.open(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with Store.open(path, busy_timeout_ms=50) as store:
            with pytest.raises(DatabaseLocked) as raised, store.write():
                store.schema.set_meta("k", "v")
            assert str(path) in str(raised.value) and "another program" in str(raised.value)
            assert not store.conn.in_transaction
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Store.open(path) as store:  # once released, writes work
        with store.write():
            store.schema.set_meta("k", "v")
        assert store.schema.get_meta("k") == "v"
