"""File ▸ Import CSV…: the dialog reads a spreadsheet's file, maps its columns, shows what each row
will do before anything is written, lets a refused row be fixed in place, imports with progress as
one undoable step. Real widgets over a real synced store.

The file (``_people_csv``): two new people at a company named by its title, one known person
whose e-mail is written in capitals (matched, ignoring case: their job title changes), one row
whose e-mail is not an address, and one naming a company the workspace does not have."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QDialogButtonBox, QLineEdit, QMenu, QMessageBox

from crmdesk.context import AppContext
from crmdesk.model import EntityKind, MutationOp
from crmdesk.model.csv_text import read_csv
from crmdesk.store import Store
from crmdesk.store.csv_import import Target
from crmdesk.ui.dialogs import import_dialog
from crmdesk.ui.dialogs.import_dialog import ImportDialog
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.theme_ink import contrast
from tests.ui._theme_palettes import app_palette, dark_palette, light_palette
from tests.ui.test_admin_access import Env, admin, member

__all__ = ["admin", "member"]  # the fixtures, shared with the access tests

# The file's columns, in order (``set_column_target``'s rows).
FIRST, LAST, EMAIL, JOB, COMPANY = range(5)
#: Each row's line in the file (the header is line 1).
ADA, BEN, KNOWN, BAD_EMAIL, NO_COMPANY = 2, 3, 4, 5, 6
PLANNED_MS = 10_000


@dataclass
class Known:
    """The workspace's facts the file refers to."""

    person_id: str
    email: str
    job_title: str
    company_id: str
    company: str


@pytest.fixture
def known(store: Store) -> Known:
    person = store.records.rows(store.records.query_ids("people", None)[:1])[0]
    company = store.records.rows(store.records.query_ids("companies", None)[:1])[0]
    return Known(person.id, person.values["email_addresses"][0], person.values["job_title"], company.id,
                 company.title)


def _people_csv(store: Store, known: Known) -> bytes:
    name = store.records.get(known.person_id).values["name"]  # type: ignore[union-attr]
    lines = ["First name;Last name;E-mail;Job title;Company",
             f"Ada;Newperson;ada.new@example.test;Buyer;{known.company}",
             f"Ben;Björk;ben.new@example.test;CTO;{known.company}",
             f"{name['first_name']};{name['last_name']};{known.email.upper()};Chief Importer;",
             "Bad;Row;not-an-address;Buyer;",
             "Cy;Unknown;cy.new@example.test;Buyer;No Such Company Ltd"]
    return ("\n".join(lines) + "\n").encode("cp1252")  # as Excel on Windows writes it


@pytest.fixture
def csv_file(tmp_path: Path, store: Store, known: Known) -> Path:
    path = tmp_path / "people.csv"
    path.write_bytes(_people_csv(store, known))
    return path


def _shown(qtbot: Any, context: AppContext, store: Store, path: Path) -> ImportDialog:
    """The dialog over the file at ``path`` into people, shown, its first plan on screen."""
    dialog = ImportDialog(context, store, path, read_csv(path.read_bytes()), object_slug="people")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.planned, timeout=PLANNED_MS):
        dialog.show()
    return dialog


@pytest.fixture
def open_dialog(qtbot: Any, context: AppContext, store: Store, csv_file: Path) -> Callable[[], ImportDialog]:
    """``open_dialog()``: the dialog over ``csv_file``, shown, its first plan on screen."""
    return lambda: _shown(qtbot, context, store, csv_file)


def _people(store: Store) -> dict[str, str]:
    """The people the table lists: title → id."""
    return {row.title: row.id for row in store.records.rows(store.records.query_ids("people", None))}


def _what(dialog: ImportDialog, line: int) -> str:
    """The preview's "What happens" for the file's line."""
    model = dialog.preview_model
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == str(line):
            return str(model.index(row, 1).data())
    raise AssertionError(f"line {line} is not in the preview")


