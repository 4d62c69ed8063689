"""The Pending changes panel: queued and refused edits, with Retry, Edit and Discard.

A dock on the main window's right side. It reads the outbox of the GUI thread's store and
refreshes when the sync worker's connection changes the outbox (a push sending or refusing an
edit; the first push after a local edit) and when a round ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import EntityKind, Mutation, MutationOp, MutationState, ValidationError
from crmdesk.model.values import edit_text, parse_user_text
from crmdesk.store import StoreError
from crmdesk.ui import pending_actions
from crmdesk.ui.models.pending_model import COL_MESSAGE, COL_STATE, COL_WHAT, COL_WHEN, PendingModel
from crmdesk.ui.text import plain_for_autotext

if TYPE_CHECKING:
    from crmdesk.context import AppContext


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class RejectedEditor(QWidget):
    """Change the value of a refused record edit, then queue it again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QComboBox()
        self.field.setAccessibleName("Attribute")
        self.value = QLineEdit()
        self.value.setAccessibleName("New value")
        self.value.setPlaceholderText("Type a value the server accepts")
        self.save = QPushButton("Save and retry")
        self.error = _plain_label()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Change"))
        row.addWidget(self.field)
        row.addWidget(self.value, 1)
        row.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.field.currentIndexChanged.connect(self._field_chosen)
        self._texts: dict[str, str] = {}

    def load(self, fields: list[tuple[str, str, str]]) -> None:
        """``fields``: (slug, title, current text)."""
        self._texts = {slug: text for slug, _, text in fields}
        self.field.blockSignals(True)
        self.field.clear()
        for slug, title, _ in fields:
            self.field.addItem(title, slug)
        self.field.blockSignals(False)
        self._field_chosen()
        self.show_error("")

    def _field_chosen(self, *_: object) -> None:
        self.value.setText(self._texts.get(self.field.currentData() or "", ""))

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


