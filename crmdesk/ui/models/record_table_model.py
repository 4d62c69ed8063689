"""A lazy table model over one object's records in the store.

Like Anki's browser: the model holds only the ordered ids of the records that pass
the filter; rows are fetched in blocks when the view paints them, and cached until
a change notice or an edit says they changed. A notice updates the rows in place
(``refresh``); only a schema change resets the model. Cells and rows whose changes
the server does not have yet carry a mark (``MarkRole``, read by ``refresh_marks``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from itertools import islice
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal

from crmdesk.model import AttributeDef, AttributeType, FilterGroup, Mutation, ObjectDef, Sort, ValidationError
from crmdesk.model.values import edit_text, parse_user_text, validate_value, values_equal
from crmdesk.store import NotFound, RecordRow, Store, StoreError
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.store.unsynced import Mark, UnsyncedMarks, unsynced_marks
from crmdesk.ui.formatting import ValueFormatter, user_region
from crmdesk.ui.models.background_query import BackgroundQuery
from crmdesk.ui.models.lazy_rows import BLOCK, Index, LazyRowsModel
from crmdesk.ui.models.marks import MarkRole
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.unsynced_glyph import with_mark

MAX_CACHED_ROWS = 5_000
#: Tables this long re-run their whole query off the GUI thread (30–400 ms at 100,000 rows).
BACKGROUND_ABOVE = 20_000
#: A table shows this many rows at once (a few screens: 1 ms at 1,000,000 records, 17 ms for a
#: contains filter) and reads the whole ordered list off the GUI thread when there are more (0.6 s
#: at 1,000,000 records, 3 s sorted by an attribute), the rows growing when it lands.
HEAD_ROWS = 1_000
#: A notice naming at most this many records is settled by looking at them alone.
FEW_RECORDS = 300

RecordIdRole = Qt.ItemDataRole.UserRole + 1
ValueRole = Qt.ItemDataRole.UserRole + 2
AttributeRole = Qt.ItemDataRole.UserRole + 3
RowidRole = Qt.ItemDataRole.UserRole + 4

#: Types whose cells are numbers: right-aligned here, written as plain numbers by the CSV export.
NUMERIC_TYPES = frozenset({AttributeType.NUMBER, AttributeType.CURRENCY, AttributeType.RATING})
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_MARK = int(MarkRole)
_ROLES = frozenset({_DISPLAY, _EDIT, _TOOLTIP, _ALIGNMENT, RecordIdRole, ValueRole, AttributeRole, RowidRole, _MARK})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
#: What QAbstractTableModel.flags gives a valid cell, plus editable; built once, not per call.
_CELL_FLAGS = (Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
               | Qt.ItemFlag.ItemIsEditable)


def check_value(attr: AttributeDef, role: int, value: Any, previous: Any = None) -> Any:
    """The canonical value an edit stands for (text is parsed over ``previous``, the value it
    replaces, so what the user did not type — a currency code — is kept); raises ``ValidationError``.

    The store makes the same checks; running them first means a refused value never
    reaches the undo stack or the store.
    """
    if role == Qt.ItemDataRole.EditRole:
        # Phone numbers typed without a country code are numbers in the user's country.
        canonical = parse_user_text(attr, value, previous, region=user_region())
    else:
        canonical = validate_value(attr, value)
    if canonical is None and attr.required:
        raise ValidationError(attr.title or attr.slug, "is required and cannot be emptied")
    return canonical


class RecordTableModel(LazyRowsModel):
    #: Shown to the user when an edit is refused (the store is unchanged).
    edit_refused = Signal(str)
    #: A local edit was stored (the sync worker should run soon).
    edited = Signal(object)  # Mutation

    def __init__(
        self,
        store: Store,
        object_slug: str,
        context: StoreDisplayContext | None = None,
        undo_stack: Any = None,
        *,
        head_rows: int = HEAD_ROWS,
    ) -> None:
        super().__init__()
        self.store = store
        #: A QUndoStack: edits become commands on it (Ctrl+Z). Without one they apply directly.
        self.undo_stack = undo_stack
        self.object_slug = object_slug
        self.context = context or StoreDisplayContext(store)
        #: Display text in the system locale: the same words the record page and board cards show.
        self.formatter = ValueFormatter()
        self._obj: ObjectDef = self._load_object()
        self._columns = list(self._obj.attributes)
        self._filter: FilterGroup | None = None
        self._sorts: list[Sort] = []
        self._failed = False
        self._rows: dict[int, RecordRow] = {}
        self._marks = UnsyncedMarks()
        #: From this many rows on, a whole re-query after a change notice runs off the GUI thread.
        self.background_above = BACKGROUND_ABOVE
        #: How many rows a new query shows at once; the rest arrive from the background.
        self.head_rows = head_rows
        self._reader = BackgroundQuery(store.path, self)
        #: A notice came while the background query ran: run it again once its answer lands.
        self._again = False
        #: False while the rows are the head of the list and the whole list is being read.
        self._complete = True
        #: The whole list's read starts once the GUI thread is free (see ``_show_head``).
        self._whole_due = False
        #: Wraps a change of the rows that arrives later (the view keeps its top record in place
        #: and counts its rows once the change is done).
        self.keeping_place: Callable[[], AbstractContextManager[None]] = nullcontext
        self._show_head(self._head(self._filter, self._sorts))
        self.refresh_marks()

    # -- configuration ----------------------------------------------------------------------

    def _load_object(self) -> ObjectDef:
        obj = self.store.schema.get_object(self.object_slug)
        if obj is None:
            raise NotFound(f"The object “{self.object_slug}”")
        return obj

    @property
    def object_def(self) -> ObjectDef:
        return self._obj

    def set_columns(self, slugs: Sequence[str]) -> None:
        by_slug = {a.slug: a for a in self._obj.attributes}
        self.beginResetModel()
        self._columns = [by_slug[s] for s in slugs if s in by_slug] or list(self._obj.attributes)
        self.endResetModel()

    def set_filter(self, group: FilterGroup | None) -> None:
        """Apply a filter; raises ``InvalidFilter`` (and keeps the old one) if it is broken."""
        ids = self._head(group, self._sorts)
        self._filter = group  # before the reset: views read it when the reset arrives
        self._show_head(ids)

    def set_sorts(self, sorts: Sequence[Sort]) -> None:
        ids = self._head(self._filter, sorts)
        self._sorts = list(sorts)
        self._show_head(ids)

    @property
    def sorts(self) -> list[Sort]:
        return list(self._sorts)

    @property
    def filter(self) -> FilterGroup | None:
        return self._filter

    @property
    def complete(self) -> bool:
        """False while the rows are only the first of the list (the rest is being read)."""
        return self._complete

    def _query(self) -> Sequence[int]:
        return self.store.records.query_id_array(self.object_slug, self._filter, self._sorts)

    def _head(self, group: FilterGroup | None, sorts: Sequence[Sort]) -> list[int]:
        """The first ``head_rows`` ids of a query (raises ``InvalidFilter`` as query_ids does)."""
        return self.store.records.query_ids(self.object_slug, group, sorts, limit=self.head_rows)

    def _show_head(self, ids: Sequence[int]) -> None:
        """Show the rows of a new query (filter, sort, schema) from its head; when the head is
        full, the whole list is read off the GUI thread and the rows grow when it lands."""
        self._drop_requery()
        self._complete = len(ids) < self.head_rows
        self._replace_ids(ids)
        if not self._complete and not self._whole_due:
            # Not at once: a view restores its saved sort right after making its model (a read
            # of the first order would run for nothing), and the read would compete with the
            # first paint for the GIL.
            self._whole_due = True
            QTimer.singleShot(0, self, self._start_whole)

    def _start_whole(self) -> None:
        # The flag goes with the timer that set it, read or not: a head shown meanwhile that was
        # whole (a filter matching few) must not keep the next full head from being read.
        due, self._whole_due = self._whole_due, False
        if due and not self._complete and self.store.is_open():
            self._read_whole()

    def complete_now(self) -> None:
        """Read the whole list here and now if it has not arrived yet: for what works on every
        row (select all, export), which must not act on the first screen alone."""
        if self._complete:
            return
        self._drop_requery()
        self._whole_arrived(self._query())

    def reload(self, *, schema_changed: bool = False) -> None:
        """Re-run the query. A schema change resets the model (columns may come and go; hidden
        ones stay hidden); otherwise rows are updated in place, as after any change notice."""
        if not schema_changed:
            self.refresh(None)
            return
        known = {a.slug for a in self._obj.attributes}
        self.store.schema.invalidate()
        self._obj = self._load_object()
        slugs = [c.slug for c in self._columns]
        by_slug = {a.slug: a for a in self._obj.attributes}
        # Attributes new to the object appear as columns; ones the user hid stay hidden.
        added = [a for a in self._obj.attributes if a.slug not in known]
        self._columns = [by_slug[s] for s in slugs if s in by_slug] + added or list(self._obj.attributes)
        self.context.forget()
        self._show_head(self._head(self._filter, self._sorts))
        self.refresh_marks()

    def refresh(self, record_ids: set[str] | None) -> None:
        """After a change touching this object: move/insert/remove rows in place, and repaint
        the rows of ``record_ids`` (None: anything in the object may have changed).

        Re-running the whole query costs ~30–400 ms over 100,000 records, too long for the
        window to stall on every notice a sync sends; when the notice names its records, a
        check of just those usually settles it (``_settled_among``)."""
        self.context.forget()
        # While a re-query runs in the background, its answer may predate this change: ask again.
        # Past a few hundred records (a pull's pages arriving) the look-ups cost more than the
        # whole query, which can run in the background.
        if (record_ids is None or len(record_ids) > FEW_RECORDS or self._reader.waiting
                or not self._settled_among(record_ids)):
            self._requery()
        self._refresh_cached(record_ids)

    def _requery(self) -> None:
        if self._complete and len(self._ids) < self.background_above:
            self._update_ids(self._query())
            return
        if self._reader.waiting:
            # Notices keep coming during a pull: asking anew each time would drop every answer
            # before it lands. The answer under way is applied, then the query runs once more.
            self._again = True
            return
        self._read_whole()

    def _read_whole(self) -> None:
        self._whole_due = False
        slug, wanted, sorts = self.object_slug, self._filter, list(self._sorts)
        self._reader.ask(lambda store: store.records.query_id_array(slug, wanted, sorts), self._ids_arrived)

    def _drop_requery(self) -> None:
        """The rows are about to be read anew (another filter, sort or schema): an answer still
        under way, and a re-query owed after it, are for the rows before."""
        self._reader.forget()
        self._again = False

    def _ids_arrived(self, ids: Sequence[int]) -> None:
        if not self.store.is_open():
            return  # the workspace closed while the list was read: nothing to show it in
        self._whole_arrived(ids)
        if self._again:
            self._again = False
            self._requery()

    def _whole_arrived(self, ids: Sequence[int]) -> None:
        # Complete before the rows change: the view counts them as the change ends.
        was_complete, self._complete = self._complete, True
        with self.keeping_place():
            if was_complete or not self._grow_ids(ids):
                self._update_ids(ids)

    def _settled_among(self, record_ids: set[str]) -> bool:
        """Bring the rows up to date by looking at the named records and their neighbours only;
        False when that cannot tell (a record came into the view, or one named is gone).

        The rows were in order before, and only the named records changed: the rows are in
        order again when every pair of neighbours involving a changed row is, which one query
        over those rows and their neighbours, sorted as the view sorts, tells."""
        where = self.store.records.where_are(record_ids)
        if len(where) < len(record_ids):
            return False  # deleted: its row (if shown) is known only to the whole query
        changed = [rowid for slug, rowid in where.values() if slug == self.object_slug]
        if not changed:
            return True
        matching = set(self.store.records.query_ids(self.object_slug, self._filter, self._sorts, among=changed))
        shown = {rowid for rowid in changed if self.position_of(rowid) is not None}
        if matching - shown:
            return False  # a record came into the filter: where it goes needs the whole order
        leaving = shown - matching
        if leaving:
            self._update_ids([rowid for rowid in self._ids if rowid not in leaving])
        count = len(self._ids)
        window = sorted({q for rowid in shown & matching for p in (self.position_of(rowid),) if p is not None
                         for q in (p - 1, p, p + 1) if 0 <= q < count})
        if not window:
            return True
        neighbours = [self._ids[q] for q in window]
        return self.store.records.query_ids(self.object_slug, None, self._sorts, among=neighbours) == neighbours

    def records_changed(self, record_ids: set[str]) -> None:
        """Some records changed in place (order and membership unchanged): repaint their rows."""
        self.context.forget()
        self._refresh_cached(record_ids)

    def references_changed(self) -> None:
        """Records of other objects changed: titles shown in reference cells may be stale, and
        so may the order of a sort by a reference (it sorts by the title it shows)."""
        references = (AttributeType.RECORD_REFERENCE, AttributeType.ACTOR_REFERENCE)
        if any(attr.type in references for attr in self._obj.attributes
               if any(sort.attribute == attr.slug for sort in self._sorts)):
            self.refresh(None)
            return
        self.context.forget()
        if self._ids and any(a.type is AttributeType.RECORD_REFERENCE for a in self._columns):
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self._columns) - 1),
                                  [_DISPLAY, _TOOLTIP])

    def _row_ids(self, row: RecordRow) -> Iterable[str]:
        return (row.id,)

    # -- unsynced marks --------------------------------------------------------------------------

    def refresh_marks(self) -> None:
        """Read which records have changes the server lacks (one query); repaint when any moved."""
        marks = unsynced_marks(self.store, scopes=(self.object_slug,))
        if marks == self._marks:
            return
        self._marks = marks
        if self._ids:
            # One signal for the whole table: the view repaints what it shows, nothing more.
            last = len(self._ids) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(last, len(self._columns) - 1), [_MARK, _TOOLTIP])
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, last)

    def mark_at(self, row: int, column: int) -> Mark | None:
        if not self._marks or not 0 <= column < len(self._columns):
            return None
        record = self._row_at(row)
        return self._marks.field(record.id, self._columns[column].slug) if record is not None else None

    def row_mark(self, row: int) -> Mark | None:
        if not self._marks:
            return None
        record = self._row_at(row)
        return self._marks.worst(record.id) if record is not None else None

    # -- rows -------------------------------------------------------------------------------------

    def record_at(self, row: int) -> RecordRow | None:
        record: RecordRow | None = self._row_at(row)
        return record

    def row_of(self, record_id: str) -> int | None:
        rowid = self.store.records.rowid_of(record_id)
        return None if rowid is None else self.position_of(rowid)

    def _fetch_block(self, row: int) -> None:
        if len(self._rows) > MAX_CACHED_ROWS:
            # Forget the oldest rows a block at a time: freeing all 5,000 at once stalled one scroll step.
            for rowid in list(islice(self._rows, len(self._rows) - MAX_CACHED_ROWS + BLOCK)):
                del self._rows[rowid]
        rows = self.store.records.rows(self._uncached_block(row))
        references = []
        for record in rows:
            self._rows[record.rowid] = record
            for attr in self._columns:
                if attr.type is AttributeType.RECORD_REFERENCE:
                    value = record.values.get(attr.slug)
                    references.extend(value if isinstance(value, list) else [value] if value else [])
        self.context.prefetch(references)

    # -- Qt model API ---------------------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            attr = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return attr.title
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip(f"{attr.title} ({attr.type.value.replace('_', ' ')})")
            if role == AttributeRole:
                return attr
        if orientation == Qt.Orientation.Vertical and role in (_TOOLTIP, _MARK):
            # The vertical header is a narrow gutter showing the row's mark, no numbers.
            mark = self.row_mark(section)
            if mark is None:
                return None
            return plain_tooltip(with_mark("", mark)) if role == _TOOLTIP else mark.state
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Views ask for many roles per cell (font, colours, decoration…): answer the ones this
        # model never sets before looking the record up. Plain ints: enum comparisons add up
        # over every cell of every repaint.
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        record = self.record_at(index.row())
        if record is None:
            return None
        attr = self._columns[index.column()]
        if role == _DISPLAY:
            return self.formatter.display(attr, record.values.get(attr.slug), self.context)
        if role == _ALIGNMENT:
            return _RIGHT if attr.type in NUMERIC_TYPES else None
        if role == _EDIT:
            return edit_text(attr, record.values.get(attr.slug), self.context)
        if role == _TOOLTIP:
            text = self.formatter.display(attr, record.values.get(attr.slug), self.context)
            return plain_tooltip(with_mark(text, self._marks.field(record.id, attr.slug) if self._marks else None))
        if role == _MARK:
            mark = self._marks.field(record.id, attr.slug) if self._marks else None
            return mark.state if mark is not None else None
        if role == ValueRole:
            return record.values.get(attr.slug)
        if role == RecordIdRole:
            return record.id
        if role == RowidRole:
            return record.rowid
        return attr  # AttributeRole

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _CELL_FLAGS if index.isValid() else super().flags(index)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Store an edit: text from a plain editor is parsed; editors may hand canonical values
        with ``ValueRole``. A refused value never reaches the undo stack or the store."""
        if not index.isValid() or role not in (Qt.ItemDataRole.EditRole, ValueRole):
            return False
        record = self.record_at(index.row())
        if record is None:
            return False
        attr = self._columns[index.column()]
        try:
            new_value = check_value(attr, role, value, record.values.get(attr.slug))
            self.store.schema.value_limits().check(attr, new_value)  # what this server cannot hold
        except ValidationError as error:
            self.edit_refused.emit(str(error))
            return False
        if values_equal(record.values.get(attr.slug), new_value):
            return True
        return self.apply_edits({record.id: {attr.slug: new_value}}, f"Edit {attr.title}")

    def bulk_set(self, rows: Sequence[int], attr: AttributeDef, value: Any) -> bool:
        """One attribute to one canonical value for many rows: one step in the undo history."""
        try:
            new_value = check_value(attr, ValueRole, value)
        except ValidationError as error:
            self.edit_refused.emit(str(error))
            return False
        ids = [r.id for r in (self.record_at(row) for row in rows) if r is not None]
        if not ids:
            return False
        title = f"Edit {attr.title}" if len(ids) == 1 else f"Edit {attr.title} of {len(ids):,} records"
        return self.apply_edits({rid: {attr.slug: new_value} for rid in ids}, title)

    def apply_edits(self, changes: dict[str, dict[str, Any]], text: str) -> bool:
        from crmdesk.ui.undo import RecordEditCommand

        command = RecordEditCommand(self.store, changes, text, self)
        self._failed = False
        if self.undo_stack is not None:
            self.undo_stack.push(command)  # push() runs redo()
        else:
            command.redo()
        return not self._failed

    # -- what the undo commands report (also after undo/redo from the Edit menu) -----------------

    def edits_applied(self, record_ids: set[str], mutations: list[Mutation]) -> None:
        self.records_changed(record_ids)
        self.refresh_marks()
        for mutation in mutations:
            self.edited.emit(mutation)

    def edit_failed(self, message: str) -> None:
        self._failed = True
        self.edit_refused.emit(message)

    # -- creating and deleting ---------------------------------------------------------------------

    def delete_rows(self, rows: Sequence[int]) -> int:
        """Delete the records on these rows in one transaction; returns how many went."""
        ids = [r.id for r in (self.record_at(row) for row in sorted(set(rows))) if r is not None]
        mutations: list[Mutation] = []
        try:
            with self.store.write():
                for rid in ids:
                    try:
                        mutations.append(self.store.edits.delete_record(rid))
                    except NotFound:
                        continue
        except StoreError as error:
            self.edit_refused.emit(str(error))
            return 0
        self.refresh(set(ids))
        self.refresh_marks()
        for mutation in mutations:
            self.edited.emit(mutation)
        return len(mutations)
