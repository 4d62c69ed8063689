"""Field-level merge of a server record with the local edits still queued for it.

Pure functions, no I/O: given what the server has now and the pending mutations
(each with the base values the user saw), decide what the cache shows, which
fields are in conflict, and which queued changes the server already has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crmdesk.model import Mutation, MutationOp
from crmdesk.model.values import values_equal


@dataclass(frozen=True, slots=True)
class FieldConflict:
    field: str
    mine: Any
    theirs: Any
    base: Any


@dataclass(slots=True)
class MergeOutcome:
    #: What the cache should hold for the record.
    values: dict[str, Any]
    conflicts: list[FieldConflict] = field(default_factory=list)
    #: Fields whose queued change the server already holds (nothing left to send).
    already_applied: set[str] = field(default_factory=set)
    #: A queued local delete wins over the server's copy: keep it out of the cache.
    deleted_locally: bool = False


def pending_changes(mutations: Sequence[Mutation]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(latest value per field, earliest base per field) across queued updates/creates."""
    mine: dict[str, Any] = {}
    base: dict[str, Any] = {}
    for mutation in mutations:
        if mutation.op is MutationOp.DELETE:
            continue
        for slug, value in mutation.changes.items():
            mine[slug] = value
            if slug not in base:
                base[slug] = mutation.base.get(slug)
    return mine, base


def _queued_values(mutations: Sequence[Mutation]) -> dict[str, list[Any]]:
    """Every value the user queued per field, oldest first. The server holding any of them is
    the user's own earlier edit (sent before a crash or a lost answer), never a colleague's."""
    queued: dict[str, list[Any]] = {}
    for mutation in mutations:
        if mutation.op is not MutationOp.DELETE:
            for slug, value in mutation.changes.items():
                queued.setdefault(slug, []).append(value)
    return queued


def merge_record(server_values: Mapping[str, Any], mutations: Sequence[Mutation]) -> MergeOutcome:
    """Merge the server's values with queued local mutations, field by field.

    - a field only the server changed: take the server's value;
    - a field only the user changed (server still equals the base, or holds one of the user's own
      earlier queued values): keep the user's latest;
    - both changed to the same value: nothing to send any more;
    - both changed differently: a conflict that keeps both. The cache shows the server's
      value (so a completed sync always leaves the cache equal to the server); the user's
      value waits in the conflicts table until they choose.
    """
    if any(m.op is MutationOp.DELETE for m in mutations):
        return MergeOutcome(dict(server_values), deleted_locally=True)
    mine, base = pending_changes(mutations)
    queued = _queued_values(mutations)
    values = dict(server_values)
    outcome = MergeOutcome(values)
    for slug, my_value in mine.items():
        theirs = server_values.get(slug)
        if values_equal(theirs, my_value):
            outcome.already_applied.add(slug)
        elif not values_equal(theirs, base.get(slug)) and not any(values_equal(theirs, v) for v in queued[slug]):
            outcome.conflicts.append(FieldConflict(slug, my_value, theirs, base.get(slug)))
            continue  # keep the server's value in the cache
        if my_value is None:
            values.pop(slug, None)
        else:
            values[slug] = my_value
    return outcome


def coalesce(mutations: Sequence[Mutation]) -> list[list[Mutation]]:
    """Group adjacent updates of one target within one scope, so one request carries a run of
    typing. (A link's target is the other record, its scope the record it was changed from: the
    same target in another scope is another link.)

    Only adjacent ones: moving an update past another mutation could send a reference
    to a record before that record is created.
    """
    groups: list[list[Mutation]] = []
    for mutation in mutations:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and mutation.op is MutationOp.UPDATE
            and last.op is MutationOp.UPDATE
            and last.entity is mutation.entity
            and last.target_id == mutation.target_id
            and last.scope == mutation.scope
            and last.state is mutation.state
        ):
            groups[-1].append(mutation)
        else:
            groups.append([mutation])
    return groups
