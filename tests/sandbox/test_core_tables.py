"""The core's SQLModel tables (``core/tables.py``) make the schema the core's SQL relies on.

``REFERENCE`` is the SQL schema the core was created from before its tables became
SQLModel models: a file created from the models must have every one of its tables with the
same columns (order, type, NOT NULL, default, key), UNIQUE constraints, indexes and
AUTOINCREMENT; a file made from it (an older sandbox's) must open and be brought up to date.
Tables added later (other dialects' facades) may come on top; the atomic facade's resources
(``atomic/resources.py``) name the columns of its tables a second time, and must name the same.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel, select

from crmdesk.sandbox.atomic.resources import Resource, builtin_resources
from crmdesk.sandbox.core import Core
from crmdesk.sandbox.core.tables import MemberRow, RecordRow

REFERENCE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE workspace (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, slug TEXT NOT NULL, settings TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE members (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, email TEXT NOT NULL,
    role TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE tokens (
    id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, name TEXT NOT NULL, user_id TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE objects (
    id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, singular_name TEXT NOT NULL,
    plural_name TEXT NOT NULL, icon TEXT, is_system INTEGER NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE attributes (
    id TEXT PRIMARY KEY, object_id TEXT, list_id TEXT, slug TEXT NOT NULL, title TEXT NOT NULL,
    type TEXT NOT NULL, config TEXT NOT NULL, is_system INTEGER NOT NULL, is_required INTEGER NOT NULL,
    is_unique INTEGER NOT NULL, is_multiselect INTEGER NOT NULL, sort_order INTEGER NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE options (
    id TEXT PRIMARY KEY, attribute_id TEXT NOT NULL, title TEXT NOT NULL, color TEXT,
    sort_order INTEGER NOT NULL, is_active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL,
    celebration_enabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, object_id TEXT NOT NULL,
    title TEXT NOT NULL, subtitle TEXT NOT NULL DEFAULT '', search TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL, created_by TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    sent TEXT NOT NULL DEFAULT '{}');
CREATE INDEX records_by_created ON records (object_id, created_at);
CREATE INDEX records_by_updated ON records (updated_at);
CREATE INDEX records_by_object_updated ON records (object_id, updated_at);
CREATE TABLE refs (
    source_id TEXT NOT NULL, attribute_slug TEXT NOT NULL, target_id TEXT NOT NULL);
CREATE INDEX refs_by_source ON refs (source_id);
CREATE INDEX refs_by_target ON refs (target_id);
CREATE TABLE lists (
    id TEXT PRIMARY KEY, object_id TEXT NOT NULL, name TEXT NOT NULL, slug TEXT NOT NULL,
    is_private INTEGER NOT NULL, created_by TEXT, created_at TEXT NOT NULL);
CREATE TABLE entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, list_id TEXT NOT NULL,
    record_id TEXT NOT NULL, data TEXT NOT NULL, created_by TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, UNIQUE (list_id, record_id));
CREATE TABLE notes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, record_id TEXT NOT NULL,
    title TEXT NOT NULL, content TEXT NOT NULL, created_by TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL);
CREATE INDEX notes_by_record ON notes (record_id);
CREATE INDEX notes_by_created ON notes (created_at, seq);
CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, content TEXT NOT NULL,
    deadline TEXT, is_completed INTEGER NOT NULL, completed_at TEXT, created_by TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE task_records (task_id TEXT NOT NULL, record_id TEXT NOT NULL, position INTEGER);
CREATE INDEX task_records_by_record ON task_records (record_id);
CREATE TABLE task_assignees (task_id TEXT NOT NULL, user_id TEXT NOT NULL, position INTEGER);
CREATE TABLE notifications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL,
    type TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, record_id TEXT,
    is_read INTEGER NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE idempotency (
    user_id TEXT NOT NULL, key TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
    status INTEGER NOT NULL, body BLOB NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key));
"""


def _describe(conn: sqlite3.Connection) -> dict[str, Any]:
    """Per table: columns as PRAGMA table_info gives them, indexes (named ones by name, the
    automatic ones of UNIQUE/PRIMARY KEY by their columns), and whether it is AUTOINCREMENT."""
    tables: dict[str, Any] = {}
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
        if name.startswith("sqlite_"):
            continue
        columns = [tuple(row) for row in conn.execute(f"PRAGMA table_info({name})")]
        indexes = set()
        for _, index, unique, origin, partial in conn.execute(f"PRAGMA index_list({name})"):
            cols = tuple(row[2] for row in conn.execute(f"PRAGMA index_info('{index}')"))
            key = "auto" if index.startswith("sqlite_autoindex_") else index
            indexes.add((key, cols, unique, origin, partial))
        tables[name] = (columns, indexes, "AUTOINCREMENT" in sql.upper())
    return tables