def _preview_row(dialog: ImportDialog, line: int) -> int:
    model = dialog.preview_model
    return next(row for row in range(model.rowCount()) if model.index(row, 0).data() == str(line))


def _headers(dialog: ImportDialog) -> list[str]:
    model = dialog.preview_model
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def _import(qtbot: Any, dialog: ImportDialog) -> None:
    """Click Import and wait until the dialog has written every row and closed."""
    with qtbot.waitSignal(dialog.finished, timeout=PLANNED_MS) as closed:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert closed.args == [QDialog.DialogCode.Accepted]
    assert dialog.result() == QDialog.DialogCode.Accepted  # QDialog's own answer, not shadowed


# -- before Import: the dry run ------------------------------------------------------------------


def test_the_plan_shows_what_each_row_will_do_and_nothing_is_written(
    open_dialog: Callable[[], ImportDialog], store: Store, fake_sync: Any
) -> None:
    outbox, people = store.outbox.count(), store.records.count("people")
    dialog = open_dialog()
    assert dialog.summary_label.text().startswith("2 new people, 1 to update, 2 refused.")
    assert "double-click a cell to change it" in dialog.summary_label.text()
    assert dialog.import_button.isEnabled()
    assert _what(dialog, ADA) == _what(dialog, BEN) == "New"
    assert _what(dialog, KNOWN) == "Update"  # its e-mail in capitals: still the same person
    assert _what(dialog, BAD_EMAIL).startswith("Refused: Email Addresses: “not-an-address” is not an email address")
    assert _what(dialog, NO_COMPANY) == "Refused: Company: no record is called “No Such Company Ltd”"
    assert "5 rows and 5 columns, read as Windows-1252, semicolon-separated" in dialog.file_label.text()
    assert "Nothing is written until you choose Import" in dialog.file_label.text()
    assert [dialog.column_target(c) for c in range(5)] == [
        Target("name", "first_name"), Target("name", "last_name"), Target("email_addresses"),
        Target("job_title"), Target("company")]
    assert store.outbox.count() == outbox and store.records.count("people") == people
    assert fake_sync.local_edits == 0


def test_the_first_refusal_is_pointed_at_and_its_reason_spelled_out(
    open_dialog: Callable[[], ImportDialog]
) -> None:
    dialog = open_dialog()
    current = dialog.preview.currentIndex()
    # The cell to fix is current (in view, however many columns come before it), its reason below.
    assert dialog.preview_model.index(current.row(), 0).data() == "5"
    assert _headers(dialog)[current.column()] == "E-mail → Email Addresses"
    assert dialog.problem_label.isVisibleTo(dialog)
    assert dialog.problem_label.text().startswith("Line 5, column “E-mail” is refused: Email Addresses:")
    # The next refused row's reason follows the current row; a row that imports shows none.
    dialog.preview.setCurrentIndex(dialog.preview_model.index(_preview_row(dialog, 6), 2))
    assert "No Such Company Ltd" in dialog.problem_label.text()
    dialog.preview.setCurrentIndex(dialog.preview_model.index(_preview_row(dialog, 2), 2))
    assert not dialog.problem_label.isVisibleTo(dialog)


def test_fixing_a_refused_email_in_the_preview_plans_the_row_again(
    qtbot: Any, open_dialog: Callable[[], ImportDialog], store: Store
) -> None:
    dialog = open_dialog()
    view, model = dialog.preview, dialog.preview_model
    cell = model.index(_preview_row(dialog, BAD_EMAIL), model.column_of(EMAIL))  # type: ignore[arg-type]
    assert cell.data(Qt.ItemDataRole.FontRole).bold()  # the cell the refusal is about stands out
    view.setCurrentIndex(cell)
    qtbot.keyClick(view, Qt.Key.Key_F2)  # as a double-click does
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "not-an-address"
    editor.selectAll()
    qtbot.keyClicks(editor, "bad.row@example.test")
    with qtbot.waitSignal(dialog.planned, timeout=PLANNED_MS):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert _what(dialog, BAD_EMAIL) == "New"
    assert model.index(_preview_row(dialog, BAD_EMAIL), model.column_of(EMAIL)).data() == "bad.row@example.test"  # type: ignore[arg-type]
    assert model.index(_preview_row(dialog, BAD_EMAIL), 1).data(Qt.ItemDataRole.BackgroundRole) is None
    assert dialog.summary_label.text().startswith("3 new people, 1 to update, 1 refused.")
    assert "Bad Row" not in _people(store)  # still nothing written
    _import(qtbot, dialog)
    assert store.records.get(_people(store)["Bad Row"]).values["email_addresses"] == [  # type: ignore[union-attr]
        "bad.row@example.test"]


