"""The Conflicts dialog: for each conflicting field, base / mine / theirs side by side, who
changed it and when, and a way out — keep mine, take theirs, or type a merge. A record the
server deleted while it was being edited here can be recreated or let go.

Every value is shown as plain text. The store work is in ``crmdesk.ui.conflict_resolution``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import ValidationError
from crmdesk.model.values import edit_text, parse_user_text
from crmdesk.store import StoreError
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.store.sync_tables import Conflict
from crmdesk.ui import conflict_resolution as resolve
from crmdesk.ui.dialogs.discard_guard import DiscardGuard, GuardedDialog
from crmdesk.ui.dialogs.tab_order import reading_order
from crmdesk.ui.formatting import ValueFormatter
from crmdesk.ui.models.pending_model import when_text
from crmdesk.ui.text import plain_for_autotext

if TYPE_CHECKING:
    from crmdesk.context import AppContext

ConflictRole = Qt.ItemDataRole.UserRole + 1


def _plain(text: str = "", *, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def _value_box(label: QLabel) -> QFrame:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setMinimumHeight(60)
    layout = QVBoxLayout(frame)
    layout.addWidget(label)
    layout.addStretch(1)
    return frame


class ConflictsDialog(GuardedDialog):
    """Built by the main window as ``ConflictsDialog(context, window)``."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Conflicts")
        self.resize(860, 380)
        self.list = QListWidget()
        self.list.setAccessibleName("Conflicts")
        self.list.currentItemChanged.connect(self._show_current)
        self.heading = _plain(bold=True)
        self.explain = _plain()
        self.base_value, self.mine_value, self.theirs_value = _plain(), _plain(), _plain()
        self.mine_title, self.theirs_title = _plain(bold=True), _plain(bold=True)
        grid = QGridLayout()
        grid.addWidget(_plain("Before (base)", bold=True), 0, 0)
        grid.addWidget(self.mine_title, 0, 1)
        grid.addWidget(self.theirs_title, 0, 2)
        for column, label in enumerate((self.base_value, self.mine_value, self.theirs_value)):
            grid.addWidget(_value_box(label), 1, column)
            grid.setColumnStretch(column, 1)
        self.keep_mine_button = QPushButton("Keep mine")
        self.take_theirs_button = QPushButton("Take theirs")
        self.recreate_button = QPushButton("Recreate it")
        self.let_go_button = QPushButton("Let it go")
        self.merge_edit = QLineEdit()
        self.merge_edit.setAccessibleName("Merged value")
        self.merge_edit.setPlaceholderText("Or type the value to keep…")
        self.merge_button = QPushButton("Use this value")
        self.error = _plain()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        choices = QHBoxLayout()
        for button in (self.keep_mine_button, self.take_theirs_button, self.recreate_button, self.let_go_button):
            choices.addWidget(button)
        choices.addStretch(1)
        self.merge_row = QWidget()
        merge = QHBoxLayout(self.merge_row)
        merge.setContentsMargins(0, 0, 0, 0)
        merge.addWidget(QLabel("Merged value:"))
        merge.addWidget(self.merge_edit, 1)
        merge.addWidget(self.merge_button)
        self.detail = QWidget()
        detail = QVBoxLayout(self.detail)
        detail.addWidget(self.heading)
        detail.addWidget(self.explain)
        detail.addLayout(grid)
        detail.addLayout(choices)
        detail.addWidget(self.merge_row)
        detail.addWidget(self.error)
        detail.addStretch(1)
        self.empty = _plain("No conflicts: every edit agrees with the server.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 620])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.empty)
        layout.addWidget(close)
        reading_order(self.list, self.keep_mine_button, self.take_theirs_button, self.recreate_button,
                      self.let_go_button, self.merge_edit, self.merge_button, close)
        self.keep_mine_button.clicked.connect(lambda: self._apply(resolve.keep_mine))
        self.take_theirs_button.clicked.connect(lambda: self._apply(resolve.take_theirs))
        self.recreate_button.clicked.connect(lambda: self._apply(resolve.recreate))
        self.let_go_button.clicked.connect(self._let_go)
        self.merge_button.clicked.connect(self._merge)
        self.merge_edit.returnPressed.connect(self._merge)
        if context.sync is not None:
            context.sync.worker.changed.connect(self._on_changed)
        # A merge typed but not yet used is work too (setText on another conflict resets the mark).
        self.discard_guard = DiscardGuard(
            self, lambda: self.current() is not None and self.merge_row.isVisible() and self.merge_edit.isModified(),
            "merged value")
        self.refresh()

    def open_for_user(self) -> None:
        self.refresh()
        self.show()
        self.activateWindow()

    @Slot(object)
    def _on_changed(self, changes: Any) -> None:
        """A commit of the sync worker's connection: a conflict may have come or gone."""
        if self.isVisible() and (getattr(changes, "conflicts", False) or getattr(changes, "full_reset", False)):
            self.refresh()

    # -- showing ----------------------------------------------------------------------------

    def _title(self, conflict: Conflict) -> str:
        store = self.context.store
        row = store.records.get(conflict.target_id) if store is not None else None
        if row is not None:
            return row.title
        return conflict.target_id

    def _field_title(self, conflict: Conflict) -> str:
        if resolve.is_deletion(conflict):
            return "deleted on the server"
        store = self.context.store
        attr = resolve.attribute_of(store, conflict) if store is not None else None
        return attr.title if attr is not None and attr.title else conflict.field

    def refresh(self) -> None:
        current = self.current()
        store = self.context.store
        conflicts = store.conflicts.all() if store is not None else []
        self.list.blockSignals(True)
        self.list.clear()
        for conflict in conflicts:
            item = QListWidgetItem(f"{self._title(conflict)} — {self._field_title(conflict)}")
            item.setData(ConflictRole, conflict)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.detail.setEnabled(bool(conflicts))
        self.empty.setVisible(not conflicts)
        row = 0
        if current is not None:
            row = next((i for i, c in enumerate(conflicts) if c.id == current.id), 0)
        if conflicts:
            self.list.setCurrentRow(row)
        self._show_current()

    def current(self) -> Conflict | None:
        item = self.list.currentItem()
        return item.data(ConflictRole) if item is not None else None

    def _show_current(self, *_: object) -> None:
        conflict = self.current()
        store = self.context.store
        self.error.hide()
        if conflict is None or store is None:
            for label in (self.heading, self.explain, self.base_value, self.mine_value, self.theirs_value):
                label.setText("")
            self.merge_edit.clear()
            return
        deletion = resolve.is_deletion(conflict)
        for button in (self.keep_mine_button, self.take_theirs_button):
            button.setVisible(not deletion)
        self.merge_row.setVisible(not deletion)
        for button in (self.recreate_button, self.let_go_button):
            button.setVisible(deletion)
        who = self._who(conflict)
        mine_at = f" ({when_text(conflict.mine_at)})" if conflict.mine_at else ""
        theirs_at = f" ({when_text(conflict.theirs_at)})" if conflict.theirs_at else ""
        self.mine_title.setText(f"Mine{mine_at}")
        self.theirs_title.setText(f"Theirs — {who}{theirs_at}" if who else f"Theirs{theirs_at}")
        if deletion:
            self.heading.setText(f"{self._title(conflict)} was deleted on the server")
            self.explain.setText("You edited this record while someone deleted it. Recreate it with your values "
                                 "(it gets a new id), or let it go and remove it here too.")
            self.base_value.setText("—")
            self.mine_value.setText(self._all_values(conflict))
            self.theirs_value.setText("(deleted)")
            return
        attr = resolve.attribute_of(store, conflict)
        self.heading.setText(f"{self._title(conflict)} — {self._field_title(conflict)}")
        self.explain.setText("You and the server both changed this field. Choose which value to keep, "
                             "or type a merge.")
        self.base_value.setText(self._shown(attr, conflict.base))
        self.mine_value.setText(self._shown(attr, conflict.mine))
        self.theirs_value.setText(self._shown(attr, conflict.theirs))
        self.merge_edit.setText(edit_text(attr, conflict.mine) if attr is not None else str(conflict.mine or ""))

    def _who(self, conflict: Conflict) -> str:
        if not conflict.theirs_by or self.context.store is None:
            return ""
        return StoreDisplayContext(self.context.store).member_name(conflict.theirs_by) or ""

    def _shown(self, attr: Any, value: Any) -> str:
        if value is None or value == []:
            return "(empty)"
        if attr is None:
            return str(value)
        assert self.context.store is not None
        return ValueFormatter().display(attr, value, StoreDisplayContext(self.context.store)) or "(empty)"

    def _all_values(self, conflict: Conflict) -> str:
        store = self.context.store
        obj = store.schema.get_object(conflict.scope) if store is not None else None
        mine = conflict.mine if isinstance(conflict.mine, dict) else {}
        lines = []
        for slug, value in mine.items():
            attr = obj.attribute(slug) if obj is not None else None
            title = attr.title if attr is not None and attr.title else slug
            lines.append(f"{title}: {self._shown(attr, value)}")
        return "\n".join(lines) or "(no values)"

    # -- choosing ---------------------------------------------------------------------------

    def _apply(self, action: Any, *args: Any) -> bool:
        conflict = self.current()
        store = self.context.store
        if conflict is None or store is None:
            return False
        try:
            action(store, conflict, *args)
        except ValidationError as error:
            self.error.setText(str(error))
            self.error.show()
            return False
        except StoreError as error:
            QMessageBox.warning(self, "Could not save", plain_for_autotext(str(error)))
            return False
        if self.context.sync is not None:
            self.context.sync.local_edit()
        self.refresh()
        return True

    @Slot()
    def _merge(self) -> None:
        conflict = self.current()
        store = self.context.store
        if conflict is None or store is None:
            return
        attr = resolve.attribute_of(store, conflict)
        if attr is None:
            self.error.setText("This attribute no longer exists.")
            self.error.show()
            return
        try:
            value = parse_user_text(attr, self.merge_edit.text(), conflict.mine)
        except ValidationError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self._apply(resolve.merge, value)

    @Slot()
    def _let_go(self) -> None:
        conflict = self.current()
        if conflict is None:
            return
        answer = QMessageBox.question(
            self, "Let it go?",
            plain_for_autotext(f"Remove “{self._title(conflict)}” here too? Your edits to it are lost."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._apply(resolve.let_go)
