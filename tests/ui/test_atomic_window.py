"""The window over an atomic (BasicsOS / Atomic CRM) workspace, as a user sees it: the people
table, the deals board and a contact's notes, in the real MainWindow with real widgets.

The workspace is synced from the sandbox's atomic facade over loopback HTTP, the way a user's
first sync makes it. What the window should show is read from the facade with plain httpx in
the server's own shapes (camelCase rows, ``Content-Range`` totals, ``configuration``'s
``dealStages``), not through the client's adapter, so a mapping bug is caught, not mirrored.
Every expectation is checked non-empty first: an empty or unsynced workspace fails each test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from crmdesk.app import view_target
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.markdown import MarkdownView
from crmdesk.ui.models.record_table_model import RecordIdRole
from crmdesk.ui.views.board_view import BoardView
from crmdesk.ui.views.object_view import ObjectView
from crmdesk.ui.views.record_page import RecordPage
from tests.atomic_support import FacadeReader
from tests.ui._synced_window import first_sync, synced_window


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, FacadeReader]]:
    """(data dir, workspace file synced from an 80-record atomic facade, the facade's reader)."""
    data = tmp_path_factory.mktemp("atomic-window") / "data"
    with SandboxServer(dialect="atomic", records=80, seed=7) as server:
        path = first_sync(data, server, "atomic")
        facade = FacadeReader(server)
        yield data, path, facade
        facade.client.close()


@pytest.fixture
def window(qtbot: Any, synced: tuple[Path, Path, FacadeReader], tmp_path: Path) -> Iterator[MainWindow]:
    data, path, _reader = synced
    with synced_window(qtbot, data, path, tmp_path) as shown:
        yield shown


def number(record_id: str) -> int:
    return int(record_id.rsplit("/", 1)[1])


def full_name(contact: dict[str, Any]) -> str:
    """A contact's name as the server's fields compose it (a missing part left out)."""
    return " ".join(part for part in (contact["firstName"], contact["lastName"]) if part)


def test_the_people_table_shows_every_contact_by_name_with_its_company(
    qtbot: Any, window: MainWindow, synced: tuple[Path, Path, FacadeReader]
) -> None:
    facade = synced[2]
    contacts = {row["id"]: row for row in facade.rows("contacts")}
    companies = {row["id"]: row["name"] for row in facade.rows("companies")}
    total = facade.total("contacts")
    assert total == len(contacts) > 0

    window.navigate("object:people")
    view = window.current_view()
    assert isinstance(view, ObjectView) and view.stack.currentWidget() is view.table
    model = view.table.model
    qtbot.waitUntil(lambda: model.rowCount() == total, timeout=5000)
    assert view.table.count_label.text() == f"{total} people"

    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    title = model.object_def.title_attribute
    assert title is not None and title.slug == "name"
    slugs = [a.slug for a in model.columns]
    title_column = slugs.index(title.slug)
    company_column = slugs.index("company_id")
    assert headers[title_column] == "Name" and headers[company_column] == "Company"
    assert "first_name" not in slugs and "last_name" not in slugs  # one name, not two text columns
    seen = set()
    for row in range(model.rowCount()):
        contact = contacts[number(model.index(row, 0).data(RecordIdRole))]
        seen.add(contact["id"])
        # The person's full name in the title column; a company reference shows the company's
        # name, never its id.
        assert full_name(contact) and model.index(row, title_column).data() == full_name(contact)
        assert model.index(row, company_column).data() == companies[contact["companyId"]]
    assert seen == set(contacts)


def test_a_person_is_titled_by_the_full_name(qtbot: Any, window: MainWindow,
                                             synced: tuple[Path, Path, FacadeReader]) -> None:
    contact = synced[2].rows("contacts")[0]
    assert contact["firstName"] and contact["lastName"]
    window.navigate(f"record:contacts/{contact['id']}")
    page = window.current_view()
    assert isinstance(page, RecordPage)
    # What the page's header, the notes list ("Note on …"), search and references show for a person.
    qtbot.waitUntil(lambda: page.record() is not None and bool(page.title_label.full_text()), timeout=5000)
    assert page.title_label.full_text() == f"{contact['firstName']} {contact['lastName']}"


def test_a_synced_persons_title_in_the_store_is_the_full_name(synced: tuple[Path, Path, FacadeReader]) -> None:
    _data, path, facade = synced
    contacts = facade.rows("contacts")
    assert contacts
    store = Store.open(path)
    try:
        titles = store.records.titles(f"contacts/{c['id']}" for c in contacts)
        # The title every list, reference, search hit and "Note on …" shows for the person.
        assert titles == {f"contacts/{c['id']}": full_name(c) for c in contacts}
        assert f"contacts/{contacts[0]['id']}" in store.records.ids_titled(full_name(contacts[0]), "people")
    finally:
        store.close()


def test_the_deals_board_has_a_column_per_stage_in_the_configurations_order(
    qtbot: Any, window: MainWindow, synced: tuple[Path, Path, FacadeReader]
) -> None:
    facade = synced[2]
    stages = facade.deal_stages()
    deals = facade.rows("deals")
    total = facade.total("deals")
    assert stages and total == len(deals) > 0
    by_stage = {stage["value"]: sum(1 for d in deals if d["status"] == stage["value"]) for stage in stages}
    assert sum(by_stage.values()) == total, "every demo deal is in one of the configuration's stages"

    window.navigate(view_target(window.context, "board:deals"))
    view = window.current_view()
    assert isinstance(view, ObjectView)
    board = view.board
    assert isinstance(board, BoardView) and view.stack.currentWidget() is board
    qtbot.waitUntil(lambda: sum(c.count for c in board.model.columns) == total, timeout=5000)
    assert board.group_combo.currentText() == "Stage"
    staged = [c for c in board.model.columns if c.key is not None]
    assert [c.key for c in staged] == [s["value"] for s in stages]  # no stray "Stage …xyz" column either
    # What the user reads on each column: the stage's label and its count.
    widgets = [w for w in board.column_widgets if w.column.key is not None]
    assert [w.title_label.text() for w in widgets] == [s["label"] for s in stages]
    assert [int(w.count_label.text().replace(",", "")) for w in widgets] == [by_stage[s["value"]] for s in stages]
    no_value = [c for c in board.model.columns if c.key is None]
    assert [c.count for c in no_value] == [0]
    assert board.count_label.text() == f"{total} cards"
    assert board.visible_columns()[: len(stages)] == [s["label"] for s in stages]


def test_a_contacts_record_page_shows_its_notes(qtbot: Any, window: MainWindow,
                                                synced: tuple[Path, Path, FacadeReader]) -> None:
    facade = synced[2]
    notes = facade.rows("contact_notes")
    assert notes, "the demo has notes on contacts"
    contact_id = notes[0]["contactId"]
    texts = sorted(n["text"].strip() for n in notes if n["contactId"] == contact_id)
    contact = next(c for c in facade.rows("contacts") if c["id"] == contact_id)

    window.navigate(f"record:contacts/{contact_id}")
    page = window.current_view()
    assert isinstance(page, RecordPage)

    def shown_notes() -> list[str]:
        return sorted(card.body.plain_text().strip() for card in page.timeline.cards
                      if card.item.kind == "note" and isinstance(card.body, MarkdownView))

    qtbot.waitUntil(lambda: shown_notes() == texts, timeout=5000)
    assert all(card.isVisible() for card in page.timeline.cards if card.item.kind == "note")
    assert page.title_label.full_text() == full_name(contact)
    assert page.subtitle_label.text().startswith("Person")
