"""Refusals of single fields: the rest of a record's changes still go.

A server (or the adapter, before sending) may refuse one value of an update — an option it
does not know, a value it cannot store. The record's other changed fields are sent without
it, and only the refused field waits in Pending changes with the reason, as its own rejected
mutation the user can edit and retry, or discard.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from crmdesk.model import EntityKind, Mutation, MutationOp, MutationState, Record
from crmdesk.model.values import elements, values_equal
from crmdesk.store import Store

#: Said about a value the server answered 2xx to, yet did not store.
NOT_KEPT = ("The server did not keep this value (it may not know this option, or the record it points to "
            "may be gone); edit it or discard it.")
#: Said after the server's own words about a value it failed on (5xx) while it took the record's
#: other changes.
FAILED_ALONE = "It took the record's other changes, so this value is the one it cannot store."


def not_kept(record: Record, sent: Mapping[str, Any], before: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Fields sent with a value that the server's answer does not hold: it has no value there,
    or still the one it had ``before`` (the value the user's edit replaced).

    The real Aria server ignores what it cannot store (an unknown status, a select array, a
    reference to a record it does not have) and answers 2xx: the answer is the only sign.
    """
    dropped: dict[str, str] = {}
    for slug, value in sent.items():
        wanted = elements(value)
        if not wanted:
            continue  # a clear: nothing to keep
        answered = record.values.get(slug)
        held = elements(answered)
        ignored = before is not None and slug in before and not values_equal(before[slug], value) and values_equal(
            answered, before[slug]
        )
        # A list keeps what it can: [a] answered for [a, b] lost b (a record the server lacks).
        partly = isinstance(value, list) and any(element not in held for element in wanted)
        if not held or ignored or partly:
            dropped[slug] = NOT_KEPT
    return dropped


def base_of(group: list[Mutation]) -> dict[str, Any]:
    """What each field of a run of edits held before the first of them."""
    base: dict[str, Any] = {}
    for mutation in group:
        for slug, value in mutation.base.items():
            base.setdefault(slug, value)
    return base


def refused_fields(error: Exception, fields: Iterable[str]) -> dict[str, str]:
    """The fields a refusal names among ``fields`` (an adapter's or server's ``field_errors``)."""
    named: Mapping[str, str] = getattr(error, "field_errors", None) or {}
    wanted = set(fields)
    return {slug: message for slug, message in named.items() if slug in wanted}


def settle_fields(
    store: Store, group: list[Mutation], refused: Mapping[str, str], still_to_send: Iterable[str] = ()
) -> Mutation | None:
    """Inside the caller's write: every field of ``group`` reached the server except ``refused``,
    which wait as one rejected mutation each (the value the user typed last, the value it
    replaced, the reason), and ``still_to_send``, which stay queued as one pending mutation
    (returned). A refused field the user has edited again since (a later queued change of it)
    is not kept: the newer value replaces it, and that change's base becomes what the server
    still holds (``_rebase``)."""
    changes: dict[str, Any] = {}
    for mutation in group:
        changes.update(mutation.changes)
    base = base_of(group)
    first = group[0]
    in_group = {m.op_id for m in group}
    for mutation in group:
        assert mutation.op_id is not None
        store.outbox.remove(mutation.op_id)
    # The same thing's later changes: the group's entity, target and scope (another entity's
    # mutation may name the same id: a link's target is the other record).
    queued_later = [m for m in store.outbox.for_target(first.target_id, entity=first.entity)
                    if m.op_id not in in_group and m.scope == first.scope
                    and m.state in (MutationState.PENDING, MutationState.IN_FLIGHT)]
    later = {slug for m in queued_later for slug in m.changes}
    not_taken = (set(refused) | set(still_to_send)) & later
    _rebase(store, queued_later, {slug: base[slug] for slug in not_taken if slug in base})
    hold_refused(store, first, {slug: m for slug, m in refused.items() if slug not in later}, changes, base,
                 group[-1].created_at)
    waiting = sorted(set(still_to_send) - later)
    if not waiting:
        return None
    still = store.outbox.append(
        EntityKind.RECORD, MutationOp.UPDATE, first.target_id, first.scope,
        {slug: changes.get(slug) for slug in waiting}, {slug: base.get(slug) for slug in waiting},
        created_at=group[-1].created_at,
    )
    assert still.op_id is not None
    # The server has failed on these before: a split does not start their count again.
    still.attempts = max(m.attempts for m in group)
    store.outbox.set_attempts(still.op_id, still.attempts)
    return still


def _rebase(store: Store, later: list[Mutation], held: dict[str, Any]) -> None:
    """Inside the caller's write: the server did not take the user's value of these fields and
    still ``held`` the old one. A later queued change of such a field was made over the user's
    value, which the server never had: its base becomes what the server holds, or a merge with
    the server's copy would read the difference as a colleague's change (a false conflict that
    takes the user's newer value out of the queue). The first later change of a field carries
    its base (``merge.pending_changes``)."""
    for mutation in later:
        rebased = {slug: value for slug, value in held.items() if slug in mutation.changes}
        if not rebased:
            continue
        for slug in rebased:
            del held[slug]
        assert mutation.op_id is not None
        mutation.base = {**mutation.base, **rebased}
        store.outbox.update_changes(mutation.op_id, mutation.changes, mutation.base)


def hold_refused(
    store: Store, target: Mutation, refused: Mapping[str, str], changes: Mapping[str, Any],
    base: Mapping[str, Any], created_at: str,
) -> None:
    """Inside the caller's write: each refused field of ``target``'s record waits as its own
    rejected update — the value the user typed, the value it replaced, and the reason."""
    for slug, message in sorted(refused.items()):
        held = store.outbox.append(
            EntityKind.RECORD, MutationOp.UPDATE, target.target_id, target.scope,
            {slug: changes.get(slug)}, {slug: base.get(slug)}, created_at=created_at,
        )
        assert held.op_id is not None
        store.outbox.set_state(held.op_id, MutationState.REJECTED, message)
