"""The Ctrl+K palette: type to search every record, note and task offline, or to run a command.

Keyboard first: the field keeps the focus; Up/Down (and Page Up/Down) move through the
results, Enter opens the current one, Escape closes. A short debounce keeps fast typing
from running a query per keystroke that nobody will see.

Opened over a record page, it offers that record's commands (add a note or a task, open it
in the server's web app where its address is known) and runs them on the page itself, so a
note is saved the way the page's own "Add note" button saves it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget
from shiboken6 import isValid

from crmdesk.store.web_address import record_web_address
from crmdesk.ui.admin.access import stored_capabilities
from crmdesk.ui.models.search_model import CurrentRecord, ItemRole, PaletteItem, SearchModel
from crmdesk.ui.recent_visits import watch_visits
from crmdesk.ui.views.notes_view import two_line_list

if TYPE_CHECKING:
    from crmdesk.context import AppContext

DEBOUNCE_MS = 50
WIDTH = 640
HEIGHT = 440

_MOVES = {
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_PageDown: 8,
    Qt.Key.Key_PageUp: -8,
}


class SearchPalette(QFrame):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        # A popup: frameless, closes on a click outside, and owns the keyboard while open.
        super().__init__(parent, Qt.WindowType.Popup | Qt.WindowType.FramelessWindowHint)
        assert context.store is not None
        self.context = context
        self.setObjectName("searchPalette")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Search and commands")
        self.model = SearchModel(context.store)
        #: How long the last query took (store search + model update), for benchmarks.
        self.last_search_seconds = 0.0
        #: Hands a record's web address to the browser (tests pass their own).
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        #: The record page on screen when the palette opened, and its record.
        self.current: CurrentRecord | None = None
        self._record_view: QWidget | None = None
        watch_visits(context)  # the recent records it lists when nothing is typed

        self.field = QLineEdit(self)
        self.field.setPlaceholderText("Search records, notes and tasks, or type a command…")
        self.field.setAccessibleName("Search")
        self.field.setClearButtonEnabled(True)
        font = self.field.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.field.setFont(font)
        self.field.setMinimumHeight(36)
        self.field.textChanged.connect(self._text_changed)
        self.field.installEventFilter(self)
        self.results = two_line_list(self.model, "Results", self, uniform=False)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the keyboard
        self.results.setAlternatingRowColors(False)
        self.results.clicked.connect(self._open_index)
        # After the list's own reset handling, which clears the selection.
        self.model.modelReset.connect(self._after_results)
        self.empty_label = QLabel()
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)  # the palette's muted text colour
        self.hint = QLabel("↑ ↓ to move   ·   Enter to open   ·   Esc to close")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setEnabled(False)
        hint_font = self.hint.font()
        hint_font.setPointSizeF(hint_font.pointSizeF() * 0.85)
        self.hint.setFont(hint_font)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(6)
        layout.addWidget(self.field)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.hint, 0, Qt.AlignmentFlag.AlignRight)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search)
        self.resize(WIDTH, HEIGHT)

    # -- showing --------------------------------------------------------------------------------

    def open_for_user(self) -> None:
        """Clear the query, show centred over the window, focus the field."""
        self._timer.stop()
        self.field.blockSignals(True)
        self.field.clear()
        self.field.blockSignals(False)
        window = self.parentWidget().window() if self.parentWidget() is not None else None
        self.current = self._current_record(window)
        self._search()
        if window is not None:
            area = window.frameGeometry() if window.isVisible() else window.geometry()
            width = min(WIDTH, max(area.width() - 80, 320))
            height = min(HEIGHT, max(area.height() - 120, 240))
            self.resize(width, height)
            # Centred across, and in the upper third, where the eye already is.
            top_left = QPoint(area.center().x() - width // 2, area.top() + max((area.height() - height) // 4, 40))
            self.move(top_left)
        self.show()
        self.raise_()
        self.activateWindow()
        self.field.setFocus(Qt.FocusReason.PopupFocusReason)

    # -- searching ------------------------------------------------------------------------------

    def _text_changed(self, _text: str) -> None:
        self._timer.start()

    def _search(self) -> None:
        started = time.perf_counter()
        self.model.set_query(self.field.text(), self.current)
        self.last_search_seconds = time.perf_counter() - started

    def _after_results(self) -> None:
        rows = self.model.rowCount()
        self.results.setVisible(rows > 0)
        self.empty_label.setVisible(rows == 0)
        if rows == 0:
            self.empty_label.setText(f"Nothing matches “{self.field.text().strip()}” in this workspace.")
        else:
            self._select(0)

    def _current_record(self, window: QWidget | None) -> CurrentRecord | None:
        """The record whose page the window shows (a view with ``record_id`` and the page's
        note and task dialogs), or None."""
        current_view = getattr(window, "current_view", None)
        view = current_view() if callable(current_view) else None
        record_id = getattr(view, "record_id", None)
        store = self.context.store
        row = store.records.get(record_id) if isinstance(record_id, str) and store is not None else None
        if view is None or row is None or store is None:
            self._record_view = None
            return None
        self._record_view = view
        caps = stored_capabilities(self.context)
        return CurrentRecord(
            row.id, row.title,
            can_add_note=callable(getattr(view, "open_note_dialog", None)) and (caps is None or caps.notes),
            can_add_task=callable(getattr(view, "open_task_dialog", None)) and (caps is None or caps.tasks),
            web_address=record_web_address(store.schema, row.object_slug, row.id),
        )

    # -- keys -------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in _MOVES:
            self._move(_MOVES[Qt.Key(key)])
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._timer.isActive():
                # Typed and pressed Enter inside the debounce: open what the final text finds.
                self._timer.stop()
                self._search()
            self._open_index(self.results.currentIndex())
            return True
        if key == Qt.Key.Key_Escape:
            self.close()
            return True
        return False

    def _move(self, step: int) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            return
        current = self.results.currentIndex().row()
        self._select(max(0, min(rows - 1, current + step)) if current >= 0 else 0)

    def _select(self, row: int) -> None:
        # Through the selection model: the list never has focus, and the row must still look chosen.
        index = self.model.index(row)
        self.results.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.results.scrollTo(index)

    # -- opening ------------------------------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        item = index.data(ItemRole) if index.isValid() else None
        if isinstance(item, PaletteItem):
            self.run(item)

    def run(self, item: PaletteItem) -> None:
        self.close()
        if item.on_record:
            self._run_on_record(item.on_record)
            return
        navigator = self.context.navigator
        if navigator is None:
            return
        if item.target:
            navigator.go(item.target)
        if item.action:
            navigator.request(item.action)

    def _run_on_record(self, command: str) -> None:
        view = self._record_view if self._record_view is not None and isValid(self._record_view) else None
        if command == "open_web":
            if self.current is not None and self.current.web_address:
                self.open_url(QUrl(self.current.web_address))
        elif view is not None:
            # The page's own dialogs: saved, refused and reloaded as its buttons do.
            getattr(view, "open_note_dialog" if command == "add_note" else "open_task_dialog")()
