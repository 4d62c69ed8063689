"""Write a comment on a record: plain text (the servers that keep comments take no formatting)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.ui.dialogs.discard_guard import DiscardGuard, GuardedDialog, save_on_ctrl_enter
from crmdesk.ui.dialogs.tab_order import reading_order
from crmdesk.ui.widgets.error_label import error_label, show_error_on

#: What Esc asks with text typed: a comment is posted, not saved.
DISCARD_QUESTION = "The comment you typed has not been posted. Discard it?"


class CommentDialog(GuardedDialog):
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
        self.post_button.setToolTip("Post comment (Ctrl+Enter)")
        self.buttons.addButton(self.post_button, QDialogButtonBox.ButtonRole.AcceptRole)
        # Default once in the box: made default before, Qt 6 left Cancel out of the Tab chain.
        self.post_button.setDefault(True)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        # Ctrl+Enter posts from the text itself (a plain Enter starts a new line).
        save_on_ctrl_enter(self, self._submit)
        self.text_edit.textChanged.connect(self._update_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._update_button()
        reading_order(self.text_edit, self.buttons)
        self.discard_guard = DiscardGuard(self, lambda: bool(self.text()), "comment",
                                          message=DISCARD_QUESTION)

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()

    def _update_button(self) -> None:
        self.post_button.setEnabled(bool(self.text()))

    def _submit(self) -> None:
        if self.text():
            self.comment_ready.emit(self.text())

    def show_error(self, message: str) -> None:
        show_error_on(self.error_label, message)