def _reference() -> dict[str, Any]:
    conn = sqlite3.connect(":memory:")
    conn.executescript(REFERENCE)
    try:
        return _describe(conn)
    finally:
        conn.close()


def test_models_make_every_table_column_constraint_and_index_of_the_reference() -> None:
    core = Core()
    try:
        made = _describe(core.db.conn)
    finally:
        core.close()
    reference = _reference()
    assert set(reference) <= set(made)
    for table, expected in reference.items():
        assert made[table] == expected, table
    # Spot checks the comparison above implies, spelled out.
    assert reference["records"][2] and reference["entries"][2]
    assert ("auto", ("list_id", "record_id"), 1, "u", 0) in made["entries"][1]
    assert ("auto", ("user_id", "key"), 1, "pk", 0) in made["idempotency"][1]
    assert ("records_by_created", ("object_id", "created_at"), 0, "c", 0) in made["records"][1]


def test_seq_is_never_reused() -> None:
    core = Core()
    try:
        core.initialise()
        first = core.records.create("people", {}, None)
        newest = core.records.create("people", {}, None)
        newest_seq = core.db.scalar("SELECT seq FROM records WHERE id = ?", (newest.id,))
        core.records.delete("people", newest.id)
        again = core.records.create("people", {}, None)
        with core.db.session() as session:
            seqs = {row.id: row.seq for row in session.exec(select(RecordRow))}
        assert set(seqs) == {first.id, again.id}
        assert seqs[again.id] is not None and seqs[again.id] > newest_seq > seqs[first.id]
    finally:
        core.close()


def test_readers_get_models_that_read_like_rows() -> None:
    core = Core()
    try:
        core.initialise()
        member = core.workspace.add_member("ada@example.test", "admin", "Ada")
        assert isinstance(member, MemberRow)
        assert member["email"] == member.email == "ada@example.test"
        assert [m["id"] for m in core.workspace.members()] == [member.id]
        token_id, _ = core.workspace.issue_token(member.user_id)
        assert [t.id for t in core.workspace.tokens()] == [token_id]
        assert core.workspace.get()["slug"] == "sandbox"
    finally:
        core.close()


def test_a_file_from_an_older_sandbox_is_brought_up_to_date(tmp_path: Path) -> None:
    """No ``records.sent`` or ``options.celebration_enabled`` column, no ``records_by_object_updated``
    index: all are added."""
    path = tmp_path / "old.sqlite"
    older = REFERENCE.replace(",\n    sent TEXT NOT NULL DEFAULT '{}'", "").replace(
        "CREATE INDEX records_by_object_updated ON records (object_id, updated_at);\n", "").replace(
        ",\n    celebration_enabled INTEGER NOT NULL DEFAULT 0", "")
    assert older.count("sent") == 0 and "records_by_object_updated" not in older and "celebration" not in older
    conn = sqlite3.connect(path)
    conn.executescript(older)
    conn.close()
    core = Core(path)
    try:
        made = _describe(core.db.conn)
        core.initialise()
        record = core.records.create("people", {}, None)
        assert core.records.get("people", record.id).id == record.id
    finally:
        core.close()
    assert made["records"] == _reference()["records"]
    assert made["options"] == _reference()["options"]


#: Columns of an atomic table that its resource does not answer: ``crm_users`` leaves out the
#: sign-in identity's password hash and times, which share its row.
NOT_ANSWERED = {"atomic_users": ("password_hash", "created_at", "updated_at")}


@pytest.mark.parametrize("resource", builtin_resources().values(), ids=lambda r: r.name)
def test_each_atomic_resource_stores_the_columns_of_its_table(resource: Resource) -> None:
    """``resources.py`` and ``core/tables.py`` declare the same columns: a column added to or
    dropped from one side only fails here, not on the first SELECT or INSERT that names it."""
    table = {column.name for column in SQLModel.metadata.tables[resource.table].columns}
    hidden = set(NOT_ANSWERED.get(resource.table, ()))
    assert hidden <= table
    assert sorted(column.name for column in resource.stored) == sorted(table - hidden)
