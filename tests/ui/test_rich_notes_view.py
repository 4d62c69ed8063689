"""A note the team's web app wrote, as crmdesk shows it: the record timeline and the Notes view
keep its headings, lists and links (address visible), name who wrote it, and a link opens only
after the user says yes. The note comes from the sandbox server over loopback, then a sync."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QTextBlock, QTextListFormat, QUndoStack
from PySide6.QtWidgets import QApplication

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.testing import sandbox_server  # noqa: F401  (the fixture)
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.ui.markdown import MarkdownView
from crmdesk.ui.models.notes_model import SubtitleRole
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.notes_view import NotesView
from crmdesk.ui.views.record_page import RecordPage

FIXTURES = Path(__file__).parent.parent / "fixtures" / "aria-real"
LINK = "https://example.com/quote/17"


def web_app_note() -> dict[str, Any]:
    text = (FIXTURES / "WEBSHAPE_PATCH_note_tiptap.txt").read_text(encoding="utf-8")
    body: dict[str, Any] = json.loads(next(line for line in text.splitlines() if line.startswith("### BODY: "))
                                      .removeprefix("### BODY: "))
    return body


@pytest.fixture
def synced(sandbox_server: Callable[..., SandboxServer], tmp_path: Path) -> tuple[Store, str, list[str]]:  # noqa: F811
    """A store synced after the web app wrote two notes on one deal (the second one later)."""
    server = sandbox_server(records=30, seed=21)
    headers = {"Authorization": f"Bearer {server.admin_token}"}
    with httpx.Client(base_url=server.api_url, headers=headers, timeout=10) as api:
        deal = api.get("/objects/deals/records", params={"limit": 1}).json()["data"]["records"][0]["id"]
        ids = []
        for title in ("Call with Acme", "Second call"):
            note = api.post(f"/objects/deals/records/{deal}/notes", json={"title": "", "content": None}).json()["data"]
            api.patch(f"/notes/{note['id']}", json={**web_app_note(), "title": title})
            ids.append(note["id"])
    store = Store.open(tmp_path / "w.sqlite")
    backend = open_backend("aria", server.url, server.admin_token)
    try:
        assert SyncEngine(store, backend).sync().complete
    finally:
        backend.close()
    yield store, deal, ids  # type: ignore[misc]
    store.close()


def blocks(view: MarkdownView) -> list[QTextBlock]:
    out, block = [], view.document.begin()
    while block.isValid():
        out.append(block)
        block = block.next()
    return out


def link_point(view: MarkdownView, href: str) -> QPoint:
    """Where the link to ``href`` is drawn in ``view``."""
    layout = view.document.documentLayout()
    for block in blocks(view):
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                offset = fragment.position() - block.position() + 1
                line = block.layout().lineForTextPosition(offset)
                top = layout.blockBoundingRect(block).top()
                return QPoint(int(line.cursorToX(offset)[0]) + 1, int(top + line.y() + line.height() / 2))
            it += 1
    raise AssertionError(f"no link to {href}")


def open_page(store: Store, deal: str, qtbot: Any, tmp_path: Path) -> RecordPage:
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, navigator=Navigator(),
                         undo_stack=QUndoStack())
    page = RecordPage(context, deal)
    qtbot.addWidget(page)
    page.resize(1100, 900)
    page.show()
    qtbot.waitExposed(page)
    QApplication.processEvents()
    return page


def test_the_timeline_shows_the_structure_the_author_and_the_address(
        synced: tuple[Store, str, list[str]], qtbot: Any, tmp_path: Path) -> None:
    store, deal, (first, second) = synced
    page = open_page(store, deal, qtbot, tmp_path)
    notes = [card for card in page.timeline.cards if card.item.kind == "note"]
    assert [card.item.id for card in notes][:2] == [second, first]  # as the server dates them, newest first
    card = notes[1]
    author = store.schema.members()[0].name
    assert card.when_label.text().startswith(f"{author} · ")
    body = card.body
    assert isinstance(body, MarkdownView)
    shown = blocks(body)
    heading = next(b for b in shown if b.blockFormat().headingLevel())
    assert (heading.text(), heading.blockFormat().headingLevel()) == ("Agenda", 2)
    def in_list(style: QTextListFormat.Style) -> list[str]:
        return [b.text() for b in shown if b.textList() and b.textList().format().style() == style]

    assert in_list(QTextListFormat.Style.ListDisc) == ["Pricing for 50 seats", f"Quote seen here ({LINK})"]
    assert in_list(QTextListFormat.Style.ListDecimal) == ["Send contract"]
    assert "<" not in body.plain_text() and "**" not in body.plain_text()
    shots = Path(os.environ.get("CRMDESK_UI_SHOTS", tmp_path))
    assert card.grab().save(str(shots / "timeline_rich_note.png"))


def test_a_link_opens_only_after_the_user_says_yes(
        synced: tuple[Store, str, list[str]], qtbot: Any, tmp_path: Path) -> None:
    store, deal, (first, _second) = synced
    page = open_page(store, deal, qtbot, tmp_path)
    asked: list[str] = []
    opened: list[str] = []
    answer = [False]

    def confirm(_parent: Any, url: QUrl) -> bool:
        asked.append(url.toString())
        return answer[0]

    page.timeline.links.confirm = confirm
    page.timeline.links.open_url = lambda url: opened.append(url.toString()) is None
    card = next(card for card in page.timeline.cards if card.item.id == first)
    assert isinstance(card.body, MarkdownView)
    point = link_point(card.body, LINK)
    qtbot.mouseClick(card.body, Qt.MouseButton.LeftButton, pos=point)
    assert (asked, opened) == ([LINK], [])  # asked, said no: nothing opened
    answer[0] = True
    qtbot.mouseClick(card.body, Qt.MouseButton.LeftButton, pos=point)
    assert (asked, opened) == ([LINK, LINK], [LINK])


def test_the_notes_view_shows_the_selected_note_whole(
        synced: tuple[Store, str, list[str]], qtbot: Any, tmp_path: Path) -> None:
    store, _deal, (first, _second) = synced
    view = NotesView(AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, navigator=Navigator()))
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    row = next(r for r in range(view.model.rowCount()) if view.model.note_at(r).id == first)
    assert view.model.index(row).data(SubtitleRole).startswith("Agenda • Pricing for 50 seats")
    view.list.setCurrentIndex(view.model.index(row))
    body = view.preview.body
    assert body is not None and view.preview.title_label.text() == "Call with Acme"
    assert blocks(body)[0].blockFormat().headingLevel() == 2
    assert f"seen here ({LINK})" in body.plain_text()
    shots = Path(os.environ.get("CRMDESK_UI_SHOTS", tmp_path))
    assert view.grab().save(str(shots / "notes_view_rich_note.png"))


def test_the_note_dialog_previews_what_the_timeline_will_show(qtbot: Any) -> None:
    from crmdesk.ui.dialogs.note_dialog import NoteDialog

    dialog = NoteDialog(title="Call", content="## Agenda\n\n- Quote [seen here](https://example.com/quote/17)\n\n"
                                              "<script>alert(1)</script>")
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(1)
    shown = blocks(dialog.preview)
    assert (shown[0].text(), shown[0].blockFormat().headingLevel()) == ("Agenda", 2)
    assert shown[1].textList() is not None and shown[1].text() == f"Quote seen here ({LINK})"
    assert shown[2].text() == "<script>alert(1)</script>"  # the characters typed, never markup
