"""A kanban board over a store: one lazy list model per column.

The board asks the store for the ordered rowids of each column (one query per
option, with the user's filter) and the columns' sums (one grouped query over the
value index, ``crmdesk.store.board_totals``) and nothing else; a column's cards are
fetched in blocks when its view paints them. Moving a card is one store edit (one outbox
row) and a row moved between two column models, so the move shows at once
without reloading the board.

After a change notice (``refresh``) each column's rowids are updated in place, with
Qt's row signals (``id_diff``): a card whose group value changed leaves one column and
arrives in another, new cards arrive, removed ones go, and the views keep their
selection and scroll. Columns are rebuilt only when the columns themselves change.
Cards with changes the server does not have yet carry a mark (``refresh_marks``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from crmdesk.model import AttributeDef, Condition, FilterGroup, Operator, Sort, ValidationError
from crmdesk.store import NotFound, StoreError
from crmdesk.store.board_totals import ColumnTotals
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.store.unsynced import Mark, UnsyncedMarks, unsynced_marks
from crmdesk.ui.formatting import ValueFormatter
from crmdesk.ui.models.board_source import BoardSource, Card, group_attributes, numeric_amount
from crmdesk.ui.models.id_diff import update_rows
from crmdesk.ui.models.marks import MarkRole
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.unsynced_glyph import with_mark

BLOCK = 60
MAX_CACHED_CARDS = 2_000
MAX_CARD_FIELDS = 4
CARD_MIME = "application/x-crmdesk-card"
#: Colors for columns of options the cache does not know the colors of.
STRAY_COLORS = ("#0ea5e9", "#f59e0b", "#10b981", "#e11d48", "#8b5cf6", "#64748b")

CardRole = Qt.ItemDataRole.UserRole + 1
CardIdRole = Qt.ItemDataRole.UserRole + 2
RecordIdRole = Qt.ItemDataRole.UserRole + 3
#: Changed records past which totals are summed again rather than looked up one by one.
LOOKED_UP_CHANGES = 500

Index = QModelIndex | QPersistentModelIndex


@dataclass(slots=True)
class CardField:
    label: str
    text: str
    color: str | None = None  # an option's color, for select/status values


@dataclass(slots=True)
class CardView:
    """What the delegate paints: plain strings only."""

    id: str
    record_id: str
    title: str
    fields: list[CardField] = field(default_factory=list)


class ColumnModel(QAbstractListModel):
    """The cards of one column: rowids in order, cards fetched for what is painted."""

    def __init__(self, board: BoardModel, key: str | None) -> None:
        super().__init__(board)
        self.board = board
        self.key = key
        self._ids: list[int] = []
        self._cards: dict[int, CardView] = {}
        #: rowid → row, built when first needed after the ids last changed.
        self._positions: dict[int, int] | None = None

    # -- contents -------------------------------------------------------------------------

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._positions = None
        self._cards.clear()
        self.endResetModel()

    def update_ids(self, ids: list[int]) -> bool:
        """The column's new rowids, told as cards leaving, moving and arriving (no reset)."""
        if not update_rows(self, self._ids, ids):
            return False
        self._positions = None
        return True

    @property
    def ids(self) -> list[int]:
        return self._ids

    def row_of_rowid(self, rowid: int) -> int | None:
        if self._positions is None:
            self._positions = dict(zip(self._ids, range(len(self._ids)), strict=True))
        return self._positions.get(rowid)

    def holds_any(self, rowids: set[int]) -> bool:
        return any(self.row_of_rowid(rowid) is not None for rowid in rowids)

    def take(self, row: int) -> int:
        self.beginRemoveRows(QModelIndex(), row, row)
        rowid = self._ids.pop(row)
        self._positions = None
        self._cards.pop(rowid, None)
        self.endRemoveRows()
        return rowid

    def put(self, rowid: int, row: int) -> int:
        row = max(0, min(row, len(self._ids)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._ids.insert(row, rowid)
        self._positions = None
        self.endInsertRows()
        return row

    def refresh_cards(self, changed_ids: set[str] | None) -> None:
        """Cards showing ``changed_ids`` (record or entry ids; None: every card) are read again
        when next painted; their rows repaint now."""
        if changed_ids is None:
            self.forget()
            return
        stale = [rowid for rowid, card in self._cards.items()
                 if card.id in changed_ids or card.record_id in changed_ids]
        for rowid in stale:
            del self._cards[rowid]
        for rowid in stale:
            row = self.row_of_rowid(rowid)
            if row is not None:
                self.dataChanged.emit(self.index(row), self.index(row))

    def repaint_all(self, roles: Sequence[int] = ()) -> None:
        if self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1), list(roles))

    def forget(self, rowids: set[int] | None = None) -> None:
        """Cached cards are stale (a sync or a settings change): repaint from the store."""
        if rowids is None:
            self._cards.clear()
        else:
            for rowid in rowids:
                self._cards.pop(rowid, None)
        if self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1))

    def card_at(self, row: int) -> CardView | None:
        if not 0 <= row < len(self._ids):
            return None
        rowid = self._ids[row]
        cached = self._cards.get(rowid)
        if cached is None:
            self._fetch(row)
            cached = self._cards.get(rowid)
        return cached

    def _fetch(self, row: int) -> None:
        if len(self._cards) > MAX_CACHED_CARDS:
            self._cards.clear()
        start = max(0, row - BLOCK // 4)
        wanted = [r for r in self._ids[start : start + BLOCK] if r not in self._cards]
        for card in self.board.load_cards(wanted):
            self._cards[card.rowid] = self.board.card_view(card)

    # -- Qt model API -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        card = self.card_at(index.row())
        if card is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return card.title
        if role == Qt.ItemDataRole.ToolTipRole:
            text = "\n".join([card.title, *(f"{f.label}: {f.text}" for f in card.fields)])
            return plain_tooltip(with_mark(text, self.board.card_mark(card)))
        if role == MarkRole:
            mark = self.board.card_mark(card)
            return mark.state if mark is not None else None
        if role == CardRole:
            return card
        if role == CardIdRole:
            return card.id
        if role == RecordIdRole:
            return card.record_id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            # Drops land between cards (on the column), never onto a card.
            return Qt.ItemFlag.ItemIsDropEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [CARD_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        ids = [self.data(i, CardIdRole) for i in indexes if i.isValid()]
        mime.setData(CARD_MIME, json.dumps({"board": id(self.board), "ids": ids}).encode())
        return mime

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        return data.hasFormat(CARD_MIME) and not parent.isValid()

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        payload = json.loads(bytes(data.data(CARD_MIME).data()).decode())
        if payload.get("board") != id(self.board):
            return False  # a card from another board (another window) is not ours to move
        target = row if row >= 0 else len(self._ids)
        for offset, card_id in enumerate(payload.get("ids", [])):
            self.board.move_card(card_id, self.key, target + offset)
        return True

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        # Qt removes a dragged row from its source after a move; the board already moved it.
        return False


@dataclass(slots=True)
class BoardColumn:
    key: str | None  # option id; None for "No value"
    title: str
    color: str | None
    model: ColumnModel
    totals: dict[str, float] = field(default_factory=dict)  # currency code ("" for plain numbers) → sum

    @property
    def count(self) -> int:
        return self.model.rowCount()


class BoardModel(QObject):
    """Columns, their counts and sums, and the one edit a board makes: a card's group value."""

    columns_rebuilt = Signal()
    #: A column's count or sum changed (its index).
    column_changed = Signal(int)
    edited = Signal(object)  # Mutation
    edit_refused = Signal(str)

    def __init__(self, source: BoardSource, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.display = StoreDisplayContext(source.store)  # type: ignore[attr-defined]
        self.formatter = ValueFormatter()  # cards read as the table and the record page do
        self.filter: FilterGroup | None = None
        self.sorts: list[Sort] = []
        groups = group_attributes(source)
        # Deals group by stage; a list by its own status first (its parent's come after it).
        preferred = next((a for a in groups if a.slug == "stage" and source.kind == "object"),
                         groups[0] if groups else None)
        self.group_slug: str | None = preferred.slug if preferred else None
        self.sum_slug: str | None = None
        self.card_slugs: list[str] = []
        self.columns: list[BoardColumn] = []
        #: local id → server id, so an undo after a sync still names the card.
        self._renamed: dict[str, str] = {}
        #: Set by the view: where moves are recorded for undo (None: moves are not undoable).
        self.undo_stack: Any = None
        self.marks = UnsyncedMarks()

    # -- configuration ---------------------------------------------------------------------

    @property
    def group_attribute(self) -> AttributeDef | None:
        return self.source.attribute(self.group_slug) if self.group_slug else None

    @property
    def sum_attribute(self) -> AttributeDef | None:
        return self.source.attribute(self.sum_slug) if self.sum_slug else None

    def set_group(self, slug: str | None) -> None:
        self.group_slug = slug
        self.reload()

    def set_sum(self, slug: str | None) -> None:
        self.sum_slug = slug
        totals = self._column_totals()
        for index, column in enumerate(self.columns):
            column.totals = totals.get(column.key, {})
            self.column_changed.emit(index)

    def set_card_fields(self, slugs: Sequence[str]) -> None:
        self.card_slugs = [s for s in slugs if self.source.attribute(s) is not None][:MAX_CARD_FIELDS]
        for column in self.columns:
            column.model.forget()

    def set_filter(self, group: FilterGroup | None) -> None:
        """Show only cards that pass ``group``; raises ``InvalidFilter`` (keeping the old one)."""
        previous = self.filter
        self.filter = group
        try:
            self.reload()
        except Exception:
            self.filter = previous
            raise

    # -- loading -----------------------------------------------------------------------------

    def _with_filter(self, *conditions: Condition) -> FilterGroup:
        children: tuple[Condition | FilterGroup, ...] = conditions
        if self.filter is not None:
            children = (self.filter, *children)
        return FilterGroup("and", children)

    def reload(self) -> None:
        """Query every column again; column models are kept (and reset) when the keys match."""
        attr = self.group_attribute
        self.display.forget()
        if attr is None:
            self.columns = []
            self.columns_rebuilt.emit()
            return
        self._set_columns(*self._query_columns(attr))

    def refresh(self, changed_ids: set[str] | None) -> bool:
        """After a change notice: each column's cards leave, move and arrive in place, and the
        cards of ``changed_ids`` (None: any card) repaint. False when the columns themselves
        changed (an option appeared, say) and were rebuilt instead."""
        attr = self.group_attribute
        self.display.forget()
        if attr is None:
            return True
        wanted, ids = self._query_columns(attr)
        if [c.key for c in self.columns] != [key for key, _, _ in wanted]:
            self._set_columns(wanted, ids)
            return False
        changed_rowids = self._changed_rowids(changed_ids)
        stale: list[BoardColumn] = []
        for column, (key, title, color) in zip(self.columns, wanted, strict=True):
            column.title, column.color = title, color
            moved = column.model.update_ids(ids[key])
            column.model.refresh_cards(changed_ids)
            if moved or changed_rowids is None or column.model.holds_any(changed_rowids):
                stale.append(column)
        # One grouped query for every column whose cards or values may have changed.
        totals = self._column_totals() if stale else {}
        for column in stale:
            column.totals = totals.get(column.key, {})
        for index in range(len(self.columns)):
            self.column_changed.emit(index)
        return True

    def _changed_rowids(self, changed_ids: set[str] | None) -> set[int] | None:
        """The rowids of the changed cards, when they are few enough to look up (records only:
        an entry shows its record's values, so a record's change reaches entries by record id)."""
        if changed_ids is None or self.source.kind != "object" or len(changed_ids) > LOOKED_UP_CHANGES:
            return None
        where = self.source.store.records.where_are(changed_ids)  # type: ignore[attr-defined]
        return {rowid for slug, rowid in where.values() if slug == self.source.key}

    def _query_columns(
        self, attr: AttributeDef
    ) -> tuple[list[tuple[str | None, str, str | None]], dict[str | None, list[int]]]:
        wanted: list[tuple[str | None, str, str | None]] = [
            (o.id, o.title, o.color) for o in sorted(attr.options, key=lambda o: o.order)
        ]
        ids: dict[str | None, list[int]] = {
            key: self.source.query(self._with_filter(Condition(attr.slug, Operator.EQUALS, key)), self.sorts)
            for key, _, _ in wanted
        }
        for key, rowids in self._strays(attr).items():
            # A value naming an option this cache does not know (the server has not sent the
            # attribute's options): its own column, so no card is lost and moves still work.
            wanted.append((key, f"{attr.title} …{key[-6:]}", STRAY_COLORS[len(wanted) % len(STRAY_COLORS)]))
            ids[key] = rowids
        wanted.append((None, "No value", None))
        ids[None] = self.source.query(self._with_filter(Condition(attr.slug, Operator.IS_EMPTY)), self.sorts)
        return wanted, ids

    # -- unsynced marks -------------------------------------------------------------------------

    def refresh_marks(self) -> None:
        """Read which cards have changes the server lacks (one query); repaint when any moved."""
        scopes = [self.source.key]
        parent = getattr(self.source, "list_def", None)
        if parent is not None:
            scopes.append(parent.parent_object)  # an entry shows its record's values too
        marks = unsynced_marks(self.source.store, scopes=scopes)  # type: ignore[attr-defined]
        if marks == self.marks:
            return
        self.marks = marks
        for column in self.columns:
            column.model.repaint_all((int(MarkRole), int(Qt.ItemDataRole.ToolTipRole)))

    def card_mark(self, card: CardView) -> Mark | None:
        if not self.marks:
            return None
        # A list's card is an entry: its own fields' marks and its record's.
        return self.marks.worst(card.record_id, card.id)

    def _strays(self, attr: AttributeDef) -> dict[str, list[int]]:
        known = [o.id for o in attr.options]
        if not self.source.may_hold_other(attr.slug, known):
            return {}
        conditions = [Condition(attr.slug, Operator.IS_NOT_EMPTY)]
        if known:
            conditions.append(Condition(attr.slug, Operator.NOT_IN, known))
        rowids = self.source.query(self._with_filter(*conditions), self.sorts)
        found: dict[str, list[int]] = {}
        for start in range(0, len(rowids), 2_000):
            for card in self.source.cards(rowids[start : start + 2_000]):
                value = card.values.get(attr.slug)
                if isinstance(value, str):
                    found.setdefault(value, []).append(card.rowid)
        return dict(sorted(found.items()))  # a stable column order from one reload to the next

    def _set_columns(self, wanted: list[tuple[str | None, str, str | None]], ids: dict[str | None, list[int]]) -> None:
        same_keys = [c.key for c in self.columns] == [key for key, _, _ in wanted]
        totals = self._column_totals()
        if same_keys:
            for column, (key, title, color) in zip(self.columns, wanted, strict=True):
                column.title, column.color = title, color
                column.model.set_ids(ids[key])
                column.totals = totals.get(key, {})
            for index in range(len(self.columns)):
                self.column_changed.emit(index)
            return
        for column in self.columns:
            column.model.deleteLater()
        self.columns = []
        for key, title, color in wanted:
            model = ColumnModel(self, key)
            model.set_ids(ids[key])
            self.columns.append(BoardColumn(key, title, color, model, totals.get(key, {})))
        self.columns_rebuilt.emit()

    def load_cards(self, rowids: Sequence[int]) -> list[Card]:
        return self.source.cards(rowids)

    def card_view(self, card: Card) -> CardView:
        fields = []
        for slug in self.card_slugs:
            attr = self.source.attribute(slug)
            value = card.values.get(slug)
            if attr is None or value is None:
                continue
            color = None
            if attr.has_options and not isinstance(value, list):
                option = attr.option_by_id(value)
                color = option.color if option else None
            fields.append(CardField(attr.title, self.formatter.display(attr, value, self.display), color))
        return CardView(card.id, card.record_id, card.title or "(untitled)", fields)

    def _column_totals(self) -> ColumnTotals:
        """Every column's sums by its key, from one grouped query over the value index (reading
        each card to add them decoded the whole object: 40 s of a 1,000,000-deal board's open)."""
        if self.group_slug is None or self.sum_attribute is None:
            return {}
        return self.source.column_totals(self.group_slug, self.sum_attribute.slug, self.filter)

    def column_of_key(self, key: str | None) -> int | None:
        for index, column in enumerate(self.columns):
            if column.key == key:
                return index
        return None

    def locate(self, card_id: str) -> tuple[int, int] | None:
        """(column, row) of a card on the board, or None when it is not shown."""
        rowid = self.source.rowid_of(self.resolve(card_id))
        if rowid is None:
            return None
        for index, column in enumerate(self.columns):
            row = column.model.row_of_rowid(rowid)
            if row is not None:
                return index, row
        return None

    # -- edits --------------------------------------------------------------------------------

    def resolve(self, card_id: str) -> str:
        return self._renamed.get(card_id, card_id)

    def ids_renamed(self, changes: dict[str, str]) -> None:
        self._renamed.update(changes)

    def move_card(self, card_id: str, to_key: str | None, row: int) -> bool:
        """The user moved a card: one edit, shown at once, recorded for undo."""
        where = self.locate(card_id)
        if where is None or self.group_slug is None:
            return False
        from_key = self.columns[where[0]].key
        if not self.apply_move(card_id, to_key, row):
            return False
        if self.undo_stack is not None and from_key != to_key:
            from crmdesk.ui.board_undo import MoveCardCommand

            title = self.columns[self.column_of_key(to_key) or 0].title
            self.undo_stack.push(MoveCardCommand(self, card_id, self.group_slug, from_key, where[1], to_key, row,
                                                 f"Move card to {title}"))
        return True

    def apply_move(self, card_id: str, to_key: str | None, row: int, slug: str | None = None) -> bool:
        """Set the card's group value to ``to_key`` and show it at ``row`` of that column."""
        slug = slug or self.group_slug
        card_id = self.resolve(card_id)
        if slug is None:
            return False
        try:
            mutation = self.source.set_value(card_id, slug, to_key)
        except (ValidationError, NotFound, StoreError) as error:
            self.edit_refused.emit(str(error))
            return False
        if slug != self.group_slug:
            self.reload()  # an undo from another grouping: the columns are something else now
        else:
            self._show_move(card_id, to_key, row)
        if mutation is not None:
            self.edited.emit(mutation)
        return True

    def _show_move(self, card_id: str, to_key: str | None, row: int) -> None:
        where = self.locate(card_id)
        target = self.column_of_key(to_key)
        if where is None or target is None:
            self.reload()
            return
        source_index, source_row = where
        source = self.columns[source_index]
        if source_index == target and source_row < row:
            row -= 1  # the card's own slot disappears above the drop point
        rowid = source.model.take(source_row)
        self.columns[target].model.put(rowid, row)
        if source_index != target:
            # Adjust the two sums by this card's amount: re-adding a 5,000-card column would not
            # fit in the 50 ms a move has to show.
            self._add_amount(source, rowid, -1.0)
            self._add_amount(self.columns[target], rowid, 1.0)
        for index in dict.fromkeys((source_index, target)):
            self.column_changed.emit(index)

    def _add_amount(self, column: BoardColumn, rowid: int, sign: float) -> None:
        attr = self.sum_attribute
        if attr is None:
            return
        cards = self.source.cards([rowid])
        found = numeric_amount(attr, cards[0].values.get(attr.slug)) if cards else None
        if found is not None:
            code, amount = found
            column.totals[code] = column.totals.get(code, 0.0) + sign * amount
        if column.count == 0:
            column.totals = {}  # not {"USD": 0.0}: an empty column shows no sum, as after a reload

    def insert_new(self, card_id: str, key: str | None) -> None:
        """A card made on this board shows at the top of its column."""
        rowid = self.source.rowid_of(card_id)
        index = self.column_of_key(key)
        if rowid is None or index is None:
            self.reload()
            return
        column = self.columns[index]
        column.model.put(rowid, 0)
        column.totals = self._column_totals().get(column.key, {})
        self.column_changed.emit(index)
