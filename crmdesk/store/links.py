"""Links in the cache: between two records (with roles), and from a record to issue keys.

A link between records is symmetric: one row per unordered pair (``low_id`` < ``high_id``), each
end with its object, so either record reads the same link with the same roles. Links made or
changed here and not sent yet are marked ``unsent`` (a queued ``LINK`` or ``ISSUE_LINK``
mutation names them): the record page shows them as such, and a pull leaves them as the user
made them. One the server refused is no longer ``unsent`` but ``refused``, with the server's
message, until the user retries or discards it (Pending changes). Every write notes the
records of both ends (``ChangeSet.links``).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from crmdesk.model import EntityKind, MutationState, RecordLink
from crmdesk.store.changes import ChangeLog
from crmdesk.store.clock import utc_now
from crmdesk.store.errors import NotFound
from crmdesk.store.sync_tables import ScopeState, SyncStateRepo

#: The states of a queued change still to be sent; a refused one (REJECTED) waits for the user.
_UNSENT = (MutationState.PENDING.value, MutationState.IN_FLIGHT.value)

#: An issue key: a project key (a letter, then letters, digits or "_") and the issue's number.
ISSUE_KEY = re.compile(r"[A-Z][A-Z0-9_]*-[1-9][0-9]*")


#: ``sync_state`` scope prefix marking a record whose links were read from the server.
_READ_SCOPE = "links-read:"


@dataclass(frozen=True, slots=True)
class LinkRow:
    """One link of a record, seen from it."""

    other_id: str
    other_object: str
    roles: tuple[str, ...]
    #: Made or changed here, and waiting to be sent (pending or in flight).
    unsent: bool = False
    #: Made or changed here and refused by the server: its message (None: not refused).
    refused: str | None = None


@dataclass(frozen=True, slots=True)
class IssueLinkRow:
    key: str
    #: Linked or unlinked here, and waiting to be sent (pending or in flight).
    unsent: bool = False
    #: Linked or unlinked here and refused by the server: its message (None: not refused).
    refused: str | None = None


def clean_roles(roles: Iterable[str]) -> tuple[str, ...]:
    """Roles as stored and sent — the one rule, for the edits, the dialog (after splitting at
    commas) and the server's answers: each stripped, runs of inner whitespace made one space,
    empties dropped, repeats dropped ignoring case (the first spelling stays), in the order given."""
    kept: list[str] = []
    seen: set[str] = set()
    for role in roles:
        text = " ".join(role.split())
        folded = text.casefold()
        if text and folded not in seen:
            seen.add(folded)
            kept.append(text)
    return tuple(kept)


def pair(one: str, other: str) -> tuple[str, str]:
    """The pair's stored order: the smaller id first."""
    return (one, other) if one < other else (other, one)


def issue_sort_key(key: str) -> tuple[str, int, str]:
    """Project, then number as a number: SALES-9 before SALES-12."""
    project, _, number = key.rpartition("-")
    return (project, int(number), key) if number.isdigit() else (key, 0, key)


