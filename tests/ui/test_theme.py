"""crmdesk's look, as a user sees it in a light and a dark palette: where the keyboard is shows
as a ring, check boxes show in dark, buttons answer the mouse, the look follows the palette."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmdesk.ui import theme
from crmdesk.ui.widgets.check_delegate import VisibleCheckDelegate
from tests.ui._theme_palettes import PALETTES, app_palette, dark_palette, light_palette

PALETTE_NAMES = ["light", "dark"]


@contextmanager
def themed(app: QApplication, palette: QPalette) -> Iterator[theme.Theme]:
    """The app in ``palette`` with crmdesk's theme; both put back afterwards (one app for all tests)."""
    with app_palette(app, palette):
        applied = theme.apply(app)
        try:
            yield applied
        finally:
            theme.remove(app)


def show(qtbot: Any, window: QWidget) -> None:
    window.resize(420, 320)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def near(color: QColor, target: QColor, distance: int = 40) -> bool:
    return all(abs(a - b) <= distance for a, b in zip(color.getRgb()[:3], target.getRgb()[:3], strict=True))


def ring_share(image: QImage, rect: QRect, color: QColor) -> float:
    """How much of ``rect``'s outline (the band one px outside to one px inside, corners left
    out) shows ``color``."""
    hits = total = 0
    inset = theme.RADIUS + 2
    edges = [[QPoint(x, y) for y in (rect.top() - 1, rect.top())] for x in range(rect.left() + inset,
                                                                                 rect.right() - inset)]
    edges += [[QPoint(x, y) for y in (rect.bottom(), rect.bottom() + 1)] for x in range(rect.left() + inset,
                                                                                       rect.right() - inset)]
    edges += [[QPoint(x, y) for x in (rect.left() - 1, rect.left())] for y in range(rect.top() + inset,
                                                                                  rect.bottom() - inset)]
    edges += [[QPoint(x, y) for x in (rect.right(), rect.right() + 1)] for y in range(rect.top() + inset,
                                                                                    rect.bottom() - inset)]
    for points in edges:
        total += 1
        hits += any(near(image.pixelColor(point), color) for point in points)
    return hits / total


@pytest.mark.parametrize("palette_name", PALETTE_NAMES)
def test_tab_into_the_table_rings_it_in_a_colour_that_stands_out(qtbot: Any, qapp: QApplication,
                                                                  palette_name: str) -> None:
    palette = PALETTES[palette_name]()
    with themed(qapp, palette):
        window = QWidget()
        qtbot.addWidget(window)
        layout = QVBoxLayout(window)
        field = QLineEdit("Wilson Inc")
        table = QTableWidget(4, 2)
        layout.addWidget(field)
        layout.addWidget(table)
        show(qtbot, window)
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(field.hasFocus)
        focus = theme.Ink.of(palette).focus
        before = ring_share(window.grab().toImage(), table.geometry(), focus)
        qtbot.keyClick(field, Qt.Key.Key_Tab)
        qtbot.waitUntil(table.hasFocus)
        after = ring_share(window.grab().toImage(), table.geometry(), focus)
        ring_back_on_field = ring_share(window.grab().toImage(), field.geometry(), focus)
    assert before < 0.2
    assert after > 0.9, after
    assert ring_back_on_field < 0.5  # only one place has the ring
    window_color = palette.color(QPalette.ColorRole.Window)
    base_color = palette.color(QPalette.ColorRole.Base)
    assert theme.contrast(focus, window_color) >= 3 and theme.contrast(focus, base_color) >= 3


@pytest.mark.parametrize("palette_name", PALETTE_NAMES)
def test_a_button_and_a_check_box_reached_by_tab_are_ringed(qtbot: Any, qapp: QApplication,
                                                             palette_name: str) -> None:
    palette = PALETTES[palette_name]()
    with themed(qapp, palette):
        window = QWidget()
        qtbot.addWidget(window)
        layout = QVBoxLayout(window)
        field = QLineEdit()
        done = QCheckBox("Done")
        save = QPushButton("Save")
        for widget in (field, done, save):
            layout.addWidget(widget)
        show(qtbot, window)
        focus = theme.Ink.of(palette).focus
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
        qtbot.keyClick(field, Qt.Key.Key_Tab)
        qtbot.waitUntil(done.hasFocus)
        on_check_box = ring_share(window.grab().toImage(), done.geometry(), focus)
        qtbot.keyClick(done, Qt.Key.Key_Tab)
        qtbot.waitUntil(save.hasFocus)
        on_button = ring_share(window.grab().toImage(), save.geometry(), focus)
    assert on_check_box > 0.9 and on_button > 0.9, (on_check_box, on_button)


def indicator_rect(box: QCheckBox) -> QRect:
    option = QStyleOptionButton()
    option.initFrom(box)
    return box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)


def colors_in(image: QImage, rect: QRect) -> list[QColor]:
    return [image.pixelColor(x, y) for y in range(rect.top(), rect.bottom() + 1)
            for x in range(rect.left(), rect.right() + 1)]


