"""One format everywhere, following the system locale: the record page shows a value as the
table does ("$114,000.00", "Mar 12, 2027" in English; "114.000,00 $", "12. März 2027" in
German) while the user reads it, the text to edit once they go into the field, and the saved
value read that way again when they leave."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from crmdesk.context import AppContext
from crmdesk.store import RecordRow, Store
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.record_page import RecordPage
from crmdesk.ui.views.record_table_view import RecordTableView
from crmdesk.ui.widgets.attribute_form import TextField
from crmdesk.ui.widgets.display_line_edit import DisplayLineEdit
from tests.ui._record_links import FakeSync


@pytest.fixture
def locale() -> Iterator[Callable[[str], None]]:
    """``locale("de_DE")``: the system locale views read from now on (the default comes back after)."""
    before = QLocale()
    yield lambda name: QLocale.setDefault(QLocale(name))
    QLocale.setDefault(before)


@pytest.fixture
def page_context(store: Store, ui_context: Callable[..., AppContext]) -> AppContext:
    return ui_context(store, navigator=Navigator(), sync=FakeSync())


def a_deal(store: Store, currency: str) -> RecordRow:
    rows = store.records.rows(store.records.query_ids("deals"))
    return next(r for r in rows if (r.values.get("value") or {}).get("currency") == currency
                and r.values.get("expected_close_date"))


def table_text(view: RecordTableView, record_id: str, slug: str) -> str:
    row = view.model.row_of(record_id)
    assert row is not None
    column = [a.slug for a in view.model.columns].index(slug)
    return str(view.model.index(row, column).data())


def open_page(qtbot: Any, context: AppContext, record_id: str) -> RecordPage:
    page = RecordPage(context, record_id)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    QApplication.processEvents()
    return page


def field(page: RecordPage, slug: str) -> QLineEdit:
    widget = page.form.fields[slug]
    assert isinstance(widget, TextField)
    return widget.edit


@pytest.mark.parametrize(("name", "money", "day"), [
    ("en_US", r"€\d{1,3}(,\d{3})*\.\d\d", r"[A-Z][a-z]{2} \d{1,2}, \d{4}"),
    ("de_DE", r"\d{1,3}(\.\d{3})*,\d\d\s€", r"\d{1,2}\. \w+\.? \d{4}"),
])
def test_the_record_page_reads_like_the_table_in_the_systems_locale(
        qtbot: Any, store: Store, open_view: Callable[[str], RecordTableView], page_context: AppContext,
        locale: Callable[[str], None], name: str, money: str, day: str) -> None:
    locale(name)
    deal = a_deal(store, "EUR")
    view = open_view("deals")
    shown_value, shown_day = table_text(view, deal.id, "value"), table_text(view, deal.id, "expected_close_date")
    assert re.fullmatch(money, shown_value) and re.fullmatch(day, shown_day)
    page = open_page(qtbot, page_context, deal.id)
    assert field(page, "value").text() == shown_value
    assert field(page, "expected_close_date").text() == shown_day


def test_going_into_a_field_edits_the_value_and_leaving_reads_it_again(
        qtbot: Any, store: Store, page_context: AppContext, locale: Callable[[str], None]) -> None:
    locale("en_US")
    deal = a_deal(store, "EUR")
    amount = deal.values["value"]["amount"]
    page = open_page(qtbot, page_context, deal.id)
    value = field(page, "value")
    qtbot.mouseClick(value, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(value.hasFocus)
    assert value.text() == f"{amount} EUR"  # the text to edit
    value.selectAll()
    qtbot.keyClicks(value, "7250")
    qtbot.keyClick(value, Qt.Key.Key_Tab)  # leaving the field saves it
    qtbot.waitUntil(lambda: not value.hasFocus())
    assert store.records.get(deal.id).values["value"] == {"amount": 7250, "currency": "EUR"}  # type: ignore[union-attr]
    assert value.text() == "€7,250.00"
    # Esc gives up typed text and the field reads as before.
    qtbot.mouseClick(value, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(value.hasFocus)
    value.selectAll()
    qtbot.keyClicks(value, "99")
    qtbot.keyClick(value, Qt.Key.Key_Escape)
    assert value.text() == "7250 EUR"
    qtbot.keyClick(value, Qt.Key.Key_Tab)
    assert value.text() == "€7,250.00"
    assert store.outbox.count() == 1
    # A refused value stays as typed when the user leaves, to be fixed (not replaced by the old one).
    day = field(page, "expected_close_date")
    qtbot.mouseClick(day, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(day.hasFocus)
    day.selectAll()
    qtbot.keyClicks(day, "next tuesday-ish")
    qtbot.keyClick(day, Qt.Key.Key_Tab)
    assert page.form.error_text("expected_close_date")
    assert day.text() == "next tuesday-ish"
    assert store.outbox.count() == 1


def test_a_page_opened_with_the_keyboard_in_its_first_field_shows_the_start_of_the_name(
        qtbot: Any, store: Store, page_context: AppContext) -> None:
    long_named = max(store.records.ids("deals"), key=lambda rid: len(store.records.get(rid).title or ""))  # type: ignore[union-attr]
    page = open_page(qtbot, page_context, long_named)
    name = page.form.findChild(DisplayLineEdit)
    assert name is not None
    name.setFocus()  # as the window does after navigating to the page (Qt.OtherFocusReason)
    qtbot.waitUntil(name.hasFocus)
    assert name.cursorPosition() == 0 and name.text() == store.records.get(long_named).title  # type: ignore[union-attr]
