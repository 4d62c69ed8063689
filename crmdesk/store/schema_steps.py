"""The schema, as the ordered chain of steps that built it.

Never edit a step that has shipped: add a new one. Each runs inside one
transaction together with the ``user_version`` bump, so a file is always at
exactly one version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# v1: workspace, schema, records with their value index, and the sync tables
# (outbox, conflicts, id map, per-scope sync state).
_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE members (
    id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT 'member', user_id TEXT
);
CREATE TABLE objects (
    slug TEXT PRIMARY KEY, server_id TEXT, singular_name TEXT NOT NULL, plural_name TEXT NOT NULL,
    icon TEXT, system INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE attributes (
    id INTEGER PRIMARY KEY,
    owner_kind TEXT NOT NULL CHECK (owner_kind IN ('object', 'list')),
    owner TEXT NOT NULL,
    slug TEXT NOT NULL, server_id TEXT, title TEXT NOT NULL, type TEXT NOT NULL,
    required INTEGER NOT NULL DEFAULT 0, is_unique INTEGER NOT NULL DEFAULT 0,
    multiselect INTEGER NOT NULL DEFAULT 0, config TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL DEFAULT 0, system INTEGER NOT NULL DEFAULT 0,
    UNIQUE (owner_kind, owner, slug)
);
CREATE TABLE options (
    attribute_id INTEGER NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
    id TEXT NOT NULL, title TEXT NOT NULL, color TEXT, position INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (attribute_id, id)
);
CREATE TABLE records (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    object_slug TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    title_fold TEXT NOT NULL DEFAULT '',
    values_json TEXT NOT NULL DEFAULT '{}',
    created_at TEXT, updated_at TEXT, created_by TEXT,
    server_updated_at TEXT
);
CREATE INDEX records_by_object ON records (object_slug, created_at);
-- One row per element of a value: the index that filters and sorts read.
-- key: what equals, in and gt compare. fold: lower-cased text for contains. sort: order.
CREATE TABLE record_values (
    attribute_id INTEGER NOT NULL,
    record_rowid INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    key, fold TEXT, sort,
    PRIMARY KEY (attribute_id, record_rowid, ord)
) WITHOUT ROWID;
CREATE INDEX record_values_by_key ON record_values (attribute_id, key);
CREATE TABLE outbox (
    op_id INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id TEXT NOT NULL UNIQUE,
    entity TEXT NOT NULL, op TEXT NOT NULL, target_id TEXT NOT NULL, scope TEXT NOT NULL DEFAULT '',
    changes_json TEXT NOT NULL DEFAULT '{}', base_json TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending', error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0, sent_at TEXT
);
CREATE INDEX outbox_by_target ON outbox (target_id);
CREATE TABLE conflicts (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL, target_id TEXT NOT NULL, scope TEXT NOT NULL DEFAULT '', field TEXT NOT NULL,
    mine_json TEXT, theirs_json TEXT, base_json TEXT,
    theirs_by TEXT, theirs_at TEXT, mine_at TEXT, op_id INTEGER, created_at TEXT NOT NULL,
    UNIQUE (entity, target_id, field)
);
CREATE TABLE id_map (
    local_id TEXT PRIMARY KEY, server_id TEXT NOT NULL, entity TEXT NOT NULL, mapped_at TEXT NOT NULL
);
CREATE TABLE sync_state (
    scope TEXT PRIMARY KEY, cursor TEXT, last_pull_at TEXT, last_sweep_at TEXT,
    details_json TEXT NOT NULL DEFAULT '{}'
);
"""

# v2: lists with their own attributes, and entries with a value index like records'.
_V2 = """
CREATE TABLE lists (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, slug TEXT, parent_object TEXT NOT NULL,
    private INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE entries (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE, list_id TEXT NOT NULL, record_id TEXT NOT NULL,
    values_json TEXT NOT NULL DEFAULT '{}', created_at TEXT, updated_at TEXT
);
CREATE INDEX entries_by_list ON entries (list_id, created_at);
CREATE INDEX entries_by_record ON entries (record_id);
CREATE TABLE entry_values (
    attribute_id INTEGER NOT NULL,
    entry_rowid INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    key, fold TEXT, sort,
    PRIMARY KEY (attribute_id, entry_rowid, ord)
) WITHOUT ROWID;
CREATE INDEX entry_values_by_key ON entry_values (attribute_id, key);
"""

