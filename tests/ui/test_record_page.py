"""The record page, driven like a user against a store the sandbox filled: editing fields
(refused values never reach the store), related records both ways, navigation, lists,
notes and tasks from the page, plain-text safety, and following an id the server assigned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QUndoStack
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit

from crmdesk.context import AppContext
from crmdesk.model import EntityKind, MutationOp
from crmdesk.paths import Paths
from crmdesk.store import RecordRow, Store
from crmdesk.store.changes import ChangeSet
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.views.record_page import RecordPage
from crmdesk.ui.widgets.attribute_form import ReferenceField, TextField
from tests.ui._record_links import FakeSync

HOSTILE = "<b>x</b><img src=http://evil.example/x.png>"
#: The offscreen platform cannot raise a completer's popup or grab the keyboard for it.
popup_warnings = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    return synced_store(records=200, seed=1)


@pytest.fixture
def context(store: Store, ui_context: Callable[..., AppContext]) -> AppContext:
    return ui_context(store, navigator=Navigator(), sync=FakeSync())


@pytest.fixture
def open_page(context: AppContext, qtbot: Any) -> Callable[[str], RecordPage]:
    def build(record_id: str) -> RecordPage:
        page = RecordPage(context, record_id)
        qtbot.addWidget(page)
        page.resize(1100, 800)
        page.show()
        qtbot.waitExposed(page)
        QApplication.processEvents()  # let the posted layout requests settle, as they have before a user clicks
        return page

    return build


def first(store: Store, object_slug: str, where: Callable[[RecordRow], bool] = lambda _: True) -> RecordRow:
    rows = store.records.rows(store.records.query_ids(object_slug))
    return next(r for r in rows if where(r))


def line_edit(page: RecordPage, slug: str) -> QLineEdit:
    field = page.form.fields[slug]
    assert isinstance(field, TextField)
    return field.edit


def type_into(qtbot: Any, edit: QLineEdit, text: str) -> None:
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_opening_a_page_shows_the_record_and_asks_for_its_timeline(store: Store, context: AppContext,
                                                                   open_page: Any) -> None:
    deal = first(store, "deals")
    page = open_page(deal.id)
    assert page.title_label.full_text() == deal.title
    assert page.subtitle_label.text().startswith("Deal")
    assert context.sync.opened == [deal.id]  # type: ignore[union-attr]
    assert line_edit(page, "name").text() == deal.title


def test_typing_a_new_value_and_pressing_enter_saves_it_to_the_store_and_outbox(
        store: Store, context: AppContext, open_page: Any, qtbot: Any) -> None:
    deal = first(store, "deals")
    page = open_page(deal.id)
    type_into(qtbot, line_edit(page, "name"), "Bigger licence deal")
    assert store.records.get(deal.id).title == "Bigger licence deal"  # type: ignore[union-attr]
    [mutation] = store.outbox.for_target(deal.id, entity=EntityKind.RECORD)
    assert (mutation.entity, mutation.op, mutation.changes) == (
        EntityKind.RECORD, MutationOp.UPDATE, {"name": "Bigger licence deal"})
    assert page.title_label.full_text() == "Bigger licence deal"
    assert context.sync.local_edits == 1  # type: ignore[union-attr]


def test_typing_an_amount_on_a_euro_deal_keeps_euros(store: Store, open_page: Any, qtbot: Any) -> None:
    deal = first(store, "deals", lambda r: (r.values.get("value") or {}).get("currency") == "EUR")
    page = open_page(deal.id)
    type_into(qtbot, line_edit(page, "value"), "31,500")
    assert store.records.get(deal.id).values["value"] == {"amount": 31500, "currency": "EUR"}  # type: ignore[union-attr]
    assert line_edit(page, "value").text() == "31500 EUR"
    assert "€31,500.00" in line_edit(page, "value").toolTip()


def test_a_refused_value_shows_the_models_message_and_never_reaches_the_store(
        store: Store, open_page: Any, qtbot: Any) -> None:
    deal = first(store, "deals")
    page = open_page(deal.id)
    edit = line_edit(page, "expected_close_date")
    type_into(qtbot, edit, "next tuesday-ish")
    message = page.form.error_text("expected_close_date")
    assert message.startswith("Expected Close Date ")
    assert page.form.errors["expected_close_date"].isVisible()
    assert edit.text() == "next tuesday-ish"  # what the user typed stays, to be fixed
    assert store.outbox.count() == 0
    assert store.records.get(deal.id).values["expected_close_date"] == deal.values["expected_close_date"]  # type: ignore[union-attr]
    # Emptying a required attribute is refused the same way.
    type_into(qtbot, line_edit(page, "name"), "")
    assert "required" in page.form.error_text("name")
    assert store.outbox.count() == 0
    # A good value clears the message.
    type_into(qtbot, edit, "2027-01-15")
    assert not page.form.error_text("expected_close_date")
    assert store.records.get(deal.id).values["expected_close_date"] == "2027-01-15"  # type: ignore[union-attr]


def test_choosing_a_status_saves_the_option(store: Store, open_page: Any) -> None:
    deal = first(store, "deals")
    page = open_page(deal.id)
    combo = page.form.fields["stage"].findChild(QComboBox)
    index = combo.findText("Won")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    stage = store.schema.get_object("deals").attribute("stage")  # type: ignore[union-attr]
    assert store.records.get(deal.id).values["stage"] == stage.option_by_title("Won").id  # type: ignore[union-attr]


def test_references_in_the_form_are_links_that_navigate(store: Store, context: AppContext, open_page: Any,
                                                        qtbot: Any) -> None:
    deal = first(store, "deals", lambda r: bool(r.values.get("company")))
    page = open_page(deal.id)
    field = page.form.fields["company"]
    assert isinstance(field, ReferenceField)
    [link] = field.link_labels
    assert link.full_text() == store.records.get(deal.values["company"]).title  # type: ignore[union-attr]
    with qtbot.waitSignal(context.navigator.navigate_requested) as blocker:  # type: ignore[union-attr]
        qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert blocker.args == [f"record:{deal.values['company']}"]


@popup_warnings
def test_changing_a_reference_by_typing_a_title(store: Store, open_page: Any, qtbot: Any) -> None:
    deal = first(store, "deals", lambda r: bool(r.values.get("company")))
    other = first(store, "companies", lambda r: r.id != deal.values["company"])
    page = open_page(deal.id)
    field = page.form.fields["company"]
    assert isinstance(field, ReferenceField)
    qtbot.mouseClick(field.change, Qt.MouseButton.LeftButton)
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "No Such Company Ltd")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert "no record is called" in page.form.error_text("company")
    assert store.outbox.count() == 0
    field.edit.clear()
    qtbot.keyClicks(field.edit, other.title)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert store.records.get(deal.id).values["company"] == other.id  # type: ignore[union-attr]
    assert [link.full_text() for link in field.link_labels] == [other.title]


def test_inverse_references_are_listed_grouped_by_object_and_navigate(store: Store, context: AppContext,
                                                                      open_page: Any, qtbot: Any) -> None:
    company = first(store, "companies", lambda c: any(
        p.values.get("company") == c.id for p in store.records.rows(store.records.query_ids("people"))))
    def pointing(object_slug: str) -> set[str]:
        rows = store.records.rows(store.records.query_ids(object_slug))
        return {r.id for r in rows if r.values.get("company") == company.id}

    people, deals = pointing("people"), pointing("deals")
    team = set(company.values.get("team") or [])
    page = open_page(company.id)
    shown = {link.property("record_id") for link in page.related_links}
    assert people <= shown or len(shown) >= 8
    assert (people | deals | team) >= shown
    headings = [w.text() for w in page.findChildren(type(page.subtitle_label)) if w.text().startswith(("People (",
                                                                                                      "Deals ("))]
    assert any(h.startswith("People (") for h in headings)
    target = next(link for link in page.related_links if link.property("record_id") in people)
    with qtbot.waitSignal(context.navigator.navigate_requested) as blocker:  # type: ignore[union-attr]
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
    assert blocker.args == [f"record:{target.property('record_id')}"]


def test_a_record_nothing_points_at_says_so(store: Store, open_page: Any) -> None:
    lonely = store.edits.create_record("companies", {"name": "Lonely Widgets"})
    page = open_page(lonely.target_id)
    assert page.related_links == []
    texts = [label.text() for label in page.findChildren(QLabel) if label.isVisible()]
    assert any(text.startswith("Nothing links here yet") for text in texts)
    assert "Not in any list." in texts
    assert page.timeline.empty_label.isVisible()


def test_list_memberships_link_to_the_list(store: Store, context: AppContext, open_page: Any, qtbot: Any) -> None:
    entry_record = store.conn.execute("SELECT record_id, list_id FROM entries LIMIT 1").fetchone()
    page = open_page(entry_record[0])
    [link] = [lk for lk in page.list_links if lk.full_text() == store.schema.get_list(entry_record[1]).name]  # type: ignore[union-attr]
    with qtbot.waitSignal(context.navigator.navigate_requested) as blocker:  # type: ignore[union-attr]
        qtbot.keyClick(link, Qt.Key.Key_Return)
    assert blocker.args == [f"list:{entry_record[1]}"]


def test_add_note_from_the_page(store: Store, context: AppContext, open_page: Any, qtbot: Any) -> None:
    deal = first(store, "deals")
    page = open_page(deal.id)
    qtbot.mouseClick(page.add_note_button, Qt.MouseButton.LeftButton)
    dialog = page.note_dialog
    assert dialog.isVisible() and not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.title_edit, "Discovery call")
    qtbot.keyClicks(dialog.content_edit, "Wants **40 seats**")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    [note] = [n for n in store.notes.for_record(deal.id) if n.title == "Discovery call"]
    assert note.content == "Wants **40 seats**"
    [mutation] = store.outbox.for_target(note.id, entity=EntityKind.NOTE)
    assert (mutation.entity, mutation.op) == (EntityKind.NOTE, MutationOp.CREATE)
    newest = page.timeline.cards[0]
    assert newest.title_label.text() == "Discovery call"
    assert newest.body.plain_text() == "Wants 40 seats"  # type: ignore[union-attr]
    assert context.sync.local_edits == 1  # type: ignore[union-attr]


def test_edit_a_note_from_the_timeline_queues_only_what_changed(
        store: Store, context: AppContext, open_page: Any, qtbot: Any) -> None:
    deal = first(store, "deals")
    text = "## Agenda\n\n- Pricing for **50\u00a0seats**\n- Quote [seen here](https://example.com/q)"
    store.edits.create_note(deal.id, "Call with Acme", text)
    with store.write():
        for mutation in store.outbox.all():
            store.outbox.remove(mutation.op_id)  # as if the note came from the server
    page = open_page(deal.id)
    [card] = [c for c in page.timeline.cards if c.item.kind == "note" and c.item.title == "Call with Acme"]
    assert card.edit_button is not None
    qtbot.mouseClick(card.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.note_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "Edit note"
    assert dialog.content_edit.toPlainText().startswith("## Agenda")
    dialog.title_edit.selectAll()
    qtbot.keyClicks(dialog.title_edit, "Call with Acme, follow-up")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    [note_id] = [n.id for n in store.notes.for_record(deal.id) if n.title == "Call with Acme, follow-up"]
    [mutation] = store.outbox.for_target(note_id, entity=EntityKind.NOTE)
    # The text was not touched (its no-break space included): only the title travels.
    assert (mutation.op, mutation.changes) == (MutationOp.UPDATE, {"title": "Call with Acme, follow-up"})
    [card] = [c for c in page.timeline.cards if c.item.id == note_id]
    qtbot.mouseClick(card.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.note_dialog
    dialog.content_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(dialog.content_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.content_edit, "- Send the contract")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    content = store.notes.get(note_id).content  # type: ignore[union-attr]
    assert content.endswith("- Send the contract") and "50\u00a0seats" in content  # the rest as it was
    assert store.outbox.for_target(note_id, entity=EntityKind.NOTE)[-1].changes.keys() == {"content"}
    assert context.sync.local_edits == 2  # type: ignore[union-attr]


def test_a_title_edit_does_not_put_back_text_that_changed_while_the_dialog_was_open(
        store: Store, open_page: Any, qtbot: Any) -> None:
    deal = first(store, "deals")
    store.edits.create_note(deal.id, "Plan", "First version")
    with store.write():
        for mutation in store.outbox.all():
            store.outbox.remove(mutation.op_id)  # as if the note came from the server
    page = open_page(deal.id)
    [card] = [c for c in page.timeline.cards if c.item.kind == "note" and c.item.title == "Plan"]
    qtbot.mouseClick(card.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.note_dialog
    note = store.notes.get(card.item.id)
    assert note is not None
    note.content = "A colleague's newer version"  # a pull while the dialog is open
    with store.write():
        store.notes.put(note)
    dialog.title_edit.selectAll()
    qtbot.keyClicks(dialog.title_edit, "Plan for Q1")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [mutation] = store.outbox.for_target(note.id, entity=EntityKind.NOTE)
    assert mutation.changes == {"title": "Plan for Q1"}
    assert store.notes.get(note.id).content == "A colleague's newer version"  # type: ignore[union-attr]


@popup_warnings
def test_add_task_with_deadline_assignee_and_another_record(store: Store, open_page: Any, qtbot: Any) -> None:
    deal = first(store, "deals")
    person = first(store, "people")
    page = open_page(deal.id)
    qtbot.mouseClick(page.add_task_button, Qt.MouseButton.LeftButton)
    dialog = page.task_dialog
    qtbot.keyClicks(dialog.content_edit, "Send the proposal")
    dialog.deadline_box.setChecked(True)
    dialog.assignees.item(1).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClicks(dialog.link_edit, person.title)
    qtbot.keyClick(dialog.link_edit, Qt.Key.Key_Return)
    assert dialog.records.count() == 2
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    [task] = [t for t in store.tasks.for_record(deal.id) if t.content == "Send the proposal"]
    member = store.schema.members()[1]
    assert task.assignee_ids == [member.user_id or member.id]
    assert sorted(task.record_ids) == sorted([deal.id, person.id])
    assert task.deadline and task.deadline.endswith("Z")
    assert store.outbox.for_target(task.id, entity=EntityKind.TASK)[0].op is MutationOp.CREATE
    assert page.timeline.cards[0].title_label.text() == "Send the proposal"


def test_markup_in_titles_shows_as_characters_everywhere(store: Store, open_page: Any) -> None:
    company = first(store, "companies", lambda c: any(
        d.values.get("company") == c.id for d in store.records.rows(store.records.query_ids("deals"))))
    store.edits.update_record(company.id, {"name": HOSTILE})
    deal = first(store, "deals", lambda d: d.values.get("company") == company.id)
    store.edits.create_note(deal.id, HOSTILE, "body")
    page = open_page(deal.id)
    [link] = page.form.fields["company"].link_labels  # type: ignore[attr-defined]
    related = [lk for lk in page.related_links if lk.property("record_id") == company.id]
    for label in [link, *related]:
        assert label.full_text() == HOSTILE
        assert label.textFormat() == Qt.TextFormat.PlainText
        assert label.toolTip() == plain_tooltip(HOSTILE)
    assert page.timeline.cards[0].title_label.text() == HOSTILE
    assert page.timeline.cards[0].title_label.textFormat() == Qt.TextFormat.PlainText
    company_page = open_page(company.id)
    assert company_page.title_label.full_text() == HOSTILE
    assert company_page.title_label.textFormat() == Qt.TextFormat.PlainText
    assert line_edit(company_page, "name").text() == HOSTILE


def test_an_offline_record_follows_its_new_server_id(store: Store, open_page: Any) -> None:
    mutation = store.edits.create_record("companies", {"name": "Offline Widgets"})
    page = open_page(mutation.target_id)
    store.edits.create_note(mutation.target_id, "Met at the fair", "")
    store.rewrite_local_id(mutation.target_id, "server-company-1", "record")
    page.on_changed(ChangeSet(id_changes={mutation.target_id: "server-company-1"}, notes=True))
    assert page.record_id == "server-company-1"
    assert page.title_label.full_text() == "Offline Widgets"
    assert page.timeline.cards[0].title_label.text() == "Met at the fair"


def test_a_record_deleted_elsewhere_shows_a_clear_message(store: Store, open_page: Any) -> None:
    deal = first(store, "deals")
    page = open_page(deal.id)
    with store.write():
        store.records.delete(deal.id)
    page.on_changed(ChangeSet(record_ids={deal.id}, objects={"deals"}))
    assert page.title_label.full_text() == "Record not found"
    assert not page.add_note_button.isEnabled()


def test_undo_restores_a_field_edited_on_the_page(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Z after editing a field on the record page brings the old value back, as a new edit."""

    from crmdesk.context import AppContext
    from crmdesk.store import Store
    from crmdesk.ui.views.record_page import RecordPage

    with Store.open(tmp_path / "undo.sqlite") as store:
        from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Record

        people = ObjectDef("people", "Person", "People", attributes=(
            AttributeDef("name", "Name", AttributeType.TEXT),
            AttributeDef("job_title", "Job title", AttributeType.TEXT),
        ))
        with store.write():
            store.schema.save_object(people)
        saved = store.schema.get_object("people")
        assert saved is not None
        store.put_server_records(saved, [Record("p1", "people", {"name": "Ada", "job_title": "CTO"})])
        context = AppContext(paths=Paths.resolve(tmp_path), store=store, undo_stack=QUndoStack())
        page = RecordPage(context, "p1")
        qtbot.addWidget(page)
        assert page._commit("job_title", "CEO") is None
        assert store.records.get("p1").values["job_title"] == "CEO"
        assert context.undo_stack.count() == 1
        context.undo_stack.undo()
        assert store.records.get("p1").values["job_title"] == "CTO"
        assert [m.changes for m in store.outbox.all()] == [{"job_title": "CEO"}, {"job_title": "CTO"}]


def test_comment_and_note_edit_follow_what_the_server_can_do_as_the_last_sync_found_it(
        store: Store, open_page: Any) -> None:
    deal = first(store, "deals")
    store.edits.create_note(deal.id, "Call", "Went well")
    page = open_page(deal.id)
    notes = [card for card in page.timeline.cards if card.item.kind == "note"]
    # An Aria workspace: no comments; notes can be edited.
    assert not page.comment_button.isVisible() and notes and all(card.edit_button for card in notes)
    with store.write():
        store.schema.set_capabilities_json({"dialect": "aria", "comments": True, "notes_editable": False})
    page.reload()  # as when the page is opened again, or a notice about the record reloads it
    assert page.comment_button.isVisible()
    notes = [card for card in page.timeline.cards if card.item.kind == "note"]
    assert notes and all(card.edit_button is None for card in notes)