def test_ignoring_a_column_drops_it_and_a_target_goes_to_one_column_only(
    qtbot: Any, open_dialog: Callable[[], ImportDialog]
) -> None:
    dialog = open_dialog()
    assert "Job title → Job Title" in _headers(dialog)
    with qtbot.waitSignal(dialog.planned, timeout=PLANNED_MS):
        dialog.set_column_target(JOB, None)
    assert dialog.column_target(JOB) is None
    assert "Job title → Job Title" not in _headers(dialog) and len(_headers(dialog)) == 2 + 4
    # Without the job title, the known person's row has nothing new for them.
    assert _what(dialog, KNOWN) == "Unchanged"
    assert dialog.summary_label.text().startswith("2 new people, 0 to update, 1 already as in the file, 2 refused.")

    # "Last name" chosen for the first column: the column that had it goes to Ignore.
    with qtbot.waitSignal(dialog.planned, timeout=PLANNED_MS):
        dialog.set_column_target(FIRST, Target("name", "last_name"))
    assert dialog.column_target(FIRST) == Target("name", "last_name")
    assert dialog.column_target(LAST) is None
    last_combo = dialog.columns_table.cellWidget(LAST, 2)
    assert isinstance(last_combo, QComboBox) and last_combo.currentText() == "— Ignore —"
    assert _headers(dialog)[2:] == ["First name → Name (last name)", "E-mail → Email Addresses", "Company → Company"]


def test_matching_on_nothing_makes_the_known_person_a_new_record(
    qtbot: Any, open_dialog: Callable[[], ImportDialog]
) -> None:
    dialog = open_dialog()
    assert dialog.match_combo.currentData() == "email_addresses"
    nothing = dialog.match_combo.findText("Nothing", Qt.MatchFlag.MatchStartsWith)
    with qtbot.waitSignal(dialog.planned, timeout=PLANNED_MS):
        dialog.match_combo.setCurrentIndex(nothing)
    assert _what(dialog, KNOWN) == "New"
    assert dialog.match_hint.text() == "Every row will be a new person."
    assert dialog.summary_label.text().startswith("3 new people, 0 to update, 2 refused.")


# -- Import, Undo, Redo --------------------------------------------------------------------------


