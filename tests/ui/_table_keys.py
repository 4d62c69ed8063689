"""Helpers shared by the table keyboard, widths and bulk-edit tests: act on a modal dialog as a
user would, drag a column's edge, and find a column by its attribute."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QComboBox, QHeaderView

from crmdesk.ui.views.record_table_view import RecordTableView


def column(view: RecordTableView, slug: str) -> int:
    return [a.slug for a in view.model.columns].index(slug)


def cell(view: RecordTableView, row: int, slug: str) -> str:
    return view.model.index(row, column(view, slug)).data()


def focus_table(qtbot: Any, view: RecordTableView) -> None:
    """The table's keys act only while it has focus, as for a user who clicked into it."""
    view.activateWindow()
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)


def drag_edge(qtbot: Any, header: QHeaderView, logical: int, by: int) -> None:
    """Press on the right edge of a column's header, move the mouse with the button held, let go."""
    edge = header.sectionViewportPosition(logical) + header.sectionSize(logical) - 1
    y = header.height() // 2
    viewport = header.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(edge, y))
    for step in range(1, 5):
        # QTest's mouseMove does not carry a held button everywhere: the move a real mouse makes.
        point = QPoint(edge + by * step // 4, y)
        move = QMouseEvent(QMouseEvent.Type.MouseMove, point, viewport.mapToGlobal(point), Qt.MouseButton.NoButton,
                           Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, move)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(edge + by, y))


def choose(qtbot: Any, combo: QComboBox, text: str) -> None:
    """Focus a drop-down and press Home, then Down until it shows ``text``, as a keyboard user does."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text
