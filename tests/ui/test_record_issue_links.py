"""What the record page says where the server keeps things it never lists: a record's issue keys
(linked and unlinked from the page, shown as linked from here) and comments (written here, never
read back: the timeline says only those written here are shown)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt

from crmdesk.context import AppContext
from crmdesk.model import EntityKind, MutationOp
from crmdesk.store import RecordRow, Store
from crmdesk.store.changes import ChangeSet
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.record_page import COMMENTS_NOT_LISTED, RecordPage
from crmdesk.ui.widgets.issue_links import EMPTY, ONLY_LOCAL
from tests.ui._record_links import FakeSync, keep_capabilities, open_page


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    opened = synced_store(records=200, seed=1)
    keep_capabilities(opened, issue_links=True)
    return opened


@pytest.fixture
def context(store: Store, ui_context: Callable[..., AppContext]) -> AppContext:
    return ui_context(store, navigator=Navigator(), sync=FakeSync())


@pytest.fixture
def page_of(context: AppContext, qtbot: Any) -> Callable[[str], RecordPage]:
    return lambda record_id: open_page(context, qtbot, record_id)


def a_deal(store: Store) -> RecordRow:
    return store.records.rows(store.records.query_ids("deals"))[0]


def issue_links(store: Store) -> list[tuple[MutationOp, str]]:
    return [(m.op, m.target_id) for m in store.outbox.all() if m.entity is EntityKind.ISSUE_LINK]


def test_the_section_says_only_keys_linked_from_here_are_shown(store: Store, page_of: Any) -> None:
    page = page_of(a_deal(store).id)
    section = page.issues_section
    assert section.isVisible() and not page.links_section.isVisible()  # issues without record links
    assert section.note_label.isVisible() and section.note_label.text() == ONLY_LOCAL
    assert section.empty_label.isVisible() and section.empty_label.text() == EMPTY
    assert section.keys() == []


def test_typing_a_key_and_enter_links_it_unsent(store: Store, context: AppContext, page_of: Any,
                                                qtbot: Any) -> None:
    deal = a_deal(store)
    page = page_of(deal.id)
    section = page.issues_section
    qtbot.keyClicks(section.key_edit, " sales-12 ")
    qtbot.keyClick(section.key_edit, Qt.Key.Key_Return)
    assert section.keys() == ["SALES-12"] and section.key_edit.text() == ""
    _label, badge, _unlink = section.rows["SALES-12"]
    assert badge.mark is not None and badge.accessibleName() == "Waiting to be sent"
    assert not section.empty_label.isVisible()
    assert issue_links(store) == [(MutationOp.CREATE, "SALES-12")]
    assert context.sync.local_edits == 1  # type: ignore[union-attr]
    # The button does the same; keys are listed by project, then number.
    qtbot.keyClicks(section.key_edit, "SALES-9")
    qtbot.mouseClick(section.link_button, Qt.MouseButton.LeftButton)
    assert section.keys() == ["SALES-9", "SALES-12"]


def test_a_key_that_is_not_one_is_refused_with_the_reason_and_stays_typed(store: Store, page_of: Any,
                                                                          qtbot: Any) -> None:
    page = page_of(a_deal(store).id)
    section = page.issues_section
    qtbot.keyClicks(section.key_edit, "next sprint")
    qtbot.keyClick(section.key_edit, Qt.Key.Key_Return)
    assert section.error_label.isVisible() and "is not an issue key" in section.error_label.text()
    assert section.key_edit.text() == "next sprint" and section.keys() == []
    assert issue_links(store) == []
    # Typing again takes the message away.
    qtbot.keyClick(section.key_edit, Qt.Key.Key_Backspace)
    assert not section.error_label.isVisible()
    # Linking the same key twice is refused too.
    section.key_edit.clear()
    for _ in range(2):
        qtbot.keyClicks(section.key_edit, "OPS-7")
        qtbot.keyClick(section.key_edit, Qt.Key.Key_Return)
    assert "already linked" in section.error_label.text() and section.keys() == ["OPS-7"]


def test_unlinking_a_sent_key_queues_the_unlink(store: Store, page_of: Any, qtbot: Any) -> None:
    deal = a_deal(store)
    with store.write():
        store.issue_links.add(deal.id, "OPS-7")  # linked from here and sent long ago
    page = page_of(deal.id)
    section = page.issues_section
    assert section.keys() == ["OPS-7"] and section.rows["OPS-7"][1].mark is None
    qtbot.mouseClick(section.rows["OPS-7"][2], Qt.MouseButton.LeftButton)
    assert section.keys() == [] and section.empty_label.isVisible()
    assert issue_links(store) == [(MutationOp.DELETE, "OPS-7")]


def test_a_change_notice_shows_keys_as_the_store_has_them(store: Store, server_side: Store, page_of: Any) -> None:
    deal = a_deal(store)
    page = page_of(deal.id)
    with server_side.write():
        server_side.issue_links.add(deal.id, "OPS-8")
    page.on_changed(ChangeSet(links={deal.id}))
    assert page.issues_section.keys() == ["OPS-8"]


def test_the_section_is_not_shown_where_the_server_has_no_issues(store: Store, page_of: Any) -> None:
    keep_capabilities(store, issue_links=False)
    assert not page_of(a_deal(store).id).issues_section.isVisible()


# -- comments the server keeps but never lists ----------------------------------------------------


def test_the_timeline_says_only_comments_written_here_are_shown_where_none_are_read_back(
        store: Store, page_of: Any) -> None:
    page = page_of(a_deal(store).id)
    note = page.timeline.note_label
    assert not note.isVisible()  # no comments at all: nothing to say
    keep_capabilities(store, comments=True, comments_listed=True)
    page.reload()
    assert not note.isVisible()  # comments are read back: nothing to say either
    keep_capabilities(store, comments=True, comments_listed=False)
    page.reload()
    assert note.isVisible() and note.text() == COMMENTS_NOT_LISTED
    assert note.property("muted") is True
