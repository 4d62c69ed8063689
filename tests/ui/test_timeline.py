"""The timeline on a record page: newest first, built a page at a time, markdown shown safely,
server events included, and the worker's timeline fetch refreshing it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QTextCharFormat, QUndoStack
from PySide6.QtWidgets import QApplication

from crmdesk.context import AppContext
from crmdesk.model import TimelineEvent
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.sync import SyncEngine
from crmdesk.ui.markdown import MarkdownView, render_markdown
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.record_page import RecordPage
from crmdesk.ui.views.timeline_view import PAGE_SIZE, format_when, parse_when

EVIL = ("Hello <img src=http://evil/x.png> and <script>alert(1)</script>\n\n"
        "![pixel](http://evil/y.png) [x](javascript:alert(1))")


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    return synced_store(records=200, seed=1)


def open_page(store: Store, record_id: str, qtbot: Any, tmp_path: Path) -> RecordPage:
    context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, navigator=Navigator(),
                         undo_stack=QUndoStack())
    page = RecordPage(context, record_id)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    QApplication.processEvents()
    return page


def a_deal(store: Store) -> str:
    return store.records.rows(store.records.query_ids("deals")[:1])[0].id


def test_notes_tasks_events_and_creation_newest_first(store: Store, qtbot: Any, tmp_path: Path) -> None:
    deal = a_deal(store)
    with store.write():
        store.timeline.put_many([TimelineEvent("ev-1", deal, "attribute_changed", "Stage changed to Won",
                                               "2099-01-01T10:00:00.000Z", "Was Negotiation")])
    store.edits.create_note(deal, "Older note", "")
    store.edits.create_task("Call back", record_ids=[deal])
    store.edits.create_note(deal, "Newest note", "")
    page = open_page(store, deal, qtbot, tmp_path)
    cards = page.timeline.cards
    times = [parse_when(c.item.when) for c in cards]
    assert times == sorted(times, reverse=True)
    assert cards[0].title_label.text() == "Stage changed to Won"
    assert cards[0].body.text() == "Was Negotiation"  # type: ignore[union-attr]
    titles = [c.title_label.text() for c in cards]
    assert titles.index("Newest note") < titles.index("Older note")
    assert "Call back" in titles
    assert cards[-1].item.kind == "created"
    assert not page.timeline.empty_label.isVisible()


def test_three_hundred_notes_build_one_page_until_scrolled(store: Store, qtbot: Any, tmp_path: Path) -> None:
    deal = a_deal(store)
    for number in range(300):
        store.edits.create_note(deal, f"Note {number}", "text")
    page = open_page(store, deal, qtbot, tmp_path)
    timeline = page.timeline
    assert len(timeline.items) == 301  # the notes and the record's creation
    assert timeline.built_count == PAGE_SIZE
    assert timeline.more_button.isVisible()
    bar = timeline.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert timeline.built_count == 2 * PAGE_SIZE
    for _ in range(10):  # the user keeps scrolling to the end; the layout settles between moves
        QApplication.processEvents()
        bar.setValue(bar.maximum())
    assert not timeline.more_button.isVisible()
    # A refresh after a sync keeps what was built, rather than jumping back to one page.
    page.on_changed(ChangeSet(notes=True))
    assert timeline.built_count == len(timeline.items)


def test_markdown_notes_show_html_as_text_and_load_nothing(store: Store, qtbot: Any, tmp_path: Path) -> None:
    deal = a_deal(store)
    store.edits.create_note(deal, "Suspicious", EVIL)
    page = open_page(store, deal, qtbot, tmp_path)
    body = page.timeline.cards[0].body
    assert isinstance(body, MarkdownView)
    text = body.plain_text()
    assert "<img src=http://evil/x.png>" in text
    assert "<script>alert(1)</script>" in text
    assert "[image: pixel]" in text
    page.grab()  # paint it: an image fragment would ask for its resource now
    assert body.document.refused_resources == []
    block = body.document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt: QTextCharFormat = it.fragment().charFormat()
            assert not fmt.isImageFormat()
            assert not fmt.anchorHref().startswith("javascript")
            it += 1
        block = block.next()


def test_markdown_keeps_the_safe_subset() -> None:
    doc = render_markdown("**bold** and [site](https://example.com)\n\n- one\n- two")
    html = doc.toHtml()
    assert "font-weight" in html and "https://example.com" in html
    # The address shows after a link whose text says something else.
    assert doc.toPlainText().splitlines()[0] == "bold and site (https://example.com)"


def test_times_read_like_a_person_would_say_them() -> None:
    now = parse_when("2026-11-24T15:00:00.000Z").astimezone()
    today = now.replace(hour=9, minute=5).isoformat()
    assert format_when(today, now) == "Today 09:05"
    assert format_when("2019-03-02T10:00:00Z", now).endswith("2019")
    assert format_when("not a time", now) == ""


# The sync worker's timers are destroyed from the GUI thread after stop(): its owner's issue, not the page's.
@pytest.mark.qt_log_ignore("QObject::killTimer: Timers cannot be stopped from another thread")
def test_the_worker_fetches_the_timeline_when_the_page_opens(tmp_path: Path, qtbot: Any) -> None:
    from crmdesk.sync.worker import SyncController

    with SandboxServer(records=20, seed=3) as server:
        db = tmp_path / "live.sqlite"
        store = Store.open(db)
        backend = open_backend("aria", server.url, server.admin_token)
        try:
            SyncEngine(store, backend).sync()
        finally:
            backend.close()
        record_id = next(n.record_id for n in store.notes.all(10))
        sync = SyncController(db, lambda: open_backend("aria", server.url, server.admin_token), interval_ms=3_600_000)
        sync.start()
        try:
            context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store, navigator=Navigator(),
                                 sync=sync)
            def is_the_timeline(changes: ChangeSet) -> bool:  # not the first sync's own change set
                return changes.record_ids == {record_id} and not changes.objects

            with qtbot.waitSignal(sync.worker.changed, timeout=10_000, check_params_cb=is_the_timeline) as blocker:
                page = RecordPage(context, record_id)
                qtbot.addWidget(page)
            page.on_changed(blocker.args[0])
            assert store.timeline.for_record(record_id)  # what the server says, cached
            assert any(card.item.kind == "note" for card in page.timeline.cards)
        finally:
            sync.stop()
            store.close()
