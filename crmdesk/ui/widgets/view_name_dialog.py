"""The small dialog that names a saved view (Save view…, Rename view…).

Opened with ``open()`` (window-modal, never a nested event loop): the caller connects
``named`` and the dialog goes away by itself once answered.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from crmdesk.store.saved_views import MAX_NAME


class ViewNameDialog(QDialog):
    #: The name typed, trimmed, when the user pressed Enter or the OK button.
    named = Signal(str)

    def __init__(self, title: str, prompt: str, name: str = "", ok_text: str = "Save",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.prompt = QLabel(prompt, self)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)  # an object's name comes from the server
        self.prompt.setWordWrap(True)
        self.field = QLineEdit(name, self)
        self.field.setMaxLength(MAX_NAME)
        self.field.setPlaceholderText("e.g. My open deals")
        self.field.selectAll()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.field)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(360)
        self.field.textChanged.connect(self._text_changed)
        self._text_changed()

    def _text_changed(self, *_: object) -> None:
        self.ok_button.setEnabled(bool(self.field.text().strip()))

    def accept(self) -> None:
        name = self.field.text().strip()
        if not name:
            return  # Enter in an empty field: nothing to save yet
        super().accept()
        self.named.emit(name)
