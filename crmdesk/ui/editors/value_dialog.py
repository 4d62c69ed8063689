"""Small dialogs that host an attribute editor: bulk edit of one attribute, and a new record
(asked for its title). Invalid values keep the dialog open with the message."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import AttributeDef, ValidationError
from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.ui.dialogs.discard_guard import DiscardGuard, GuardedDialog
from crmdesk.ui.editors.factory import create_editor
from crmdesk.ui.models.record_table_model import check_value

#: What the attribute chooser shows until the user picks one.
CHOOSE_ATTRIBUTE = "Choose an attribute…"


class ValueDialog(GuardedDialog):
    """Pick an attribute (when there is a choice) and a value for it.

    With a choice of attributes none is chosen at first: a preselected one (say, the column the
    user last clicked in) gets edited by a quick Enter without the user having meant it. OK waits
    for the choice."""

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
        self.attribute.setAccessibleName("Attribute")
        for attr in attributes:
            self.attribute.addItem(attr.title, attr.slug)
        if len(attributes) > 1:
            self.attribute.setPlaceholderText(CHOOSE_ATTRIBUTE)
            self.attribute.setCurrentIndex(-1)
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
        self.discard_guard = DiscardGuard(self, self._has_typed_value, "value")

    def _has_typed_value(self) -> bool:
        """A value the user typed (a choice picked from a list is quickly made again)."""
        if self.editor is None:
            return False
        fields = [self.editor] if isinstance(self.editor, QLineEdit) else self.editor.findChildren(QLineEdit)
        return any(field.isModified() and field.text().strip() for field in fields)

    def current_attribute(self) -> AttributeDef | None:
        """The attribute chosen; None while the user has not chosen one."""
        index = self.attribute.currentIndex()
        return self._attributes[index] if index >= 0 else None

    def _rebuild(self, *_: object) -> None:
        if self.editor is not None:
            self.form.removeRow(1)
            self.editor = None
        attr = self.current_attribute()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(attr is not None)
        self.message.hide()
        if attr is None:
            self.attribute.setFocus()
            return
        self.editor = create_editor(attr, self._store, self._ctx, self)
        self.editor.set_value(None)
        self.form.addRow("Value", self.editor)
        self.editor.setFocus()

    def value(self) -> Any:
        """The canonical value; raises ``ValidationError`` (also while no attribute is chosen)."""
        attr = self.current_attribute()
        if attr is None or self.editor is None:
            raise ValidationError("Attribute", "choose one first")
        role, raw = self.editor.result()
        return check_value(attr, role, raw)

    def accept(self) -> None:
        try:
            self.value()
        except ValidationError as error:
            self.message.setText(str(error))
            self.message.show()
            return
        super().accept()
