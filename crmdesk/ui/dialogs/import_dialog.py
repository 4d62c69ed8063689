"""File ▸ Import CSV…: a spreadsheet's rows as records of one object, seen before they are written.

The dialog reads the file (encoding and delimiter detected, each changeable), maps its columns to
attributes (``store/csv_import.auto_map``, each changeable or ignored), picks the attribute rows
are matched on, and plans every row in the background (``Planner``: the table editors' parsers,
references by title or id). The preview lists each row and what importing it will do; refused
rows say why and can be fixed in place, which plans again. Import writes in batches on the
window's own connection — each batch one transaction, so the views update as it goes and the
window keeps answering — with a progress bar and Cancel; the import is one step of Undo.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import ObjectDef, ValidationError
from crmdesk.model.csv_text import DELIMITER_NAMES, ENCODINGS, CsvError, CsvTable
from crmdesk.store import Store, StoreError
from crmdesk.store.csv_import import (
    BATCH,
    CREATE,
    MATCHABLE_TYPES,
    MERGED,
    REFUSED,
    UNCHANGED,
    UPDATE,
    Cancelled,
    ImportPlan,
    ImportResult,
    Planner,
    Target,
    apply_batch,
    assign,
    auto_map,
    default_match,
    read_csv_file,
    targets,
)
from crmdesk.ui.formatting import user_region
from crmdesk.ui.import_command import ImportCommand, describe_import
from crmdesk.ui.models.background_query import BackgroundQuery
from crmdesk.ui.models.import_preview_model import (
    SHOW_ALL,
    SHOW_CREATES,
    SHOW_REFUSED,
    SHOW_UPDATES,
    ImportPreviewModel,
)
from crmdesk.ui.text import plain_tooltip

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.ui.admin.access import AdminAccess

log = logging.getLogger(__name__)

_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32", "cp1252": "Windows-1252",
                   "latin-1": "Latin-1 (ISO-8859-1)", "mac-roman": "Mac Roman"}
#: The last item of each column's "Goes to" list where the account may change the schema.
NEW_ATTRIBUTE = "New attribute…"
#: Planning again waits this long after a change, so a run of changes plans once.
REPLAN_DELAY_MS = 150


def best_object(objects: dict[str, ObjectDef], headers: list[str], preferred: str | None) -> str:
    """The object the file is most likely about: ``preferred`` (the view's) unless another maps
    more of its columns."""
    def mapped(slug: str) -> int:
        return sum(1 for target in auto_map(objects[slug], headers) if target is not None)

    ordered = sorted(objects, key=lambda slug: (-mapped(slug), slug != preferred))
    return ordered[0]


def _after_undo(context: AppContext, tell: Callable[[str], None] | None) -> Callable[[str | None], None]:
    """What the undo command calls after an undo or redo; not bound to the dialog, which is gone by
    then: what it wrote is sent soon, as any edit is, and a refusal is told."""

    def told(failure: str | None) -> None:
        if failure is None:
            if context.sync is not None:
                context.sync.local_edit()
        elif tell is not None:
            tell(f"The import could not be undone or redone: {failure}")

    return told


class ImportDialog(QDialog):
    #: The import finished (or was cancelled part way): what it wrote.
    imported = Signal(object)
    #: A plan arrived and is shown (tests and the status line wait for it).
    planned = Signal()

    def __init__(self, context: AppContext, store: Store, path: Path, table: CsvTable,
                 parent: QWidget | None = None, object_slug: str | None = None,
                 tell: Callable[[str], None] | None = None) -> None:
        """``tell`` shows a message in the window (an Undo of the import the store refused: the
        dialog is gone by then)."""
        super().__init__(parent)
        self._tell = tell
        self.setObjectName("importDialog")
        self.setWindowTitle(f"Import {path.name}")
        self.context = context
        self.store = store
        self.path = path
        self.table = table
        self.plan: ImportPlan | None = None
        self.import_result: ImportResult | None = None
        self._objects = store.schema.objects()
        self._mapping: list[Target | None] = []
        self._generation = 0
        self._importing = False
        self._cancel_import = False
        self._query = BackgroundQuery(store.path, self)
        #: A new attribute the user made for a column, by slug → that column: mapped once the sync
        #: brings the server's schema (the attribute is made on the server, never offline).
        self._awaiting: dict[str, int] = {}
        self.attribute_form: QDialog | None = None
        self._access = self._admin_access()
        self._replan = QTimer(self, singleShot=True, interval=REPLAN_DELAY_MS)
        self._replan.timeout.connect(self._start_planning)
        self._build(object_slug)
        self.resize(960, 680)

    # -- building --------------------------------------------------------------------------------

    def _build(self, object_slug: str | None) -> None:
        layout = QVBoxLayout(self)
        self.file_label = QLabel()
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)  # a file name is never markup
        self.file_label.setWordWrap(True)
        layout.addWidget(self.file_label)

        form = QFormLayout()
        self.object_combo = QComboBox()
        for slug, obj in sorted(self._objects.items(), key=lambda item: item[1].plural_name.casefold()):
            self.object_combo.addItem(obj.plural_name, slug)
        chosen = best_object(self._objects, self.table.headers, object_slug) if self._objects else None
        self.object_combo.setCurrentIndex(max(0, self.object_combo.findData(chosen)))
        form.addRow("Import into", self.object_combo)
        reading = QHBoxLayout()
        self.encoding_combo = QComboBox()
        for name in ENCODINGS:
            self.encoding_combo.addItem(_ENCODING_NAMES.get(name, name), name)
        self.delimiter_combo = QComboBox()
        for char, name in DELIMITER_NAMES.items():
            self.delimiter_combo.addItem(name.capitalize(), char)
        reading.addWidget(QLabel("Encoding"))
        reading.addWidget(self.encoding_combo)
        reading.addSpacing(12)
        reading.addWidget(QLabel("Delimiter"))
        reading.addWidget(self.delimiter_combo)
        reading.addStretch(1)
        form.addRow("File", reading)
        self.match_combo = QComboBox()
        self.match_hint = QLabel()
        self.match_hint.setObjectName("importMatchHint")
        self.match_hint.setWordWrap(True)
        self.match_hint.setTextFormat(Qt.TextFormat.PlainText)  # an attribute's title is never markup
        # The hint under its list, in one cell: a wrapped label in a row of its own gets a row's spacing.
        matching = QVBoxLayout()
        matching.setSpacing(4)
        matching.addWidget(self.match_combo)
        matching.addWidget(self.match_hint)
        form.addRow("Match rows on", matching)
        layout.addLayout(form)

        layout.addWidget(QLabel("Columns"))
        self.columns_table = QTableWidget(0, 3)
        self.columns_table.setObjectName("importColumns")
        self.columns_table.setHorizontalHeaderLabels(["Column in the file", "First value", "Goes to"])
        self.columns_table.verticalHeader().hide()
        self.columns_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.columns_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.columns_table.setColumnWidth(2, 300)
        layout.addWidget(self.columns_table, 2)

        preview_bar = QHBoxLayout()
        preview_bar.addWidget(QLabel("Preview"))
        preview_bar.addStretch(1)
        preview_bar.addWidget(QLabel("Show"))
        self.show_combo = QComboBox()
        for name, show in (("All rows", SHOW_ALL), ("Refused rows", SHOW_REFUSED), ("New records", SHOW_CREATES),
                           ("Updates", SHOW_UPDATES)):
            self.show_combo.addItem(name, show)
        preview_bar.addWidget(self.show_combo)
        layout.addLayout(preview_bar)
        self.preview_model = ImportPreviewModel(self)
        self.preview = QTableView()
        self.preview.setObjectName("importPreview")
        self.preview.setModel(self.preview_model)
        self.preview.verticalHeader().hide()
        self.preview.setWordWrap(False)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                     | QAbstractItemView.EditTrigger.EditKeyPressed
                                     | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.preview.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.preview, 3)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("importProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)  # the file's text is never markup
        layout.addWidget(self.problem_label)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary_label)
        self.progress = QProgressBar()
        self.progress.hide()
        layout.addWidget(self.progress)
        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout.addWidget(self.buttons)

        self.object_combo.currentIndexChanged.connect(self._object_changed)
        self.encoding_combo.currentIndexChanged.connect(self._reread)
        self.delimiter_combo.currentIndexChanged.connect(self._reread)
        self.match_combo.currentIndexChanged.connect(self._match_changed)
        self.show_combo.currentIndexChanged.connect(
            lambda: self.preview_model.set_show(self.show_combo.currentData()))
        self.preview_model.cell_fixed.connect(lambda *_: self._schedule_plan())
        self.preview.selectionModel().currentChanged.connect(
            lambda current, _previous: self._show_problem(current.row()))
        self.preview_model.modelReset.connect(lambda: self._show_problem(self.preview.currentIndex().row()))
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self._cancel_or_close)
        self._show_reading()
        self._object_changed()

    def _admin_access(self) -> AdminAccess | None:
        """Whether "New attribute…" is offered: the workspace's server, asked what this account may do."""
        if self.context.backend_factory is None:
            return None
        from crmdesk.ui.admin.access import AdminAccess

        access = AdminAccess(self.context, self)
        access.capabilities_changed.connect(lambda _caps: self._refill_columns())
        if self.context.sync is not None:
            self.context.sync.worker.changed.connect(self._schema_may_have_changed)
        access.probe()
        return access

    def can_add_attributes(self) -> bool:
        return self._access is not None and self._access.capabilities.schema_admin

    @property
    def obj(self) -> ObjectDef:
        return self._objects[self.object_combo.currentData()]

    def _show_reading(self) -> None:
        for combo, value in ((self.encoding_combo, self.table.encoding), (self.delimiter_combo, self.table.delimiter)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        rows = len(self.table.rows)
        self.file_label.setText(
            f"{self.path.name}: {rows:,} row{'s' if rows != 1 else ''} and {len(self.table.headers)} columns, "
            f"read as {_ENCODING_NAMES.get(self.table.encoding, self.table.encoding)}, "
            f"{self.table.delimiter_name}-separated. "
            "Nothing is written until you choose Import.")

    def _reread(self) -> None:
        try:
            table = read_csv_file(self.path, self.encoding_combo.currentData(), self.delimiter_combo.currentData())
        except CsvError as error:
            # The lists go back to how the file is shown: the preview still holds that reading.
            self._show_reading()
            self.summary_label.setText(f"{error}. The file is still read as before.")
            return
        self.table = table
        self._show_reading()
        self._object_changed()

    def _object_changed(self) -> None:
        if not self._objects:
            self.summary_label.setText("This workspace has no objects to import into yet: sync it first.")
            self.import_button.setEnabled(False)
            return
        obj = self.obj
        self._mapping = auto_map(obj, self.table.headers)
        self._fill_columns(obj)
        self.match_combo.blockSignals(True)
        self.match_combo.clear()
        self.match_combo.addItem("Nothing: every row is a new record", None)
        for attr in sorted(obj.attributes, key=lambda a: a.order):
            if attr.type in MATCHABLE_TYPES:
                self.match_combo.addItem(attr.title or attr.slug, attr.slug)
        self.match_combo.setCurrentIndex(max(0, self.match_combo.findData(default_match(obj))))
        self.match_combo.blockSignals(False)
        self._match_changed()

    def _fill_columns(self, obj: ObjectDef) -> None:
        choices = targets(obj)
        self.columns_table.setRowCount(len(self.table.headers))
        first = next(iter(self.table.rows), [""] * len(self.table.headers))
        for row, header in enumerate(self.table.headers):
            name = QTableWidgetItem(header)
            self.columns_table.setItem(row, 0, name)
            sample = QTableWidgetItem(first[row])
            sample.setToolTip(plain_tooltip(first[row]))  # the file's text is never markup
            self.columns_table.setItem(row, 1, sample)
            combo = QComboBox()
            combo.addItem("— Ignore —")
            for target in choices:
                combo.addItem(target.label(obj))
            # Items carry no data: a QVariant of a Python object does not compare (findData).
            mapped = self._mapping[row]
            if self.can_add_attributes():
                combo.insertSeparator(combo.count())
                combo.addItem(NEW_ATTRIBUTE)
            combo.setCurrentIndex(choices.index(mapped) + 1 if mapped in choices else 0)
            combo.currentIndexChanged.connect(lambda index, row=row: self._target_picked(row, index, choices))
            self.columns_table.setCellWidget(row, 2, combo)

    def _refill_columns(self) -> None:
        if self._objects and not self._importing:
            self._fill_columns(self.obj)

    def _target_picked(self, row: int, index: int, choices: list[Target]) -> None:
        if index > len(choices):  # past the separator: "New attribute…"
            self.new_attribute(row)
        else:
            self._target_changed(row, choices[index - 1] if index > 0 else None)

    def new_attribute(self, row: int) -> QDialog | None:
        """The admin's attribute form for the column ``row``, its title the column's; the column
        goes to the new attribute once the server has made it and the sync brought it here."""
        if self._access is None:
            return None
        from crmdesk.ui.admin.attribute_form import AttributeForm
        from crmdesk.ui.admin.common import slugify

        header = self.table.headers[row]
        form = AttributeForm(self.context, self._access, self.obj.slug, None, self)
        form.title.setText(header)
        form.slug.setText(slugify(header))
        form.saved.connect(lambda slug: self._attribute_made(row, slug, header))
        form.finished.connect(lambda _result: self._refill_columns())  # the list shows the column's target again
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.open()
        self.attribute_form = form
        return form

    def _attribute_made(self, row: int, slug: str, header: str) -> None:
        self._awaiting[slug] = row
        self.summary_label.setText(f"The attribute for “{header}” was made on the server; the column goes to it "
                                   "as soon as the workspace has synced.")
        self._map_awaited()

    def _schema_may_have_changed(self, changes: object) -> None:
        if getattr(changes, "schema", False) or getattr(changes, "full_reset", False):
            self.store.schema.invalidate()
            objects = self.store.schema.objects()
            if self._objects and self.obj.slug in objects:
                self._objects = objects
                self._map_awaited()

    def _map_awaited(self) -> None:
        """Columns whose new attribute the store now has go to it, and the rows are planned again."""
        obj = self.obj
        arrived = {slug: row for slug, row in self._awaiting.items() if obj.attribute(slug) is not None}
        if not arrived:
            return
        for slug, row in arrived.items():
            del self._awaiting[slug]
            self._mapping = assign(self._mapping, row, Target(slug))
        self._refill_columns()
        self._schedule_plan()

    def column_target(self, row: int) -> Target | None:
        """Where the file's column ``row`` goes, as chosen."""
        return self._mapping[row]

    def set_column_target(self, row: int, target: Target | None) -> None:
        """Choose where a column goes, as picking it in its "Goes to" list does."""
        combo = self.columns_table.cellWidget(row, 2)
        assert isinstance(combo, QComboBox)
        choices = targets(self.obj)
        combo.setCurrentIndex(choices.index(target) + 1 if target in choices else 0)

    def _target_changed(self, row: int, target: Target | None) -> None:
        before, self._mapping = self._mapping, assign(self._mapping, row, target)
        for other, (was, now) in enumerate(zip(before, self._mapping, strict=True)):
            other_combo = self.columns_table.cellWidget(other, 2)
            if other != row and was != now and isinstance(other_combo, QComboBox):  # now ignored
                other_combo.blockSignals(True)
                other_combo.setCurrentIndex(0)
                other_combo.blockSignals(False)
        self._schedule_plan()

    def _match_changed(self) -> None:
        slug = self.match_combo.currentData()
        attr = self.obj.attribute(slug) if slug else None
        noun = self.obj.singular_name.lower()
        if attr is None:
            self.match_hint.setText(f"Every row will be a new {noun}.")
        else:
            self.match_hint.setText(
                f"A row with the {attr.title} of a {noun} you have updates that {noun}, and a row repeating an "
                "earlier row is merged into it; the others are new. Empty cells never clear a value.")
        self._schedule_plan()

    # -- planning (in the background) ------------------------------------------------------------

    def _schedule_plan(self) -> None:
        """Plan again shortly; until then the shown plan is stale, so Import waits for the new one
        (and a plan still being made is moot: its answer must not be shown)."""
        self._generation += 1
        self.import_button.setEnabled(False)
        self._replan.start()

    def _start_planning(self) -> None:
        if self._importing:
            return
        self._generation += 1
        generation = self._generation
        obj, mapping, match = self.obj, list(self._mapping), self.match_combo.currentData()
        table = self.table.copy()  # the planner's own: the preview's fixes change the dialog's
        region = user_region()
        self.plan = None
        self.import_button.setEnabled(False)
        self.summary_label.setText(f"Checking {len(table.rows):,} rows…")
        self._show_preview()

        def still_wanted(_done: int, _total: int) -> bool:
            return generation == self._generation  # a newer change makes this plan moot

        def read(store: Store) -> ImportPlan | Exception:
            try:
                return Planner(store, obj, region=region).plan(table, mapping, match, still_wanted)
            except (Cancelled, ValidationError, StoreError) as error:
                return error

        self._query.ask(read, lambda outcome: self._planned(generation, outcome))

    def _planned(self, generation: int, outcome: object) -> None:
        if generation != self._generation or isinstance(outcome, Cancelled):
            return
        if isinstance(outcome, Exception):
            self.summary_label.setText(f"Cannot check the rows: {outcome}")
            return
        assert isinstance(outcome, ImportPlan)
        self.plan = outcome
        self._show_preview()
        self.summary_label.setText(self.summary_text(outcome))
        self.import_button.setEnabled(bool(outcome.work()))
        self._point_at_first_refusal()
        self.planned.emit()

    def _point_at_first_refusal(self) -> None:
        """Make the first refused row current, its refused cell in view: the summary asks to fix it."""
        for shown in range(self.preview_model.rowCount()):
            planned = self.preview_model.planned(shown)
            if planned is not None and planned.action == REFUSED:
                column = self.preview_model.column_of(planned.column) if planned.column is not None else None
                index = self.preview_model.index(shown, column if column is not None else 1)
                self.preview.setCurrentIndex(index)
                self.preview.scrollTo(index)
                return

    def _show_problem(self, row: int) -> None:
        planned = self.preview_model.planned(row) if row >= 0 else None
        if planned is None or planned.action != REFUSED:
            self.problem_label.clear()
            self.problem_label.hide()
            return
        where = ""
        if planned.column is not None:
            where = f", column “{self.table.headers[planned.column]}”"
        self.problem_label.setText(f"Line {planned.line}{where} is refused: {planned.problem}")
        self.problem_label.show()

    def _show_preview(self) -> None:
        obj = self.obj
        labels = [target.label(obj) for target in self._mapping if target is not None]
        self.preview_model.set_plan(self.table, self._mapping, self.plan, labels)
        self.preview.resizeColumnsToContents()
        for column in range(self.preview_model.columnCount()):
            # A long cell is cut, not the view: the row's refusal is spelled out below it.
            self.preview.setColumnWidth(column, min(self.preview.columnWidth(column), 240))

    def summary_text(self, plan: ImportPlan) -> str:
        obj = self.obj
        creates = plan.count(CREATE)
        noun = obj.singular_name if creates == 1 else obj.plural_name
        parts = [f"{creates:,} new {noun.lower()}", f"{plan.count(UPDATE):,} to update"]
        if plan.count(UNCHANGED):
            parts.append(f"{plan.count(UNCHANGED):,} already as in the file")
        if plan.count(MERGED):
            parts.append(f"{plan.count(MERGED):,} merged into an earlier row")
        refused = plan.count(REFUSED)
        text = ", ".join(parts) + f", {refused:,} refused."
        if refused:
            text += " Refused rows are skipped unless you fix them here: double-click a cell to change it."
        if not plan.work():
            text += " Nothing to import."
        return text

    # -- importing (on the window's connection, a batch at a time) --------------------------------

    def start_import(self) -> None:
        if self.plan is None or self._importing:
            return
        self._importing = True
        self._cancel_import = False
        work = self.plan.work()
        self.import_result = ImportResult(self.plan.object_slug)
        for widget in (self.object_combo, self.encoding_combo, self.delimiter_combo, self.match_combo,
                       self.columns_table, self.preview, self.import_button):
            widget.setEnabled(False)
        self.close_button.setText("Cancel")
        self.progress.setRange(0, len(work))
        self.progress.setValue(0)
        self.progress.show()
        self.summary_label.setText(f"Importing {len(work):,} rows…")
        QTimer.singleShot(0, self, lambda: self._import_batch(work, 0))  # dropped if the dialog goes

    def _import_batch(self, work: list, start: int) -> None:  # type: ignore[type-arg]
        assert self.plan is not None and self.import_result is not None
        if self._cancel_import or start >= len(work):
            self._finish_import(cancelled=start < len(work))
            return
        try:
            apply_batch(self.store, self.plan.object_slug, work[start:start + BATCH], self.import_result)
        except (StoreError, ValidationError) as error:
            log.warning("import stopped after %d of %d rows: %s", start, len(work), error)
            self._finish_import(cancelled=True, failure=str(error))
            return
        self.progress.setValue(min(start + BATCH, len(work)))
        QTimer.singleShot(0, self, lambda: self._import_batch(work, start + BATCH))

    def _finish_import(self, *, cancelled: bool, failure: str | None = None) -> None:
        assert self.plan is not None and self.import_result is not None
        self.import_result.cancelled = cancelled
        self._importing = False
        written = self.import_result.rows
        if written and self.context.undo_stack is not None:
            self.context.undo_stack.push(ImportCommand(self.store, self.plan, self.import_result,
                                                       describe_import(self.import_result, self.obj.singular_name,
                                                                       self.obj.plural_name),
                                                       _after_undo(self.context, self._tell)))
        if written and self.context.sync is not None:
            self.context.sync.local_edit()
        self.imported.emit(self.import_result)
        if failure is not None or cancelled:
            self.progress.hide()
            self.close_button.setText("Close")
            why = f"The import stopped: {failure}" if failure else "The import was cancelled."
            if written == 1:
                rows = "1 row was written and stays (Edit ▸ Undo takes it back)"
            else:
                rows = f"{written:,} rows were written and stay (Edit ▸ Undo takes them back)"
            self.summary_label.setText(f"{why} {rows}; the others were not.")
            return
        self.accept()

    def _cancel_or_close(self) -> None:
        if self._importing:
            self._cancel_import = True
            return
        self.reject()

    def reject(self) -> None:
        if self._importing:  # Escape or the window's close button while writing: stop between batches
            self._cancel_import = True
            return
        self._generation += 1
        super().reject()