# v3: notes, tasks, timeline events and notifications.
_V3 = """
CREATE TABLE notes (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE, record_id TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL DEFAULT '', created_at TEXT, updated_at TEXT, created_by TEXT
);
CREATE INDEX notes_by_record ON notes (record_id, created_at);
CREATE TABLE tasks (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE, content TEXT NOT NULL DEFAULT '', deadline TEXT,
    done INTEGER NOT NULL DEFAULT 0, completed_at TEXT, created_at TEXT, created_by TEXT
);
CREATE TABLE task_records (
    task_id TEXT NOT NULL, record_id TEXT NOT NULL, PRIMARY KEY (task_id, record_id)
) WITHOUT ROWID;
CREATE INDEX task_records_by_record ON task_records (record_id);
CREATE TABLE task_assignees (
    task_id TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (task_id, member_id)
) WITHOUT ROWID;
CREATE TABLE timeline_events (
    record_id TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
    description TEXT, occurred_at TEXT NOT NULL, actor_id TEXT, metadata_json TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (record_id, id)
) WITHOUT ROWID;
CREATE INDEX timeline_by_time ON timeline_events (record_id, occurred_at);
CREATE TABLE notifications (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL DEFAULT '', record_id TEXT,
    read INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL
);
"""

# v4: the full-text index over record titles, text-like values, notes and tasks.
# rowids: a record's own rowid; notes and tasks offset so the three never collide.
_V4 = """
CREATE VIRTUAL TABLE search_index USING fts5(
    title, body, tokenize = "unicode61 remove_diacritics 2", prefix = '2 3'
);
"""

NOTE_ROWID_OFFSET = 1 << 40
TASK_ROWID_OFFSET = 1 << 41


def _backfill_search(conn: sqlite3.Connection) -> None:
    """Index what earlier versions already hold. Values are re-read by the store on open."""
    conn.execute(
        "INSERT INTO search_index (rowid, title, body) SELECT rowid, title, '' FROM records"
    )
    conn.execute(
        "INSERT INTO search_index (rowid, title, body) SELECT rowid + ?, title, content FROM notes",
        (NOTE_ROWID_OFFSET,),
    )
    conn.execute(
        "INSERT INTO search_index (rowid, title, body) SELECT rowid + ?, content, '' FROM tasks",
        (TASK_ROWID_OFFSET,),
    )
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('search_needs_values', '1')")


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def apply(conn: sqlite3.Connection) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(statement)

    return apply


def _v4(conn: sqlite3.Connection) -> None:
    _script(_V4)(conn)
    _backfill_search(conn)


# v5: equality filters read the primary key's range for the attribute instead: at 100,000
# records that scan costs ~15 ms, while the extra index made every bulk write a third slower.
_V5 = """
DROP INDEX IF EXISTS record_values_by_key;
DROP INDEX IF EXISTS entry_values_by_key;
"""

def _v6(conn: sqlite3.Connection) -> None:
    """Phone numbers' fold and sort text become the international form they are shown in (what
    "contains" looks into and the table sorts by), not the stored E.164: "+1 415" finds
    +14155550123, as the window's own filter always did."""
    from crmdesk.model import AttributeDef, AttributeType, NullContext, codec_for

    codec = codec_for(AttributeType.PHONE_NUMBER)
    phone = AttributeDef(slug="phone", title="Phone", type=AttributeType.PHONE_NUMBER)

    def fold(key: str | int | float | None) -> str | int | float | None:
        return codec.fold(key, phone, NullContext()) if isinstance(key, str) else key

    conn.create_function("crmdesk_phone_fold", 1, fold, deterministic=True)
    for table in ("record_values", "entry_values"):
        conn.execute(
            f"UPDATE {table} SET fold = crmdesk_phone_fold(key), "
            "sort = CASE WHEN ord = 0 THEN crmdesk_phone_fold(key) ELSE sort END "
            "WHERE attribute_id IN (SELECT id FROM attributes WHERE type = 'phone_number')"
        )


