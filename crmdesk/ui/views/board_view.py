"""A kanban board of an object's records or a list's entries.

Toolbar: group by (any status/select), sum (any currency/number), card fields (up
to four), hide empty columns. Cards move by drag and drop or Ctrl+arrows; each
move is one undoable edit through the outbox, then the sync worker is nudged.

Change notices update the columns in place: the selected card stays selected (in its
new column when its group value changed) and each column keeps the card at its top.
Cards with unsynced changes are marked.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import AttributeDef, AttributeType, FilterGroup, InvalidFilter, ValidationError
from crmdesk.model.codecs.numeric import money_text
from crmdesk.store import NotFound, StoreError
from crmdesk.ui.dialogs.quick_create_dialog import quick_create
from crmdesk.ui.formatting import ValueFormatter
from crmdesk.ui.models.board_model import MAX_CARD_FIELDS, BoardModel, CardIdRole, RecordIdRole
from crmdesk.ui.models.board_source import BoardSource, EntrySource, group_attributes, sum_attributes
from crmdesk.ui.models.notice_ids import listed_ids, marks_may_have_moved
from crmdesk.ui.text import action_text, plain_tooltip
from crmdesk.ui.widgets.board_column import BOARD_HINT, BoardColumnWidget
from crmdesk.ui.widgets.board_delegate import CardDelegate
from crmdesk.ui.widgets.status_hint import StatusHint
from crmdesk.ui.widgets.view_anchor import keeping_top

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store.changes import ChangeSet


def compact_number(value: float) -> str:
    """1234567 → "1.23M": a column header has room for a glance, the tooltip for the rest."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if size >= limit:
            return f"{value / limit:.3g}{suffix}" if size < limit * 1000 else f"{value / limit:,.0f}{suffix}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def format_totals(attr: AttributeDef | None, totals: dict[str, float], *, compact: bool = True,
                  formatter: ValueFormatter | None = None) -> str:
    """"Σ $12.5M" for a column: one amount per currency when they differ; written out in full
    (``compact=False``) by ``formatter`` (the board's own, else one for the system locale)."""
    if attr is None:
        return ""
    parts = []
    for code, total in sorted(totals.items()):
        if attr.type is AttributeType.CURRENCY:
            if compact:
                parts.append(money_text(compact_number(abs(total)), code or None, negative=total < 0))
            else:
                parts.append((formatter or ValueFormatter()).money(total, code or None))
        else:
            parts.append(compact_number(total) if compact else f"{total:,}")
    return "Σ " + (" + ".join(parts) if parts else "0")


def default_card_fields(source: BoardSource, group_slug: str | None) -> list[str]:
    title = source.title_attribute()
    skip = {group_slug, title.slug if title else None}
    picked = [a.slug for a in source.attributes() if a.slug not in skip and a.type is not AttributeType.INTERACTION]
    return picked[:3]


