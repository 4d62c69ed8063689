"""A short hint in the main window's status bar about what the keys and the mouse do in a widget
("Enter opens the record · Double-click or F2 edits the cell").

It is said when focus first comes to a watched widget after the widget was shown, for a few
seconds: the status bar's temporary message covers the sync status, so the hint is not said again
each time focus comes back from a cell editor or a dialog. When the widget is hidden (the user
went to another view) a hint still on screen goes with it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMainWindow, QStatusBar, QWidget

#: How long the hint stays in the status bar.
HINT_MS = 8000


def _status_bar(widget: QWidget) -> QStatusBar | None:
    window = widget.window()
    # A table inside a dialog has no status bar to speak in: nothing is said there.
    return window.statusBar() if isinstance(window, QMainWindow) else None


class StatusHint(QObject):
    """Watches widgets (``watch``); one hint for all of them, said once per showing."""

    def __init__(self, text: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.text = text
        self._said = False

    def watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QWidget):
            return False
        if event.type() == QEvent.Type.FocusIn and not self._said:
            bar = _status_bar(watched)
            if bar is not None:
                bar.showMessage(self.text, HINT_MS)
                self._said = True
        elif event.type() == QEvent.Type.Hide and self._said:
            self._said = False
            bar = _status_bar(watched)
            if bar is not None and bar.currentMessage() == self.text:
                bar.clearMessage()
        return False
