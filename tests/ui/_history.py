"""The field history as a record's timeline shows it, for the tests of what changes it."""

from __future__ import annotations

from crmdesk.store import Store
from crmdesk.ui.views.history_items import HISTORY_KIND
from crmdesk.ui.views.timeline_view import timeline_items


def history_lines(store: Store, record_id: str) -> list[str]:
    """The timeline's field-change lines, newest first (what the record page shows)."""
    row = store.records.get(record_id)
    assert row is not None
    return [line for item in timeline_items(store, row) if item.kind == HISTORY_KIND
            for line in item.title.split("\n")]