class BoardView(QWidget):
    def __init__(self, context: AppContext, source: BoardSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.source = source
        self.model = BoardModel(source, self)
        self.model.undo_stack = context.undo_stack
        self.delegate = CardDelegate(self)
        self.column_widgets: list[BoardColumnWidget] = []
        #: One hint for every column's cards: said when focus first comes to the board.
        self.status_hint = StatusHint(BOARD_HINT, self)
        self._settings_key = f"board/{source.kind}-{source.key}"
        self._restore_settings()

        self.group_combo = QComboBox()
        self.group_combo.setAccessibleName("Group by")
        self.sum_combo = QComboBox()
        self.sum_combo.setAccessibleName("Sum of")
        self.fields_button = QToolButton()
        self.fields_button.setText("Card fields")
        self.fields_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.fields_menu = QMenu(self.fields_button)
        self.fields_button.setMenu(self.fields_menu)
        self.hide_empty = QCheckBox("Hide empty columns")
        self.hide_empty.setChecked(self._setting("hide_empty", "false") == "true")
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setObjectName("error")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        self._fill_toolbar()
        self.group_combo.currentIndexChanged.connect(self._group_chosen)
        self.sum_combo.currentIndexChanged.connect(self._sum_chosen)
        self.hide_empty.toggled.connect(self._hide_empty_toggled)

        toolbar = QHBoxLayout()
        toolbar.addWidget(QLabel("Group by"))
        toolbar.addWidget(self.group_combo)
        toolbar.addSpacing(12)
        toolbar.addWidget(QLabel("Sum"))
        toolbar.addWidget(self.sum_combo)
        toolbar.addSpacing(12)
        toolbar.addWidget(self.fields_button)
        toolbar.addWidget(self.hide_empty)
        toolbar.addStretch(1)
        toolbar.addWidget(self.count_label)
        self.strip = QWidget()
        self.strip_layout = QHBoxLayout(self.strip)
        self.strip_layout.setContentsMargins(0, 0, 0, 0)
        self.strip_layout.setSpacing(10)
        self.strip_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.strip)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        toolbar.setContentsMargins(8, 6, 8, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(toolbar)
        layout.addWidget(self.message_label)
        layout.addWidget(self.scroll, 1)

        self.model.columns_rebuilt.connect(self._rebuild_columns)
        self.model.column_changed.connect(self._column_changed)
        self.model.edited.connect(self._edited)
        self.model.edit_refused.connect(self.show_message)
        self.model.reload()
        self.model.refresh_marks()

    # -- settings (per board, in QSettings; never user data) ------------------------------------

    def _setting(self, name: str, default: str | None = None) -> str | None:
        settings = self.context.settings
        if settings is None:
            return default
        value = settings.value(f"{self._settings_key}/{name}", default)
        return None if value is None else str(value)

    def _save_setting(self, name: str, value: str) -> None:
        if self.context.settings is not None:
            self.context.settings.setValue(f"{self._settings_key}/{name}", value)

    def _restore_settings(self) -> None:
        groups = {a.slug for a in group_attributes(self.source)}
        saved_group = self._setting("group")
        if saved_group in groups:
            self.model.group_slug = saved_group
        sums = [a.slug for a in sum_attributes(self.source)]
        saved_sum = self._setting("sum")
        if saved_sum is not None:
            self.model.sum_slug = saved_sum if saved_sum in sums else None
        else:
            currency = [a.slug for a in sum_attributes(self.source) if a.type is AttributeType.CURRENCY]
            self.model.sum_slug = (currency or [None])[0]
        saved_fields = self._setting("fields")
        fields = saved_fields.split(",") if saved_fields else default_card_fields(self.source, self.model.group_slug)
        self.model.card_slugs = [s for s in fields if self.source.attribute(s) is not None][:MAX_CARD_FIELDS]
        self.delegate.set_field_lines(len(self.model.card_slugs))

    # -- toolbar ------------------------------------------------------------------------------

    def _fill_toolbar(self) -> None:
        for combo in (self.group_combo, self.sum_combo):
            combo.blockSignals(True)
            combo.clear()
        for attr in group_attributes(self.source):
            self.group_combo.addItem(attr.title, attr.slug)
        self.group_combo.setCurrentIndex(max(0, self.group_combo.findData(self.model.group_slug)))
        self.sum_combo.addItem("Nothing", None)
        for attr in sum_attributes(self.source):
            self.sum_combo.addItem(attr.title, attr.slug)
        self.sum_combo.setCurrentIndex(max(0, self.sum_combo.findData(self.model.sum_slug)))
        for combo in (self.group_combo, self.sum_combo):
            combo.blockSignals(False)
        self.fields_menu.clear()
        title = self.source.title_attribute()
        for attr in self.source.attributes():
            if title is not None and attr.slug == title.slug:
                continue
            action = QAction(action_text(attr.title), self.fields_menu)
            action.setCheckable(True)
            action.setChecked(attr.slug in self.model.card_slugs)
            action.setData(attr.slug)
            action.toggled.connect(self._fields_toggled)
            self.fields_menu.addAction(action)
        self._limit_field_actions()

    def _limit_field_actions(self) -> None:
        full = len(self.model.card_slugs) >= MAX_CARD_FIELDS
        for action in self.fields_menu.actions():
            action.setEnabled(action.isChecked() or not full)

    def _group_chosen(self, _index: int) -> None:
        slug = self.group_combo.currentData()
        self._save_setting("group", slug or "")
        self.model.set_group(slug)

    def _sum_chosen(self, _index: int) -> None:
        slug = self.sum_combo.currentData()
        self._save_setting("sum", slug or "")
        self.model.set_sum(slug)

    def _fields_toggled(self, _checked: bool) -> None:
        slugs = [a.data() for a in self.fields_menu.actions() if a.isChecked()]
        self.set_card_fields(slugs)

    def set_card_fields(self, slugs: list[str]) -> None:
        self.model.set_card_fields(slugs)
        self.delegate.set_field_lines(len(self.model.card_slugs))
        self._save_setting("fields", ",".join(self.model.card_slugs))
        self._limit_field_actions()
        for widget in self.column_widgets:
            widget.cards.doItemsLayout()  # the card height changed

    def _hide_empty_toggled(self, checked: bool) -> None:
        self._save_setting("hide_empty", "true" if checked else "false")
        self._update_visibility()

    # -- columns ------------------------------------------------------------------------------

    def _rebuild_columns(self) -> None:
        for widget in self.column_widgets:
            self.strip_layout.removeWidget(widget)
            widget.deleteLater()
        self.column_widgets = []
        for index, column in enumerate(self.model.columns):
            widget = BoardColumnWidget(column, self.delegate, self.strip)
            widget.add_requested.connect(self.add_card_interactively)
            widget.cards.move_requested.connect(self.move_by_keys)
            widget.cards.open_requested.connect(self.open_record)
            widget.cards.doubleClicked.connect(self._open_index)
            self.status_hint.watch(widget.cards)
            self.strip_layout.insertWidget(index, widget)
            self.column_widgets.append(widget)
        for index in range(len(self.column_widgets)):
            self._column_changed(index)
        if not self.model.columns:
            self.show_message(f"{self.source.name} has no status or select attribute to group by.")

    def _column_changed(self, index: int) -> None:
        if 0 <= index < len(self.column_widgets):
            widget = self.column_widgets[index]
            totals = self.model.columns[index].totals
            attr = self.model.sum_attribute
            widget.refresh(format_totals(attr, totals))
            if attr is not None:
                full = format_totals(attr, totals, compact=False, formatter=self.model.formatter)
                widget.sum_label.setToolTip(plain_tooltip(f"{attr.title}: {full}"))
        self._update_visibility()

    def _update_visibility(self) -> None:
        hide = self.hide_empty.isChecked()
        for widget in self.column_widgets:
            widget.setVisible(not hide or widget.column.count > 0)
        total = sum(c.count for c in self.model.columns)
        self.count_label.setText(f"{total:,} {self.source.noun if total == 1 else 'cards'}")

    def focus_target(self) -> QWidget | None:
        """Where focus goes when the view is navigated to: the first shown column's cards."""
        shown = [w for w in self.column_widgets if not w.isHidden()]
        return shown[0].cards if shown else None

    def visible_columns(self) -> list[str]:
        return [w.column.title for w in self.column_widgets if not w.isHidden()]

    # -- actions --------------------------------------------------------------------------------

    def move_by_keys(self, card_id: str, dx: int, dy: int) -> None:
        where = self.model.locate(card_id)
        if where is None:
            return
        column, row = where
        shown = [i for i, w in enumerate(self.column_widgets) if not w.isHidden() or i == column]
        position = shown.index(column) + dx
        if not 0 <= position < len(shown):
            return
        target = shown[position]
        count = self.model.columns[target].count
        if dx:
            new_row = min(row, count)
        elif dy < 0:
            if row == 0:
                return
            new_row = row - 1
        else:
            if row >= count - 1:
                return
            new_row = row + 2  # a slot past the next card: the card's own slot closes above it
        if not self.model.move_card(card_id, self.model.columns[target].key, new_row):
            return
        landed = self.model.locate(card_id)
        if landed is not None:
            self.column_widgets[landed[0]].select_row(landed[1])

    def _open_index(self, index: QModelIndex) -> None:
        self.open_record(index.data(RecordIdRole))

    def open_record(self, record_id: str | None) -> None:
        if record_id and self.context.navigator is not None:
            self.context.navigator.go(f"record:{record_id}")

    def add_card_interactively(self, key: str | None) -> None:
        if isinstance(self.source, EntrySource):
            from crmdesk.ui.widgets.record_picker import RecordPicker

            picker = RecordPicker(self.source.store, self.source.list_def, self)
            if picker.exec():
                self.add_entries(picker.chosen_ids(), key)
            return
        # The quick create form, with the column's value filled in (a deal made in "Proposal").
        preset = {self.model.group_slug: key} if self.model.group_slug and key else None
        record_id = quick_create(self.context, self.source.key, self, preset)
        if record_id is not None:
            self.model.insert_new(record_id, key)
            self.model.refresh_marks()

    def add_entries(self, record_ids: list[str], key: str | None) -> list[str]:
        assert isinstance(self.source, EntrySource)
        slug = self.model.group_slug
        values = {slug: key} if slug and key and self.source.is_list_attribute(slug) else {}
        added = []
        for record_id in record_ids:
            try:
                mutation = self.source.add(record_id, values)
            except (ValidationError, NotFound, StoreError) as error:
                self.show_message(str(error))
                break
            added.append(mutation.target_id)
            self.model.insert_new(mutation.target_id, key)
            self._edited(mutation)
        return added

    def set_filter(self, group: FilterGroup | None) -> bool:
        try:
            self.model.set_filter(group)
        except InvalidFilter as error:
            self.show_message(str(error))
            return False
        self.message_label.hide()
        return True

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _edited(self, _mutation: object) -> None:
        self.message_label.hide()
        self.model.refresh_marks()
        if self.context.sync is not None:
            self.context.sync.local_edit()

    # -- after a sync -----------------------------------------------------------------------------

    def on_changed(self, changes: ChangeSet) -> None:
        if changes.id_changes:
            self.model.ids_renamed(changes.id_changes)
        if changes.schema or changes.full_reset:
            try:
                self.source.reload_schema()
            except NotFound:
                return  # the object or list is gone; the main window replaces this view
            self._fill_toolbar()
            self._reload_keeping_scroll()
            self.model.refresh_marks()
            return
        parent = getattr(self.source, "list_def", None)
        touched = (
            self.source.key in changes.objects
            or self.source.key in changes.lists
            or (parent is not None and parent.parent_object in changes.objects)
            or bool(changes.id_changes)
        )
        if touched:
            # A list's entries are not named by id: any of them may have changed.
            self._refresh_in_place(None if self.source.key in changes.lists else listed_ids(changes))
        if marks_may_have_moved(changes):
            self.model.refresh_marks()

    def _reload_keeping_scroll(self) -> None:
        """After a schema change: columns may be others now; each keeps its scroll by position."""
        positions = [w.cards.verticalScrollBar().value() for w in self.column_widgets]
        self.model.reload()
        for widget, value in zip(self.column_widgets, positions, strict=False):
            widget.cards.verticalScrollBar().setValue(value)

    def _selected_card(self) -> tuple[str | None, int, bool]:
        """The selected card's id (None: none), its column, and whether that column has focus."""
        for index, widget in enumerate(self.column_widgets):
            selected = widget.cards.selectionModel().selectedIndexes()
            if selected:
                return selected[0].data(CardIdRole), index, widget.cards.hasFocus()
        return None, -1, False

    def _refresh_in_place(self, changed_ids: set[str] | None) -> None:
        card_id, column, focused = self._selected_card()
        with ExitStack() as anchors:
            for widget in self.column_widgets:
                anchors.enter_context(keeping_top(widget.cards))
            positions = [w.cards.verticalScrollBar().value() for w in self.column_widgets]
            if not self.model.refresh(changed_ids):
                # The columns changed and were built again: keep what can be kept, by position.
                for widget, value in zip(self.column_widgets, positions, strict=False):
                    widget.cards.verticalScrollBar().setValue(value)
                return
        if card_id is not None:
            self._reselect(card_id, column, focused)

    def _reselect(self, card_id: str, column: int, focused: bool) -> None:
        """The card selected before a refresh, selected again where it is now when it moved to
        another column, without scrolling that column."""
        where = self.model.locate(card_id)
        if where is None or where[0] == column:
            return  # gone from the board, or still in its column (Qt kept its selection)
        if 0 <= column < len(self.column_widgets):
            # Qt made a neighbour current in the column the card left: nothing is current there now.
            self.column_widgets[column].cards.selectionModel().clear()
        cards = self.column_widgets[where[0]].cards
        target = self.model.columns[where[0]].model.index(where[1])
        cards.setAutoScroll(False)  # a current-index change would scroll to it
        cards.selectionModel().setCurrentIndex(target, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        cards.setAutoScroll(True)
        if focused:
            cards.setFocus()
