"""Change notices for the pages of a stack: the page on screen gets each at once, the others keep
what they were told, merged, for when they are shown (a hidden Home, table or board re-reading
100,000 records on every notice of a sync would stall the window for nothing)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QWidget

from crmdesk.store.changes import ChangeSet

log = logging.getLogger(__name__)


class HeldNotices:
    def __init__(self) -> None:
        self._held: dict[QWidget, ChangeSet] = {}

    def deliver(self, changes: ChangeSet, current: QWidget | None, pages: Iterable[QWidget | None]) -> None:
        """``changes`` to ``current`` now; held for every other page that takes notices."""
        for page in pages:
            if page is not None and page is not current and hasattr(page, "on_changed"):
                self._held.setdefault(page, ChangeSet()).update(changes)
        self._tell(current, changes)

    def shown(self, page: QWidget | None) -> None:
        """``page`` is on screen again: what changed while it was out of sight, in one go."""
        held = self._held.pop(page, None) if page is not None else None
        if held is not None:
            self._tell(page, held)

    def forget(self, page: QWidget) -> None:
        self._held.pop(page, None)

    @staticmethod
    def _tell(page: QWidget | None, changes: ChangeSet) -> None:
        handler: Any = getattr(page, "on_changed", None)
        if handler is None:
            return
        try:
            handler(changes)
        except Exception:  # a view's bug must not stop the window (the log says what)
            log.exception("a view failed to apply a change notice")
