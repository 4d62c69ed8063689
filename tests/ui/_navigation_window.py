"""The real MainWindow over a copy of the synced 200-record store, as the navigation, focus and
narrow-window tests drive it: shown at 1024×700 and active (so the keyboard goes where the focus
is), with its own settings file. Helpers click the sidebar, press keys where the focus is, and
open a record through the Ctrl+K palette as a user would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QWidget

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.store import Store
from crmdesk.sync.worker import SyncController
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.models.search_model import ItemRole
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.widgets.search_palette import SearchPalette

#: The offscreen platform cannot raise a window or grab the keyboard for the palette's popup.
OFFSCREEN_NOTICES = "This plugin does not support"


@contextmanager
def open_window(qtbot: Any, store: Store, tmp_path: Path, size: tuple[int, int] = (1024, 700),
                now: datetime | Callable[[], datetime] | None = None, *, first_view: str | None = None,
                sync: SyncController | None = None,
                built: Callable[[MainWindow], None] | None = None) -> Iterator[MainWindow]:
    """The main window over ``store``, shown and active. ``now``: the app's clock stands still
    there (a moment), or is that clock (a callable, e.g. one a test steps); ``first_view``: what
    it opens on; ``sync``: the workspace's sync, started once the window is built, as the app
    does; ``built(window)``: called after the window is made and before its event loop turns
    (where its start-up work is decided)."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, navigator=Navigator(),
                         undo_stack=QUndoStack(), settings=settings, sync=sync)
    if callable(now):
        context.now = now
    elif now is not None:
        moment = now
        context.now = lambda: moment
    window = MainWindow(context, first_view)
    if built is not None:
        built(window)
    if sync is not None:
        sync.start()
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # the user's window: clicks give focus and keys go where it is
    qtbot.waitUntil(window.isActiveWindow)
    try:
        yield window
    finally:
        window.close()


def synced(synced_store: Callable[..., Store]) -> Store:
    return synced_store(records=200, seed=1)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(qtbot: Any, window: MainWindow, key: Qt.Key,
          modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the keyboard is (the window itself when nothing in it has the focus)."""
    qtbot.keyClick(focused() or window, key, modifiers)


def click_sidebar(qtbot: Any, window: MainWindow, text: str) -> None:
    """Click the sidebar entry that reads ``text`` (or starts so: “Notifications (8)”)."""
    found = window.sidebar.findItems(text, Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchRecursive)
    assert found, f"no {text!r} in the sidebar"
    window.sidebar.scrollToItem(found[0])
    where = window.sidebar.visualItemRect(found[0]).center()
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=where)


def palette_of(window: MainWindow) -> SearchPalette:
    palette = window._components.get("crmdesk.ui.widgets.search_palette:SearchPalette")
    assert isinstance(palette, SearchPalette), "Ctrl+K opened no palette"
    return palette


def open_with_palette(qtbot: Any, window: MainWindow, text: str, target: str) -> None:
    """Ctrl+K, type ``text``, arrow down to the result that opens ``target``, Enter."""
    press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = palette_of(window)
    qtbot.keyClicks(palette.field, text)
    qtbot.waitUntil(lambda: palette.model.query == palette.field.text(), timeout=2000)
    rows = [palette.model.index(r).data(ItemRole) for r in range(palette.model.rowCount())]
    row = next(r for r, item in enumerate(rows) if getattr(item, "target", None) == target)
    current = palette.results.currentIndex().row() if palette.results.currentIndex().isValid() else 0
    step = Qt.Key.Key_Down if row >= current else Qt.Key.Key_Up
    for _ in range(abs(row - current)):
        qtbot.keyClick(palette.field, step)
    qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_target == target, timeout=2000)


def sidebar_marks(window: MainWindow) -> str | None:
    """The sidebar entry marked as the current place (None: none)."""
    item = window.sidebar.currentItem()
    return item.text(0) if item is not None and item.isSelected() else None