# v7: links between records (one row per unordered pair: ``low_id`` < ``high_id``, each with its
# object, so either end reads the link with the other's object) and a record's issue keys. "IF NOT
# EXISTS": the step may meet them in a file whose version was set back (a test simulating an old one).
_V7 = """
CREATE TABLE IF NOT EXISTS record_links (
    low_id TEXT NOT NULL, high_id TEXT NOT NULL,
    low_object TEXT NOT NULL, high_object TEXT NOT NULL,
    roles_json TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (low_id, high_id),
    CHECK (low_id < high_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS record_links_by_high ON record_links (high_id);
CREATE TABLE IF NOT EXISTS issue_links (
    record_id TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (record_id, key)
) WITHOUT ROWID;
"""

# v8: saved views (a table's or board's filters, sort, columns and grouping under a name, per
# object). The state is the ui's JSON: the store keeps it whole and never reads inside it.
_V8 = """
CREATE TABLE IF NOT EXISTS saved_views (
    id TEXT PRIMARY KEY, object_slug TEXT NOT NULL, name TEXT NOT NULL,
    mode TEXT NOT NULL DEFAULT 'table', state_json TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS saved_views_by_object ON saved_views (object_slug, position);
"""

def _v9(conn: sqlite3.Connection) -> None:
    """A status's outcome (won, lost; NULL: open, or the server does not say), as the server keeps
    it. Like the steps before it, safe to apply to a file that has it already."""
    if "outcome" not in {row[1] for row in conn.execute("PRAGMA table_info(options)")}:
        conn.execute("ALTER TABLE options ADD COLUMN outcome TEXT")


# v10: field history (every value change crmdesk sees: a local edit, or a pull that brought a
# different value than the cache held), and the reminder state of tasks with a due time.
# ``old_json``/``new_json`` are canonical values (NULL: empty). ``source``: 'local' or 'server'.
# A reminder row is keyed to the deadline it was made for, so a moved deadline re-arms it.
_V10 = """
CREATE TABLE IF NOT EXISTS field_history (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL, object_slug TEXT NOT NULL, attribute_slug TEXT NOT NULL,
    old_json TEXT, new_json TEXT, changed_at TEXT NOT NULL, actor_id TEXT,
    source TEXT NOT NULL CHECK (source IN ('local', 'server'))
);
CREATE INDEX IF NOT EXISTS field_history_by_record ON field_history (record_id, changed_at);
CREATE INDEX IF NOT EXISTS field_history_by_attribute ON field_history (object_slug, attribute_slug, changed_at);
CREATE INDEX IF NOT EXISTS field_history_by_time ON field_history (changed_at);
CREATE TABLE IF NOT EXISTS task_reminders (
    task_id TEXT PRIMARY KEY, deadline TEXT NOT NULL,
    lead_fired_at TEXT, due_fired_at TEXT, snoozed_until TEXT, dismissed_at TEXT
);
"""


# v11: open tasks by deadline: a reminder look (every minute) and Home's "due soon" read a window of
# deadlines, not every task.
_V11 = """
CREATE INDEX IF NOT EXISTS open_tasks_by_deadline ON tasks (deadline) WHERE done = 0;
"""


# v12: what a workspace copy made on another server, per item of this workspace (File ▸ Copy
# workspace to…, ``crmdesk copy``): ``target`` names that server's workspace, ``kind`` the item's
# kind (record, entry, note, task, comment) or a later step of its copy (``references``: a record's
# references set; ``task done``: a task marked done), ``target_id`` what it is there. A second copy to the
# same target skips every item named here, so it copies nothing twice.
_V12 = """
CREATE TABLE IF NOT EXISTS copy_map (
    target TEXT NOT NULL, kind TEXT NOT NULL, source_id TEXT NOT NULL, target_id TEXT NOT NULL,
    copied_at TEXT NOT NULL,
    PRIMARY KEY (target, kind, source_id)
) WITHOUT ROWID;
"""


