"""A short hint in the main window's status bar about what the keys and the mouse do in a widget
("Enter opens the record · Double-click or F2 edits the cell").

It is said when focus first comes to a watched widget after the widget was shown, for a few
seconds, in the window's hint label (``KEY_HINT_NAME``: beside the sync status, never over it);
it is not said again each time focus comes back from a cell editor or a dialog. When the widget
is hidden (the user went to another view) a hint still on screen goes with it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel, QWidget

#: How long the hint stays in the status bar.
HINT_MS = 8000
#: The object name of the main window's label that shows hints.
KEY_HINT_NAME = "keyHint"


def _hint_label(widget: QWidget) -> QLabel | None:
    # A table inside a dialog has no hint label to speak in: nothing is said there.
    return widget.window().findChild(QLabel, KEY_HINT_NAME)


class StatusHint(QObject):
    """Watches widgets (``watch``); one hint for all of them, said once per showing."""

    def __init__(self, text: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.text = text
        self._said = False
        self._clear = QTimer(self)
        self._clear.setSingleShot(True)
        self._clear.setInterval(HINT_MS)
        self._clear.timeout.connect(self._forget)
        self._label: QLabel | None = None

    def watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QWidget):
            return False
        if event.type() == QEvent.Type.FocusIn and not self._said:
            label = _hint_label(watched)
            if label is not None:
                label.setText(self.text)
                self._label = label
                self._said = True
                self._clear.start()
        elif event.type() == QEvent.Type.Hide and self._said:
            self._said = False
            self._forget()
        return False

    def _forget(self) -> None:
        """The hint leaves the label, unless another hint has taken its place."""
        label, self._label = self._label, None
        self._clear.stop()
        try:
            if label is not None and label.text() == self.text:
                label.clear()
        except RuntimeError:
            pass  # the window went first
