"""Keeps the workspace file's list of recently opened records (``store.recent``) up to date.

Every record the user opens goes through the ``Navigator`` as a ``record:<id>`` target, so one
listener on it sees them all. ``watch_visits(context)`` attaches that listener once per navigator
(a child object, found again by type): the main window, Home and the palette each call it, so
visits are kept whichever of them is built first.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from crmdesk.store.errors import StoreError
from crmdesk.ui.navigation import Navigator, split

if TYPE_CHECKING:
    from crmdesk.context import AppContext

log = logging.getLogger(__name__)


class VisitRecorder(QObject):
    def __init__(self, context: AppContext, navigator: Navigator) -> None:
        super().__init__(navigator)
        self.context = context
        navigator.navigate_requested.connect(self.on_navigate)

    @Slot(str)
    def on_navigate(self, target: str) -> None:
        kind, record_id = split(target)
        store = self.context.store
        if kind != "record" or not record_id or store is None:
            return
        try:
            store.recent.visited(record_id)
        except StoreError as error:
            # A full disk or a locked file: the visit is not worth an error dialog (the edit
            # paths report the same problem where it matters).
            log.info("could not keep the visit to %s: %s", record_id, error)


def watch_visits(context: AppContext) -> None:
    navigator = context.navigator
    if navigator is not None and navigator.findChild(VisitRecorder) is None:
        VisitRecorder(context, navigator)
