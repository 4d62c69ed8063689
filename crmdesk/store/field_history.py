"""Field history: the record value changes crmdesk sees, kept in the workspace file (``field_history``).

Two sources write it: a change the user makes here (``RecordRepo.change_values``: an edit, Keep mine
or Merge of a conflict, a refused value typed again; source ``local``, actor "me"; Discard of a
queued change forgets that change's rows instead) and a pull that brings a value other than the
one the cache held (``RecordRepo.put_server_page``: source ``server``, its time the record's server
time, else the pull's; the actor is NULL because no dialect's record says who changed it last; a
push's refused fields are not the server's changes and write nothing). A record seen for the first
time writes nothing: there is no old value, and the first 100,000-record pull must not pay for
history it cannot have. Not recorded: list-entry values, references emptied because the record
they named was deleted.

Values are canonical JSON (NULL: empty); two values the model calls equal write no row. Rows
follow their record to its server id and go with it when the server deletes it (a local delete keeps
them until then); the oldest are dropped when the app opens the workspace
(``Store.prune_history``, ``settings.history_retention_days``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crmdesk.model import ObjectDef
from crmdesk.model.values import values_equal

LOCAL = "local"
SERVER = "server"

_COLUMNS = "id, record_id, object_slug, attribute_slug, old_json, new_json, changed_at, actor_id, source"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One attribute of one record changed from ``old`` to ``new`` (canonical values, None: empty)."""

    record_id: str
    object_slug: str
    attribute_slug: str
    old: Any
    new: Any
    changed_at: str
    actor_id: str | None
    source: str
    #: The row's id (None until stored); breaks ties between changes of one moment.
    id: int | None = None


def _json(value: Any) -> str | None:
    return None if value is None or value == [] else json.dumps(value)


def _value(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _change(row: Sequence[Any]) -> FieldChange:
    return FieldChange(row[1], row[2], row[3], _value(row[4]), _value(row[5]), row[6], row[7], row[8], row[0])


def value_changes(
    obj: ObjectDef, record_id: str, old: Mapping[str, Any], new: Mapping[str, Any], *,
    changed_at: str, actor_id: str | None, source: str,
) -> list[FieldChange]:
    """The attributes of ``obj`` whose value differs between ``old`` and ``new``, in the
    object's attribute order (what the history of one edit or one pulled record holds)."""
    changes = []
    for attr in obj.attributes:
        before, after = old.get(attr.slug), new.get(attr.slug)
        if not values_equal(before, after):
            changes.append(FieldChange(record_id, obj.slug, attr.slug, before, after, changed_at, actor_id, source))
    return changes


class FieldHistoryRepo:
    """Reads and writes ``field_history``; callers own the transaction for the writes."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    # -- writing -----------------------------------------------------------------------------

    def add(self, changes: Iterable[FieldChange]) -> None:
        self._conn.executemany(
            "INSERT INTO field_history (record_id, object_slug, attribute_slug, old_json, new_json, changed_at,"
            " actor_id, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(c.record_id, c.object_slug, c.attribute_slug, _json(c.old), _json(c.new), c.changed_at, c.actor_id,
              c.source) for c in changes],
        )

    def any_before(self, before: str) -> bool:
        """Whether a change older than ``before`` is kept (one read of the time index)."""
        found = self._conn.execute("SELECT 1 FROM field_history WHERE changed_at < ? LIMIT 1", (before,))
        return found.fetchone() is not None

    def prune(self, before: str, limit: int = -1) -> int:
        """Drop the changes made before ``before`` (canonical time), the oldest first, at most
        ``limit`` of them (-1: all); how many went."""
        return self._conn.execute(
            "DELETE FROM field_history WHERE id IN"
            " (SELECT id FROM field_history WHERE changed_at < ? ORDER BY changed_at LIMIT ?)",
            (before, limit),
        ).rowcount

    def forget_local(self, record_id: str, attribute_slugs: Iterable[str], since: str) -> None:
        """A queued change was discarded: it never happened anywhere but here, so the rows it wrote
        (this record's ``local`` rows of those attributes, made at ``since`` — the queued change's
        time — or later) go; the field's history then ends where its value is put back to."""
        self._conn.executemany(
            "DELETE FROM field_history WHERE record_id = ? AND attribute_slug = ? AND source = ? AND changed_at >= ?",
            [(record_id, slug, LOCAL, since) for slug in attribute_slugs],
        )

    def delete_for_record(self, record_id: str) -> None:
        """The record left the cache: its history goes with it (nothing could show it)."""
        self._conn.execute("DELETE FROM field_history WHERE record_id = ?", (record_id,))

    def rewrite_id(self, old_id: str, new_id: str, reference_attributes: Iterable[tuple[str, str]] = ()) -> None:
        """An offline-made record got its server id: its rows follow it, and values of the
        ``(object, attribute)`` reference attributes that named the old id name the new one (by
        the attribute's index, never a scan of the whole table)."""
        self._conn.execute("UPDATE field_history SET record_id = ? WHERE record_id = ?", (new_id, old_id))
        old_json, new_json = json.dumps(old_id), json.dumps(new_id)
        pattern = f"%{old_json}%"
        for object_slug, attribute_slug in reference_attributes:
            self._conn.execute(
                "UPDATE field_history SET old_json = replace(old_json, ?1, ?2), new_json = replace(new_json, ?1, ?2)"
                " WHERE object_slug = ?3 AND attribute_slug = ?4 AND (old_json LIKE ?5 OR new_json LIKE ?5)",
                (old_json, new_json, object_slug, attribute_slug, pattern),
            )

    # -- reading -----------------------------------------------------------------------------

    def for_record(self, record_id: str, limit: int = 200, before: FieldChange | None = None) -> list[FieldChange]:
        """The record's changes, newest first; ``before``: the last change of the previous page —
        only those after it in this order (by time, then id: one edit of several fields shares
        its time, and a page may end inside it)."""
        if before is None:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM field_history WHERE record_id = ? ORDER BY changed_at DESC, id DESC LIMIT ?",
                (record_id, limit),
            )
        else:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM field_history WHERE record_id = ?"
                " AND (changed_at < ? OR (changed_at = ? AND id < ?)) ORDER BY changed_at DESC, id DESC LIMIT ?",
                (record_id, before.changed_at, before.changed_at, before.id, limit),
            )
        return [_change(row) for row in rows]

    def stage_moves(self, object_slug: str, attribute_slug: str, since: str | None = None) -> list[FieldChange]:
        """Every change of one attribute of an object's records (a deal's stage), oldest first;
        ``since``: only those made then or later."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM field_history WHERE object_slug = ? AND attribute_slug = ?"
            " AND (? IS NULL OR changed_at >= ?) ORDER BY changed_at, id",
            (object_slug, attribute_slug, since, since),
        )
        return [_change(row) for row in rows]

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM field_history").fetchone()[0])
