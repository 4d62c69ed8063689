"""Which records a change notice says changed, as the in-place refreshes read it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmdesk.store.changes import MAX_RECORD_IDS

if TYPE_CHECKING:
    from crmdesk.store.changes import ChangeSet


def listed_ids(changes: ChangeSet) -> set[str] | None:
    """The record ids the notice names, or None when any record of an object it names may have
    changed: it names none (the object alone), it may have left some out (it stops listing at
    ``MAX_RECORD_IDS``), or an offline id became a server id (rows show the new id, and so do
    references to it)."""
    if changes.id_changes or not changes.record_ids or len(changes.record_ids) >= MAX_RECORD_IDS:
        return None
    return changes.record_ids


def marks_may_have_moved(changes: ChangeSet) -> bool:
    """Whether a view's unsynced-change marks (``crmdesk.store.unsynced``) may now be others: the
    outbox or the conflicts changed, or an offline id became a server id (the marks a view holds
    are keyed by the old id)."""
    return bool(changes.outbox or changes.conflicts or changes.id_changes)
