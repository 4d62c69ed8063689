"""What is left in the outbox after a sync, sorted by what the user can do about it.

- **Waiting for the user**: conflicts and refused changes. Another sync does not settle them;
  the user does (Pending changes, Conflicts).
- **Held**: queued changes that need a record, note or list made offline whose create the
  server refused (or that was discarded): the push keeps them back (``push._push_group``), so
  they too wait for the user, behind that refusal.
- **Unsent**: everything else still queued, which another sync may well send (the server
  failed on it, a create's answer was lost).

``crmdesk sync`` exits 2 for the first two and 1 for the last.
"""

from __future__ import annotations

from typing import Any

from crmdesk.model import EntityKind, Mutation, MutationOp, MutationState, is_local_id
from crmdesk.model.values import display_text
from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.sync.pending import describe

QUEUED = (MutationState.PENDING, MutationState.IN_FLIGHT)


def waiting_for_user(store: Store) -> list[str]:
    """One line per conflict and per refused change, in the words the window uses."""
    shown = StoreDisplayContext(store)
    lines = []
    for conflict in store.conflicts.all():
        row = store.records.get(conflict.target_id)
        obj = store.schema.get_object(conflict.scope)
        attr = obj.attribute(conflict.field) if obj is not None else None
        title = row.title if row is not None else conflict.target_id
        if attr is None:  # "__record__": the whole record (deleted on the server while edited)
            lines.append(f"conflict: {title} was deleted on the server while you edited it")
            continue
        mine, theirs = (display_text(attr, value, shown) or "(empty)" for value in (conflict.mine, conflict.theirs))
        lines.append(f"conflict: {attr.title} of {title}: yours “{mine}”, the server's “{theirs}”")
    for mutation in store.outbox.pending((MutationState.REJECTED,)):
        lines.append(f"refused: {describe(store, mutation).what}: {mutation.error or 'no reason given'}")
    return lines


def held_and_unsent(store: Store) -> tuple[list[Mutation], list[Mutation]]:
    """The queued changes, split: those held behind a refusal the user must settle, and
    those another sync may send."""
    dependencies = _Dependencies(store)
    held: list[Mutation] = []
    unsent: list[Mutation] = []
    for mutation in store.outbox.pending(QUEUED):
        (unsent if dependencies.can_go(mutation) else held).append(mutation)
    return held, unsent


class _Dependencies:
    """Which local ids can still become server ids: those whose create is queued and can go."""

    def __init__(self, store: Store) -> None:
        # Creates that make an id: a link's create targets the other record (or an issue key),
        # and must not stand in for the create of a record made offline.
        self._creates = {m.target_id: m for m in store.outbox.all()
                         if m.op is MutationOp.CREATE and m.entity not in _LINKS}
        self._known: dict[str, bool] = {}

    def can_go(self, mutation: Mutation) -> bool:
        return all(self._creatable(local_id) for local_id in needs(mutation))

    def _creatable(self, local_id: str) -> bool:
        if local_id not in self._known:
            self._known[local_id] = False  # a cycle of creates never resolves
            create = self._creates.get(local_id)
            self._known[local_id] = create is not None and create.state in QUEUED and self.can_go(create)
        return self._known[local_id]


#: Mutations that name a record (their scope) and another record or an issue key (their target).
_LINKS = (EntityKind.LINK, EntityKind.ISSUE_LINK)
#: Mutations whose scope is something made offline, sent only once it is on the server.
_SCOPED = (EntityKind.ENTRY, EntityKind.NOTE, EntityKind.COMMENT, EntityKind.LINK, EntityKind.ISSUE_LINK)


def needs(mutation: Mutation) -> set[str]:
    """The local ids a mutation waits for (the push sends nothing that needs one): a delete
    never waits; anything else waits for its own target's create, the local ids its values
    name, an entry for its list's, and a note, a comment or a link for its record's (a link's
    other end is among its values)."""
    if mutation.op is MutationOp.DELETE:
        return set()
    wanted = _local_ids(mutation.changes)
    if mutation.op is not MutationOp.CREATE and is_local_id(mutation.target_id):
        wanted.add(mutation.target_id)
    if mutation.entity in _SCOPED and is_local_id(mutation.scope):
        wanted.add(mutation.scope)
    return wanted


def _local_ids(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value} if is_local_id(value) else set()
    if isinstance(value, list):
        return set().union(*map(_local_ids, value)) if value else set()
    if isinstance(value, dict):
        return _local_ids(list(value.values()))
    return set()