class LinkRepo:
    """The ``record_links`` table."""

    def __init__(self, conn: sqlite3.Connection, changes: ChangeLog) -> None:
        self._conn = conn
        self._changes = changes

    # -- reading -----------------------------------------------------------------------------

    def for_record(self, record_id: str) -> list[LinkRow]:
        """The record's links, by the other record's title (records not in the cache last)."""
        rows = self._conn.execute(
            "SELECT l.other, l.other_object, l.roles_json FROM ("
            "  SELECT high_id AS other, high_object AS other_object, roles_json FROM record_links WHERE low_id = ?"
            "  UNION ALL"
            "  SELECT low_id, low_object, roles_json FROM record_links WHERE high_id = ?"
            ") l LEFT JOIN records r ON r.id = l.other"
            " ORDER BY r.id IS NULL, r.title_fold, r.title, l.other",
            (record_id, record_id),
        ).fetchall()
        unsent, refused = self._states(record_id)
        return [LinkRow(other, other_object, tuple(json.loads(roles)), other in unsent, refused.get(other))
                for other, other_object, roles in rows]

    def get(self, record_id: str, other_id: str) -> LinkRow | None:
        low, high = pair(record_id, other_id)
        row = self._conn.execute(
            "SELECT low_object, high_object, roles_json FROM record_links WHERE low_id = ? AND high_id = ?",
            (low, high),
        ).fetchone()
        if row is None:
            return None
        other_object = row[1] if low == record_id else row[0]
        unsent, refused = self._states(record_id)
        return LinkRow(other_id, other_object, tuple(json.loads(row[2])), other_id in unsent, refused.get(other_id))

    def object_of(self, record_id: str, other_id: str) -> str | None:
        """The object of ``record_id`` as the link with ``other_id`` holds it (None: not linked)."""
        low, high = pair(record_id, other_id)
        row = self._conn.execute(
            "SELECT low_object, high_object FROM record_links WHERE low_id = ? AND high_id = ?", (low, high)
        ).fetchone()
        if row is None:
            return None
        return str(row[0] if low == record_id else row[1])

    def _queued(self, record_id: str) -> list[tuple[str, str, str | None]]:
        """(other record, state, error) of each queued mutation of a link of ``record_id``
        (made from either end), oldest first."""
        return self._conn.execute(
            "SELECT other, state, error FROM ("
            "  SELECT op_id, target_id AS other, state, error FROM outbox WHERE entity = ?1 AND scope = ?2"
            "  UNION ALL SELECT op_id, scope, state, error FROM outbox WHERE entity = ?1 AND target_id = ?2"
            ") ORDER BY op_id",
            (EntityKind.LINK.value, record_id),
        ).fetchall()

    def queued_others(self, record_id: str) -> set[str]:
        """The records whose link with ``record_id`` has a queued mutation in any state (a pull
        leaves these links as the user made them)."""
        return {other for other, _state, _error in self._queued(record_id)}

    def _states(self, record_id: str) -> tuple[set[str], dict[str, str]]:
        """From one read of the queue: the records whose link with ``record_id`` has a change
        waiting to be sent (pending or in flight), and those whose change the server refused, with
        its message (the latest refusal's, when there are several)."""
        unsent: set[str] = set()
        refused: dict[str, str] = {}
        for other, state, error in self._queued(record_id):
            if state in _UNSENT:
                unsent.add(other)
            elif state == MutationState.REJECTED.value:
                refused[other] = error or "The server refused this change."
        return unsent, refused

    # -- writing -------------------------------------------------------------------------------

    def put(self, link: RecordLink, own_object: str) -> None:
        """Store ``link`` (read from ``link.record_id``, whose object is ``own_object``)."""
        self._put(link, own_object)
        self._changes.links({link.record_id, link.other_id})

    def _put(self, link: RecordLink, own_object: str) -> bool:
        """True when the row changed."""
        low, high = pair(link.record_id, link.other_id)
        low_object, high_object = ((own_object, link.other_object) if low == link.record_id
                                   else (link.other_object, own_object))
        roles = json.dumps(list(clean_roles(link.roles)))
        held = self._conn.execute(
            "SELECT low_object, high_object, roles_json FROM record_links WHERE low_id = ? AND high_id = ?",
            (low, high),
        ).fetchone()
        if held is not None and tuple(held) == (low_object, high_object, roles):
            return False
        self._conn.execute(
            "INSERT OR REPLACE INTO record_links (low_id, high_id, low_object, high_object, roles_json)"
            " VALUES (?, ?, ?, ?, ?)",
            (low, high, low_object, high_object, roles),
        )
        return True

    def delete(self, record_id: str, other_id: str) -> bool:
        low, high = pair(record_id, other_id)
        gone = self._conn.execute(
            "DELETE FROM record_links WHERE low_id = ? AND high_id = ?", (low, high)).rowcount > 0
        if gone:
            self._changes.links({record_id, other_id})
        return gone

    def delete_for_record(self, record_id: str) -> None:
        """The record is gone: so are its links (the server drops them with it)."""
        others = {row[0] for row in self._conn.execute(
            "DELETE FROM record_links WHERE low_id = ?1 OR high_id = ?1"
            " RETURNING CASE WHEN low_id = ?1 THEN high_id ELSE low_id END", (record_id,))}
        SyncStateRepo(self._conn).forget(_READ_SCOPE + record_id)
        if others:
            self._changes.links({record_id, *others})

    def replace_for_record(
        self, record_id: str, links: Sequence[RecordLink], *, own_object: str | None = None
    ) -> None:
        """The server's links of ``record_id`` (of object ``own_object``; None: as the cache has the
        record) as it has them now. A pair with a queued LINK mutation stays as the user made it;
        the views hear only of real changes."""
        if own_object is None:
            row = self._conn.execute("SELECT object_slug FROM records WHERE id = ?", (record_id,)).fetchone()
            if row is None:
                raise NotFound(f"The record {record_id}")
            own_object = str(row[0])
        queued = self.queued_others(record_id)
        server = {link.other_id: link for link in links if link.other_id != record_id}
        held = {str(row[0]) for row in self._conn.execute(
            "SELECT high_id FROM record_links WHERE low_id = ?1"
            " UNION ALL SELECT low_id FROM record_links WHERE high_id = ?1",
            (record_id,))}
        changed: set[str] = set()
        for other_id in held - set(server) - queued:
            low, high = pair(record_id, other_id)
            self._conn.execute("DELETE FROM record_links WHERE low_id = ? AND high_id = ?", (low, high))
            changed.add(other_id)
        for other_id, link in server.items():
            if other_id not in queued and self._put(RecordLink(record_id, other_id, link.other_object, link.roles),
                                                    own_object):
                changed.add(other_id)
        first_read = not self.were_read(record_id)
        if first_read:
            # That they were read (the sync bookkeeping's table), once: a record page tells "none"
            # from "not asked yet" by it.
            SyncStateRepo(self._conn).put(ScopeState(_READ_SCOPE + record_id, last_pull_at=utc_now()))
        if changed or first_read:
            self._changes.links({record_id, *changed})

    def were_read(self, record_id: str) -> bool:
        """Whether the server's links of ``record_id`` were ever read into this copy."""
        return self._conn.execute("SELECT 1 FROM sync_state WHERE scope = ?",
                                  (_READ_SCOPE + record_id,)).fetchone() is not None

    def rewrite_id(self, old_id: str, new_id: str) -> None:
        """A record made offline got the server's id: its links follow it (each pair re-ordered)."""
        rows = self._conn.execute(
            "DELETE FROM record_links WHERE low_id = ?1 OR high_id = ?1"
            " RETURNING low_id, high_id, low_object, high_object, roles_json", (old_id,)).fetchall()
        for low, high, low_object, high_object, roles in rows:
            ends = {new_id if low == old_id else low: low_object, new_id if high == old_id else high: high_object}
            first, second = pair(*ends)
            self._conn.execute(
                "INSERT OR REPLACE INTO record_links (low_id, high_id, low_object, high_object, roles_json)"
                " VALUES (?, ?, ?, ?, ?)", (first, second, ends[first], ends[second], roles))
        if rows:
            self._changes.links({new_id, *(end for row in rows for end in row[:2] if end != old_id)})


