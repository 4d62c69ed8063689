"""Which records and fields hold changes the server does not have yet, read in one query.

The views mark a cell, a row, a card or a record page field whose change is queued (pending
or in flight), refused by the server, or in conflict with the server's. They ask after every
change notice that may have moved one of these (``outbox``, ``conflicts``, record ids) and
after a local edit, so the read is one SELECT over the ``outbox`` and ``conflicts`` tables,
narrowed to the scopes (object slugs, list ids) or targets a view shows. Read only: the sync
and the edits own both tables.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from crmdesk.model import MutationState

if TYPE_CHECKING:
    from crmdesk.store.store import Store

QUEUED = "queued"
REFUSED = "refused"
CONFLICT = "conflict"
#: The worse state wins when a field has several (a refusal waiting behind a queued edit).
_RANK = MappingProxyType({QUEUED: 0, REFUSED: 1, CONFLICT: 2})
_STATES = MappingProxyType({
    MutationState.PENDING.value: QUEUED,
    MutationState.IN_FLIGHT.value: QUEUED,
    MutationState.REJECTED.value: REFUSED,
    MutationState.CONFLICT.value: CONFLICT,
})
#: The field key of a change naming no field: a create without values, a delete, a conflict
#: about the whole record ("deleted on the server").
WHOLE = ""


@dataclass(frozen=True, slots=True)
class Mark:
    state: str  # QUEUED, REFUSED or CONFLICT
    #: The server's message for a refusal (untrusted text: show it as plain text).
    reason: str = ""

    def worse(self, other: Mark | None) -> Mark:
        return self if other is None or _RANK[self.state] > _RANK[other.state] else other


_NO_FIELDS: Mapping[str, Mark] = MappingProxyType({})


class UnsyncedMarks:
    """Marks by target id (a record or entry id), then by field slug."""

    def __init__(self, by_target: dict[str, dict[str, Mark]] | None = None) -> None:
        self._by_target = by_target or {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnsyncedMarks) and self._by_target == other._by_target

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, compared by content

    def __bool__(self) -> bool:
        return bool(self._by_target)

    def fields(self, target_id: str) -> Mapping[str, Mark]:
        return self._by_target.get(target_id, _NO_FIELDS)

    def field(self, target_id: str, slug: str) -> Mark | None:
        return self._by_target.get(target_id, _NO_FIELDS).get(slug)

    def worst(self, *target_ids: str) -> Mark | None:
        """The worst mark of any field of these targets: what a row header or a card shows (a
        record's row: its record; an entry's row or card: its record and the entry itself). Of
        marks equally bad, the one met first wins: the first target's."""
        worst: Mark | None = None
        for target_id in target_ids:
            for mark in self._by_target.get(target_id, _NO_FIELDS).values():
                worst = mark.worse(worst)
        return worst


def unsynced_marks(
    store: Store, *, scopes: Collection[str] | None = None, target_ids: Collection[str] | None = None
) -> UnsyncedMarks:
    """The marks of the records and entries in ``scopes`` (object slugs, list ids) or among
    ``target_ids``; all of them when neither is given.

    One query: the outbox's changed fields come out of its JSON in SQL (``json_each``), so a
    long queue costs no Python JSON parsing; a change without fields gives one row whose
    field is NULL (a whole-record mark).
    """
    if (scopes is not None and not scopes) or (target_ids is not None and not target_ids):
        return UnsyncedMarks()

    def narrowed(table: str) -> tuple[str, list[Any]]:
        where = [f"{table}.entity IN ('record', 'entry')"]
        params: list[Any] = []
        for column, values in (("scope", scopes), ("target_id", target_ids)):
            if values is not None:
                where.append(f"{table}.{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        return " AND ".join(where), params

    in_outbox, outbox_params = narrowed("o")
    in_conflicts, conflict_params = narrowed("c")
    sql = (
        "SELECT o.target_id, j.key, o.state, o.error FROM outbox o LEFT JOIN json_each(o.changes_json) j"
        f" WHERE {in_outbox}"
        f" UNION ALL SELECT c.target_id, c.field, '{CONFLICT}', NULL FROM conflicts c WHERE {in_conflicts}"
    )
    found: dict[str, dict[str, Mark]] = {}
    for target_id, slug, state, error in store.conn.execute(sql, [*outbox_params, *conflict_params]):
        kind = _STATES.get(state)
        if kind is None:
            continue
        fields = found.setdefault(target_id, {})
        key = slug if isinstance(slug, str) else WHOLE
        reason = (error or "") if kind == REFUSED else ""
        fields[key] = Mark(kind, reason).worse(fields.get(key))
    return UnsyncedMarks(found)
