"""Workspace ▸ Settings ▸ Check the whole server every…: how often a server that cannot say what
changed is read whole (the user's edits are sent within seconds whatever this says)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QWidget

if TYPE_CHECKING:
    from crmdesk.context import AppContext


def choose_scan_interval(parent: QWidget, context: AppContext) -> None:
    """Asks, offering the current cadence; kept in the settings and told to the running sync."""
    from crmdesk.sync.worker import SCAN_SETTING, scan_interval_from  # (imported when first asked)

    current = int(scan_interval_from(context.settings).total_seconds() // 60)
    minutes, ok = QInputDialog.getInt(
        parent, "Check the whole server", "Minutes between full checks of a server that cannot say what "
        "changed (your edits are sent at once):", current, 1, 24 * 60)
    if not ok:
        return
    if context.settings is not None:
        context.settings.setValue(SCAN_SETTING, minutes)
    if context.sync is not None:
        context.sync.set_scan_minutes(minutes)