def test_import_writes_the_rows_as_one_step_of_undo(
    qtbot: Any, open_dialog: Callable[[], ImportDialog], store: Store, context: AppContext, known: Known,
    fake_sync: Any
) -> None:
    outbox = store.outbox.count()
    dialog = open_dialog()
    _import(qtbot, dialog)
    assert not dialog.isVisible()

    people = _people(store)
    ada, ben = people["Ada Newperson"], people["Ben Björk"]
    assert "Cy Unknown" not in people and "Bad Row" not in people  # the refused rows are skipped
    assert store.records.get(ada).values["company"] == known.company_id  # type: ignore[union-attr]
    assert store.records.get(ben).values["job_title"] == "CTO"  # type: ignore[union-attr]
    assert store.records.get(known.person_id).values["job_title"] == "Chief Importer"  # type: ignore[union-attr]
    # Matching ignored case: the address is not added again in capitals.
    assert store.records.get(known.person_id).values["email_addresses"] == [known.email]  # type: ignore[union-attr]
    queued = [(m.entity, m.op, m.target_id) for m in store.outbox.all()][outbox:]
    assert sorted(queued) == sorted([(EntityKind.RECORD, MutationOp.CREATE, ada),
                                     (EntityKind.RECORD, MutationOp.CREATE, ben),
                                     (EntityKind.RECORD, MutationOp.UPDATE, known.person_id)])
    assert fake_sync.local_edits == 1  # sent soon
    stack = context.undo_stack
    assert stack is not None and stack.count() == 1 and stack.undoText() == "Import 3 people"

    edits = fake_sync.local_edits
    stack.undo()
    people = _people(store)
    assert "Ada Newperson" not in people and "Ben Björk" not in people
    assert store.records.get(known.person_id).values["job_title"] == known.job_title  # type: ignore[union-attr]
    assert fake_sync.local_edits > edits  # the undo reaches the server as soon as an edit does

    edits = fake_sync.local_edits
    stack.redo()
    people = _people(store)
    assert {"Ada Newperson", "Ben Björk"} <= people.keys()  # as new records: new ids are fine
    assert store.records.get(people["Ada Newperson"]).values["company"] == known.company_id  # type: ignore[union-attr]
    assert store.records.get(known.person_id).values["job_title"] == "Chief Importer"  # type: ignore[union-attr]
    assert fake_sync.local_edits > edits


def test_cancel_during_the_import_keeps_what_was_written_and_undo_takes_it_back(
    qtbot: Any, open_dialog: Callable[[], ImportDialog], store: Store, context: AppContext, known: Known,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_dialog, "BATCH", 1)  # each row its own batch
    dialog = open_dialog()
    before = _people(store)

    def cancel_after_the_first(value: int) -> None:
        if value == 1:
            assert dialog.close_button.text() == "Cancel"
            dialog.close_button.click()

    dialog.progress.valueChanged.connect(cancel_after_the_first)
    with qtbot.waitSignal(dialog.imported, timeout=PLANNED_MS) as imported:
        dialog.import_button.click()
        assert dialog.progress.isVisible() and not dialog.preview.isEnabled()
    result = imported.args[0]
    assert result.cancelled and result.rows == 1 and len(result.created) == 1
    added = _people(store).keys() - before.keys()
    assert added == {"Ada Newperson"}  # exactly the first row written; Ben's and the update not
    assert store.records.get(known.person_id).values["job_title"] == known.job_title  # type: ignore[union-attr]

    assert dialog.isVisible()
    assert dialog.summary_label.text() == ("The import was cancelled. 1 row was written and stays (Edit ▸ Undo "
                                           "takes it back); the others were not.")
    assert dialog.close_button.text() == "Close" and not dialog.progress.isVisible()
    stack = context.undo_stack
    assert stack is not None and stack.count() == 1 and stack.undoText() == "Import 1 person"
    stack.undo()
    assert _people(store).keys() == before.keys()
    with qtbot.waitSignal(dialog.finished, timeout=PLANNED_MS) as closed:
        dialog.close_button.click()
    assert closed.args == [QDialog.DialogCode.Rejected]


# -- from the window ---------------------------------------------------------------------------


@pytest.fixture
def window(qtbot: Any, store: Store, tmp_path: Path, ui_context: Callable[..., AppContext]) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    shown = MainWindow(ui_context(store, navigator=Navigator(), settings=settings))
    qtbot.addWidget(shown)
    shown.resize(1024, 700)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.close()


