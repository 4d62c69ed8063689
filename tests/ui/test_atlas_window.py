"""The window over an atlas workspace, as a user sees it: the companies table, the sales board by a
single-select field, and a contact's page with its sections, its links (read from the server when
the page opens), a link made there and a comment written there reaching the server — in the real
MainWindow with real widgets.

The workspace is synced from the sandbox's atlas facade over loopback HTTP, the way a user's first
sync makes it. What the window should show is read from the facade with plain httpx in Atlas's own
shapes (``tests/sandbox/atlas_support.py``), not through the client's adapter. Every expectation is
checked non-empty first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from crmdesk.app import view_target
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.atlas import atlas_app
from crmdesk.sync.engine import SyncEngine
from crmdesk.ui.main_window import MainWindow
from crmdesk.ui.models.record_table_model import RecordIdRole
from crmdesk.ui.views.board_view import BoardView
from crmdesk.ui.views.object_view import ObjectView
from crmdesk.ui.views.record_page import RecordPage
from tests.sandbox.atlas_support import all_of, atlas_client, every_page, ok
from tests.ui._synced_window import first_sync, synced_window

ACCOUNT_ID = "5b10ac8d82e05b22cc7d4ef5"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="atlas", records=80, seed=7) as started:
        yield started


@pytest.fixture(scope="module")
def api(server: SandboxServer) -> Iterator[httpx.Client]:
    with atlas_client(server) as client:
        yield client


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory, server: SandboxServer) -> tuple[Path, Path]:
    """(data dir, workspace file synced from an 80-entity atlas facade)."""
    data = tmp_path_factory.mktemp("atlas-window") / "data"
    return data, first_sync(data, server, "atlas", _signed_in(server))


@pytest.fixture
def window(qtbot: Any, synced: tuple[Path, Path], tmp_path: Path) -> Iterator[MainWindow]:
    data, path = synced
    with synced_window(qtbot, data, path, tmp_path) as shown:
        yield shown


def _signed_in(server: SandboxServer) -> dict[str, str]:
    """The admin client's credentials with the user's account id (comments are written as it)."""
    client_id, _, secret = server.admin_token.partition(":")
    return {"client_id": client_id, "client_secret": secret, "account_id": ACCOUNT_ID}


def _sync(window: MainWindow, server: SandboxServer, *, links_of: str | None = None) -> None:
    """A sync round as the worker runs it; then, as when a record page opens, that record's links."""
    backend = open_backend("atlas", server.url, _signed_in(server))
    try:
        assert window.context.store is not None
        engine = SyncEngine(window.context.store, backend)
        assert engine.sync().complete
        if links_of is not None:
            engine.pull_links(links_of)
    finally:
        backend.close()


def test_the_companies_table_shows_every_company_by_name(
    qtbot: Any, window: MainWindow, api: httpx.Client
) -> None:
    companies = {c["id"]: c["fields"]["company-name"] for c in all_of(api, "company")}
    assert companies
    window.navigate("object:company")
    view = window.current_view()
    assert isinstance(view, ObjectView) and view.stack.currentWidget() is view.table
    model = view.table.model
    qtbot.waitUntil(lambda: model.rowCount() == len(companies), timeout=5000)
    assert view.table.count_label.text() == f"{len(companies)} companies"
    title = [a.slug for a in model.columns].index("company-name")
    assert model.headerData(title, Qt.Orientation.Horizontal) == "Name"
    shown = {model.index(row, 0).data(RecordIdRole): model.index(row, title).data() for row in range(model.rowCount())}
    assert shown == companies


def test_the_sales_board_has_a_column_per_option_of_a_single_select(
    qtbot: Any, window: MainWindow, api: httpx.Client
) -> None:
    template = ok(api.get("/template/sale"))
    selects = [f for s in template["sections"] for f in s["fields"] if f["type"] == "single-select"]
    sales = all_of(api, "sale")
    assert selects and sales
    window.navigate(view_target(window.context, "board:sale"))
    view = window.current_view()
    assert isinstance(view, ObjectView)
    board = view.board
    assert isinstance(board, BoardView) and view.stack.currentWidget() is board
    # Every single-select field can group the board, in template order.
    assert [board.group_combo.itemText(i) for i in range(board.group_combo.count())] == [f["label"] for f in selects]
    for field in selects:
        board.group_combo.setCurrentIndex(board.group_combo.findText(field["label"]))
        by_option = Counter(sale["fields"].get(field["id"]) for sale in sales)
        qtbot.waitUntil(lambda: sum(c.count for c in board.model.columns) == len(sales), timeout=5000)
        widgets = [w for w in board.column_widgets if w.column.key is not None]
        assert [w.title_label.text() for w in widgets] == field["config"]["options"], field["label"]
        assert [int(w.count_label.text().replace(",", "")) for w in widgets] == [
            by_option[option] for option in field["config"]["options"]], field["label"]


def test_a_contacts_page_shows_its_sections_links_and_a_comment_that_reaches_the_server(
    qtbot: Any, window: MainWindow, api: httpx.Client, server: SandboxServer
) -> None:
    contact = next(c for c in all_of(api, "contact")
                   if len(every_page(api, f"/entities/{c['id']}/links", {"size": 100})[0]) >= 1)
    links, _ = every_page(api, f"/entities/{contact['id']}/links", {"size": 100})
    expected = {item["entity"]["id"]: ", ".join(item["roles"]) for item in links}
    template = ok(api.get("/template/contact"))

    window.navigate(f"record:{contact['id']}")
    page = window.current_view()
    assert isinstance(page, RecordPage)
    # The form follows the template's sections, in order.
    assert [label.text().casefold() for label in page.form.section_labels] == [
        s["name"].casefold() for s in template["sections"]]
    # Atlas keeps no notes or tasks: their buttons are gone; comments are kept.
    assert not page.add_note_button.isVisible() and not page.add_task_button.isVisible()
    assert page.comment_button.isVisible()
    # An empty timeline asks for what this server keeps: comments, not notes.
    assert page.timeline.empty_label.text().startswith("No comments yet")

    # The links are read from the server when the page opens (the worker's ``open_record``).
    _sync(window, server, links_of=contact["id"])
    section = page.links_section
    qtbot.waitUntil(lambda: {row.link.other_id for row in section.rows} == set(expected), timeout=5000)
    assert {row.link.other_id: ", ".join(row.link.roles) for row in section.rows} == expected
    assert all(row.badge.mark is None for row in section.rows)

    page.open_comment_dialog()
    dialog = page.comment_dialog
    dialog.text_edit.setPlainText("Called about the renewal")
    dialog.post_button.click()
    assert not dialog.isVisible()
    # The comment is what the empty line asked for: it no longer shows above it.
    assert not page.timeline.empty_label.isVisible()
    _sync(window, server)
    comments = atlas_app(server).store.comments(contact["id"])
    assert [(c["comment"], c["account-id"]) for c in comments] == [("Called about the renewal", ACCOUNT_ID)]
    qtbot.waitUntil(lambda: [card.title_label.text() for card in page.timeline.cards
                             if card.item.body == "Called about the renewal"] == ["Comment"], timeout=5000)
