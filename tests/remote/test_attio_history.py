"""A record's timeline from Attio's past values and comments (pure), and scopes → capabilities."""

from __future__ import annotations

from typing import Any

from crmdesk.model import AttributeType
from crmdesk.remote.attio import ATTIO_DEFAULTS
from crmdesk.remote.attio.history import CHANGED, comment_event, history_events, newest_first
from crmdesk.remote.attio.scopes import NEEDS, capabilities_for, has

from .attio_support import MEMBER, STATUS, attr

WON = "527def35-7994-4ef7-9584-80ef8de352a8"
CREATED = "2026-01-01T10:00:00.000Z"


def _value(status: str, start: str, until: str | None, actor: str | None = MEMBER) -> dict[str, Any]:
    who = {"type": "workspace-member", "id": actor} if actor else {"type": "api-token", "id": "x"}
    return {"status": status, "active_from": start, "active_until": until, "created_by_actor": who,
            "attribute_type": "status"}


def test_a_replaced_value_is_one_change_titled_with_both_values() -> None:
    stage = attr(AttributeType.STATUS, "stage")
    raw = [_value(STATUS, "2026-01-01T10:00:00.000000000Z", "2026-02-01T09:00:00.000000000Z"),
           _value(WON, "2026-02-01T09:00:00.000400000Z", None)]
    events = history_events(stage, "r1", raw, CREATED)
    assert [(e.kind, e.title, e.actor_id) for e in events] == [(CHANGED, "Stage: In Progress → Done", MEMBER)]
    assert events[0].occurred_at.startswith("2026-02-01T09:00:00") and events[0].record_id == "r1"
    assert events[0].metadata == {"attribute": "stage", "before": [STATUS], "after": [WON]}


def test_values_given_at_creation_are_no_change_and_a_clear_is_one() -> None:
    stage = attr(AttributeType.STATUS, "stage")
    made = [_value(STATUS, CREATED, None)]
    assert history_events(stage, "r1", made, CREATED) == []
    cleared = [_value(STATUS, CREATED, "2026-03-01T00:00:00.000Z")]
    [event] = history_events(stage, "r1", cleared, CREATED)
    assert event.title == "Stage: In Progress → (empty)"
    later = [_value(STATUS, "2026-03-01T00:00:00.000Z", None, actor=None)]
    [added] = history_events(stage, "r1", later, CREATED)
    assert added.title == "Stage: (empty) → In Progress" and added.actor_id is None


def test_references_say_what_changed_without_titles() -> None:
    company = attr(AttributeType.RECORD_REFERENCE, "company")
    raw = [{"target_object": "companies", "target_record_id": "a", "active_from": CREATED,
            "active_until": "2026-02-01T00:00:00.000Z"},
           {"target_object": "companies", "target_record_id": "b", "active_from": "2026-02-01T00:00:00.000Z",
            "active_until": None}]
    [event] = history_events(company, "r1", raw, CREATED)
    assert event.title == "Company changed" and event.metadata["after"] == ["b"]


def test_a_comment_is_an_event_with_its_text_author_and_thread() -> None:
    row = {"id": {"workspace_id": "w", "comment_id": "c1"}, "thread_id": "t1", "content_plaintext": "Call her",
           "created_at": "2026-01-02T00:00:00.000000000Z", "author": {"type": "workspace-member", "id": MEMBER}}
    event = comment_event(row, "r1")
    assert (event.id, event.kind, event.description, event.actor_id, event.metadata) == (
        "c1", "comment", "Call her", MEMBER, {"thread_id": "t1"})
    older = history_events(attr(AttributeType.STATUS, "stage"), "r1",
                           [_value(STATUS, CREATED, "2026-01-01T12:00:00.000Z")], CREATED)
    assert [e.id for e in newest_first([*older, event])] == ["c1", older[0].id]


def test_scopes_turn_capabilities_off_with_the_scope_named() -> None:
    every = " ".join(f"{scope}-write" if scope.endswith(":read") else scope
                     for scopes in NEEDS.values() for scope in scopes)
    full = capabilities_for(ATTIO_DEFAULTS, every)
    assert full.schema_admin and full.lists and full.notes and full.tasks and full.comments and full.timeline
    assert full.reason("schema_admin") is None
    member = capabilities_for(ATTIO_DEFAULTS, every.replace("object_configuration:read-write",
                                                            "object_configuration:read"))
    assert not member.schema_admin and "object_configuration:read-write" in (member.reason("schema_admin") or "")
    bare = capabilities_for(ATTIO_DEFAULTS, "record_permission:read object_configuration:read")
    for capability, scope in (("lists", "list_entry:read"), ("notes", "note:read"), ("tasks", "task:read"),
                              ("comments", "comment:read")):
        assert not getattr(bare, capability) and scope in (bare.reason(capability) or "")
    assert bare.timeline and not bare.member_admin and bare.reason("member_admin")


def test_a_read_write_scope_includes_its_read() -> None:
    assert has(["note:read-write"], "note:read") and not has(["note:read"], "note:read-write")
