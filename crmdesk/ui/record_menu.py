"""A task's context menu offers to open the records it is for: one "Open <title>" per record,
in the Tasks view and in the Reminders view alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QMenu

from crmdesk.store import Store
from crmdesk.ui.text import action_text


def add_record_openers(menu: QMenu, store: Store | None, record_ids: Sequence[str],
                       go: Callable[[str], None]) -> None:
    """After a separator, "Open <title>" for each record (by its cached title; "record" when not
    cached), each going to ``record:<id>``; nothing when there are no records."""
    if not record_ids:
        return
    menu.addSeparator()
    titles = store.records.titles(record_ids) if store is not None else {}
    for record_id in record_ids:
        # action_text: a title with "&" is shown as written, not as a mnemonic.
        action = menu.addAction(action_text(f"Open {titles.get(record_id, 'record')}"))
        action.triggered.connect(lambda _=False, rid=record_id: go(f"record:{rid}"))
