"""The window over an attio workspace, as a user sees it: the people table, the deals board by its
status attribute, and a record's timeline with its notes, tasks and comments — and a comment
written there reaching the server — in the real MainWindow with real widgets.

The workspace is synced from the sandbox's attio facade over loopback HTTP, the way a user's first
sync makes it. What the window should show is read from the facade with plain httpx in Attio's own
shapes (``tests/attio_support.py``), every answer checked against Attio's spec, not through the
client's adapter. Every expectation is checked non-empty first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from crmdesk.app import view_target
from crmdesk.model import is_local_id
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.sync.engine import SyncEngine
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.models.record_table_model import RecordIdRole
from crmdesk.ui.views.board_view import BoardView
from crmdesk.ui.views.object_view import ObjectView
from crmdesk.ui.views.record_page import RecordPage
from tests.attio_support import AttioReader, active, full_name
from tests.ui._synced_window import first_sync, synced_window


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="attio", records=80, seed=7) as started:
        yield started


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory, server: SandboxServer) -> Iterator[tuple[Path, Path, AttioReader]]:
    """(data dir, workspace file synced from an 80-record attio facade, the facade's reader)."""
    data = tmp_path_factory.mktemp("attio-window") / "data"
    path = first_sync(data, server, "attio")
    reader = AttioReader(server)
    yield data, path, reader
    assert reader.transport.problems == []
    reader.close()


@pytest.fixture
def window(qtbot: Any, synced: tuple[Path, Path, AttioReader], tmp_path: Path) -> Iterator[MainWindow]:
    data, path, _reader = synced
    with synced_window(qtbot, data, path, tmp_path) as shown:
        yield shown


def test_the_people_table_shows_every_person_by_full_name(
    qtbot: Any, window: MainWindow, synced: tuple[Path, Path, AttioReader]
) -> None:
    people = {r["id"]["record_id"]: r for r in synced[2].records("people")}
    assert people
    window.navigate("object:people")
    view = window.current_view()
    assert isinstance(view, ObjectView) and view.stack.currentWidget() is view.table
    model = view.table.model
    qtbot.waitUntil(lambda: model.rowCount() == len(people), timeout=5000)
    assert view.table.count_label.text() == f"{len(people)} people"
    slugs = [a.slug for a in model.columns]
    title = slugs.index("name")
    assert model.headerData(title, Qt.Orientation.Horizontal) == "Name"
    shown = {model.index(row, 0).data(RecordIdRole): model.index(row, title).data() for row in range(model.rowCount())}
    assert shown == {record_id: full_name(record) for record_id, record in people.items()}
    assert all(shown.values())


def test_the_deals_board_has_a_column_per_active_status_in_order(
    qtbot: Any, window: MainWindow, synced: tuple[Path, Path, AttioReader]
) -> None:
    reader = synced[2]
    statuses = [s for s in reader.statuses("deals", "stage") if not s["is_archived"]]
    deals = reader.records("deals")
    assert statuses and deals
    by_status = {s["id"]["status_id"]: 0 for s in statuses}
    for deal in deals:
        for value in active(deal, "stage"):
            by_status[value["status"]["id"]["status_id"]] += 1
    assert sum(by_status.values()) == len(deals), "every demo deal has a stage"

    window.navigate(view_target(window.context, "board:deals"))
    view = window.current_view()
    assert isinstance(view, ObjectView)
    board = view.board
    assert isinstance(board, BoardView) and view.stack.currentWidget() is board
    qtbot.waitUntil(lambda: sum(c.count for c in board.model.columns) == len(deals), timeout=5000)
    assert board.group_combo.currentText() == "Stage"
    widgets = [w for w in board.column_widgets if w.column.key is not None]
    assert [w.title_label.text() for w in widgets] == [s["title"] for s in statuses]
    assert [int(w.count_label.text().replace(",", "")) for w in widgets] == [by_status[s["id"]["status_id"]]
                                                                            for s in statuses]
    assert board.count_label.text() == f"{len(deals)} cards"


def _sync(window: MainWindow, server: SandboxServer) -> None:
    backend = open_backend("attio", server.url, server.admin_token)
    try:
        assert window.context.store is not None
        assert SyncEngine(window.context.store, backend).sync().complete
    finally:
        backend.close()


def test_a_records_timeline_shows_its_notes_tasks_and_a_comment_written_there(
    qtbot: Any, window: MainWindow, synced: tuple[Path, Path, AttioReader], server: SandboxServer
) -> None:
    reader = synced[2]
    company = next(c for c in reader.records("companies") if reader.notes("companies", c["id"]["record_id"]))
    record_id = company["id"]["record_id"]
    note_titles = sorted(n["title"] for n in reader.notes("companies", record_id))
    # A colleague's task on it, made on the server since the last sync.
    reader.add_task("Send the renewal quote", "companies", record_id)

    window.navigate(f"record:{record_id}")
    page = window.current_view()
    assert isinstance(page, RecordPage)
    _sync(window, server)

    def shown(kind: str) -> list[str]:
        return sorted(card.item.title for card in page.timeline.cards if card.item.kind == kind)

    qtbot.waitUntil(lambda: shown("note") == note_titles and "Send the renewal quote" in shown("task"),
                    timeout=5000)
    # Attio's notes cannot be edited once made: the cards offer no Edit.
    assert all(card.edit_button is None for card in page.timeline.cards if card.item.kind == "note")

    assert page.comment_button.isVisible()
    page.open_comment_dialog()
    dialog = page.comment_dialog
    dialog.text_edit.setPlainText("Sent them the revised quote")
    dialog.post_button.click()
    assert not dialog.isVisible()
    comments = [card for card in page.timeline.cards if card.item.body == "Sent them the revised quote"]
    assert [(c.item.kind, c.title_label.text()) for c in comments] == [("comment", "Comment · not sent yet")]
    assert is_local_id(comments[0].item.id)

    _sync(window, server)
    posted = [c["content_plaintext"] for thread in reader.threads("companies", record_id) for c in thread["comments"]]
    assert posted.count("Sent them the revised quote") == 1
    qtbot.waitUntil(lambda: [card.title_label.text() for card in page.timeline.cards
                             if card.item.body == "Sent them the revised quote"] == ["Comment"], timeout=5000)
