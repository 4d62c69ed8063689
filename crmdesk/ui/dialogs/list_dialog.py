"""Create, rename and delete lists.

The dialogs collect and check what the user wants; ``apply_list_change`` makes it one
store edit (local rows and an outbox row in one transaction) and asks the sync to send it.
A list made here has a local id until the push gives it the server's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from crmdesk.model import ListDef, Mutation, ValidationError
from crmdesk.store import NotFound, Store, StoreError
from crmdesk.ui.dialogs.discard_guard import DiscardGuard, GuardedDialog, TypedText
from crmdesk.ui.dialogs.tab_order import reading_order

if TYPE_CHECKING:
    from crmdesk.context import AppContext

MAX_NAME = 120


class ListChangeFailed(Exception):
    """The store refused the list change; the message says why, in words for the user."""


@dataclass(frozen=True, slots=True)
class ListDraft:
    name: str
    parent_object: str
    private: bool = False


def check_name(store: Store, name: str, keep_id: str | None = None) -> str | None:
    """A problem with a list name, or None."""
    clean = name.strip()
    if not clean:
        return "A list needs a name."
    if len(clean) > MAX_NAME:
        return f"A list name is at most {MAX_NAME} characters."
    for list_def in store.schema.lists().values():
        if list_def.id != keep_id and list_def.name.casefold() == clean.casefold():
            return f"There is already a list called “{list_def.name}”."
    return None


def apply_list_change(
    store: Store, action: str, draft: ListDraft | None = None, list_id: str | None = None,
    context: AppContext | None = None,
) -> Mutation | None:
    """Create / rename / delete a list through the outbox; the sync (if any) is told at once.
    Returns the queued mutation (None for a rename that changed nothing)."""
    try:
        if action == "create":
            assert draft is not None
            mutation = store.edits.create_list(draft.name, draft.parent_object, draft.private)
        elif action == "rename":
            assert draft is not None and list_id is not None
            mutation = store.edits.rename_list(list_id, draft.name)
        elif action == "delete":
            assert list_id is not None
            mutation = store.edits.delete_list(list_id)
        else:
            raise ValueError(f"unknown list change {action!r}")
    except (ValidationError, NotFound, StoreError) as error:
        raise ListChangeFailed(str(error)) from error
    if mutation is not None and context is not None and context.sync is not None:
        context.sync.local_edit()
    return mutation


class ListDialog(GuardedDialog):
    """Name, parent object and privacy for a new list; the name alone for a rename."""

    def __init__(
        self, store: Store, list_def: ListDef | None = None, parent: QWidget | None = None,
        context: AppContext | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.context = context
        self.list_def = list_def
        #: The queued change once accepted (None for a rename that changed nothing).
        self.mutation: Mutation | None = None
        self.setWindowTitle("Rename list" if list_def else "New list")
        self.name_edit = QLineEdit(list_def.name if list_def else "")
        self.name_edit.setMaxLength(MAX_NAME)
        self.name_edit.setPlaceholderText("e.g. Key accounts")
        self.parent_combo = QComboBox()
        for obj in store.schema.objects().values():
            self.parent_combo.addItem(obj.plural_name, obj.slug)
        self.private_box = QCheckBox("Only I can see this list")
        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form = QFormLayout(self)
        form.addRow("Name", self.name_edit)
        if list_def is None:
            form.addRow("Records from", self.parent_combo)
            form.addRow("", self.private_box)
        form.addRow(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Rename" if list_def else "Create")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        reading_order(self.name_edit, *((self.parent_combo, self.private_box) if list_def is None else ()), buttons)
        self.discard_guard = DiscardGuard(self, TypedText(self.name_edit).changed, "list name")

    def draft(self) -> ListDraft:
        parent = self.list_def.parent_object if self.list_def else str(self.parent_combo.currentData() or "")
        private = self.list_def.private if self.list_def else self.private_box.isChecked()
        return ListDraft(self.name_edit.text().strip(), parent, private)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def accept(self) -> None:
        problem = check_name(self.store, self.name_edit.text(), self.list_def.id if self.list_def else None)
        if problem is None and self.list_def is None and not self.draft().parent_object:
            problem = "Choose which records the list holds."
        if problem:
            self.show_error(problem)
            return
        try:
            if self.list_def is None:
                self.mutation = apply_list_change(self.store, "create", self.draft(), context=self.context)
            else:
                self.mutation = apply_list_change(self.store, "rename", self.draft(), self.list_def.id,
                                                  context=self.context)
        except ListChangeFailed as error:
            self.show_error(str(error))
            return
        super().accept()


def confirm_delete_list(parent: QWidget | None, list_def: ListDef, entries: int) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowTitle("Delete list")
    box.setText(f"Delete the list “{list_def.name}” and its {entries:,} entries?")
    box.setInformativeText("The records stay; only the list and its own values go.")
    box.setStandardButtons(QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes
