"""The record page's links with roles, driven like a user against a store the sandbox filled:
the list (titles, objects, roles, the unsent and refused marks), opening the other record,
linking through the dialog, editing roles, unlinking after a question, a link to a record the
cache lacks, a change notice showing a link the sync stored, and notices about anything else
leaving the rows (and the keyboard focus) alone."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox

from crmdesk.context import AppContext
from crmdesk.model import EntityKind, MutationOp, MutationState, RecordLink
from crmdesk.store import RecordRow, Store
from crmdesk.store.changes import ChangeSet
from crmdesk.store.unsynced import QUEUED, REFUSED
from crmdesk.ui.dialogs.link_dialog import LinkDialog, parse_roles
from crmdesk.ui.views.related_links import EMPTY, NOT_CACHED, NOT_READ, RecordLinksSection, unlink_question
from tests.ui._answers import answering
from tests.ui._record_links import keep_capabilities, page_fixtures

HOSTILE = "<b>Evil</b> & Co<img src=x>"
#: The offscreen platform cannot raise the roles completer's popup or grab the keyboard for it.
popup_warnings = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")


store, context, page_of = page_fixtures(record_links=True)


def records(store: Store, object_slug: str, count: int) -> list[RecordRow]:
    return store.records.rows(store.records.query_ids(object_slug))[:count]


def server_links(store: Store, record: RecordRow, *links: tuple[str, str, tuple[str, ...]]) -> None:
    """The record's links as a pull stores them: (other id, its object, roles)."""
    with store.write():
        store.links.replace_for_record(
            record.id, [RecordLink(record.id, other, obj, roles) for other, obj, roles in links],
            own_object=record.object_slug)


def row_texts(section: RecordLinksSection) -> list[str]:
    return [row.text() for row in section.rows]


def link_dialog(section: RecordLinksSection, qtbot: Any) -> LinkDialog:
    dialog = section.dialog
    assert isinstance(dialog, LinkDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_links_show_the_other_records_title_object_and_roles_and_open_it(
        store: Store, context: AppContext, page_of: Any, qtbot: Any) -> None:
    company = records(store, "companies", 1)[0]
    ada, bob = sorted(records(store, "people", 2), key=lambda r: r.title.casefold())
    server_links(store, company, (bob.id, "people", ("Employee",)),
                 (ada.id, "people", ("Employee", "Decision maker")))
    page = page_of(company.id)
    section = page.links_section
    assert section.isVisible() and not section.empty_label.isVisible()
    # By the other record's title; roles joined by commas; nothing waits to be sent.
    assert row_texts(section) == [f"{ada.title} · Person · Employee, Decision maker",
                                  f"{bob.title} · Person · Employee"]
    assert all(row.badge.mark is None for row in section.rows)
    with qtbot.waitSignal(context.navigator.navigate_requested) as clicked:  # type: ignore[union-attr]
        qtbot.mouseClick(section.rows[0].title_link, Qt.MouseButton.LeftButton)
    assert clicked.args == [f"record:{ada.id}"]
    section.rows[1].title_link.setFocus()
    with qtbot.waitSignal(context.navigator.navigate_requested) as entered:  # type: ignore[union-attr]
        qtbot.keyClick(section.rows[1].title_link, Qt.Key.Key_Return)
    assert entered.args == [f"record:{bob.id}"]


def test_the_same_link_shows_from_the_other_end(store: Store, page_of: Any) -> None:
    company = records(store, "companies", 1)[0]
    person = records(store, "people", 1)[0]
    server_links(store, company, (person.id, "people", ("Employee",)))
    page = page_of(person.id)
    assert row_texts(page.links_section) == [f"{company.title} · Company · Employee"]


def test_the_section_is_not_shown_where_the_server_does_not_link_records(store: Store, page_of: Any) -> None:
    keep_capabilities(store, record_links=False)
    page = page_of(records(store, "people", 1)[0].id)
    assert not page.links_section.isVisible()
    assert not page.issues_section.isVisible()


@popup_warnings
def test_linking_a_record_through_the_dialog_queues_it_and_shows_it_unsent(
        store: Store, context: AppContext, page_of: Any, qtbot: Any) -> None:
    person, colleague = records(store, "people", 2)
    company = records(store, "companies", 3)[2]
    # Roles to offer: the person's own link's, and those of the records it is linked to.
    server_links(store, records(store, "companies", 1)[0], (person.id, "people", ("Partner",)),
                 (colleague.id, "people", ("Account manager",)))
    page = page_of(person.id)
    section = page.links_section
    assert len(section.rows) == 1
    qtbot.mouseClick(section.link_button, Qt.MouseButton.LeftButton)
    dialog = link_dialog(section, qtbot)
    assert dialog.roles_edit.completer().model().stringList() == ["Account manager", "Partner"]
    assert dialog.windowTitle() == f"Link {person.title} to…"
    assert dialog.object_combo is not None and dialog.picker is not None
    dialog.object_combo.setCurrentIndex(dialog.object_combo.findText("Companies"))
    qtbot.keyClicks(dialog.picker.search, company.title)
    assert dialog.picker.results.currentItem().text() == company.title  # the best match, highlighted
    qtbot.keyClicks(dialog.roles_edit, " Employee ,decision maker, Employee")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    [mutation] = [m for m in store.outbox.all() if m.entity is EntityKind.LINK]
    assert (mutation.op, mutation.scope, mutation.target_id) == (MutationOp.CREATE, person.id, company.id)
    assert mutation.changes["roles"] == ["Employee", "decision maker"]
    new = next(row for row in section.rows if row.link.other_id == company.id)
    assert new.text() == f"{company.title} · Company · Employee, decision maker"
    assert new.badge.mark is not None and new.badge.mark.state == QUEUED
    assert new.badge.accessibleName() == "Waiting to be sent"
    assert context.sync.local_edits == 1  # type: ignore[union-attr]


def test_a_refused_link_is_explained_in_the_dialog_and_nothing_typed_is_lost(
        store: Store, page_of: Any, qtbot: Any) -> None:
    person = records(store, "people", 1)[0]
    company = records(store, "companies", 1)[0]
    server_links(store, company, (person.id, "people", ("Employee",)))
    page = page_of(person.id)
    qtbot.mouseClick(page.links_section.link_button, Qt.MouseButton.LeftButton)
    dialog = link_dialog(page.links_section, qtbot)
    assert dialog.picker is not None
    qtbot.keyClicks(dialog.roles_edit, "Champion")
    # Nothing found, nothing picked: said, not sent.
    qtbot.keyClicks(dialog.picker.search, "zzzz no such name")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert dialog.error_label.text().startswith("Choose the record to link")
    # Already linked: the store's refusal, in the dialog.
    assert dialog.object_combo is not None
    dialog.object_combo.setCurrentIndex(dialog.object_combo.findText("Companies"))
    dialog.picker.search.clear()
    qtbot.keyClicks(dialog.picker.search, company.title)
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)  # Enter links, as the default button
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert "already" in dialog.error_label.text()
    assert dialog.roles_edit.text() == "Champion" and dialog.picker.search.text() == company.title
    assert not [m for m in store.outbox.all() if m.entity is EntityKind.LINK]
    # The dialog never offers the record itself.
    dialog.picker.search.clear()
    qtbot.keyClicks(dialog.picker.search, person.title)
    ids = [dialog.picker.results.item(i).data(Qt.ItemDataRole.UserRole)
           for i in range(dialog.picker.results.count())]
    assert person.id not in ids


def test_any_object_offers_every_objects_records_named_with_their_object(
        store: Store, page_of: Any, qtbot: Any) -> None:
    deal = records(store, "deals", 1)[0]
    person = records(store, "people", 1)[0]
    page = page_of(deal.id)
    qtbot.mouseClick(page.links_section.link_button, Qt.MouseButton.LeftButton)
    dialog = link_dialog(page.links_section, qtbot)
    assert dialog.picker is not None and dialog.target() is None  # "Any object" first
    qtbot.keyClicks(dialog.picker.search, person.title)
    texts = [dialog.picker.results.item(i).text() for i in range(dialog.picker.results.count())]
    assert f"{person.title} · Person" in texts


