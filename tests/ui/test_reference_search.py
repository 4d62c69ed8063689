"""One reference search, as users meet it in two places: the filter bar's value picker and the
table cell's reference editor list the same records for what is typed — every typed word held
by the title, in any order, anywhere in a word, over the whole object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyleOptionViewItem, QWidget

from crmdesk.store import Store
from crmdesk.ui.editors.reference import ReferencePicker
from crmdesk.ui.theme_ink import contrast
from crmdesk.ui.views.record_table_view import RecordTableView
from tests.ui._theme_palettes import app_palette, dark_palette
from tests.ui.test_reference_filter import choose_attribute, first_condition
from tests.ui.test_table_view import column


def a_person(store: Store) -> tuple[str, str]:
    """A person far down the alphabet with a plain two-word name; (id, title)."""
    people = sorted(store.records.rows(store.records.query_ids("people")), key=lambda r: r.title.casefold())
    person = next(p for p in people[60:]
                  if p.title.isascii() and len(p.title.split()) == 2 and len(p.title.split()[1]) >= 5)
    return person.id, person.title


def listed(picker: ReferencePicker) -> list[str]:
    return [picker.results.item(i).text() for i in range(picker.results.count())]


def typed(qtbot: Any, picker: ReferencePicker, text: str) -> list[str]:
    picker.search.clear()
    qtbot.keyClicks(picker.search, text)
    return listed(picker)


def cell_editor(qtbot: Any, view: RecordTableView, slug: str) -> ReferencePicker:
    index = view.model.index(0, column(view, slug))
    view.table.setCurrentIndex(index)
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    editor = view.table.findChild(QWidget, f"editor_{slug}")
    assert isinstance(editor, ReferencePicker)
    qtbot.waitUntil(editor.isVisible)
    return editor


def test_the_filter_and_the_cell_editor_find_the_same_people(
    qtbot: Any, open_view: Callable[[str], RecordTableView], store: Store
) -> None:
    person_id, title = a_person(store)
    first, last = title.split()
    inside = last[1:-1]  # part of a word, not its start
    view = open_view("deals")
    row = first_condition(qtbot, view)
    # In the filter's value picker…
    choose_attribute(qtbot, view, row, "Associated People")
    qtbot.mouseClick(row.operand.button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    popup = row.operand.popup  # type: ignore[union-attr]
    assert isinstance(popup, ReferencePicker) and popup.isVisible()
    in_filter = {text: typed(qtbot, popup, text) for text in (f"{last} {first}", inside)}
    qtbot.keyClick(popup.search, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    # …and in the table cell's editor: the same rows for the same typing.
    editor = cell_editor(qtbot, view, "associated_people")
    chosen = {editor.results.item(i).text() for i in range(editor.results.count())
              if editor.results.item(i).checkState() == Qt.CheckState.Checked}
    for text, rows in in_filter.items():
        assert title in rows, text
        assert all(inside.casefold() in r.casefold() for r in rows) if text == inside else True
        assert [r for r in typed(qtbot, editor, text) if r not in chosen] == [r for r in rows if r not in chosen]
    # Enter in the filter's picker takes the highlighted person: the rows start with the best match.
    qtbot.keyClick(editor.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.table.state() != QAbstractItemView.State.EditingState)
    qtbot.mouseClick(row.operand.button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    qtbot.keyClicks(popup.search, title)
    assert popup.results.currentItem().text() == title
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    assert row.operand.value() == person_id  # type: ignore[union-attr]


def test_a_multiple_reference_shows_its_check_boxes_in_a_dark_palette(
    qtbot: Any, qapp: Any, open_view: Callable[[str], RecordTableView]
) -> None:
    with app_palette(qapp, dark_palette()):
        view = open_view("deals")
        editor = cell_editor(qtbot, view, "associated_people")
        results = editor.results
        results.clearSelection()
        results.setCurrentRow(-1)
        image = results.viewport().grab().toImage()
        base = results.palette().color(QPalette.ColorRole.Base)
        unticked = [results.item(i) for i in range(results.count())
                    if results.item(i).checkState() == Qt.CheckState.Unchecked][:3]
        seen = []
        for item in unticked:
            option = QStyleOptionViewItem()
            option.initFrom(results)
            option.rect = results.visualItemRect(item)
            index = results.indexFromItem(item)
            results.itemDelegate().initStyleOption(option, index)  # type: ignore[attr-defined]
            box = results.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, results)
            seen += [image.pixelColor(x, y) for x in range(box.left(), box.right() + 1)
                     for y in range(box.top(), box.bottom() + 1)]
        qtbot.keyClick(editor.search, Qt.Key.Key_Escape)
    # Each box's border keeps the 3:1 a control's parts need (Fusion's own: about 1.7:1).
    assert max(contrast(color, base) for color in seen) >= 3
