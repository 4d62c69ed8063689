"""What a full scan asks the cache, cheaply: the server time of every cached record of one
object (a record the server still has at that time needs no decoding). The edits queued for a
page's records are ``Outbox.unsent_for``."""

from __future__ import annotations

from crmdesk.store.store import Store


def server_times(store: Store, object_slug: str) -> dict[str, str]:
    """Record id → the server's ``updatedAt`` as last stored, for every cached record of the object
    that has one (one indexed read; a 100,000-record object takes tens of milliseconds)."""
    rows = store.conn.execute(
        "SELECT id, server_updated_at FROM records WHERE object_slug = ? AND server_updated_at IS NOT NULL",
        (object_slug,),
    )
    return dict(rows.fetchall())