def test_editing_roles_changes_the_link_and_marks_it(store: Store, page_of: Any, qtbot: Any) -> None:
    company = records(store, "companies", 1)[0]
    person = records(store, "people", 1)[0]
    server_links(store, company, (person.id, "people", ("Employee", "Decision maker")))
    page = page_of(company.id)
    [row] = page.links_section.rows
    qtbot.mouseClick(row.edit_button, Qt.MouseButton.LeftButton)
    dialog = link_dialog(page.links_section, qtbot)
    assert dialog.picker is None and dialog.other_label.full_text() == person.title
    assert dialog.roles_edit.text() == "Employee, Decision maker"
    dialog.roles_edit.clear()
    qtbot.keyClicks(dialog.roles_edit, "Champion")
    qtbot.keyClick(dialog.roles_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert [r.roles for r in store.links.for_record(person.id)] == [("Champion",)]
    [mutation] = [m for m in store.outbox.all() if m.entity is EntityKind.LINK]
    assert mutation.op is MutationOp.UPDATE and mutation.changes["roles"] == ["Champion"]
    [row] = page.links_section.rows
    assert row.text() == f"{person.title} · Person · Champion"
    assert row.badge.mark is not None


def test_unlinking_asks_first_and_removes_the_link(store: Store, context: AppContext, page_of: Any,
                                                  qtbot: Any) -> None:
    company = records(store, "companies", 1)[0]
    person = records(store, "people", 1)[0]
    server_links(store, company, (person.id, "people", ("Employee",)))
    page = page_of(company.id)
    section = page.links_section
    asked: list[str] = []
    section.confirm_unlink = answering(False, asked, note=lambda box: box.text())
    qtbot.mouseClick(section.rows[0].unlink_button, Qt.MouseButton.LeftButton)
    assert asked == [unlink_question(person.title).text()] and len(section.rows) == 1
    assert store.outbox.count() == 0
    section.confirm_unlink = lambda _box: True
    qtbot.mouseClick(section.rows[0].unlink_button, Qt.MouseButton.LeftButton)
    assert section.rows == [] and section.empty_label.isVisible()
    assert section.empty_label.text() == EMPTY
    assert store.links.for_record(company.id) == []
    [mutation] = store.outbox.all()
    assert (mutation.entity, mutation.op, mutation.target_id) == (EntityKind.LINK, MutationOp.DELETE, person.id)
    assert context.sync.local_edits == 1  # type: ignore[union-attr]


def test_the_unlink_question_shows_a_title_as_plain_text_and_defaults_to_cancel(qtbot: Any) -> None:
    box = unlink_question(HOSTILE)
    qtbot.addWidget(box)
    assert box.text() == f"Unlink {HOSTILE} from this record? The roles of the link go with it."
    assert box.textFormat() == Qt.TextFormat.PlainText and box.windowTitle() == "Unlink record?"
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    [unlink] = [b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.DestructiveRole]
    assert unlink.text() == "Unlink"
    # A record the local copy lacks is "this record", not a title.
    assert unlink_question(None).text() == (
        "Unlink this record (not in the local copy)? The roles of the link go with it.")


def test_cancelling_the_question_keeps_a_hostile_titled_link(store: Store, page_of: Any, qtbot: Any) -> None:
    person = records(store, "people", 1)[0]
    company = records(store, "companies", 1)[0]
    store.edits.update_record(company.id, {"name": HOSTILE})
    server_links(store, person, (company.id, "companies", ()), ("not-downloaded-1", "people", ()))
    page = page_of(person.id)
    section = page.links_section
    assert section.rows[0].title_link.full_text() == HOSTILE
    asked: list[tuple[str, Qt.TextFormat]] = []
    section.confirm_unlink = answering(False, asked, note=lambda box: (box.text(), box.textFormat()))
    for row in section.rows:
        qtbot.mouseClick(row.unlink_button, Qt.MouseButton.LeftButton)
    assert asked == [(unlink_question(HOSTILE).text(), Qt.TextFormat.PlainText),
                     (unlink_question(None).text(), Qt.TextFormat.PlainText)]
    assert len(section.rows) == 2
    assert not [m for m in store.outbox.all() if m.entity is EntityKind.LINK]


def test_a_refused_link_shows_the_refused_mark_with_the_servers_reason(
        store: Store, page_of: Any, qtbot: Any) -> None:
    person = records(store, "people", 1)[0]
    company = records(store, "companies", 1)[0]
    page = page_of(person.id)
    section = page.links_section
    section.link_button.setFocus()  # nothing else to do: the link is made through the store
    mutation = store.edits.link_records(person.id, company.id, ["Champion"])
    page.on_changed(ChangeSet(links={person.id, company.id}, outbox=True))
    [row] = section.rows
    assert row.badge.mark is not None and row.badge.mark.state == QUEUED
    # The sync sends it and the server says no: the same row, now marked refused, says why.
    with store.write():
        store.outbox.set_state(mutation.op_id, MutationState.REJECTED, "Roles must be <b>known</b>")
    page.on_changed(ChangeSet(outbox=True))
    assert section.rows == [row]
    assert row.badge.mark is not None and row.badge.mark.state == REFUSED
    assert row.badge.accessibleName() == "Refused by the server: Roles must be <b>known</b>"
    assert "Roles must be &lt;b&gt;known&lt;/b&gt;" in row.badge.toolTip()  # the server's words, as text
    # Discarded (Pending changes): the mark goes, the link is the server's again.
    with store.write():
        store.outbox.remove(mutation.op_id)
    page.on_changed(ChangeSet(outbox=True))
    assert section.rows == [row] and row.badge.mark is None


def test_notices_about_anything_else_leave_the_rows_and_the_focus_alone(
        store: Store, page_of: Any, qtbot: Any) -> None:
    company = records(store, "companies", 1)[0]
    ada, bob, elsewhere = records(store, "people", 3)
    server_links(store, company, (ada.id, "people", ("Employee",)), (bob.id, "people", ("Partner",)))
    page = page_of(company.id)
    page.activateWindow()
    qtbot.waitActive(page)
    section = page.links_section
    rows = {row.link.other_id: row for row in section.rows}
    button = rows[ada.id].unlink_button
    button.setFocus()
    assert button.hasFocus()
    read = section._read
    reads: list[int] = []
    section._read = lambda: reads.append(1) or read()  # type: ignore[method-assign,func-returns-value]
    # A scan page of another record, another record's links or new id: not even read again.
    page.on_changed(ChangeSet(objects={"people"}, record_ids={elsewhere.id}))
    page.on_changed(ChangeSet(links={"someone-else"}))
    page.on_changed(ChangeSet(objects={"deals"}, id_changes={"local-1": "server-1"}))
    assert reads == []
    # An edit of another record (queued: the outbox changed): read, compared, left alone.
    store.edits.update_record(elsewhere.id, {"job_title": "Buyer"})
    page.on_changed(ChangeSet(objects={"people"}, record_ids={elsewhere.id}, outbox=True))
    assert reads == [1]
    assert {row.link.other_id: row for row in section.rows} == rows
    assert button.hasFocus()
    # A linked record's new title shows in its row, in place (moved where the title sorts).
    store.edits.update_record(ada.id, {"name": HOSTILE})
    page.on_changed(ChangeSet(objects={"people"}, record_ids={ada.id}, outbox=True))
    assert {row.link.other_id: row for row in section.rows} == rows
    assert [row.link.other_id for row in section.rows] == [link.other_id for link in store.links.for_record(company.id)]
    assert rows[ada.id].title_link.full_text() == store.records.get(ada.id).title  # type: ignore[union-attr]
    assert button.hasFocus()


def test_a_link_to_a_record_the_cache_lacks_says_so_and_still_opens_it(
        store: Store, context: AppContext, page_of: Any, qtbot: Any) -> None:
    company = records(store, "companies", 1)[0]
    server_links(store, company, ("not-downloaded-1", "people", ("Partner",)))
    page = page_of(company.id)
    [row] = page.links_section.rows
    assert row.text() == f"{NOT_CACHED} · Person · Partner"
    with qtbot.waitSignal(context.navigator.navigate_requested) as clicked:  # type: ignore[union-attr]
        qtbot.mouseClick(row.title_link, Qt.MouseButton.LeftButton)
    assert clicked.args == ["record:not-downloaded-1"]


def test_a_change_notice_for_the_record_shows_the_links_the_sync_stored(
        store: Store, server_side: Store, page_of: Any) -> None:
    company = records(store, "companies", 1)[0]
    person = records(store, "people", 1)[0]
    page = page_of(company.id)
    assert page.links_section.rows == [] and page.links_section.empty_label.isVisible()
    server_links(server_side, company, (person.id, "people", ("Employee",)))  # the worker's connection
    page.on_changed(ChangeSet(objects={"people"}, links={company.id, person.id}))
    assert row_texts(page.links_section) == [f"{person.title} · Person · Employee"]
    assert not page.links_section.empty_label.isVisible()
    # A notice about another record's links leaves these alone.
    shown = page.links_section.rows[0]
    page.on_changed(ChangeSet(links={"someone-else"}))
    assert page.links_section.rows[0] is shown
    # The other record's new id (given to a record made offline) shows as the link's.
    with server_side.write():
        server_side.links.rewrite_id(person.id, "server-person-1")
    page.on_changed(ChangeSet(id_changes={person.id: "server-person-1"}))
    assert [row.link.other_id for row in page.links_section.rows] == ["server-person-1"]


def test_roles_are_split_at_commas_and_the_one_being_typed_is_completed(qtbot: Any, store: Store) -> None:
    # Split at commas, then the store's one rule: trimmed, spaces collapsed, repeats (any case) once.
    assert parse_roles(" Employee ,, decision  maker, employee ") == ["Employee", "decision maker"]
    person = records(store, "people", 1)[0]
    dialog = LinkDialog(store, person.id, known_roles=["Employee", "Decision maker", "Partner"])
    qtbot.addWidget(dialog)
    completer = dialog.roles_edit.completer()
    dialog.roles_edit.setText("Employee, dec")
    assert completer.splitPath(dialog.roles_edit.text()) == ["dec"]
    completer.setCompletionPrefix("dec")
    assert completer.setCurrentRow(0) and completer.completionCount() == 1
    index: QModelIndex = completer.currentIndex()
    assert index.data() == "Decision maker"
    # Choosing it keeps the roles before the last comma.
    assert completer.pathFromIndex(index) == "Employee, Decision maker"


def test_a_record_whose_links_were_never_read_says_so_rather_than_none(
    qtbot: Any, store: Store, page_of: Any
) -> None:
    """Links are read when a page opens online: until then, "no links" would be a claim the copy
    cannot make. Once read (none on the server), the section says there are none."""
    company = records(store, "companies", 1)[0]
    page = page_of(company.id)
    section = page.links_section
    assert section.rows == [] and section.empty_label.isVisible()
    assert section.empty_label.text() == NOT_READ
    heard: list[ChangeSet] = []
    store.add_change_listener(heard.append)
    try:
        server_links(store, company)  # the server's answer: no links
    finally:
        store.remove_change_listener(heard.append)
    # The first read is news even with nothing in it: the store says so, and the page listens.
    assert [company.id in notice.links for notice in heard] == [True]
    page.on_changed(heard[0])
    assert section.empty_label.text() == EMPTY
    assert section.rows == [] and section.empty_label.isVisible()
