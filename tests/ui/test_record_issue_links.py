"""What the record page says where the server keeps things it never lists: a record's issue keys
(linked and unlinked from the page after a question, shown as linked from here, with the unsent
and refused marks, rows left alone by notices about anything else) and comments (written here,
never read back: the timeline says only those written here are shown)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from crmdesk.context import AppContext
from crmdesk.model import EntityKind, MutationOp, MutationState
from crmdesk.store import RecordRow, Store
from crmdesk.store.changes import ChangeSet
from crmdesk.store.unsynced import QUEUED, REFUSED
from crmdesk.ui.views.record_page import COMMENTS_NOT_LISTED
from crmdesk.ui.widgets.issue_links import EMPTY, ONLY_LOCAL, unlink_issue_question
from tests.ui._answers import answering
from tests.ui._record_links import keep_capabilities, page_fixtures

store, context, page_of = page_fixtures(issue_links=True)


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
    badge = section.rows["SALES-12"].badge
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


def test_unlinking_a_sent_key_asks_first_and_queues_the_unlink(store: Store, page_of: Any, qtbot: Any) -> None:
    deal = a_deal(store)
    with store.write():
        store.issue_links.add(deal.id, "OPS-7")  # linked from here and sent long ago
    page = page_of(deal.id)
    section = page.issues_section
    assert section.keys() == ["OPS-7"] and section.rows["OPS-7"].badge.mark is None
    asked: list[str] = []
    section.confirm_unlink = answering(False, asked, note=lambda box: box.text())
    qtbot.mouseClick(section.rows["OPS-7"].unlink_button, Qt.MouseButton.LeftButton)
    assert asked == ["Unlink OPS-7 from this record?"]
    assert section.keys() == ["OPS-7"] and issue_links(store) == []
    section.confirm_unlink = lambda _box: True
    qtbot.mouseClick(section.rows["OPS-7"].unlink_button, Qt.MouseButton.LeftButton)
    assert section.keys() == [] and section.empty_label.isVisible()
    assert issue_links(store) == [(MutationOp.DELETE, "OPS-7")]


def test_the_unlink_question_defaults_to_cancel(qtbot: Any) -> None:
    box = unlink_issue_question("OPS-7")
    qtbot.addWidget(box)
    assert (box.windowTitle(), box.text()) == ("Unlink issue?", "Unlink OPS-7 from this record?")
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert [b.text() for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.DestructiveRole] == [
        "Unlink"]


def test_a_refused_key_shows_the_refused_mark_with_the_servers_reason_in_place(
        store: Store, page_of: Any, qtbot: Any) -> None:
    deal = a_deal(store)
    page = page_of(deal.id)
    page.activateWindow()
    qtbot.waitActive(page)
    section = page.issues_section
    qtbot.keyClicks(section.key_edit, "OPS-9")
    qtbot.keyClick(section.key_edit, Qt.Key.Key_Return)
    row = section.rows["OPS-9"]
    assert row.badge.mark is not None and row.badge.mark.state == QUEUED
    row.unlink_button.setFocus()
    # Notices about anything else: the row stays as it is, with the focus.
    page.on_changed(ChangeSet(objects={"people"}, record_ids={"someone-else"}))
    page.on_changed(ChangeSet(links={"someone-else"}, outbox=True))
    assert section.rows["OPS-9"] is row and row.unlink_button.hasFocus()
    [mutation] = [m for m in store.outbox.all() if m.entity is EntityKind.ISSUE_LINK]
    with store.write():
        store.outbox.set_state(mutation.op_id, MutationState.REJECTED, "No such issue: OPS-9")
    page.on_changed(ChangeSet(outbox=True))
    assert section.rows["OPS-9"] is row and row.unlink_button.hasFocus()
    assert row.badge.mark is not None and row.badge.mark.state == REFUSED
    assert row.badge.accessibleName() == "Refused by the server: No such issue: OPS-9"


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
