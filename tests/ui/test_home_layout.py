"""Home's record counts read like a small table: every name starts at one left edge, every count
ends at one right edge close beside the names (not across the window) on its name's line — open
tasks and unread notifications too — and Enter or a double click on a name opens it. The
sections sit two by two in a wide window, the work one above the other with the short lists
aside in a middling one, one under another in a narrow one — and all of them fit a 1024×700 window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QPoint, Qt

from crmdesk.context import AppContext
from crmdesk.store import Store
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.home_view import HomeView
from crmdesk.ui.widgets.home_section import WORK_ROW_HEIGHT

from ._navigation_window import open_window

#: Far past the sandbox's own dates: every task it made is overdue, every deal quiet.
NOW = datetime(2099, 6, 15, 8, 0, tzinfo=UTC)


@pytest.fixture
def home(qtbot: Any, synced_store: Callable[..., Store], ui_context: Callable[..., AppContext]) -> HomeView:
    view = HomeView(ui_context(synced_store(records=200, seed=1), navigator=Navigator()))
    qtbot.addWidget(view)
    view.resize(1024, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_names_and_counts_line_up(home: HomeView) -> None:
    store = home.context.store
    assert store is not None
    counts = home.counts.list
    rows = [counts.topLevelItem(i) for i in range(counts.topLevelItemCount())]
    names = [item.text(0) for item in rows]
    assert names == ["People", "Companies", "Deals", "Open tasks", "Unread notifications"]
    read = {item.text(0): QLocale().toInt(item.text(1)) for item in rows}
    assert all(ok for _value, ok in read.values()), f"a count that is not a number: {read}"
    numbers = {name: value for name, (value, _ok) in read.items()}
    assert numbers["Companies"] == store.records.count("companies")
    assert numbers["Open tasks"] == sum(1 for t in store.tasks.all() if not t.done) > 0
    assert numbers["Unread notifications"] == store.notifications.unread_count()
    rects = [(counts.visualItemRect(item), counts.visualRect(counts.indexFromItem(item, 1))) for item in rows]
    assert len({name.left() for name, _ in rects}) == 1, "names start at one left edge"
    assert len({count.right() for _, count in rects}) == 1, "counts end at one right edge"
    assert all(name.center().y() == count.center().y() for name, count in rects), "each count on its name's line"
    assert all(item.textAlignment(1) & Qt.AlignmentFlag.AlignRight for item in rows)
    widest = max(counts.fontMetrics().horizontalAdvance(name) for name in names)
    assert rects[0][1].right() - widest < 300, "the counts sit beside the names, not across the window"


def test_enter_or_a_double_click_on_a_name_opens_it(qtbot: Any, home: HomeView) -> None:
    navigator = home.context.navigator
    assert navigator is not None
    counts = home.counts.list
    for name, target in (("Companies", "object:companies"), ("Open tasks", "tasks"),
                         ("Unread notifications", "notifications")):
        item = next(counts.topLevelItem(i) for i in range(counts.topLevelItemCount())
                    if counts.topLevelItem(i).text(0) == name)
        centre = counts.visualItemRect(item).center()
        # A real double click is a press and release first; QTest's double click alone is not.
        qtbot.mouseClick(counts.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        with qtbot.waitSignal(navigator.navigate_requested, timeout=1000) as opened:
            qtbot.mouseDClick(counts.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        assert opened.args == [target]
    counts.setCurrentItem(counts.topLevelItem(0))
    with qtbot.waitSignal(navigator.navigate_requested, timeout=1000) as opened:
        qtbot.keyClick(counts, Qt.Key.Key_Return)
    assert opened.args == ["object:people"]


def test_sections_two_by_two_or_one_under_another(qtbot: Any, home: HomeView) -> None:
    def tops() -> list[int]:
        return [section.mapTo(home, section.rect().topLeft()).y() for section in home.sections()]

    def lefts() -> list[int]:
        return [section.mapTo(home, section.rect().topLeft()).x() for section in home.sections()]

    assert tops()[0] == tops()[1] < tops()[2] == tops()[3]
    assert lefts()[0] == lefts()[2] < lefts()[1] == lefts()[3]
    # Beside a sidebar in a 1024 px window: the work one above the other, the short lists aside.
    home.resize(780, 700)
    qtbot.waitUntil(lambda: lefts()[0] == lefts()[1])
    tasks, deals, recent, counts = zip(tops(), lefts(), strict=True)
    assert tasks[0] < deals[0] and recent[0] < counts[0]
    assert tasks[1] == deals[1] < recent[1] == counts[1]
    home.resize(600, 700)
    qtbot.waitUntil(lambda: len(set(lefts())) == 1)
    assert tops() == sorted(tops()) and len(set(tops())) == 4


def test_every_section_fits_a_1024_by_700_window(qtbot: Any, synced_store: Callable[..., Store],
                                                 tmp_path: Path) -> None:
    """The whole page in view, no page scrolling, with several rows of tasks and deals showing
    (the sandbox's tasks are all overdue by 2099: the lists are full)."""
    store = synced_store(records=200, seed=1)
    me = next(m for m in store.schema.members() if m.email == "ada@sandbox.test")
    with store.write():
        store.schema.set_me(me.id)
    for record_id in [row[0] for row in store.conn.execute("SELECT id FROM records LIMIT 8")]:
        store.recent.visited(record_id)
    with open_window(qtbot, store, tmp_path, now=NOW) as window:
        home = window.current_view()
        assert isinstance(home, HomeView)
        qtbot.waitUntil(lambda: home.tasks.showing_list() and home.recent.showing_list())
        assert home.scroller.verticalScrollBar().maximum() == 0, "the page does not scroll"
        page = home.scroller.viewport().rect()
        for section in home.sections():
            where = section.geometry().translated(section.parentWidget().mapTo(home.scroller.viewport(), QPoint()))
            assert page.contains(where), f"{section.title.text()} is cut off"
        for work in (home.tasks.list, home.deals.list):
            assert work.viewport().height() >= 5 * WORK_ROW_HEIGHT, f"{work.accessibleName()} shows too few rows"
        assert home.counts.list.verticalScrollBar().maximum() == 0  # every count in view
        assert home.recent.list.verticalScrollBar().maximum() == 0
