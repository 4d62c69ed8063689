"""Small dialogs that host an attribute editor: bulk edit of one attribute, and a new record
(asked for its title). Invalid values keep the dialog open with the message."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from crmdesk.model import AttributeDef, ValidationError
from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.ui.editors.factory import create_editor
from crmdesk.ui.models.record_table_model import check_value


class ValueDialog(QDialog):
    """Pick an attribute (when there is a choice) and a value for it."""

    def __init__(self, title: str, prompt: str, attributes: list[AttributeDef], store: Store,
                 ctx: StoreDisplayContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._store = store
        self._ctx = ctx
        self._attributes = attributes
        self.prompt = QLabel(prompt, self)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setWordWrap(True)
        self.attribute = QComboBox(self)
        for attr in attributes:
            self.attribute.addItem(attr.title, attr.slug)
        self.form = QFormLayout()
        self.form.addRow("Attribute", self.attribute)
        self.attribute.setVisible(len(attributes) > 1)
        self.form.labelForField(self.attribute).setVisible(len(attributes) > 1)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setObjectName("error")
        self.message.setStyleSheet("color: #b91c1c;")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.editor: Any = None
        self.attribute.currentIndexChanged.connect(self._rebuild)
        self._rebuild()
        self.setMinimumWidth(380)

    def current_attribute(self) -> AttributeDef:
        return self._attributes[self.attribute.currentIndex()]

    def _rebuild(self, *_: object) -> None:
        if self.editor is not None:
            self.form.removeRow(1)
        attr = self.current_attribute()
        self.editor = create_editor(attr, self._store, self._ctx, self)
        self.editor.set_value(None)
        self.form.addRow("Value", self.editor)
        self.editor.setFocus()
        self.message.hide()

    def value(self) -> Any:
        """The canonical value; raises ``ValidationError``."""
        role, raw = self.editor.result()
        return check_value(self.current_attribute(), role, raw)

    def accept(self) -> None:
        try:
            self.value()
        except ValidationError as error:
            self.message.setText(str(error))
            self.message.show()
            return
        super().accept()
