"""Keeping references honest after a record is deleted.

Servers without tombstones (Aria) drop references to a deleted record when they render
the records that named it, without touching those records' ``updatedAt``: neither an
incremental pull nor the id sweep would ever bring the change. So when sync learns
that a record is gone (its own delete was applied, or the sweep found it missing), it
drops the references in the cache itself, exactly as the server shows them.
"""

from __future__ import annotations

from typing import Any

from crmdesk.model import AttributeType
from crmdesk.store import Store


def _without(value: Any, record_id: str) -> Any:
    if isinstance(value, list):
        kept = [v for v in value if v != record_id]
        return kept or None
    return None if value == record_id else value


def drop_references(store: Store, record_id: str) -> None:
    """Remove ``record_id`` from every cached record_reference value, and its links (the server
    drops them with the record). The caller owns the transaction."""
    store.forget_links_of(record_id, queued=False)
    rows = store.conn.execute(
        "SELECT DISTINCT r.id FROM record_values v JOIN records r ON r.rowid = v.record_rowid"
        " WHERE v.key = ? AND v.attribute_id IN (SELECT id FROM attributes WHERE type = 'record_reference')",
        (record_id,),
    ).fetchall()
    for (referencing_id,) in rows:
        row = store.records.get(referencing_id)
        if row is None:
            continue
        obj = store.schema.get_object(row.object_slug)
        if obj is None:
            continue
        values = dict(row.values)
        for attr in obj.attributes:
            if attr.type is AttributeType.RECORD_REFERENCE and attr.slug in values:
                kept = _without(values[attr.slug], record_id)
                if kept is None:
                    values.pop(attr.slug)
                else:
                    values[attr.slug] = kept
        if values != row.values:
            store.records.set_values(obj, referencing_id, values, None)
