"""A lazy table of a list's entries: the record's title, chosen parent attributes, list attributes.

Shaped like RecordTableModel: only the ordered entry rowids are held; rows are
fetched in blocks for what is painted. Every cell is editable: the title and
parent attributes edit the record, list attributes edit the entry; a refused
value is reported and never reaches the store. Change notices update the rows in
place (``refresh``); only a schema change resets the model. Cells and rows whose
changes the server does not have yet carry a mark (``MarkRole``, ``refresh_marks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal

from crmdesk.model import AttributeDef, FilterGroup, Sort, ValidationError
from crmdesk.model.values import edit_text, parse_user_text
from crmdesk.store import NotFound, Store, StoreError
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.store.unsynced import Mark, UnsyncedMarks, unsynced_marks
from crmdesk.ui.formatting import ValueFormatter
from crmdesk.ui.models.board_source import Card, EntrySource
from crmdesk.ui.models.lazy_rows import Index, LazyRowsModel
from crmdesk.ui.models.marks import MarkRole
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.unsynced_glyph import with_mark

EntryIdRole = Qt.ItemDataRole.UserRole + 1
RecordIdRole = Qt.ItemDataRole.UserRole + 2
AttributeRole = Qt.ItemDataRole.UserRole + 3


class EntryTableModel(LazyRowsModel):
    edit_refused = Signal(str)
    edited = Signal(object)  # Mutation

    def __init__(self, store: Store, list_id: str) -> None:
        super().__init__()
        self.store = store
        self.source = EntrySource(store, list_id)
        self.context = StoreDisplayContext(store)
        self.formatter = ValueFormatter()  # entries read as the record table does
        self.filter: FilterGroup | None = None
        self.sorts: list[Sort] = []
        self._rows: dict[int, Card] = {}
        self._columns = self._default_columns()
        self._marks = UnsyncedMarks()
        self.reload()
        self.refresh_marks()

    def _default_columns(self) -> list[AttributeDef]:
        title = self.source.title_attribute()
        parents = [a for a in self.source.parent_attributes() if title is None or a.slug != title.slug]
        return ([title] if title else []) + self.source.list_attributes() + parents[:3]

    def set_columns(self, slugs: Sequence[str]) -> None:
        self.beginResetModel()
        chosen = [a for a in (self.source.attribute(s) for s in slugs) if a is not None]
        self._columns = chosen or self._default_columns()
        self._rows.clear()
        self.endResetModel()

    def set_filter(self, group: FilterGroup | None) -> None:
        ids = self.source.query(group, self.sorts)
        self.filter = group
        self._replace_ids(ids)

    def set_sorts(self, sorts: Sequence[Sort]) -> None:
        ids = self.source.query(self.filter, sorts)
        self.sorts = list(sorts)
        self._replace_ids(ids)

    def reload(self, *, schema_changed: bool = False) -> None:
        """Re-run the query: a reset after a schema change, rows updated in place otherwise."""
        if not schema_changed:
            self.refresh(None)
            return
        self.source.reload_schema()
        slugs = [c.slug for c in self._columns]
        self._columns = [a for a in (self.source.attribute(s) for s in slugs) if a] or self._default_columns()
        self.context.forget()
        self._replace_ids(self.source.query(self.filter, self.sorts))

    def refresh(self, changed_ids: set[str] | None) -> None:
        """After a change notice: rows leave, move and arrive in place; rows showing
        ``changed_ids`` (entry or record ids; None: any) repaint."""
        self.context.forget()
        self._update_ids(self.source.query(self.filter, self.sorts))
        self._refresh_cached(changed_ids)

    def _row_ids(self, row: Card) -> Iterable[str]:
        return (row.id, row.record_id)

    # -- unsynced marks --------------------------------------------------------------------------

    def refresh_marks(self) -> None:
        """Which entries (and their records) have changes the server lacks: one query."""
        scopes = (self.source.key, self.source.list_def.parent_object)
        marks = unsynced_marks(self.store, scopes=scopes)
        if marks == self._marks:
            return
        self._marks = marks
        if self._ids:
            last = len(self._ids) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(last, len(self._columns) - 1),
                                  [int(MarkRole), int(Qt.ItemDataRole.ToolTipRole)])
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, last)

    def _mark(self, card: Card, attr: AttributeDef) -> Mark | None:
        # A list attribute is the entry's; the others are its record's.
        owner = card.id if self.source.is_list_attribute(attr.slug) else card.record_id
        return self._marks.field(owner, attr.slug)

    def mark_at(self, row: int, column: int) -> Mark | None:
        if not self._marks or not 0 <= column < len(self._columns):
            return None
        card = self.entry_at(row)
        return self._mark(card, self._columns[column]) if card is not None else None

    def row_mark(self, row: int) -> Mark | None:
        if not self._marks:
            return None
        card = self.entry_at(row)
        return self._marks.worst(card.record_id, card.id) if card is not None else None

    def entry_at(self, row: int) -> Card | None:
        card: Card | None = self._row_at(row)
        return card

    def _fetch_block(self, row: int) -> None:
        if len(self._rows) > 5_000:
            self._rows.clear()
        for card in self.source.cards(self._uncached_block(row)):
            self._rows[card.rowid] = card

    def row_of(self, entry_id: str) -> int | None:
        rowid = self.source.rowid_of(entry_id)
        return None if rowid is None else self.position_of(rowid)

    # -- Qt model API -------------------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical and role in (Qt.ItemDataRole.ToolTipRole, MarkRole):
            # The vertical header is a narrow gutter showing the row's mark.
            mark = self.row_mark(section)
            if mark is None:
                return None
            return plain_tooltip(with_mark("", mark)) if role == Qt.ItemDataRole.ToolTipRole else mark.state
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        attr = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return attr.title
        if role == Qt.ItemDataRole.ToolTipRole:
            where = "list attribute" if self.source.is_list_attribute(attr.slug) else "record attribute"
            return plain_tooltip(f"{attr.title} ({where})")
        if role == AttributeRole:
            return attr
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        card = self.entry_at(index.row())
        if card is None:
            return None
        attr = self._columns[index.column()]
        value = card.values.get(attr.slug)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.formatter.display(attr, value, self.context)
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(attr, value, self.context)
        if role == Qt.ItemDataRole.ToolTipRole:
            mark = self._mark(card, attr) if self._marks else None
            return plain_tooltip(with_mark(self.formatter.display(attr, value, self.context), mark))
        if role == MarkRole:
            mark = self._mark(card, attr) if self._marks else None
            return mark.state if mark is not None else None
        if role == EntryIdRole:
            return card.id
        if role == RecordIdRole:
            return card.record_id
        if role == AttributeRole:
            return attr
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        card = self.entry_at(index.row())
        if card is None:
            return False
        attr = self._columns[index.column()]
        try:
            parsed = parse_user_text(attr, value, card.values.get(attr.slug))
            mutation = self.source.set_value(card.id, attr.slug, parsed)
        except (ValidationError, NotFound, StoreError) as error:
            self.edit_refused.emit(str(error))
            return False
        self._rows.pop(card.rowid, None)
        self.context.forget()
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
        self.refresh_marks()
        if mutation is not None:
            self.edited.emit(mutation)
        return True