def test_the_file_menu_offers_import(window: MainWindow) -> None:
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    assert isinstance(file_menu, QMenu)
    assert "Import CSV…" in [a.text() for a in file_menu.actions()]
    assert window.import_action.isEnabled()


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.csv", b"", "The file has no header row (it is empty)"),
    ("gone.csv", None, "Cannot read gone.csv: No such file or directory"),
])
def test_an_unreadable_file_says_why_and_opens_no_dialog(
    qtbot: Any, window: MainWindow, tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert window.open_import(path) is None
    box = window.findChild(QMessageBox, "importUnreadable")
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    assert box.text() == reason and box.textFormat() == Qt.TextFormat.PlainText
    assert box.icon() == QMessageBox.Icon.Warning
    assert window.findChild(ImportDialog) is None
    box.accept()


def test_after_an_import_the_window_says_so_and_shows_the_table(
    qtbot: Any, window: MainWindow, csv_file: Path
) -> None:
    window.navigate("tasks")
    dialog = window.open_import(csv_file)
    assert isinstance(dialog, ImportDialog) and dialog.parent() is window
    assert dialog.obj.slug == "people"  # the view was not an object's: the file's columns chose
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=PLANNED_MS)
    qtbot.waitUntil(dialog.import_button.isEnabled)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: window.current_target == "object:people", timeout=PLANNED_MS)
    assert window.statusBar().currentMessage() == ("Imported 2 new and 1 updated records. "
                                                   "Edit ▸ Undo takes the import back.")
    assert window.context.undo_stack is not None and window.context.undo_stack.undoText() == "Import 3 people"


# -- how it looks ------------------------------------------------------------------------------


def _refused_cell_colours(qtbot: Any, dialog: ImportDialog) -> tuple[QColor, QColor, QColor]:
    """(the refused row's background as drawn, the view's base, the text colour) in the preview."""
    view = dialog.preview
    view.clearSelection()
    view.setCurrentIndex(dialog.preview_model.index(-1, -1))
    view.horizontalScrollBar().setValue(0)  # the dialog scrolled to the first refused cell
    index = dialog.preview_model.index(_preview_row(dialog, BAD_EMAIL), 0)
    image = view.viewport().grab().toImage()
    rect = view.visualRect(index)
    dpr = image.devicePixelRatio()
    drawn = image.pixelColor(QPoint(int((rect.right() - 2) * dpr), int((rect.top() + 2) * dpr)))
    palette = view.palette()
    return drawn, palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)


@pytest.fixture
def dark(qapp: QApplication) -> Iterator[None]:
    with app_palette(qapp, dark_palette()):
        yield


@pytest.mark.usefixtures("dark")
def test_a_refused_row_stands_out_and_stays_readable_in_a_dark_palette(
    qtbot: Any, open_dialog: Callable[[], ImportDialog]
) -> None:
    dialog = open_dialog()
    drawn, base, text = _refused_cell_colours(qtbot, dialog)
    assert base.lightness() < 64  # the dark palette
    assert contrast(drawn, base) > 1.1, (drawn.name(), base.name())
    assert contrast(text, drawn) >= 4.5, (text.name(), drawn.name())
    tint = dialog.preview_model.index(_preview_row(dialog, BAD_EMAIL), 3).data(Qt.ItemDataRole.BackgroundRole)
    assert tint.lightness() < 96  # a dark red, not the light palette's pink on a dark window


def test_screenshots_light_and_dark(qtbot: Any, qapp: QApplication, context: AppContext, store: Store,
                                    csv_file: Path, tmp_path: Path) -> None:
    for name, palette in (("light", light_palette), ("dark", dark_palette)):
        with app_palette(qapp, palette()):
            dialog = _shown(qtbot, context, store, csv_file)
            qtbot.waitExposed(dialog)
            drawn, base, text = _refused_cell_colours(qtbot, dialog)
            assert contrast(drawn, base) > 1.1 and contrast(text, drawn) >= 4.5, name
            shot = tmp_path / f"import_dialog_{name}.png"
            assert dialog.grab().save(str(shot))
            assert shot.stat().st_size > 10_000
            dialog.close()