class PendingWidget(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = PendingModel(context.store)
        self.summary = _plain_label()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_WHAT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_MESSAGE, QHeaderView.ResizeMode.Stretch)
        for column in (COL_WHEN, COL_STATE):  # short texts: never elided
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.detail = _plain_label()
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.editor = RejectedEditor()
        self.editor.hide()
        self.retry_button = QPushButton("Retry")
        self.edit_button = QPushButton("Edit…")
        self.discard_button = QPushButton("Discard…")
        buttons = QHBoxLayout()
        for button in (self.retry_button, self.edit_button, self.discard_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.editor)
        layout.addLayout(buttons)
        self.retry_button.clicked.connect(self.retry)
        self.edit_button.clicked.connect(self.edit)
        self.discard_button.clicked.connect(self.discard)
        self.editor.save.clicked.connect(self.save_rejected_value)
        self.editor.value.returnPressed.connect(self.save_rejected_value)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.connect_sync()
        self.refresh()

    def connect_sync(self) -> None:
        sync = self.context.sync
        if sync is None:
            return
        worker = sync.worker
        worker.finished.connect(self._round_ended)
        worker.changed.connect(self._on_changed)

    @Slot(object)
    def _round_ended(self, *_: object) -> None:
        self.refresh()

    @Slot(object)
    def _on_changed(self, changes: Any) -> None:
        if getattr(changes, "outbox", False) or getattr(changes, "full_reset", False):
            self.refresh()

    # -- state ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the outbox, keeping the selected row when it is still there."""
        selected = self.selected()
        self.model.set_store(self.context.store)
        total = self.model.rowCount()
        rejected = self.model.rejected_count()
        if total == 0:
            self.summary.setText("All edits have reached the server.")
        else:
            waiting = total - rejected
            parts = [f"{waiting:,} waiting to sync"] if waiting else []
            if rejected:
                parts.append(f"{rejected:,} refused by the server")
            self.summary.setText(", ".join(parts) + ".")
        if selected is not None and selected.op_id is not None:
            self.select_op(selected.op_id)
        self._selection_changed()

    def select_op(self, op_id: int) -> None:
        row = self.model.row_of(op_id)
        if row >= 0:
            self.table.selectionModel().select(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.setCurrentIndex(self.model.index(row, 0))

    def selected(self) -> Mutation | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.mutation(rows[0].row()) if rows else None

    def _selection_changed(self, *_: object) -> None:
        mutation = self.selected()
        self.retry_button.setEnabled(mutation is not None and mutation.state is MutationState.REJECTED)
        self.discard_button.setEnabled(mutation is not None and mutation.state is not MutationState.IN_FLIGHT)
        self.edit_button.setEnabled(mutation is not None and self._record_id(mutation) is not None)
        if mutation is None:
            self.detail.setText("")
            self.editor.hide()
            return
        store = self.context.store
        description = pending_actions.describe(store, mutation) if store is not None else None
        what = description.what if description is not None else ""
        if mutation.state is MutationState.REJECTED:
            typed = f"\nYou typed: {description.typed}" if description is not None and description.typed else ""
            self.detail.setText(f"{what}{typed}\nThe server said: {mutation.error or '(no message)'}")
        else:
            self.detail.setText(what)
        editable = (mutation.state is MutationState.REJECTED and mutation.entity is EntityKind.RECORD
                    and mutation.op is MutationOp.UPDATE)
        if editable and store is not None:
            obj = store.schema.get_object(mutation.scope)
            fields = []
            for slug in mutation.fields:
                attr = obj.attribute(slug) if obj is not None else None
                if attr is not None:
                    fields.append((slug, attr.title or slug, edit_text(attr, mutation.changes.get(slug))))
            self.editor.load(fields)
            self.editor.setVisible(bool(fields))
        else:
            self.editor.hide()

    @staticmethod
    def _record_id(mutation: Mutation) -> str | None:
        if mutation.entity is EntityKind.RECORD and mutation.op is not MutationOp.DELETE:
            return mutation.target_id
        if mutation.entity is EntityKind.NOTE:
            return mutation.scope or None
        return None

    # -- actions ---------------------------------------------------------------------------

    def _after_write(self) -> None:
        self.refresh()
        if self.context.sync is not None:
            self.context.sync.local_edit()

    @Slot()
    def retry(self) -> None:
        mutation = self.selected()
        store = self.context.store
        if mutation is None or store is None or mutation.op_id is None:
            return
        pending_actions.retry(store, mutation.op_id)
        self.refresh()
        if self.context.sync is not None:
            self.context.sync.sync_now()

    @Slot()
    def edit(self) -> None:
        mutation = self.selected()
        if mutation is None:
            return
        record_id = self._record_id(mutation)
        if record_id is not None and self.context.navigator is not None:
            self.context.navigator.go(f"record:{record_id}")
        if self.editor.isVisible():
            self.editor.value.setFocus()
            self.editor.value.selectAll()

    @Slot()
    def save_rejected_value(self) -> None:
        mutation = self.selected()
        store = self.context.store
        if mutation is None or store is None or mutation.op_id is None:
            return
        slug = self.editor.field.currentData()
        obj = store.schema.get_object(mutation.scope)
        attr = obj.attribute(slug) if obj is not None and slug else None
        if attr is None:
            self.editor.show_error("This attribute no longer exists; discard the change instead.")
            return
        try:
            value = parse_user_text(attr, self.editor.value.text(), mutation.changes.get(slug))
            pending_actions.change_rejected_value(store, mutation.op_id, slug, value)
        except ValidationError as error:
            self.editor.show_error(str(error))
            return
        except StoreError as error:
            self.editor.show_error(str(error))
            return
        self._after_write()

    @Slot()
    def discard(self) -> None:
        mutation = self.selected()
        store = self.context.store
        if mutation is None or store is None or mutation.op_id is None:
            return
        description = pending_actions.describe(store, mutation)
        answer = QMessageBox.question(
            self,
            "Discard this change?",
            plain_for_autotext(f"Discard “{description.what}”?\n\nThis throws away {description.loses}. "
                               "The server never received it, and this cannot be undone."),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Discard:
            return
        try:
            pending_actions.discard(store, mutation.op_id)
        except StoreError as error:
            QMessageBox.warning(self, "Could not discard", plain_for_autotext(str(error)))
            return
        self._after_write()


class PendingPanel(QDockWidget):
    """Built by the main window as ``PendingPanel(context, window)``."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Pending changes", parent)
        self.setObjectName("pending_changes_dock")
        self.content = PendingWidget(context, self)
        self.setWidget(self.content)
        self.setMinimumWidth(420)

    def open_for_user(self) -> None:
        window = self.parent()
        if isinstance(window, QMainWindow) and window.dockWidgetArea(self) == Qt.DockWidgetArea.NoDockWidgetArea:
            window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        self.content.refresh()
        self.show()
        if QGuiApplication.platformName() != "offscreen":  # the offscreen platform warns on raise()
            self.raise_()
        self.content.table.setFocus()
