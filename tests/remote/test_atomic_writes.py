"""The Atomic adapter's writes against the real server's recorded answers (over loopback HTTP):
only whitelisted snake_case keys are sent, what cannot be sent is refused before sending, notes
need their parent, tasks link records by their object, deletes (and a member's archive)."""

from __future__ import annotations

import json

import pytest

from crmdesk.remote.atomic import AtomicBackend
from crmdesk.remote.backend import NoteParent
from crmdesk.remote.errors import NotFound, PermissionDenied, ServerRejected

from .atomic_replay import Replay, answer, body_of, in_turn, json_answer, listing
from .conftest import FakeClock

CONTACT_KEYS = {"first_name", "last_name", "email", "company_id", "linkedin_url"}  # the server's whitelist (048)


def test_a_contact_is_created_with_snake_case_keys_only(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("POST", "/api/contacts", "048")
    record = backend.create_record("people", {
        "name": "Grace Hopper", "email": "user10@example.com", "company_id": "companies/1",
        "linkedin_url": "https://linkedin.com/in/grace",
    }, idempotency_key="op-1")
    sent = replay.requests("POST", "/api/contacts")[0].body
    assert set(sent) <= CONTACT_KEYS
    # The recorded request (048), field for field: the name as its two snake_case fields.
    assert sent == replay_body("048")
    assert sent["company_id"] == 1  # the bare integer the server keys it by
    assert record.id == "contacts/9" and record.values["company_id"] == "companies/1"
    assert record.values["name"] == {"first_name": "Grace", "last_name": "Hopper", "full_name": "Grace Hopper"}


def test_a_personal_name_is_written_as_first_name_and_last_name_only(
    replay: Replay, backend: AtomicBackend
) -> None:
    replay.on("PUT", "/api/contacts/9", "057")
    backend.update_record("people", "contacts/9", {
        "name": {"first_name": "Grace", "last_name": "Hopper-Updated", "full_name": "Dr Grace Hopper-Updated"}})
    backend.update_record("people", "contacts/9", {"name": "Hopper-Updated, Grace"})  # as typed: last, first
    backend.update_record("people", "contacts/9", {"name": {"full_name": "Grace Hopper-Updated"}})
    backend.update_record("people", "contacts/9", {"name": "Grace"})  # a partial name clears the last name
    assert [s.body for s in replay.requests("PUT")] == [
        {"first_name": "Grace", "last_name": "Hopper-Updated"},
        {"first_name": "Grace", "last_name": "Hopper-Updated"},
        {"first_name": "Grace", "last_name": "Hopper-Updated"},
        {"first_name": "Grace", "last_name": None},
    ]


def test_a_cleared_name_sends_both_parts_null(replay: Replay, backend: AtomicBackend) -> None:
    # null clears a field (058: ``{"email": null}``); the name's two fields are cleared together.
    replay.on("PUT", "/api/contacts/9", lambda r, b: json_answer(dict(body_of("058"), firstName=None, lastName=None)))
    cleared = backend.update_record("people", "contacts/9", {"name": None})
    assert replay.requests("PUT")[0].body == {"first_name": None, "last_name": None}
    assert "name" not in cleared.values


def test_what_the_server_would_refuse_is_refused_before_sending(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("POST", "/api/contacts", "048")
    with pytest.raises(ServerRejected) as caught:
        backend.create_record("people", {"name": "X", "first_name": "X", "phone": "123",
                                         "crm_user_id": "crm_users/2"},
                              idempotency_key="k")
    # The name's fields are no attributes of their own: only ``name`` is.
    assert set(caught.value.field_errors) == {"first_name", "phone", "crm_user_id"}
    with pytest.raises(ServerRejected) as local:
        backend.update_record("people", "contacts/9", {"company_id": "local-4f2a"})  # not on the server yet
    assert set(local.value.field_errors) == {"company_id"}
    assert "does not know yet" in local.value.field_errors["company_id"]
    assert replay.requests("POST") == [] and replay.requests("PUT") == []


def test_a_reference_to_another_resource_is_refused_naming_the_field(replay: Replay, backend: AtomicBackend) -> None:
    for wrong in ("contacts/1", "deals/1", "1", "companies/x", "companies/01", "companies/1/2"):
        with pytest.raises(ServerRejected) as caught:
            backend.update_record("people", "contacts/9", {"company_id": wrong, "name": "Grace Hopper"})
        assert set(caught.value.field_errors) == {"company_id"}, wrong
        assert "company_id" in caught.value.message
    with pytest.raises(ServerRejected) as deal:
        backend.create_record("deals", {"name": "X", "company_id": "contacts/9"}, idempotency_key="k")
    assert set(deal.value.field_errors) == {"company_id"}
    with pytest.raises(ServerRejected) as record:
        backend.update_record("people", "companies/9", {"name": "Grace Hopper"})  # a company's id, not a person's
    assert set(record.value.field_errors) == {"id"}
    assert replay.requests("POST") == [] and replay.requests("PUT") == []


def test_an_update_sends_only_the_changed_fields_and_null_clears(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("PUT", "/api/contacts/9", in_turn(lambda r, b: answer("057"), lambda r, b: answer("058")))
    record = backend.update_record("people", "contacts/9", {"name": "Grace Hopper-Updated"})
    assert replay.requests("PUT")[0].body == {"first_name": "Grace", "last_name": "Hopper-Updated"}
    assert record.values["name"]["full_name"] == "Grace Hopper-Updated"
    cleared = backend.update_record("people", "contacts/9", {"email": None})
    assert replay.requests("PUT")[1].body == {"email": None}
    assert "email" not in cleared.values


def test_a_deal_is_written_with_its_stage_and_amount(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("POST", "/api/deals", "085")
    replay.on("PUT", "/api/deals/5", "088")
    deal = backend.create_record("deals", {"name": "Initech rollout", "company_id": "companies/9",
                                           "status": "opportunity", "amount": 12500.5}, idempotency_key="k")
    assert replay.requests("POST", "/api/deals")[0].body == {
        "name": "Initech rollout", "company_id": 9, "status": "opportunity", "amount": 12500.5}
    assert deal.id == "deals/5" and deal.values["amount"] == 12500.5
    assert deal.values["company_id"] == "companies/9"
    updated = backend.update_record("deals", "deals/5", {"status": "proposal-sent", "amount": 15000})
    assert replay.requests("PUT")[0].body == {"status": "proposal-sent", "amount": 15000}
    assert updated.values["status"] == "proposal-sent"


def test_the_server_refusal_names_the_field(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("POST", "/api/contacts", "053")  # "Invalid companyId: Expected number, received string"
    with pytest.raises(ServerRejected) as caught:
        backend.create_record("people", {"name": "X"}, idempotency_key="k")
    assert caught.value.field_errors == {"company_id": "Expected number, received string"}
    assert caught.value.code == "VALIDATION_FAILED"
    replay.on("POST", "/api/contacts", "050")  # "Invalid payload: Unrecognized key(s) in object: 'phone'"
    with pytest.raises(ServerRejected) as unknown:
        backend.create_record("people", {"name": "X"}, idempotency_key="k")
    assert set(unknown.value.field_errors) == {"phone"}


def test_text_that_starts_like_a_date_is_refused_with_the_reason(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("POST", "/api/contacts", "180")
    with pytest.raises(ServerRejected) as caught:
        backend.create_record("people", {"name": "2026-01-01"}, idempotency_key="k")
    assert replay.requests("POST")[0].body == {"first_name": "2026-01-01", "last_name": None}
    assert "Expected string, received date" in caught.value.message
    assert "begins with a date" in caught.value.message
    # "Invalid firstName": the attribute the user edited, the name.
    assert caught.value.field_errors == {"name": "Expected string, received date"}


def test_deletes_count_gone_and_archived_records_as_deleted(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("DELETE", "/api/contacts/9", "154")
    replay.on("DELETE", "/api/contacts/999999", "147")  # 404: already gone
    replay.on("DELETE", "/api/deals/7", "160")  # a member's delete archives the deal
    replay.on("DELETE", "/api/contacts/1", "166")  # a member may not delete a contact
    backend.delete_record("people", "contacts/9")
    backend.delete_record("people", "contacts/999999")
    backend.delete_record("deals", "deals/7")
    with pytest.raises(PermissionDenied):
        backend.delete_record("people", "contacts/1")
    assert len(replay.requests("DELETE")) == 4


def test_an_archived_deal_is_not_found(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/deals/7", "163")
    with pytest.raises(NotFound):
        backend.get_record("deals", "deals/7")


def test_find_records_by_asks_with_a_string_filter_and_checks_the_answer(
    replay: Replay, backend: AtomicBackend
) -> None:
    # The real server drops a filter it cannot apply and answers every row (031): checked here.
    replay.on("GET", "/api/contacts", listing("contacts", body_of("019")))
    found = backend.find_records_by("people", "company_id", "companies/1")
    assert [r.id for r in found] == ["contacts/1"]
    asked = replay.requests("GET", "/api/contacts")[0].query
    assert asked["filters"] == '[{"field": "company_id", "op": "eq", "value": "1"}]'


def test_find_records_by_a_name_asks_for_each_part(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/contacts", listing("contacts", body_of("019")))
    found = backend.find_records_by("people", "name", "Smith, Jane")
    assert [r.id for r in found] == ["contacts/1"]  # every row is answered: checked here
    asked = json.loads(replay.requests("GET", "/api/contacts")[0].query["filters"])
    assert asked == [{"field": "first_name", "op": "eq", "value": "Jane"},
                     {"field": "last_name", "op": "eq", "value": "Smith"}]
    assert backend.find_records_by("people", "name", "Jane") == []  # Jane Smith has a last name
    # So a create of unknown outcome holding only a name is looked up, not sent a second time.
    assert "personal_name" not in backend.capabilities.unfilterable_types



def test_notes_are_written_to_their_parent_resource(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("POST", "/api/contact_notes", "090")
    replay.on("PUT", "/api/contact_notes/3", "092")
    replay.on("DELETE", "/api/contact_notes/3", "143")
    note = backend.create_note("people", "contacts/9", "", "Met at the conference")
    assert replay.requests("POST")[0].body == {"contact_id": 9, "text": "Met at the conference"}
    assert (note.id, note.record_id) == ("contact_notes/3", "contacts/9")
    parent = NoteParent("people", "contacts/9")
    edited = backend.update_note("contact_notes/3", parent=parent, content="Met at the conference (edited)")
    assert replay.requests("PUT")[0].body == {"text": "Met at the conference (edited)"}
    assert edited.content == "Met at the conference (edited)"
    backend.delete_note("contact_notes/3", parent=parent)
    assert [s.path for s in replay.requests("DELETE")] == ["/api/contact_notes/3"]


def test_a_deal_note_title_edit_sends_only_the_title(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("PUT", "/api/deal_notes/2", "097")
    note = backend.update_note("deal_notes/2", parent=NoteParent("deals", "deals/5"), title="Pricing")
    assert replay.requests("PUT")[0].body == {"title": "Pricing"}
    assert note.title == "Pricing" and note.content == "Sent pricing"
    assert (note.id, note.record_id) == ("deal_notes/2", "deals/5")


def test_a_content_edit_keeps_a_colleagues_change_elsewhere(replay: Replay, backend: AtomicBackend) -> None:
    current = dict(body_of("091"), text="First part.\n\nTheir new middle.\n\nLast part.")
    replay.on("GET", "/api/contact_notes/3", lambda r, b: json_answer(current))
    replay.on("PUT", "/api/contact_notes/3", "092")
    backend.update_note("contact_notes/3", parent=NoteParent("people", "contacts/9"),
                        base_content="First part.\n\nLast part.", content="First part, edited.\n\nLast part.")
    assert replay.requests("PUT")[0].body == {"text": "First part, edited.\n\nTheir new middle.\n\nLast part."}
    with pytest.raises(ServerRejected, match="changed the same part"):
        # Both put a new paragraph in the same place: neither is written over the other.
        backend.update_note("contact_notes/3", parent=NoteParent("people", "contacts/9"),
                            base_content="First part.\n\nLast part.", content="First part.\n\nMy middle.\n\nLast part.")
    assert len(replay.requests("PUT")) == 1


def test_a_notes_id_says_where_it_is(replay: Replay, backend: AtomicBackend) -> None:
    # Contact, company and deal notes number separately; the id names the resource, so nothing
    # is looked up, with or without the parent.
    replay.on("DELETE", "/api/company_notes/1", "145")
    backend.delete_note("company_notes/1", parent=None)
    assert [(s.method, s.path) for s in replay.seen] == [("DELETE", "/api/company_notes/1")]


def test_a_note_id_of_another_kind_is_refused_before_sending(replay: Replay, backend: AtomicBackend) -> None:
    for note_id, parent, field in (
        ("contact_notes/3", NoteParent("deals", "deals/5"), "parent"),  # not a deal's note
        ("contacts/3", None, "id"),  # a contact, not a note
        ("3", None, "id"),  # a bare number says no resource
        ("tasks/3", None, "id"),
    ):
        with pytest.raises(ServerRejected) as caught:
            backend.update_note(note_id, parent=parent, title="x")
        assert set(caught.value.field_errors) == {field}, note_id
    with pytest.raises(ServerRejected) as wrong_parent:
        backend.create_note("people", "companies/9", "", "text")  # a company's id for a person
    assert set(wrong_parent.value.field_errors) == {"record_id"}
    assert replay.seen == []


def test_a_note_on_a_missing_record_is_not_found(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("POST", "/api/contact_notes", "094")  # text/plain 500
    replay.on("GET", "/api/contacts/999999", "046")
    with pytest.raises(NotFound, match="no longer on the server"):
        backend.create_note("people", "contacts/999999", "", "fk?")
    assert len(replay.requests("POST")) == 1  # a create is not sent again after a 500


def test_a_tasks_links_map_straight_to_its_fields(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("POST", "/api/tasks", "103")
    task = backend.create_task("Call Grace", deadline="2026-12-24T09:00:00Z",
                               record_ids=["contacts/9", "deals/5"], assignee_ids=["crm_users/1"])
    assert replay.requests("POST", "/api/tasks")[0].body == {
        "text": "Call Grace", "due_date": "2026-12-24T09:00:00Z", "contact_id": 9, "deal_id": 5, "assignee_id": 1}
    assert task.id == "tasks/3" and task.record_ids == ["contacts/9", "deals/5"]
    backend.create_task("Visit", record_ids=["companies/1"])
    assert replay.requests("POST", "/api/tasks")[1].body == {"text": "Visit", "company_id": 1}
    assert [s.method for s in replay.seen] == ["POST", "POST"]  # nothing looked up


def test_a_task_link_that_is_not_a_person_company_or_deal_is_refused(replay: Replay, backend: AtomicBackend) -> None:
    for record_ids in (["1"], ["projects/1"], ["contact_notes/1"], ["contacts/x"], ["local-4f2a"],
                       ["contacts/1", "contacts/2"]):
        with pytest.raises(ServerRejected) as caught:
            backend.create_task("Call", record_ids=record_ids)
        assert set(caught.value.field_errors) == {"record_ids"}, record_ids
    with pytest.raises(ServerRejected) as assignee:
        backend.create_task("Call", assignee_ids=["contacts/1"])  # a contact is no member
    assert set(assignee.value.field_errors) == {"assignee_ids"}
    assert replay.seen == []


def test_a_task_is_done_with_a_done_date(replay: Replay, backend: AtomicBackend, clock: FakeClock) -> None:
    replay.on("PUT", "/api/tasks/3", "106")
    task = backend.update_task("tasks/3", done=True)
    sent = replay.requests("PUT")[0].body
    assert list(sent) == ["done_date"] and sent["done_date"].endswith("Z")
    assert task.done
    with pytest.raises(ServerRejected):
        backend.update_task("tasks/3", record_ids=["contacts/1"])
    with pytest.raises(ServerRejected) as wrong:
        backend.update_task("deals/3", done=True)  # a deal's id is no task's
    assert set(wrong.value.field_errors) == {"id"}
    assert len(replay.requests("PUT")) == 1


def replay_body(name: str) -> object:
    from .atomic_replay import recording

    return recording(name)["request"]["body"]
