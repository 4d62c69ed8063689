"""The Tasks view shows the tasks: the task column takes the room at 1024 px and narrower (1.5×),
and the done check boxes stand out in a dark palette as in a light one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QSplitter, QStyle, QStyleOptionViewItem, QWidget

from crmdesk.context import AppContext
from crmdesk.store import Store
from crmdesk.ui.models.tasks_model import COL_TASK, COLUMNS, Group
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.tasks_view import TasksView

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture
def context(store: Store, ui_context: Callable[..., AppContext], fake_sync: Any) -> AppContext:
    return ui_context(store, navigator=Navigator(), sync=fake_sync, undo_stack=None)


def dark() -> QPalette:
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#1f2023", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#18191b", QPalette.ColorRole.AlternateBase: "#232428",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#2a2b2f",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#2f5fa8",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Mid: "#3a3b40",
        QPalette.ColorRole.Dark: "#111214", QPalette.ColorRole.Light: "#3c3d42",
        QPalette.ColorRole.Midlight: "#303136", QPalette.ColorRole.Shadow: "#000000",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    return palette


@pytest.fixture
def dark_palette(qapp: QApplication) -> Iterator[None]:
    """The user's desktop in dark mode, for this test only."""
    before = qapp.palette()
    qapp.setPalette(dark())
    yield
    qapp.setPalette(before)


def in_window(qtbot: Any, context: AppContext, width: int) -> tuple[QSplitter, TasksView]:
    """The view beside a 220 px sidebar in a window ``width`` px wide and 700 high, as in the app."""
    window = QSplitter()
    side = QWidget()
    view = TasksView(context, "", None, clock=lambda: NOW)
    window.addWidget(side)
    window.addWidget(view)
    window.setSizes([220, width - 220])
    qtbot.addWidget(window)
    window.resize(width, 700)
    window.show()
    qtbot.waitExposed(window)
    return window, view  # the caller keeps the window: without it, it and the view would be deleted


@pytest.mark.parametrize("window_width", [1024, 1440, 780])  # 780: a 1024 px screen at 1.5× is 683 wide
def test_the_task_column_takes_the_room(qtbot: Any, context: AppContext, store: Store, window_width: int) -> None:
    store.edits.create_task("Send the signed renewal contract to the procurement team", deadline=None)
    _window, view = in_window(qtbot, context, window_width)
    header = view.tree.header()
    room = view.tree.viewport().width()
    widths = [header.sectionSize(c) for c in range(len(COLUMNS))]
    others = [w for c, w in enumerate(widths) if c != COL_TASK]
    # The widest column, at least half the room: the task's words are what the user reads.
    assert widths[COL_TASK] >= max(others), widths
    assert widths[COL_TASK] >= room // 2, (widths, room)
    assert sum(widths) <= room + 1  # nothing pushed past the right edge to scroll to
    # The user can read a usual task, box and all, without it being cut.
    tree_font = view.tree.fontMetrics()
    assert tree_font.horizontalAdvance("Send the contract for the renewal") + 40 <= widths[COL_TASK]


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(color: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def check_box_rect(view: TasksView, index: QModelIndex) -> QRect:
    """Where the style puts the task's check box in its cell."""
    option = QStyleOptionViewItem()
    option.initFrom(view.tree)
    option.rect = view.tree.visualRect(index)
    view.tree.itemDelegate().initStyleOption(option, index)  # type: ignore[attr-defined]
    return view.tree.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view.tree)


def box_contrast(image: QImage, box: QRect, cell: QRect, dpr: float) -> float:
    """The strongest contrast between the check box and the row's own background (sampled at the
    cell's right end, past any text)."""
    background = image.pixelColor(QPoint(int((cell.right() - 3) * dpr), int(cell.center().y() * dpr)))
    best = 1.0
    for x in range(box.left(), box.right() + 1):
        for y in range(box.top(), box.bottom() + 1):
            best = max(best, contrast(image.pixelColor(QPoint(int(x * dpr), int(y * dpr))), background))
    return best


@pytest.mark.usefixtures("dark_palette")
def test_check_boxes_stand_out_in_a_dark_palette(qtbot: Any, context: AppContext, store: Store) -> None:
    _window, view = in_window(qtbot, context, 1024)
    model = view.model
    open_group = next(g for g in model.groups() if g != Group.DONE)
    open_ids = model.task_ids_in(open_group)[:3]
    done_ids = model.task_ids_in(Group.DONE)[:1]
    view.tree.setCurrentIndex(model.index(0, 0))  # no task selected: the rows show their own colours
    view.tree.clearSelection()
    image = view.tree.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    for task_id in open_ids + done_ids:
        index = model.index_of_task(task_id)
        box = check_box_rect(view, index)
        assert box.width() >= 12 and box.left() >= view.tree.visualRect(index).left()
        # The WCAG minimum for parts of a control the user must see (3:1).
        assert box_contrast(image, box, view.tree.visualRect(index), dpr) >= 3.0, model.data(index)


@pytest.mark.usefixtures("dark_palette")
def test_clicking_the_box_still_ticks_the_task(qtbot: Any, context: AppContext, store: Store) -> None:
    _window, view = in_window(qtbot, context, 1024)
    model = view.model
    task_id = model.task_ids_in(next(g for g in model.groups() if g != Group.DONE))[0]
    cell = view.tree.visualRect(model.index_of_task(task_id))
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(cell.left() + 12, cell.center().y()))
    qtbot.waitUntil(lambda: task_id in model.task_ids_in(Group.DONE))
    assert store.tasks.get(task_id).done  # type: ignore[union-attr]