def test_taking_back_a_big_import_lets_the_window_repaint(qtbot: Any, context: AppContext, store: Store) -> None:
    from crmdesk.store.csv_import import Planner, apply_plan, auto_map
    from crmdesk.ui.import_command import PROGRESS_ABOVE, ImportCommand

    rows = [f"Bulk{i},Person,bulk{i}@example.test" for i in range(PROGRESS_ABOVE + 100)]
    table = read_csv(("First name,Last name,E-mail\n" + "\n".join(rows) + "\n").encode())
    people = store.schema.get_object("people")
    assert people is not None
    plan = Planner(store, people).plan(table, auto_map(people, table.headers), "email_addresses")
    result = apply_plan(store, plan)
    stack = context.undo_stack
    assert stack is not None
    stack.push(ImportCommand(store, plan, result, "Import"))
    before = store.records.count("people")
    turns: list[int] = []
    ticker = QTimer(interval=0)
    ticker.timeout.connect(lambda: turns.append(1))
    ticker.start()
    stack.undo()  # synchronous: only the progress's own event processing lets the timer fire
    ticker.stop()
    assert store.records.count("people") == before - len(result.created)
    assert len(turns) >= 2  # the event loop turned between batches: paints and the sync's notices go on


# -- a column can make a new attribute (where the account may change the schema) ------------------


def _partners_csv(folder: Path) -> Path:
    """A file whose second column, "Partner tier", names no attribute of people."""
    path = folder / "partners.csv"
    path.write_text("Name,Partner tier\nGrace Newcomer,Gold\n", encoding="utf-8")
    return path


@pytest.mark.qt_log_ignore("QObject::killTimer: Timers cannot be stopped from another thread")
def test_a_column_makes_a_new_attribute_on_the_server_and_imports_into_it(qtbot: Any, admin: Env,
                                                                          tmp_path: Path) -> None:
    dialog = _shown(qtbot, admin.context, admin.store, _partners_csv(tmp_path))
    assert dialog.column_target(1) is None  # no attribute is called that yet
    qtbot.waitUntil(dialog.can_add_attributes, timeout=15_000)  # the server says this account is an admin
    combo = dialog.columns_table.cellWidget(1, 2)
    assert isinstance(combo, QComboBox) and combo.itemText(combo.count() - 1) == "New attribute…"
    combo.setCurrentIndex(combo.count() - 1)
    form = dialog.attribute_form
    assert form is not None and form.isVisible()
    assert (form.title.text(), form.slug.text()) == ("Partner tier", "partner_tier")  # type: ignore[attr-defined]
    form.buttons.button(QDialogButtonBox.StandardButton.Save).click()  # type: ignore[attr-defined]
    # Made on the server, brought by the sync, then the column goes to it and the rows are planned again.
    qtbot.waitUntil(lambda: dialog.column_target(1) == Target("partner_tier"), timeout=30_000)
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.import_button.isEnabled(), timeout=PLANNED_MS)
    assert combo is not dialog.columns_table.cellWidget(1, 2)  # the lists were filled again
    assert dialog.columns_table.cellWidget(1, 2).currentText() == "Partner tier"  # type: ignore[union-attr]
    _import(qtbot, dialog)
    made = [row for row in admin.store.records.rows(admin.store.records.query_ids("people", None))
            if row.title == "Grace Newcomer"]
    assert [row.values.get("partner_tier") for row in made] == ["Gold"]
    # The sync sends it (the import asked for a push): on the server, in the new attribute. Waiting
    # for it also leaves the sync idle, so the fixture stops it at once.
    assert admin.server.core is not None
    qtbot.waitUntil(lambda: any(record.values.get("partner_tier") == "Gold"
                                for record in admin.server.core.records.all("people")), timeout=30_000)


@pytest.mark.qt_log_ignore("QObject::killTimer: Timers cannot be stopped from another thread")
def test_a_member_is_not_offered_a_new_attribute(qtbot: Any, member: Env, tmp_path: Path) -> None:
    dialog = _shown(qtbot, member.context, member.store, _partners_csv(tmp_path))
    access = dialog._access
    assert access is not None
    with qtbot.waitSignal(access.capabilities_changed, timeout=15_000):
        access.probe()  # asked again: the answer is the server's, not the kept one
    assert not dialog.can_add_attributes()
    combo = dialog.columns_table.cellWidget(1, 2)
    assert isinstance(combo, QComboBox) and "New attribute…" not in [combo.itemText(i) for i in range(combo.count())]
