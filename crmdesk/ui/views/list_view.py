"""A list's page: its entries as a table (editable inline) or a board, with add/remove.

Built as ``ListView(context, list_id, parent)`` for the target ``list:<id>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import FilterGroup, InvalidFilter, Sort
from crmdesk.store import NotFound, StoreError
from crmdesk.ui.dialogs.list_dialog import ListChangeFailed, ListDialog, apply_list_change, confirm_delete_list
from crmdesk.ui.models.entry_table_model import EntryIdRole, EntryTableModel, RecordIdRole
from crmdesk.ui.models.notice_ids import listed_ids, marks_may_have_moved
from crmdesk.ui.views.notes_view import heading
from crmdesk.ui.views.object_view import SwitchedView
from crmdesk.ui.widgets import column_widths
from crmdesk.ui.widgets.column_chooser import settings_key
from crmdesk.ui.widgets.record_table import RecordTable
from crmdesk.ui.widgets.table_delegate import EntryDelegate
from crmdesk.ui.widgets.view_anchor import keeping_top

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store.changes import ChangeSet


class EntryTable(QWidget):
    def __init__(self, context: AppContext, list_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert context.store is not None
        self.context = context
        self.model = EntryTableModel(context.store, list_id)
        self.model.edited.connect(self._edited)
        self.model.edit_refused.connect(self.show_message)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._update_count)
        self.title_label = heading(self.model.source.name)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.add_button = QPushButton("Add records…")
        self.remove_button = QPushButton("Remove from list")
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setObjectName("error")
        self.message_label.hide()
        self.table = RecordTable(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(EntryDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(170)
        header.setSectionsMovable(True)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._sort_by_column)
        # Enter opens the entry's record; a double-click or F2 edits the cell (RecordTable's triggers).
        self.table.open_requested.connect(self._open)
        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)
        self.add_button.clicked.connect(self.add_interactively)
        self.remove_button.clicked.connect(self.remove_selected)
        self.confirm = self._ask  # replaced in tests; asks before anything is removed
        # Widths the user drags are kept per list; the others fit the rows when the view opens.
        self._widths_key = settings_key(context.store, f"list:{list_id}")
        column_widths.restore_user_widths(self.table.user_header, self._column_slugs(),
                                          column_widths.load_widths(context.settings, self._widths_key))
        self.table.user_header.user_resized.connect(self._save_widths)
        self._update_count()

    def _column_slugs(self) -> list[str]:
        return [a.slug for a in self.model.columns]

    def _save_widths(self, *_: object) -> None:
        widths = column_widths.user_widths(self.table.user_header, self._column_slugs())
        column_widths.save_widths(self.context.settings, self._widths_key, widths)

    def _update_count(self, *_: object) -> None:
        count = self.model.rowCount()
        self.count_label.setText(f"{count:,} {'entry' if count == 1 else 'entries'}")

    def _sort_by_column(self, column: int) -> None:
        attr = self.model.columns[column]
        current = self.model.sorts
        descending = bool(current) and current[0].attribute == attr.slug and not current[0].descending
        try:
            self.model.set_sorts([Sort(attr.slug, descending)])
        except InvalidFilter as error:
            self.show_message(str(error))
            return
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(column, order)

    def _open(self, index: QModelIndex) -> None:
        record_id = index.data(RecordIdRole)
        if record_id and self.context.navigator is not None:
            self.context.navigator.go(f"record:{record_id}")

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _edited(self, _mutation: object) -> None:
        self.message_label.hide()
        if self.context.sync is not None:
            self.context.sync.local_edit()

    def add_interactively(self) -> None:
        from crmdesk.ui.widgets.record_picker import RecordPicker

        picker = RecordPicker(self.model.store, self.model.source.list_def, self)
        if picker.exec():
            self.add_records(picker.chosen_ids())

    def add_records(self, record_ids: list[str]) -> list[str]:
        added = []
        for record_id in record_ids:
            try:
                mutation = self.model.source.add(record_id, {})
            except (NotFound, StoreError) as error:
                self.show_message(str(error))
                break
            added.append(mutation.target_id)
            self._edited(mutation)
        if added:
            self.model.reload()
            self.model.refresh_marks()
        return added

    def _ask(self, text: str) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowTitle("Remove from list")
        box.setText(text)
        box.setStandardButtons(QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Yes)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def selected_entry_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.index(r, 0).data(EntryIdRole) for r in rows]

    def remove_selected(self) -> int:
        ids = [i for i in self.selected_entry_ids() if i]
        if not ids:
            self.show_message("Select the entries to remove first.")
            return 0
        noun = "this entry" if len(ids) == 1 else f"these {len(ids)} entries"
        if not self.confirm(f"Remove {noun} from “{self.model.source.name}”? The records stay."):
            return 0
        removed = 0
        for entry_id in ids:
            try:
                mutation = self.model.store.edits.remove_entry(entry_id)
            except (NotFound, StoreError) as error:
                self.show_message(str(error))
                break
            removed += 1
            self._edited(mutation)
        self.model.reload()
        self.model.refresh_marks()
        return removed

    def on_changed(self, changes: ChangeSet) -> None:
        source = self.model.source
        if changes.schema or changes.full_reset:
            try:
                self.model.reload(schema_changed=True)
            except NotFound:
                return
        elif source.key in changes.lists or source.list_def.parent_object in changes.objects or changes.id_changes:
            # In place: the selection and the top row stay. Entries are not named by id, and a
            # record's change reaches its entries by the record's id.
            with keeping_top(self.table):
                self.model.refresh(None if source.key in changes.lists else listed_ids(changes))
        if marks_may_have_moved(changes):
            self.model.refresh_marks()


class ListView(SwitchedView):
    def __init__(self, context: AppContext, list_id: str, parent: QWidget | None = None) -> None:
        super().__init__(context, f"view/list-{list_id}/mode", parent)
        self.list_id = list_id
        self.table = EntryTable(context, list_id, self)
        self.stack.addWidget(self.table)
        self.rename_button = QPushButton("Rename…")
        self.delete_button = QPushButton("Delete list…")
        self.header.addWidget(self.rename_button)
        self.header.addWidget(self.delete_button)
        self.rename_button.clicked.connect(self.rename_list)
        self.delete_button.clicked.connect(self.delete_list)
        self.confirm_delete = confirm_delete_list  # replaced in tests; asks before a list goes
        self.show_mode(self._remembered_mode())

    def create_record(self) -> None:
        """Ctrl+N: the quick create form for the list's parent object; the new record joins the
        list offline, as "Add records…" adds one, on the board when it shows, else in the table
        (where its entry is selected)."""
        from crmdesk.ui.dialogs.quick_create_dialog import quick_create

        record_id = quick_create(self.context, self.table.model.source.list_def.parent_object, self)
        if record_id is None:
            return
        if self.board is not None and self.stack.currentWidget() is self.board:
            self.board.add_entries([record_id], None)  # type: ignore[attr-defined]
            return
        added = self.table.add_records([record_id])
        row = self.table.model.row_of(added[0]) if added else None
        if row is not None:
            self.table.table.selectRow(row)
            self.table.table.scrollTo(self.table.model.index(row, 0))

    def focus_target(self) -> QWidget | None:
        """Where focus goes when the view is navigated to: the entries' table or the board."""
        if self.stack.currentWidget() is self.table:
            return self.table.table
        return getattr(self.board, "focus_target", lambda: None)()

    def make_board(self) -> QWidget:
        from crmdesk.ui.models.board_source import EntrySource
        from crmdesk.ui.views.board_view import BoardView

        assert self.context.store is not None
        return BoardView(self.context, EntrySource(self.context.store, self.list_id), self)

    def set_filter(self, group: FilterGroup | None) -> None:
        self.table.model.set_filter(group)
        if self.board is not None:
            self.board.set_filter(group)  # type: ignore[attr-defined]

    def rename_list(self) -> None:
        dialog = ListDialog(self.table.model.store, self.table.model.source.list_def, self, context=self.context)
        if dialog.exec() and dialog.mutation is not None:
            self.table.model.reload(schema_changed=True)
            self.table.title_label.setText(self.table.model.source.name)
            self._lists_changed()

    def delete_list(self) -> bool:
        list_def = self.table.model.source.list_def
        if not self.confirm_delete(self, list_def, self.table.model.rowCount()):
            return False
        try:
            apply_list_change(self.table.model.store, "delete", list_id=list_def.id, context=self.context)
        except ListChangeFailed as error:
            self.table.show_message(str(error))
            return False
        self._lists_changed()
        if self.context.navigator is not None:
            self.context.navigator.go("home")
        return True

    def _lists_changed(self) -> None:
        """The sidebar (and any other view of lists) shows the change now, not after a sync."""
        if self.context.navigator is not None:
            self.context.navigator.request("lists_changed")

    def on_changed(self, changes: ChangeSet) -> None:
        self.forward_changes(changes)