@pytest.mark.parametrize("palette_name", PALETTE_NAMES)
def test_check_boxes_show_and_fill_when_clicked(qtbot: Any, qapp: QApplication, palette_name: str) -> None:
    palette = PALETTES[palette_name]()
    base = palette.color(QPalette.ColorRole.Window)
    with themed(qapp, palette):
        box = QCheckBox("Mark done")
        qtbot.addWidget(box)
        show(qtbot, box)
        area = indicator_rect(box)
        unchecked = colors_in(box.grab().toImage(), area)
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=area.center())
        assert box.isChecked()
        checked = colors_in(box.grab().toImage(), area)
    # The empty box's border stands out from the window (Fusion's was within 1.3:1 in dark).
    assert max(theme.contrast(color, base) for color in unchecked) >= 3
    highlight = palette.color(QPalette.ColorRole.Highlight)
    assert sum(near(color, highlight) for color in checked) > len(checked) // 4  # filled
    assert any(color.lightness() > 230 for color in checked)  # with a white tick


@pytest.mark.parametrize("with_theme", [True, False])
@pytest.mark.parametrize("palette_name", PALETTE_NAMES)
def test_check_boxes_in_table_cells_show(qtbot: Any, qapp: QApplication, palette_name: str, with_theme: bool) -> None:
    """An item view's boxes are its delegate's (the Tasks view's, a reference picker's): they show
    with the theme's style sheet and without it."""
    palette = PALETTES[palette_name]()
    field = palette.color(QPalette.ColorRole.Base)
    with themed(qapp, palette) if with_theme else app_palette(qapp, palette):
        table = QTableWidget(2, 1)
        table.setItemDelegate(VisibleCheckDelegate(table))
        qtbot.addWidget(table)
        for row in range(2):
            item = QTableWidgetItem("")
            item.setCheckState(Qt.CheckState.Unchecked)
            table.setItem(row, 0, item)
        table.clearSelection()
        show(qtbot, table)
        cell = table.visualRect(table.model().index(1, 0))
        image = table.viewport().grab().toImage()
        left_of_cell = QRect(cell.left(), cell.top(), min(24, cell.width()), cell.height())
        seen = colors_in(image, left_of_cell)
        table.close()
    assert max(theme.contrast(color, field) for color in seen) >= 3


def test_the_style_sheet_leaves_item_view_check_boxes_to_their_delegate(qapp: QApplication) -> None:
    """One drawing of a table cell's box: the delegate's, not also the style sheet's under it."""
    palette = dark_palette()
    with themed(qapp, palette):
        sheet = qapp.styleSheet()
    assert "QCheckBox::indicator:checked" in sheet and "QAbstractItemView::indicator" not in sheet


def background_at(widget: QWidget) -> QColor:
    """A pixel of the button's face, clear of its border and its words."""
    return widget.grab().toImage().pixelColor(4, widget.height() // 2)


@pytest.mark.parametrize("palette_name", PALETTE_NAMES)
def test_buttons_answer_hover_and_press(qtbot: Any, qapp: QApplication, palette_name: str) -> None:
    with themed(qapp, PALETTES[palette_name]()):
        window = QWidget()
        qtbot.addWidget(window)
        layout = QVBoxLayout(window)
        away = QLineEdit()
        save = QPushButton("Save")
        layout.addWidget(away)
        layout.addWidget(save)
        show(qtbot, window)
        qtbot.mouseMove(away)
        resting = background_at(save)
        qtbot.mouseMove(save)
        qtbot.waitUntil(save.underMouse)
        hovered = background_at(save)
        qtbot.mousePress(save, Qt.MouseButton.LeftButton)
        pressed = background_at(save)
        qtbot.mouseRelease(save, Qt.MouseButton.LeftButton)
    assert resting != hovered != pressed != resting


def test_the_look_follows_the_desktop_into_dark(qtbot: Any, qapp: QApplication) -> None:
    with themed(qapp, light_palette()):
        save = QPushButton("Save")
        qtbot.addWidget(save)
        show(qtbot, save)
        in_light = background_at(save)
        qapp.setPalette(dark_palette())  # the desktop switches to dark
        in_dark = background_at(save)
    assert in_light.lightness() > 180
    assert in_dark.lightness() < 90


def test_sidebar_rows_have_room(qtbot: Any, qapp: QApplication) -> None:
    with themed(qapp, light_palette()):
        sidebar = QTreeWidget()
        sidebar.setObjectName("sidebar")  # as crmdesk.ui.widgets.sidebar names it
        sidebar.setHeaderHidden(True)
        sidebar.addTopLevelItems([QTreeWidgetItem(["Home"]), QTreeWidgetItem(["Tasks"])])
        qtbot.addWidget(sidebar)
        show(qtbot, sidebar)
        row = sidebar.visualItemRect(sidebar.topLevelItem(0))
        text_height = sidebar.fontMetrics().height()
    assert row.height() >= text_height + 2 * theme.SPACE


def test_remove_puts_back_the_look_the_app_had(qapp: QApplication) -> None:
    style, sheet = qapp.style().name(), qapp.styleSheet()
    with themed(qapp, light_palette()) as applied:
        assert theme.apply(qapp) is applied  # once only
        assert qapp.styleSheet() != sheet
    assert qapp.style().name() == style and qapp.styleSheet() == sheet
    assert theme.current(qapp) is None


def test_the_type_scale_is_small_and_ordered(qapp: QApplication) -> None:
    base = qapp.font()
    sizes = [theme.scaled_font(base, role).pointSizeF() for role in ("caption", "body", "heading", "title")]
    assert sizes == sorted(sizes) and len(set(sizes)) == 4
    assert theme.scaled_font(base, "title").weight() > base.weight()
