"""The frame every admin dialog shares: the read-only line, an empty-state line, a status line,
a Close button; the dialog grows when a line needs more room than it has."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from crmdesk.remote.backend import Capabilities
from crmdesk.ui.admin.access import AdminAccess
from crmdesk.ui.admin.common import grow_to_fit

if TYPE_CHECKING:
    from crmdesk.context import AppContext


class AdminDialog(QDialog):
    """Subclasses fill ``self.body``, list their editing widgets in ``edit_widgets()`` and
    reload from the store in ``reload()``. ``capability`` is the one that makes it editable."""

    capability = "schema_admin"

    def __init__(self, context: AppContext, parent: QWidget | None = None,
                 access: AdminAccess | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.access = access or AdminAccess(context, self)
        self.access.capabilities_changed.connect(self.apply_capabilities)
        self.editable = False
        layout = QVBoxLayout(self)
        self.read_only_line = QLabel(self)
        self.read_only_line.setObjectName("readOnlyReason")
        self.read_only_line.setTextFormat(Qt.TextFormat.PlainText)
        self.read_only_line.setWordWrap(True)
        self.read_only_line.setStyleSheet("background: #fef3c7; color: #78350f; padding: 6px; border-radius: 4px;")
        layout.addWidget(self.read_only_line)
        self.body = QVBoxLayout()
        layout.addLayout(self.body, 1)
        #: What an empty list means and what to do about it (``show_empty``).
        self.empty_line = QLabel(self)
        self.empty_line.setObjectName("emptyState")
        self.empty_line.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_line.setWordWrap(True)
        self.empty_line.hide()
        layout.addWidget(self.empty_line)
        self.status_line = QLabel(self)
        self.status_line.setObjectName("statusLine")
        self.status_line.setTextFormat(Qt.TextFormat.PlainText)
        self.status_line.setWordWrap(True)
        layout.addWidget(self.status_line)
        # Esc closes too, but a button says how, and is where the eye looks for it.
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_button = self.close_buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAutoDefault(False)  # Return in a field never closes the dialog
        self.close_buttons.rejected.connect(self.reject)
        layout.addWidget(self.close_buttons)
        if context.sync is not None:
            context.sync.worker.changed.connect(self._schema_may_have_changed)

    def finish_setup(self) -> None:
        """Subclasses call this last in ``__init__``, once their widgets exist."""
        self.apply_capabilities(self.access.capabilities)

    # -- who may ------------------------------------------------------------------------------

    def open_for_user(self) -> None:
        self.reload()
        self.access.probe()
        self.show()
        self.activateWindow()

    @property
    def caps(self) -> Capabilities:
        """What the server can do (stored, then probed): subclasses show what it cannot store."""
        return self.access.capabilities

    def apply_capabilities(self, caps: Capabilities) -> None:
        self.editable = bool(getattr(caps, self.capability, False))
        reason = caps.reason(self.capability)
        self.read_only_line.setText("" if self.editable else f"Read-only: {reason}")
        self.read_only_line.setVisible(not self.editable)
        self.update_actions()
        if not self.editable:
            grow_to_fit(self)

    def edit_widgets(self) -> list[QWidget]:
        return []

    def update_actions(self) -> None:
        for widget in self.edit_widgets():
            widget.setEnabled(self.editable)

    # -- running --------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.status_line.setText(text)
        grow_to_fit(self)

    def show_empty(self, text: str) -> None:
        """Say what an empty list means (empty ``text``: the list has rows, nothing to say)."""
        self.empty_line.setText(text)
        self.empty_line.setVisible(bool(text))
        if text:
            grow_to_fit(self)

    def _schema_may_have_changed(self, changes: object) -> None:
        if getattr(changes, "schema", False) or getattr(changes, "full_reset", False) or \
                getattr(changes, "members", False):
            store = self.context.store
            if store is not None:
                store.schema.invalidate()
            self.reload()

    def reload(self) -> None:
        """Refill from the store."""
