"""Ctrl+K over a record page: the record's own commands come first — add a note, add a task, open
it in the server's web app where the workspace knows its address — and they do what the page's
buttons do; with nothing typed, the records opened lately are listed, also after a restart."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.store import Store
from crmdesk.store.web_address import WEB_URL_META
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.models.notes_model import DetailRole, SubtitleRole
from crmdesk.ui.models.search_model import ItemRole
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.widgets.search_palette import SearchPalette
from tests.ui._answers import answering

# The offscreen platform cannot raise a window or grab the keyboard for a popup; says so each time.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _window(qtbot: Any, store: Store, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, navigator=Navigator(),
                         undo_stack=QUndoStack(), settings=settings)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window


@pytest.fixture
def window(qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> Iterator[MainWindow]:
    shown = _window(qtbot, synced_store(records=200, seed=1), tmp_path)
    yield shown
    shown.close()


def ctrl_k(qtbot: Any, window: MainWindow) -> SearchPalette:
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.findChild(SearchPalette)
    assert palette is not None and palette.isVisible(), "Ctrl+K opened no palette"
    return palette


def shown(palette: SearchPalette) -> list[str]:
    return [palette.model.index(r).data() for r in range(palette.model.rowCount())]


def type_in(qtbot: Any, palette: SearchPalette, text: str) -> None:
    qtbot.keyClicks(palette.field, text)
    qtbot.waitUntil(lambda: palette.model.query == palette.field.text(), timeout=2000)


def open_record(qtbot: Any, window: MainWindow, title: str, record_id: str) -> None:
    """Ctrl+K, the title typed, Down to the record, Enter: its page is on screen."""
    palette = ctrl_k(qtbot, window)
    type_in(qtbot, palette, title)
    targets = [palette.model.index(r).data(ItemRole).target for r in range(palette.model.rowCount())]
    for _ in range(targets.index(f"record:{record_id}")):
        qtbot.keyClick(palette.field, Qt.Key.Key_Down)
    qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(window.current_view(), "record_id", None) == record_id, timeout=2000)


def a_company(store: Store, name: str) -> str:
    return store.edits.create_record("companies", {"name": name}).target_id


def test_add_note_from_the_palette_saves_on_the_record(qtbot: Any, window: MainWindow) -> None:
    store = window.context.store
    assert store is not None
    record_id = a_company(store, "Quillfeather Labs")
    palette = ctrl_k(qtbot, window)  # on Home: nothing to add a note to
    assert not any(title.startswith(("Add note", "Add task")) for title in shown(palette))
    qtbot.keyClick(palette.field, Qt.Key.Key_Escape)
    open_record(qtbot, window, "Quillfeather", record_id)
    palette = ctrl_k(qtbot, window)
    assert shown(palette)[:2] == ["Add note to Quillfeather Labs…", "Add task for Quillfeather Labs…"]
    assert palette.model.index(0).data(DetailRole) == "This record"
    assert not any("on the server" in title for title in shown(palette))  # made offline: no page yet
    type_in(qtbot, palette, "add note")
    assert shown(palette)[0] == "Add note to Quillfeather Labs…"
    qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    page: Any = window.current_view()
    dialog = page.note_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    qtbot.keyClicks(dialog.title_edit, "Intro call")
    qtbot.keyClicks(dialog.content_edit, "They want a pilot in May.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    notes = [(n.record_id, n.title) for n in store.notes.for_record(record_id)]
    assert notes == [(record_id, "Intro call")]


def test_add_task_from_the_palette_links_the_record(qtbot: Any, window: MainWindow) -> None:
    store = window.context.store
    assert store is not None
    record_id = a_company(store, "Brindlewood Mills")
    open_record(qtbot, window, "Brindlewood", record_id)
    palette = ctrl_k(qtbot, window)
    type_in(qtbot, palette, "task")
    assert shown(palette)[0] == "Add task for Brindlewood Mills…"
    qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    page: Any = window.current_view()
    dialog = page.task_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    qtbot.keyClicks(dialog.content_edit, "Send the Brindlewood quote")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    task = next(t for t in store.tasks.all() if t.content == "Send the Brindlewood quote")
    assert task.record_ids == [record_id]


def a_synced_company(store: Store) -> tuple[str, str]:
    """(id, title) of a company the server has, with a title no other record starts with."""
    rows = store.records.rows(store.records.query_ids("companies"))
    titles = [row.title for row in store.records.rows(store.records.query_ids("people"))] + [r.title for r in rows]
    row = next(r for r in rows if sum(title.startswith(r.title) for title in titles) == 1)
    return row.id, row.title


def test_open_on_the_server_where_the_address_is_known(qtbot: Any, window: MainWindow) -> None:
    store = window.context.store
    assert store is not None
    with store.write():
        store.schema.set_meta(WEB_URL_META, json.dumps({"companies": "https://crm.example.test/acme/company/{id}/overview"}))
    record_id, title = a_synced_company(store)
    open_record(qtbot, window, title, record_id)
    palette = ctrl_k(qtbot, window)
    opened: list[QUrl] = []
    palette.open_url = answering(True, opened)
    type_in(qtbot, palette, "open on")
    assert shown(palette)[0] == f"Open {title} on the server"
    qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    assert [url.toString() for url in opened] == [f"https://crm.example.test/acme/company/{record_id}/overview"]
    assert not palette.isVisible()
    # A company made offline has no page on the server until it is pushed.
    local = a_company(store, "Marrowgate Freight")
    open_record(qtbot, window, "Marrowgate", local)
    palette = ctrl_k(qtbot, window)
    assert not any(title.endswith("on the server") for title in shown(palette))


def test_no_open_on_the_server_for_an_object_whose_address_is_not_known(qtbot: Any, window: MainWindow) -> None:
    store = window.context.store
    assert store is not None
    with store.write():  # the people object's template only
        store.schema.set_meta(WEB_URL_META, json.dumps({"people": "https://crm.example.test/acme/person/{id}"}))
    record_id, title = a_synced_company(store)
    open_record(qtbot, window, title, record_id)
    palette = ctrl_k(qtbot, window)
    type_in(qtbot, palette, "open on")
    assert not any(title.endswith("on the server") for title in shown(palette))


def test_empty_palette_lists_records_opened_lately_newest_first(
        qtbot: Any, synced_store: Callable[..., Store], tmp_path: Path) -> None:
    store = synced_store(records=200, seed=1)
    first, second = a_company(store, "Olverton Dairy"), a_company(store, "Pemberly Glass")
    window = _window(qtbot, store, tmp_path)
    open_record(qtbot, window, "Olverton", first)
    open_record(qtbot, window, "Pemberly", second)
    window.navigate("home")
    palette = ctrl_k(qtbot, window)
    assert shown(palette)[:2] == ["Pemberly Glass", "Olverton Dairy"]
    assert palette.model.index(0).data(SubtitleRole) == "Opened recently"
    assert palette.model.index(0).data(DetailRole) == "Company"
    qtbot.keyClick(palette.field, Qt.Key.Key_Down)
    qtbot.keyClick(palette.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(window.current_view(), "record_id", None) == first, timeout=2000)
    # On a record page the other recent records follow its own commands.
    palette = ctrl_k(qtbot, window)
    assert shown(palette)[2:4] == ["Pemberly Glass", "Go to Home"]
    window.close()
    path = store.path
    store.close()
    (tmp_path / "next").mkdir()
    with Store.open(path) as reopened:  # the next start (on Home: a settings file of its own)
        again = _window(qtbot, reopened, tmp_path / "next")
        palette = ctrl_k(qtbot, again)
        assert shown(palette)[:2] == ["Olverton Dairy", "Pemberly Glass"]
        again.close()
