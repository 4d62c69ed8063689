"""What a committed write changed, told to whoever listens (like Anki's ``OpChanges``).

Every writing method of the store's repositories notes here what it changed: records
(updated, added or removed), schema, members, lists, notes, tasks, notifications, the
outbox and conflicts, and the records whose links (to records, to issues) changed. Once the
outermost transaction commits, the connection's listeners get one ``ChangeSet`` for it: the
window's views after a local edit or an undo, the sync worker's signal after each page it
stores. A rolled-back transaction tells nobody.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

#: Thousands of ids help no view: past this, a notice names the object without every id.
MAX_RECORD_IDS = 5000


@dataclass(slots=True)
class ChangeSet:
    objects: set[str] = field(default_factory=set)
    record_ids: set[str] = field(default_factory=set)
    lists: set[str] = field(default_factory=set)
    #: Records whose links to other records or to issue keys changed (or whether they are sent):
    #: a record page showing one reloads its links.
    links: set[str] = field(default_factory=set)
    #: local id → server id, for views holding an offline-made id.
    id_changes: dict[str, str] = field(default_factory=dict)
    notes: bool = False
    tasks: bool = False
    schema: bool = False
    members: bool = False
    notifications: bool = False
    outbox: bool = False
    conflicts: bool = False
    #: A workspace setting (``store/settings.py``): stale days, retention, reminders, probabilities.
    settings: bool = False
    #: A task reminder fired, was snoozed or dismissed (``store/reminders.py``); the task itself did not change.
    reminders: bool = False
    #: Too much changed to say what: views reload.
    full_reset: bool = False

    def is_empty(self) -> bool:
        return not (
            self.objects or self.record_ids or self.lists or self.links or self.id_changes or self.notes or self.tasks
            or self.schema or self.members or self.notifications or self.outbox or self.conflicts
            or self.settings or self.reminders or self.full_reset
        )

    def update(self, other: ChangeSet) -> None:
        self.objects |= other.objects
        room = MAX_RECORD_IDS - len(self.record_ids)
        if room >= len(other.record_ids):
            self.record_ids |= other.record_ids
        elif room > 0:
            self.record_ids.update(list(other.record_ids)[:room])
        self.lists |= other.lists
        self.links |= other.links
        self.id_changes.update(other.id_changes)
        for flag in ("notes", "tasks", "schema", "members", "notifications", "outbox", "conflicts", "settings",
                     "reminders", "full_reset"):
            setattr(self, flag, getattr(self, flag) or getattr(other, flag))

    def record_changed(self, object_slug: str, record_id: str) -> None:
        self.objects.add(object_slug)
        if len(self.record_ids) < MAX_RECORD_IDS:
            self.record_ids.add(record_id)


Listener = Callable[[ChangeSet], None]


class ChangeLog:
    """What one connection's open transaction changed; told to its listeners once it commits.

    Repositories note changes as they write. Inside ``Store.write()`` the notice waits for the
    commit (``committed``); a write made outside one commits at once (the connection is in
    autocommit mode), so it is told at once."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._pending = ChangeSet()
        self._listeners: list[Listener] = []

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    # -- what the repositories note ------------------------------------------------------

    def records(self, object_slug: str, record_ids: list[str] | set[str]) -> None:
        for record_id in record_ids:
            self._pending.record_changed(object_slug, record_id)
        self._told_if_committed()

    def record_id_changed(self, local_id: str, server_id: str) -> None:
        self._pending.id_changes[local_id] = server_id
        self._told_if_committed()

    def timeline(self, record_ids: set[str]) -> None:
        """New timeline events of these records (the record page shows them)."""
        self._pending.record_ids.update(record_ids)
        self._told_if_committed()

    def links(self, record_ids: set[str]) -> None:
        """The links of these records (to records or issue keys) changed, or were sent."""
        if record_ids:
            self._pending.links.update(record_ids)
            self._told_if_committed()

    def list_changed(self, list_id: str) -> None:
        self._pending.lists.add(list_id)
        self._told_if_committed()

    def flag(self, name: str) -> None:
        """``notes``, ``tasks``, ``schema``, ``members``, ``notifications``, ``outbox``, ``conflicts``,
        ``settings`` or ``reminders``."""
        setattr(self._pending, name, True)
        self._told_if_committed()

    # -- transactions --------------------------------------------------------------------

    def committed(self) -> None:
        """The outermost transaction committed: tell the listeners what it changed."""
        if self._conn.in_transaction or self._pending.is_empty():
            return
        changes, self._pending = self._pending, ChangeSet()
        for listener in list(self._listeners):
            try:
                listener(changes)
            except Exception:  # the write is done: a listener's bug must not undo or block the writer
                log.exception("a change listener failed")

    def rolled_back(self) -> None:
        self._pending = ChangeSet()

    def _told_if_committed(self) -> None:
        if not self._conn.in_transaction:
            self.committed()
