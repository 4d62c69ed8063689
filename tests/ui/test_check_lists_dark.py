"""The lists a user ticks things in — a task's assignees and records, the table's columns, a
multi-select cell — show their check boxes in a dark palette (3:1 against the row, the WCAG
minimum for a control's parts), not Fusion's near-black box on a near-black row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QListWidget, QStyle, QStyleOptionViewItem

from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.ui.dialogs.task_dialog import TaskDialog
from crmdesk.ui.editors.choice import MultiChoiceEditor
from crmdesk.ui.views.record_table_view import RecordTableView
from crmdesk.ui.widgets.column_chooser import ColumnChooser
from tests.ui._theme_palettes import app_palette, dark_palette
from tests.ui.test_tasks_view_layout import contrast


@pytest.fixture
def dark(qapp: QApplication) -> Iterator[None]:
    with app_palette(qapp, dark_palette()):
        yield


def weakest_box(qtbot: Any, items: QListWidget) -> float:
    """The weakest, over the list's rows, of each box's strongest contrast with its row."""
    items.resize(360, 300)
    items.show()
    qtbot.waitExposed(items)
    items.clearSelection()
    items.setCurrentRow(-1)
    image = items.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    weakest = 21.0
    for row in range(min(items.count(), 6)):
        index = items.model().index(row, 0)
        option = QStyleOptionViewItem()
        option.initFrom(items)
        option.rect = items.visualRect(index)
        items.itemDelegate().initStyleOption(option, index)  # type: ignore[attr-defined]
        box: QRect = items.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, items)
        cell = items.visualRect(index)
        background = image.pixelColor(QPoint(int((cell.right() - 3) * dpr), int(cell.center().y() * dpr)))
        best = max(contrast(image.pixelColor(QPoint(int(x * dpr), int(y * dpr))), background)
                   for x in range(box.left(), box.right() + 1) for y in range(box.top(), box.bottom() + 1))
        weakest = min(weakest, best)
    return weakest


@pytest.mark.usefixtures("dark")
def test_a_tasks_assignee_and_record_boxes_show_in_dark(qtbot: Any, store: Store) -> None:
    record_id = sorted(store.records.ids("deals"))[0]
    dialog = TaskDialog(store, record_id)
    qtbot.addWidget(dialog)
    assert weakest_box(qtbot, dialog.assignees) >= 3.0
    assert weakest_box(qtbot, dialog.records) >= 3.0


@pytest.mark.usefixtures("dark")
def test_the_column_chooser_boxes_show_in_dark(qtbot: Any, open_view: Callable[[str], RecordTableView]) -> None:
    view = open_view("deals")
    chooser = ColumnChooser(view.table.horizontalHeader(), view.model, view)
    qtbot.addWidget(chooser)
    chooser.list.item(1).setCheckState(Qt.CheckState.Unchecked)  # a hidden column: an empty box
    assert weakest_box(qtbot, chooser.list) >= 3.0


@pytest.mark.usefixtures("dark")
def test_a_multi_select_cells_boxes_show_in_dark(qtbot: Any, store: Store) -> None:
    multi = next(a for obj in store.schema.objects().values() for a in obj.attributes
                 if a.has_options and a.multiselect)
    editor = MultiChoiceEditor(multi, StoreDisplayContext(store))
    qtbot.addWidget(editor)
    editor.set_value(None)
    assert editor.count() and editor.item(0).data(Qt.ItemDataRole.CheckStateRole) is not None
    assert weakest_box(qtbot, editor) >= 3.0
