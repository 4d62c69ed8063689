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
        if not elements(value):
            continue  # a clear: nothing to keep
        answered = record.values.get(slug)
        ignored = before is not None and slug in before and not values_equal(before[slug], value) and values_equal(
            answered, before[slug]
        )
        if not elements(answered) or ignored:
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


def settle_fields(store: Store, group: list[Mutation], refused: Mapping[str, str]) -> int:
    """Inside the caller's write: every field of ``group`` reached the server except ``refused``,
    which wait as one rejected mutation each (with the value the user typed last, the value
    it replaced and the reason). Returns how many of the group's mutations are done."""
    changes: dict[str, Any] = {}
    for mutation in group:
        changes.update(mutation.changes)
    base = base_of(group)
    first = group[0]
    for mutation in group:
        assert mutation.op_id is not None
        store.outbox.remove(mutation.op_id)
    for slug, message in sorted(refused.items()):
        held = store.outbox.append(
            EntityKind.RECORD, MutationOp.UPDATE, first.target_id, first.scope,
            {slug: changes.get(slug)}, {slug: base.get(slug)}, created_at=group[-1].created_at,
        )
        assert held.op_id is not None
        store.outbox.set_state(held.op_id, MutationState.REJECTED, message)
    return len(group)