class IssueLinkRepo:
    """The ``issue_links`` table: the issue keys linked from each record (the server cannot be
    asked for them, so these are the keys linked from here)."""

    def __init__(self, conn: sqlite3.Connection, changes: ChangeLog) -> None:
        self._conn = conn
        self._changes = changes

    def for_record(self, record_id: str) -> list[IssueLinkRow]:
        keys = [row[0] for row in self._conn.execute("SELECT key FROM issue_links WHERE record_id = ?", (record_id,))]
        unsent, refused = self.unsent_keys(record_id), self.refused_keys(record_id)
        return [IssueLinkRow(key, key in unsent, refused.get(key)) for key in sorted(keys, key=issue_sort_key)]

    def has(self, record_id: str, key: str) -> bool:
        return self._conn.execute(
            "SELECT 1 FROM issue_links WHERE record_id = ? AND key = ?", (record_id, key)).fetchone() is not None

    def unsent_keys(self, record_id: str) -> set[str]:
        """The keys linked or unlinked here whose change waits to be sent (pending or in flight)."""
        return {row[0] for row in self._conn.execute(
            "SELECT target_id FROM outbox WHERE entity = ? AND scope = ? AND state IN (?, ?)",
            (EntityKind.ISSUE_LINK.value, record_id, *_UNSENT))}

    def refused_keys(self, record_id: str) -> dict[str, str]:
        """The keys whose link or unlink the server refused, with its message."""
        return {row[0]: row[1] or "The server refused this change." for row in self._conn.execute(
            "SELECT target_id, error FROM outbox WHERE entity = ? AND scope = ? AND state = ? ORDER BY op_id",
            (EntityKind.ISSUE_LINK.value, record_id, MutationState.REJECTED.value))}

    def add(self, record_id: str, key: str) -> bool:
        added = self._conn.execute(
            "INSERT OR IGNORE INTO issue_links (record_id, key) VALUES (?, ?)", (record_id, key)).rowcount > 0
        if added:
            self._changes.links({record_id})
        return added

    def remove(self, record_id: str, key: str) -> bool:
        gone = self._conn.execute(
            "DELETE FROM issue_links WHERE record_id = ? AND key = ?", (record_id, key)).rowcount > 0
        if gone:
            self._changes.links({record_id})
        return gone

    def delete_for_record(self, record_id: str) -> None:
        if self._conn.execute("DELETE FROM issue_links WHERE record_id = ?", (record_id,)).rowcount:
            self._changes.links({record_id})

    def rewrite_id(self, old_id: str, new_id: str) -> None:
        moved = self._conn.execute(
            "UPDATE OR IGNORE issue_links SET record_id = ? WHERE record_id = ?", (new_id, old_id)).rowcount
        if moved:
            self._changes.links({new_id})
