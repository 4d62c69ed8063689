"""Home reads like a small table: every name starts at one left edge, every count ends at one
right edge close beside the names (not across the window) on its name's line — open tasks and
unread notifications too — and a click on a name opens it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from crmdesk.context import AppContext
from crmdesk.store import Store
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.home_view import HomeView


@pytest.fixture
def home(qtbot: Any, synced_store: Callable[..., Store], ui_context: Callable[..., AppContext]) -> HomeView:
    view = HomeView(ui_context(synced_store(records=200, seed=1), navigator=Navigator()))
    qtbot.addWidget(view)
    view.resize(1024, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def rows(home: HomeView) -> list[tuple[QPushButton, QLabel]]:
    """Each name with the count on its line, as the eye pairs them: same height on screen."""
    names = [b for b in home.findChildren(QPushButton) if b.isVisible()]
    counts = [label for label in home.findChildren(QLabel) if label.isVisible() and label is not home.heading]
    paired = []
    for name in sorted(names, key=lambda b: b.mapTo(home, QPoint(0, 0)).y()):
        middle = name.mapTo(home, name.rect().center()).y()
        on_line = [c for c in counts if abs(c.mapTo(home, c.rect().center()).y() - middle) <= 2]
        assert len(on_line) == 1, f"{name.text()!r} has {len(on_line)} counts on its line"
        paired.append((name, on_line[0]))
    return paired


def number(count: QLabel) -> int:
    value, ok = QLocale().toInt(count.text())
    assert ok, count.text()
    return value


def text_right_edge(label: QLabel, home: QWidget) -> int:
    """Where the count's digits end on screen."""
    width = label.fontMetrics().horizontalAdvance(label.text())
    if label.alignment() & Qt.AlignmentFlag.AlignRight:
        return label.mapTo(home, QPoint(label.contentsRect().right(), 0)).x()
    return label.mapTo(home, QPoint(label.contentsRect().left() + width, 0)).x()


def test_names_and_counts_line_up(home: HomeView) -> None:
    store = home.context.store
    assert store is not None
    paired = rows(home)
    names = [name.text() for name, _ in paired]
    assert names == ["People", "Companies", "Deals", "Open tasks", "Unread notifications"]
    counts = {name.text(): number(count) for name, count in paired}
    assert counts["Companies"] == store.records.count("companies")
    assert counts["Open tasks"] == sum(1 for t in store.tasks.all() if not t.done) > 0
    assert counts["Unread notifications"] == store.notifications.unread_count()
    lefts = {name.mapTo(home, QPoint(0, 0)).x() for name, _ in paired}
    assert len(lefts) == 1, "names start at one left edge"
    rights = {text_right_edge(count, home) for _, count in paired}
    assert len(rights) == 1, "counts end at one right edge"
    nearest = max(name.mapTo(home, QPoint(name.fontMetrics().horizontalAdvance(name.text()), 0)).x()
                  for name, _ in paired)
    assert rights.pop() - nearest < 300, "the counts sit beside the names, not across the window"


def test_a_click_on_a_name_opens_it(qtbot: Any, home: HomeView) -> None:
    navigator = home.context.navigator
    assert navigator is not None
    for name, target in (("Companies", "object:companies"), ("Open tasks", "tasks"),
                         ("Unread notifications", "notifications")):
        button = next(b for b, _ in rows(home) if b.text() == name)
        with qtbot.waitSignal(navigator.navigate_requested, timeout=1000) as opened:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert opened.args == [target]

