"""Filtering by a reference, as a user does it: choosing the attribute applies nothing; the value
is picked in a search over the whole object; an owner can be "me"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from crmdesk.model import Condition, FilterGroup, Operator
from crmdesk.store import Store
from crmdesk.ui.views.record_table_view import RecordTableView
from crmdesk.ui.widgets.filter_bar import ConditionRow
from tests.ui._table_keys import choose


def first_condition(qtbot: Any, view: RecordTableView) -> ConditionRow:
    qtbot.mouseClick(view.buttons[1], Qt.MouseButton.LeftButton)  # Filter
    return view.filter_bar.root.children_widgets()[0]  # type: ignore[return-value]





def choose_attribute(qtbot: Any, view: RecordTableView, row: ConditionRow, title: str) -> None:
    choose(qtbot, row.attribute, title)
    settled(qtbot, view)


def settled(qtbot: Any, view: RecordTableView) -> None:
    """Past the typing pause: whatever the bar would apply is applied."""
    qtbot.waitUntil(lambda: not view.filter_bar._timer.isActive())


def deals_with(store: Store, slug: str, wanted: str) -> int:
    return len(store.records.query_ids("deals", FilterGroup("and", (Condition(slug, Operator.EQUALS, wanted),))))


def test_choosing_a_reference_attribute_filters_nothing_until_a_value_is_picked(
    qtbot: Any, open_view: Callable[[str], RecordTableView]
) -> None:
    view = open_view("deals")
    row = first_condition(qtbot, view)
    choose_attribute(qtbot, view, row, "Company")
    assert view.count_label.text() == "50 deals"
    assert view.filter_action.text() == "Filter"
    assert [row.operator.itemText(i) for i in range(row.operator.count())] == [
        "is", "is not", "is empty", "is not empty"]
    assert row.operand is not None and row.operand.button.text() == "Choose…"  # type: ignore[attr-defined]
    # The members of an owner filter behave alike.
    choose_attribute(qtbot, view, row, "Owner")
    assert view.count_label.text() == "50 deals"
    assert [row.operator.itemText(i) for i in range(row.operator.count())] == [
        "is", "is not", "is empty", "is not empty"]


def test_the_picker_searches_every_record_of_the_object(
    qtbot: Any, open_view: Callable[[str], RecordTableView], store: Store
) -> None:
    people = store.records.rows(store.records.query_ids("people"))
    by_title = sorted(people, key=lambda r: r.title.casefold())
    in_deals = {pid for deal in store.records.rows(store.records.query_ids("deals"))
                for pid in deal.values.get("associated_people") or []}
    # Someone far down the alphabet (past the first 50), on a deal, with a plain-letter name.
    person = next(p for p in by_title[60:] if p.id in in_deals and p.title.isascii())
    view = open_view("deals")
    row = first_condition(qtbot, view)
    choose_attribute(qtbot, view, row, "Associated People")
    qtbot.mouseClick(row.operand.button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    popup = row.operand.popup  # type: ignore[union-attr]
    assert popup is not None and popup.isVisible()
    assert f"of {len(people)}" in popup.hint.text() or str(len(people)) in popup.hint.text()
    qtbot.keyClicks(popup.search, person.title)
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert row.operand.button.text() == person.title  # type: ignore[union-attr]
    expected = deals_with(store, "associated_people", person.id)
    assert view.count_label.text() == f"{expected} of 50 deals"
    assert view.filter_action.text() == "Filter (1)"


def test_escape_in_the_picker_changes_nothing_and_is_empty_needs_no_value(
    qtbot: Any, open_view: Callable[[str], RecordTableView], store: Store
) -> None:
    for deal_id in sorted(store.records.ids("deals"))[:3]:
        store.edits.update_record(deal_id, {"company": None})
    view = open_view("deals")
    view.activateWindow()
    qtbot.waitActive(view)  # the keyboard follows the focus
    row = first_condition(qtbot, view)
    choose_attribute(qtbot, view, row, "Company")
    # Tab, Tab (past the operator) to the value button; typing on it opens the search with what was typed.
    assert row.attribute.hasFocus()
    qtbot.keyClick(row.attribute, Qt.Key.Key_Tab)
    qtbot.keyClick(row.operator, Qt.Key.Key_Tab)
    assert row.operand.button.hasFocus()  # type: ignore[union-attr]
    qtbot.keyClick(row.operand.button, Qt.Key.Key_A)  # type: ignore[union-attr]
    popup = row.operand.popup  # type: ignore[union-attr]
    assert popup.isVisible() and popup.search.hasFocus() and popup.search.text() == "a"
    qtbot.keyClick(popup.search, Qt.Key.Key_Escape)
    assert row.operand.button.hasFocus()  # type: ignore[union-attr]
    assert not popup.isVisible()
    settled(qtbot, view)
    assert view.count_label.text() == "50 deals"
    choose(qtbot, row.operator, "is empty")
    settled(qtbot, view)
    assert view.count_label.text() == "3 of 50 deals"
    choose(qtbot, row.operator, "is not empty")
    settled(qtbot, view)
    assert view.count_label.text() == "47 of 50 deals"
    # "is not" a company: the deals of the others (a deal without a company is not one of them).
    company = store.records.rows(store.records.query_ids("companies"))[0]
    choose(qtbot, row.operator, "is not")
    qtbot.keyClick(row.operand.button, Qt.Key.Key_Space)  # type: ignore[union-attr]
    popup = row.operand.popup  # type: ignore[union-attr]
    qtbot.keyClicks(popup.search, company.title)
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    others = 47 - deals_with(store, "company", company.id)
    assert view.count_label.text() == f"{others} of 50 deals"


def test_my_deals_follow_who_the_workspace_says_i_am(
    qtbot: Any, open_view: Callable[[str], RecordTableView], store: Store
) -> None:
    ada = next(m for m in store.schema.members() if m.name == "Ada Admin")
    with store.write():
        store.schema.set_me(ada.id)
    view = open_view("deals")
    row = first_condition(qtbot, view)
    choose_attribute(qtbot, view, row, "Owner")
    qtbot.mouseClick(row.operand.button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    popup = row.operand.popup  # type: ignore[union-attr]
    assert popup.results.item(0).text() == "Me (Ada Admin)"
    qtbot.keyClicks(popup.search, "me")
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    assert row.operand.button.text() == "Me (Ada Admin)"  # type: ignore[union-attr]
    mine = deals_with(store, "owner", ada.actor_id)
    assert 0 < mine < 50
    assert view.count_label.text() == f"{mine} of 50 deals"
    # Nobody chosen as "me": the bar says what to do, and the table keeps what it showed.
    with store.write():
        store.schema.set_me(None)
    choose(qtbot, view.filter_bar.root.conjunction, "Any of these")
    settled(qtbot, view)
    assert view.filter_bar.message.isVisible() and "This is me" in view.filter_bar.message.text()
    assert view.count_label.text() == f"{mine} of 50 deals"
