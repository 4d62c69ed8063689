"""The record table of one object: a lazy table with inline editors, a filter bar, column
layout remembered per object, bulk edit/delete, new record and CSV export.

Change notices update it in place (``on_changed``): the selection, the current cell, the
record at the top and an open editor stay; cells and rows with unsynced changes are marked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import Sort
from crmdesk.ui.editors.value_dialog import ValueDialog
from crmdesk.ui.icons import action_icon
from crmdesk.ui.models.notice_ids import listed_ids, marks_may_have_moved
from crmdesk.ui.models.record_table_model import RecordIdRole, RecordTableModel
from crmdesk.ui.text import action_text, plain_tooltip
from crmdesk.ui.views.view_heading import heading
from crmdesk.ui.widgets import column_chooser
from crmdesk.ui.widgets.column_chooser import ColumnChooser
from crmdesk.ui.widgets.elided_label import ElidedLabel
from crmdesk.ui.widgets.filter_bar import FilterBar
from crmdesk.ui.widgets.record_table import RecordTable
from crmdesk.ui.widgets.table_delegate import TableDelegate
from crmdesk.ui.widgets.view_anchor import keeping_top

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store.changes import ChangeSet


#: The room a table's title keeps before its buttons give up their words (px), and what the
#: row's margins and spacing take besides the title, count and buttons.
TITLE_ROOM = 220
BUTTON_ROW_SLACK = 64


class RecordTableView(QWidget):
    def __init__(self, context: AppContext, object_slug: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert context.store is not None
        self.context = context
        self.object_slug = object_slug
        self.model = RecordTableModel(context.store, object_slug, undo_stack=context.undo_stack)
        self.model.edited.connect(self._edited)
        self.model.edit_refused.connect(self._refused)
        #: While a change notice updates the rows: their signals wait for one look at the end.
        self._refreshing = False
        #: Columns are fitted to their contents once, when the view is first shown.
        obj = self.model.object_def
        # A long object name ends in "…" (its tooltip whole) rather than pushing the buttons out.
        self.title_label = heading(obj.plural_name, ElidedLabel())
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setObjectName("error")
        self.message_label.setStyleSheet("color: #b91c1c;")
        self.message_label.setWordWrap(True)
        self._build_table()
        self.filter_bar = FilterBar(self.model, self)
        self.filter_bar.applied.connect(self._filter_applied)
        self.empty_label = QLabel(self.table.viewport())
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)
        self._build_actions()
        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        top.addStretch(1)
        for button in self.buttons:
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)
        self.message_label.hide()
        self.filter_bar.hide()
        self._restore_state()
        self._update_count()

    # -- building --------------------------------------------------------------------------------

    def _build_table(self) -> None:
        self.table = RecordTable(self)
        self.table.setModel(self.model)
        # A long table's re-query answers later, off the GUI thread: the same care then too.
        self.model.keeping_place = self._updating_rows
        self.delegate = TableDelegate(self.model.store, self.model.context, self.table)
        self.table.setItemDelegate(self.delegate)
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
        header.setMinimumSectionSize(column_chooser.MIN_WIDTH)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sectionClicked.connect(self._sort_by_column)
        header.sectionMoved.connect(lambda *_: self.save_state())
        # Only widths the user set are remembered; fitted ones are worked out again at each opening.
        self.table.user_header.user_resized.connect(lambda *_: self.save_state())
        self.table.verticalHeader().setDefaultSectionSize(28)
        # Enter opens the record; a double-click or F2 edits the cell (RecordTable's triggers).
        self.table.open_requested.connect(self._open_record)

    def _action(self, text: str, slot: Any, shortcut: str | QKeySequence | None = None, tip: str = "") -> QAction:
        action = QAction(action_text(text), self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            # Only while this table (or its editors) has focus: other views own the same keys.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(plain_tooltip(tip or text))  # the object's name comes from the server
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        singular = self.model.object_def.singular_name
        # Ctrl+N is the window's (File ▸ New record…), which calls create_record here.
        self.new_action = self._action(f"New {singular.lower()}", self.create_record, None,
                                       f"Create a {singular.lower()} (Ctrl+N)")
        self.filter_action = self._action("Filter", self.toggle_filter, "Ctrl+Shift+F", "Show the filter bar")
        self.filter_action.setCheckable(True)
        self.columns_action = self._action("Columns…", self.choose_columns, None, "Choose and order columns")
        self.bulk_edit_action = self._action("Edit selected…", self.bulk_edit, "Ctrl+E",
                                             "Set one attribute on every selected row")
        self.delete_action = self._action("Delete", self.delete_selected, QKeySequence.StandardKey.Delete,
                                          "Delete the selected rows")
        self.export_action = self._action("Export CSV…", self.export, None, "Export the rows and columns shown")
        for action, name in ((self.new_action, "new_record"), (self.filter_action, "filter"),
                             (self.columns_action, "columns"), (self.bulk_edit_action, "edit"),
                             (self.delete_action, "delete"), (self.export_action, "export_csv")):
            action.setIcon(action_icon(name))
        self.buttons = []
        self._worded_widths: list[int] | None = None
        for action in (self.new_action, self.filter_action, self.columns_action, self.bulk_edit_action,
                       self.delete_action, self.export_action):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.buttons.append(button)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        # Selected rows removed under the selection (a sync deleted them) change it without
        # selectionChanged: the buttons look again after every change of the rows.
        for signal in (self.model.rowsRemoved, self.model.rowsInserted, self.model.layoutChanged,
                       self.model.modelReset):
            signal.connect(self._rows_changed)
        self._selection_changed()

    # -- state -----------------------------------------------------------------------------------

    def _settings_key(self) -> str:
        return column_chooser.settings_key(self.model.store, self.object_slug)

    def _restore_state(self) -> None:
        self._restoring = True
        columns, sorts = column_chooser.load_state(self.context.settings, self._settings_key())
        column_chooser.apply_layout(self.table.horizontalHeader(), self.model, columns)
        self._restoring = False
        self._restore_sorts(sorts)

    def _restore_columns(self) -> None:
        """The saved order, hidden columns and user's widths again, the rest fitted: after a schema
        change numbered the columns afresh."""
        self._restoring = True
        columns, _sorts = column_chooser.load_state(self.context.settings, self._settings_key())
        column_chooser.apply_layout(self.table.horizontalHeader(), self.model, columns)
        self.table.fit_columns()
        self._restoring = False

    def _restore_sorts(self, sorts: list[Sort]) -> None:
        self._restoring = True
        known = {a.slug for a in self.model.columns}
        sorts = [s for s in sorts if s.attribute in known]
        if sorts:
            self.model.set_sorts(sorts)
        self._show_sort_indicator()
        self._restoring = False

    def save_state(self) -> None:
        if getattr(self, "_restoring", True):
            return
        column_chooser.save_state(self.context.settings, self._settings_key(), self.table.horizontalHeader(),
                                  self.model)

    def _show_sort_indicator(self) -> None:
        header = self.table.horizontalHeader()
        sorts = self.model.sorts
        slugs = [a.slug for a in self.model.columns]
        if sorts and sorts[0].attribute in slugs:
            order = Qt.SortOrder.DescendingOrder if sorts[0].descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(slugs.index(sorts[0].attribute), order)
        else:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    # -- count, messages, selection ------------------------------------------------------------

    def _update_count(self) -> None:
        store = self.context.store
        shown = self.model.rowCount()
        obj = self.model.object_def
        filtered = self.model.filter is not None
        # Unfiltered, the rows are all the object's records: no count(*) (75 ms at 1,000,000).
        total = store.records.count(self.object_slug) if store and filtered else shown
        noun = obj.plural_name.lower() if total != 1 else obj.singular_name.lower()
        # "+": only the first rows are here yet; the rest are counted when the whole list lands.
        more = "" if self.model.complete else "+"
        self.count_label.setText(f"{shown:,}{more} {noun}" if shown == total
                                 else f"{shown:,}{more} of {total:,} {noun}")
        if shown:
            self.empty_label.hide()
        else:
            filtered = self.model.filter is not None
            self.empty_label.setText(f"No {obj.plural_name.lower()} match this filter." if filtered
                                     else f"No {obj.plural_name.lower()} yet. Press Ctrl+N to create one.")
            self.empty_label.resize(self.table.viewport().size())
            self.empty_label.show()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.empty_label.resize(self.table.viewport().size())
        self._fit_buttons()

    def _fit_buttons(self) -> None:
        """Where the buttons' words would squeeze the title to "P…" (1024 px, or 150 %), they
        give them up — all but New's first, then New's too — showing their icons (the tooltips
        still name them); the words come back when there is room."""
        if self._worded_widths is None:
            # What each button takes with its words, measured once shown (styled) and kept.
            self._worded_widths = [button.sizeHint().width() for button in self.buttons]
        # An icon-only button is about as wide as it is high.
        bare = [button.sizeHint().height() for button in self.buttons]
        room = self.width() - BUTTON_ROW_SLACK - self.count_label.sizeHint().width() \
            - min(self.title_label.sizeHint().width(), TITLE_ROOM)
        all_words = sum(self._worded_widths)
        new_words = self._worded_widths[0] + sum(bare[1:])
        worded = set(range(len(self.buttons))) if room >= all_words else {0} if room >= new_words else set()
        for number, button in enumerate(self.buttons):
            style = Qt.ToolButtonStyle.ToolButtonTextBesideIcon if number in worded \
                else Qt.ToolButtonStyle.ToolButtonIconOnly
            if button.toolButtonStyle() != style:
                button.setToolButtonStyle(style)

    def focus_target(self) -> QWidget:
        """Where focus goes when the view is navigated to: the table, so its keys work at once."""
        return self.table

    def selected_rows(self) -> list[int]:
        rows: set[int] = set()
        for selected in self.table.selectionModel().selection():
            rows.update(range(selected.top(), selected.bottom() + 1))
        return sorted(rows)

    @contextmanager
    def _updating_rows(self) -> Iterator[None]:
        """Rows come, go and move: the top record stays where the user sees it, and the count
        and the buttons are worked out once afterwards, not once per run of rows."""
        self._refreshing = True
        try:
            with keeping_top(self.table):
                yield
        finally:
            self._refreshing = False
        self._rows_changed()

    def _rows_changed(self, *_: object) -> None:
        if not self._refreshing:
            self._update_count()
            self._selection_changed()

    def _selection_changed(self, *_: object) -> None:
        count = len(self.selected_rows())
        self.bulk_edit_action.setEnabled(count > 0)
        self.delete_action.setEnabled(count > 0)
        self.delete_action.setText(f"Delete {count:,}" if count > 1 else "Delete")

    def _edited(self, _mutation: object) -> None:
        self.message_label.hide()
        if self.context.sync is not None:
            self.context.sync.local_edit()

    def _refused(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.show()

    # -- sorting, filtering, columns -----------------------------------------------------------

    def _sort_by_column(self, column: int) -> None:
        attr = self.model.columns[column]
        current = self.model.sorts
        descending = bool(current) and current[0].attribute == attr.slug and not current[0].descending
        self.model.set_sorts([Sort(attr.slug, descending)])
        self._show_sort_indicator()
        self.save_state()

    def toggle_filter(self) -> None:
        visible = not self.filter_bar.isVisible()
        self.filter_bar.setVisible(visible)
        self.filter_action.setChecked(visible)
        if visible and not self.filter_bar.root.children_widgets():
            self.filter_bar.root.add_condition()

    def _filter_applied(self, conditions: int) -> None:
        self.filter_action.setText(f"Filter ({conditions})" if conditions else "Filter")

    def choose_columns(self) -> None:
        dialog = ColumnChooser(self.table.horizontalHeader(), self.model, self)
        if dialog.exec():
            self.save_state()
        dialog.deleteLater()

    def _header_menu(self, position: QPoint) -> None:
        header = self.table.horizontalHeader()
        logical = header.logicalIndexAt(position)
        menu = QMenu(self)
        if logical >= 0:
            attr = self.model.columns[logical]
            menu.addAction("Sort ascending", lambda: self._set_sort(attr.slug, False))
            menu.addAction("Sort descending", lambda: self._set_sort(attr.slug, True))
            hide = menu.addAction(action_text(f"Hide “{attr.title}”"), lambda: self._hide_column(logical))
            hide.setEnabled(header.count() - header.hiddenSectionCount() > 1)
            menu.addSeparator()
        menu.addAction("Columns…", self.choose_columns)
        menu.popup(header.mapToGlobal(position))

    def _set_sort(self, slug: str, descending: bool) -> None:
        self.model.set_sorts([Sort(slug, descending)])
        self._show_sort_indicator()
        self.save_state()

    def _hide_column(self, logical: int) -> None:
        self.table.horizontalHeader().setSectionHidden(logical, True)
        self.save_state()

    def visible_columns(self) -> list[int]:
        header = self.table.horizontalHeader()
        logicals = (header.logicalIndex(v) for v in range(header.count()))
        return [c for c in logicals if not header.isSectionHidden(c)]

    # -- records ---------------------------------------------------------------------------------

    def create_record(self) -> None:
        """Ctrl+N: the quick create form (title, required and key fields); the new row is selected."""
        # Loaded when first used: the table is most often the first view, painted before it is needed.
        from crmdesk.ui.dialogs.quick_create_dialog import quick_create

        record_id = quick_create(self.context, self.model.object_slug, self)
        if record_id is None:
            return
        self.message_label.hide()
        self.model.refresh({record_id})  # in place: the other rows keep their selection
        self.model.refresh_marks()
        row = self.model.row_of(record_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def bulk_edit(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        # The columns as the user sees them, in their order; the dialog starts with none chosen.
        columns = self.model.columns
        attributes = [columns[c] for c in self.visible_columns()]
        noun = self.model.object_def.plural_name.lower() if len(rows) > 1 else self.model.object_def.singular_name
        dialog = ValueDialog("Edit selected", f"Set one attribute on {len(rows):,} {noun.lower()}:", attributes,
                             self.model.store, self.model.context, self)
        attribute = dialog.current_attribute() if dialog.exec() else None
        if attribute is not None:
            self.model.bulk_set(rows, attribute, dialog.value())
        dialog.deleteLater()

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        obj = self.model.object_def
        noun = obj.plural_name.lower() if len(rows) > 1 else obj.singular_name.lower()
        box = QMessageBox(QMessageBox.Icon.Warning, f"Delete {noun}",
                          f"Delete {len(rows):,} {noun}? This cannot be undone, and the server "
                          "deletes them too at the next sync.",
                          QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        delete = box.addButton(f"Delete {len(rows):,}", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        confirmed = box.clickedButton() is delete
        box.deleteLater()
        if not confirmed:
            return
        self.model.delete_rows(rows)

    def export(self) -> None:
        from crmdesk.ui.csv_export import export_table  # (as quick_create: after the first paint)

        self.model.complete_now()  # every row, not only the first ones while the rest are read
        if export_table(self, self.model, self.visible_columns(), self._refused) is not None:
            self.message_label.hide()

    def _open_record(self, index: QModelIndex) -> None:
        record_id = self.model.data(index, RecordIdRole)
        if record_id and self.context.navigator is not None:
            self.context.navigator.go(f"record:{record_id}")

    def on_changed(self, changes: ChangeSet) -> None:
        if changes.schema or changes.full_reset:
            self.model.reload(schema_changed=True)  # columns may have come or gone: a reset
            self._restore_columns()
            return
        if self.object_slug in changes.objects or changes.id_changes:
            # Rows leave, move and arrive in place; rows of the records named repaint. A local id
            # that became a server id keeps its rowid (and so its selection), but its row and any
            # reference to it show the new id: every cached row is read again.
            with self._updating_rows():
                self.model.refresh(listed_ids(changes))
        elif changes.objects:
            self.model.references_changed()
        elif changes.record_ids:
            self.model.records_changed(changes.record_ids)
        if marks_may_have_moved(changes):
            self.model.refresh_marks()