# v13: what a sync does when the server gives an offline-made item its id stays proportionate to
# what mentions that id, not to everything queued or cached (a 100,000-row import, a workspace
# copy). ``outbox_local_refs`` names, for each queued mutation, the local ids its changes and base
# mention (kept by triggers on every write of the outbox, so no code path can forget it); partial
# indexes find the values that hold a local id; an index on ``outbox.scope`` finds the mutations
# of a note's or entry's record.
_V13_REFS = " UNION ".join(
    f"SELECT {part}, NEW.op_id FROM json_tree(NEW.{column}) WHERE {test}substr({part}, 1, 6) = 'local-'"
    for column in ("changes_json", "base_json") for part, test in (("value", "type = 'text' AND "), ("key", "")))
_MENTIONS_LOCAL = "instr({row}.changes_json, '\"local-') > 0 OR instr({row}.base_json, '\"local-') > 0"
_V13 = (
    "CREATE TABLE IF NOT EXISTS outbox_local_refs (ref TEXT NOT NULL, op_id INTEGER NOT NULL,"
    " PRIMARY KEY (ref, op_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS outbox_local_refs_by_op ON outbox_local_refs (op_id)",
    "CREATE TRIGGER IF NOT EXISTS outbox_refs_after_insert AFTER INSERT ON outbox"
    f" WHEN {_MENTIONS_LOCAL.format(row='NEW')}"
    f" BEGIN INSERT OR IGNORE INTO outbox_local_refs (ref, op_id) {_V13_REFS}; END",
    "CREATE TRIGGER IF NOT EXISTS outbox_refs_after_update AFTER UPDATE OF changes_json, base_json ON outbox"
    f" WHEN {_MENTIONS_LOCAL.format(row='OLD')} OR {_MENTIONS_LOCAL.format(row='NEW')}"
    " BEGIN DELETE FROM outbox_local_refs WHERE op_id = OLD.op_id;"
    f" INSERT OR IGNORE INTO outbox_local_refs (ref, op_id) {_V13_REFS}; END",
    "CREATE TRIGGER IF NOT EXISTS outbox_refs_after_delete AFTER DELETE ON outbox"
    " BEGIN DELETE FROM outbox_local_refs WHERE op_id = OLD.op_id; END",
    # Mutations queued before this step: the same rows the triggers would have made.
    "INSERT OR IGNORE INTO outbox_local_refs (ref, op_id)"
    f" {_V13_REFS.replace('NEW.', 'o.').replace('FROM json_tree', 'FROM outbox o, json_tree')}"
    .replace(" WHERE ", f" WHERE ({_MENTIONS_LOCAL.format(row='o')}) AND "),
    "CREATE INDEX IF NOT EXISTS outbox_by_scope ON outbox (scope)",
    "CREATE INDEX IF NOT EXISTS record_values_local_keys ON record_values (key) WHERE substr(key, 1, 6) = 'local-'",
    "CREATE INDEX IF NOT EXISTS entry_values_local_keys ON entry_values (key) WHERE substr(key, 1, 6) = 'local-'",
)


def _v13(conn: sqlite3.Connection) -> None:
    for statement in _V13:  # trigger bodies hold ";": one statement at a time, not ``_script``
        conn.execute(statement)


#: (version, what it does, how) — in order. The file's user_version is the last applied.
STEPS: tuple[tuple[int, str, Callable[[sqlite3.Connection], None]], ...] = (
    (1, "workspace, schema, records and sync tables", _script(_V1)),
    (2, "lists and entries", _script(_V2)),
    (3, "notes, tasks, timeline and notifications", _script(_V3)),
    (4, "full-text search index", _v4),
    (5, "drop the value-key indexes (cheaper writes)", _script(_V5)),
    (6, "phone numbers searched as they are shown", _v6),
    (7, "links between records, and to issues", _script(_V7)),
    (8, "saved views", _script(_V8)),
    (9, "status outcomes (won, lost)", _v9),
    (10, "field history and task reminders", _script(_V10)),
    (11, "open tasks by deadline", _script(_V11)),
    (12, "what workspace copies made", _script(_V12)),
    (13, "local ids found without reading every queued change", _v13),
)
LATEST_VERSION = STEPS[-1][0]
