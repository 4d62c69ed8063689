"""A task's menu opens the records it is for: "Open <title>" each, going to the record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMenu

from crmdesk.store import Store
from crmdesk.ui.record_menu import add_record_openers


def test_each_record_of_a_task_has_its_open_action(qtbot: Any, synced_store: Callable[..., Store]) -> None:
    store = synced_store(records=200, seed=1)
    task = next(t for t in store.tasks.all() if t.record_ids)
    titles = store.records.titles(task.record_ids)
    menu = QMenu()
    qtbot.addWidget(menu)
    went: list[str] = []
    add_record_openers(menu, store, [*task.record_ids, "local-gone"], went.append)
    actions = [a for a in menu.actions() if not a.isSeparator()]
    shown = [a.text().replace("&&", "&") for a in actions]
    assert shown == [f"Open {titles[r]}" for r in task.record_ids] + ["Open record"]
    actions[0].trigger()
    assert went == [f"record:{task.record_ids[0]}"]


def test_a_task_for_no_record_adds_nothing(qtbot: Any, synced_store: Callable[..., Store]) -> None:
    menu = QMenu()
    qtbot.addWidget(menu)
    add_record_openers(menu, synced_store(records=200, seed=1), [], lambda _target: None)
    assert menu.actions() == []
