"""The record table of one object: a lazy table, its record count, sorting by any column."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import Sort
from crmdesk.ui.models.record_table_model import RecordIdRole, RecordTableModel

if TYPE_CHECKING:
    from crmdesk.app import AppContext
    from crmdesk.sync.changes import ChangeSet


class RecordTableView(QWidget):
    def __init__(self, context: AppContext, object_slug: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert context.store is not None
        self.context = context
        self.object_slug = object_slug
        self.model = RecordTableModel(context.store, object_slug)
        self.model.edited.connect(self._edited)
        self.model.edit_refused.connect(self._refused)
        self.model.modelReset.connect(self._update_count)
        self.title_label = QLabel(self.model.object_def.plural_name)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title_label.setFont(font)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setObjectName("error")
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(False)  # sorting is the store's job, via the header
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSortIndicatorShown(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(170)
        header.sectionClicked.connect(self._sort_by_column)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(self._open_record)
        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addWidget(self.count_label)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)
        self.message_label.hide()
        self._update_count()

    def _update_count(self) -> None:
        total = self.context.store.records.count(self.object_slug) if self.context.store else 0
        shown = self.model.rowCount()
        noun = self.model.object_def.plural_name.lower() if total != 1 else self.model.object_def.singular_name.lower()
        self.count_label.setText(f"{shown:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}")

    def _sort_by_column(self, column: int) -> None:
        attr = self.model.columns[column]
        current = self.model.sorts
        descending = bool(current) and current[0].attribute == attr.slug and not current[0].descending
        self.model.set_sorts([Sort(attr.slug, descending)])
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(column, order)

    def _open_record(self, index: QModelIndex) -> None:
        record_id = self.model.data(index, RecordIdRole)
        if record_id and self.context.navigator is not None:
            self.context.navigator.go(f"record:{record_id}")

    def _edited(self, _mutation: object) -> None:
        self.message_label.hide()
        if self.context.sync is not None:
            self.context.sync.local_edit()

    def _refused(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.show()

    def on_changed(self, changes: ChangeSet) -> None:
        if changes.schema or changes.full_reset:
            self.model.reload(schema_changed=True)
        elif self.object_slug in changes.objects or changes.id_changes:
            # New or removed records change the id list; edits in place repaint their rows.
            self.model.reload()
        self._update_count()
