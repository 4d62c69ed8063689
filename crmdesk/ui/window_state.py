"""The main window's geometry, dock/toolbar state, splitter sizes and last open view,
kept in ``context.settings`` (QSettings: UI state only, never secrets)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QSplitter

if TYPE_CHECKING:
    from crmdesk.ui.main_window import MainWindow

GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
SPLITTER_KEY = "window/splitter"
LAST_VIEW_KEY = "window/last_view"
#: Views worth coming back to; a record page is too, the welcome screen is not.
RESTORABLE = ("home", "tasks", "notes", "notifications", "object:", "list:", "record:")


def _splitter(window: MainWindow) -> QSplitter | None:
    central = window.centralWidget()
    return central if isinstance(central, QSplitter) else None


def _bytes(value: Any) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None


def save(window: MainWindow) -> None:
    settings = window.context.settings
    if settings is None:
        return
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.setValue(STATE_KEY, window.saveState())
    splitter = _splitter(window)
    if splitter is not None:
        settings.setValue(SPLITTER_KEY, splitter.saveState())
    target = getattr(window, "current_target", "") or ""
    if target.startswith(RESTORABLE):
        settings.setValue(LAST_VIEW_KEY, target)
    settings.sync()


def restore_geometry(window: MainWindow) -> None:
    """Size, position, docks and the sidebar's width as the user left them."""
    settings = window.context.settings
    if settings is None:
        return
    geometry = _bytes(settings.value(GEOMETRY_KEY))
    if geometry is not None:
        window.restoreGeometry(geometry)
    state = _bytes(settings.value(STATE_KEY))
    if state is not None:
        window.restoreState(state)
    splitter = _splitter(window)
    splitter_state = _bytes(settings.value(SPLITTER_KEY))
    if splitter is not None and splitter_state is not None:
        splitter.restoreState(splitter_state)


def last_view(window: MainWindow) -> str | None:
    settings = window.context.settings
    if settings is None:
        return None
    target = settings.value(LAST_VIEW_KEY, "")
    return target if isinstance(target, str) and target.startswith(RESTORABLE) else None
