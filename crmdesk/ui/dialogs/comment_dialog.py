"""Write a comment on a record: plain text (the servers that keep comments take no formatting)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.ui.widgets.error_label import error_label, show_error_on


class CommentDialog(QDialog):
    """Emits ``comment_ready(text)``; the caller saves it and then accepts (or shows an error).

    Ctrl+Enter posts. Typed text is never dropped without asking: Cancel, Esc and closing the
    window ask first when there is any."""

    comment_ready = Signal(str)

    def __init__(self, record_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Comment on {record_title}" if record_title else "Comment")
        self.resize(480, 260)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText("Write a comment. Mention a colleague by their e-mail address.")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setAccessibleName("Comment")
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.post_button = QPushButton("Post comment")
        self.post_button.setDefault(True)
        self.post_button.setToolTip("Post comment (Ctrl+Enter)")
        self.buttons.addButton(self.post_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        # Ctrl+Enter posts from the text itself (a plain Enter starts a new line).
        self.text_edit.installEventFilter(self)
        self.text_edit.textChanged.connect(self._update_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._update_button()
        #: Set by tests and by the window's quit: whether to ask before dropping typed text.
        self.confirm_discard = self._ask_discard

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.text_edit and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self._submit()
            return True
        return super().eventFilter(watched, event)

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()

    def _update_button(self) -> None:
        self.post_button.setEnabled(bool(self.text()))

    def _submit(self) -> None:
        if self.text():
            self.comment_ready.emit(self.text())

    def show_error(self, message: str) -> None:
        show_error_on(self.error_label, message)

    def reject(self) -> None:
        if self.result() == QDialog.DialogCode.Accepted or not self.text() or self.confirm_discard():
            super().reject()

    def _ask_discard(self) -> bool:
        answer = QMessageBox.question(
            self, "Discard comment?", "The comment you typed has not been posted. Discard it?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard
