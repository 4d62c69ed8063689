"""CSV export writes data, not display text: the user clicks Export CSV…, names the file in the
save dialog, and a spreadsheet reading the file gets plain numbers, amounts beside their
currency code, ISO 8601 dates, titles for choices and references, several values joined with
"; " — and the user is told how many rows went to which file."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QToolButton

from crmdesk.model import Condition, FilterGroup, Operator
from crmdesk.store import Store
from crmdesk.ui.views.record_table_view import RecordTableView
from tests.ui._modal import close_if_open

#: The offscreen platform cannot raise the file dialog's completer popup or grab the keyboard for it.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def save_as(qtbot: Any, path: Path) -> None:
    """Answer the next save dialog as a user: type the file's name and press Enter (the dialog
    starts in the home folder, the test's own through HOME)."""

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(10, attempt)
            return
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        name.selectAll()
        qtbot.keyClicks(name, path.name)
        if name.completer() is not None:
            name.completer().popup().hide()  # the suggestions list would take the Enter
        qtbot.keyClick(name, Qt.Key.Key_Return)
        QTimer.singleShot(100, lambda: close_if_open(dialog))  # a failed step must never leave it waiting

    QTimer.singleShot(0, attempt)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The save dialog opens in the home folder: here the test's own."""
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def click_export(qtbot: Any, view: RecordTableView, path: Path) -> None:
    button = next(b for b in view.findChildren(QToolButton) if b.text().startswith("Export CSV"))
    save_as(qtbot, path)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(path.exists)


def read_back(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_writes_data_a_spreadsheet_can_compute_with(
        qtbot: Any, open_view: Callable[[str], RecordTableView], store: Store, tmp_path: Path) -> None:
    QLocale.setDefault(QLocale("de_DE"))  # the table reads German
    try:
        view = open_view("deals")
    finally:
        QLocale.setDefault(QLocale.c())
    target = tmp_path / "deals.csv"
    click_export(qtbot, view, target)
    rows = read_back(target)
    assert list(rows[0]) == ["Name", "Value", "Value currency", "Stage", "Expected Close Date", "Owner", "Company",
                             "Associated People"]
    records = [view.model.record_at(r) for r in range(view.model.rowCount())]
    deals = store.schema.get_object("deals")
    assert deals is not None
    stage_titles = {o.id: o.title for o in deals.attribute("stage").options}  # type: ignore[union-attr]
    members = {m.actor_id: m.name for m in store.schema.members()}
    assert len(rows) == len(records) == 50
    for row, record in zip(rows, records, strict=True):
        assert record is not None
        values = record.values
        money = values.get("value")
        # The amount as a number (no "$", no grouping, no locale's decimal comma), its code beside it.
        assert (row["Value"], row["Value currency"]) == ((str(money["amount"]), money["currency"]) if money
                                                         else ("", ""))
        assert row["Expected Close Date"] == values.get("expected_close_date", "")  # ISO 8601
        assert row["Stage"] == stage_titles[values["stage"]]
        assert row["Owner"] == members.get(values.get("owner", ""), "")
        people = [store.records.get(i).title for i in values.get("associated_people", [])]  # type: ignore[union-attr]
        assert row["Associated People"] == "; ".join(people)
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\d", r["Expected Close Date"]) for r in rows)
    assert any("; " in r["Associated People"] for r in rows)  # several people: one cell, "; " between
    assert all(re.fullmatch(r"-?\d+(\.\d+)?|", r["Value"]) for r in rows)


def test_the_user_is_told_how_many_rows_went_to_which_file(
        qtbot: Any, open_view: Callable[[str], RecordTableView], store: Store, tmp_path: Path) -> None:
    view = open_view("deals")
    stage = store.schema.get_object("deals").attribute("stage")  # type: ignore[union-attr]
    won = stage.option_by_title("Won").id  # type: ignore[union-attr]
    view.filter_bar.set_filter(FilterGroup("and", (Condition("stage", Operator.EQUALS, won),)))
    shown = view.model.rowCount()
    assert 0 < shown < 50
    target = tmp_path / "open deals.csv"
    click_export(qtbot, view, target)
    box = view.findChild(QMessageBox, "exportDone")
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert box.text() == f"Exported {shown:,} deals to open deals.csv in {tmp_path}."
    assert "“;”" in box.informativeText()  # how several values share a cell is said
    assert len(read_back(target)) == shown
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.isVisible())


def test_tiny_and_huge_amounts_are_written_as_plain_numbers(
        qtbot: Any, open_view: Callable[[str], RecordTableView], store: Store, tmp_path: Path) -> None:
    """What a spreadsheet reads as the stored number: no "1e-05", and no "'" in front of "-1e+20"
    (a formula guard has no business with a number)."""
    first, second, third = sorted(store.records.ids("deals"))[:3]
    amounts = {first: 0.00001, second: -1e20, third: -0.125}
    for deal_id, amount in amounts.items():
        store.edits.update_record(deal_id, {"value": {"amount": amount, "currency": "EUR"}})
    view = open_view("deals")
    target = tmp_path / "amounts.csv"
    click_export(qtbot, view, target)
    rows = {view.model.record_at(r).id: row for r, row in enumerate(read_back(target))}  # type: ignore[union-attr]
    for deal_id, amount in amounts.items():
        cell = rows[deal_id]["Value"]
        assert re.fullmatch(r"-?\d+(\.\d+)?", cell), cell  # positional: no exponent, no quote, no grouping
        assert float(cell) == store.records.get(deal_id).values["value"]["amount"] == amount  # type: ignore[union-attr]
        assert rows[deal_id]["Value currency"] == "EUR"
