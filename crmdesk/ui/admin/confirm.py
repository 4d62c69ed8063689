"""A confirmation that does not block the event loop: optionally asks the admin to type a
word (the slug) before the destructive button enables, or to choose a replacement."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.ui.text import action_text


class ConfirmDialog(QDialog):
    """``accepted`` fires only when the admin confirmed; ``choice()`` is the picked data."""

    def __init__(self, parent: QWidget | None, title: str, text: str, action: str, *,
                 type_to_confirm: str | None = None, choices: list[tuple[str, Any]] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        self.text = QLabel(text, self)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.choices = QComboBox(self)
        for label, data in choices or []:
            self.choices.addItem(label, data)
        self.choices.setVisible(bool(choices))
        layout.addWidget(self.choices)
        self._word = type_to_confirm
        self.typed = QLineEdit(self)
        self.typed.setPlaceholderText(type_to_confirm or "")
        self.typed.setVisible(type_to_confirm is not None)
        if type_to_confirm is not None:
            prompt = QLabel(f"Type “{type_to_confirm}” to confirm:", self)
            prompt.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(prompt)
        layout.addWidget(self.typed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.confirm_button = QPushButton(action_text(action), self)  # “Delete R&D”
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.confirm_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.typed.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        self.confirm_button.setEnabled(self._word is None or self.typed.text().strip() == self._word)

    def choice(self) -> Any:
        return self.choices.currentData()
