"""What a full scan asks the cache, cheaply: the server time of every cached record of one
object (a record the server still has at that time needs no decoding), and the edits queued
for the records of one page (re-read per page, so an edit made during a scan is merged and
never overwritten by the page)."""

from __future__ import annotations

from collections.abc import Sequence

from crmdesk.model import Mutation, MutationState
from crmdesk.store.store import Store

#: Ids per ``IN (…)`` query: well under SQLite's variable limit.
_CHUNK = 500


def server_times(store: Store, object_slug: str) -> dict[str, str]:
    """Record id → the server's ``updatedAt`` as last stored, for every cached record of the object
    that has one (one indexed read; a 100,000-record object takes tens of milliseconds)."""
    rows = store.conn.execute(
        "SELECT id, server_updated_at FROM records WHERE object_slug = ? AND server_updated_at IS NOT NULL",
        (object_slug,),
    )
    return dict(rows.fetchall())


def queued_among(store: Store, record_ids: Sequence[str]) -> dict[str, list[Mutation]]:
    """The mutations still to send (pending or in flight) for any of ``record_ids``, by target,
    oldest first. Usually none: one indexed query per 500 ids, and only the hits are read whole."""
    states = (MutationState.PENDING.value, MutationState.IN_FLIGHT.value)
    op_ids: list[int] = []
    ids = list(record_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        op_ids.extend(row[0] for row in store.conn.execute(
            f"SELECT op_id FROM outbox WHERE target_id IN ({','.join('?' * len(chunk))}) AND state IN (?, ?)",
            (*chunk, *states),
        ))
    queued: dict[str, list[Mutation]] = {}
    for op_id in sorted(op_ids):
        mutation = store.outbox.get(op_id)
        if mutation is not None:
            queued.setdefault(mutation.target_id, []).append(mutation)
    return queued
