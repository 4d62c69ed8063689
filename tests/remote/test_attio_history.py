"""A record's timeline from Attio's past values and comments (pure), and scopes → capabilities."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from crmdesk.model import AttributeType
from crmdesk.remote.attio import ATTIO_DEFAULTS
from crmdesk.remote.attio.history import CHANGED, comment_event, history_events, newest_first
from crmdesk.remote.attio.scopes import NEEDS, OPERATIONS, WRITE_NEEDS, WRITES, capabilities_for, has
from tests.attio_spec import spec

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


def _spec_scopes(operations: Iterable[str]) -> set[str]:
    """The scopes the spec's ``security`` lists for ``operations`` (``"GET /v2/tasks"``), together."""
    found: set[str] = set()
    for operation in operations:
        method, path = operation.split(" ", 1)
        for requirement in spec()["paths"][path][method.lower()].get("security") or []:
            for scopes in requirement.values():
                found |= set(scopes)
    return found


def _without(scopes: set[str], scope: str) -> frozenset[str]:
    """``scopes`` with ``scope`` taken away (a read with its read-write, which includes it)."""
    return frozenset(s for s in scopes if s not in (scope, f"{scope}-write"))


#: Every scope any operation of the spec lists: a token that may do everything.
EVERY = {s for path in spec()["paths"].values() for op in path.values() if isinstance(op, dict)
         for requirement in op.get("security") or [] for scopes in requirement.values() for s in scopes}


@pytest.mark.parametrize("capability", sorted(OPERATIONS))
def test_scopes_turn_capabilities_off_with_the_scope_named(capability: str) -> None:
    """Each capability needs exactly the scopes the spec's ``security`` lists for the operations
    behind it: granted those alone it is on; lacking any one of them it is off, the reason naming
    the scope to grant (a read lacked with its read-write is named as the read-write)."""
    needed = _spec_scopes(OPERATIONS[capability])
    assert needed, capability
    assert set(NEEDS[capability]) == needed
    alone = capabilities_for(ATTIO_DEFAULTS, needed)
    assert getattr(alone, capability) and alone.reason(capability) is None
    for scope in sorted(needed):
        lacking = capabilities_for(ATTIO_DEFAULTS, _without(EVERY, scope))
        reason = lacking.reason(capability) or ""
        assert not getattr(lacking, capability), (capability, scope)
        named = scope if f"{scope}-write" not in needed else f"{scope}-write"
        assert f"“{named}”" in reason and "grant" in reason, (capability, scope, reason)


def test_the_scopes_the_brief_names_come_from_the_spec() -> None:
    """The spec's own words for what the tasks, comments and admin capabilities need."""
    assert _spec_scopes(["GET /v2/tasks"]) == {"task:read", "object_configuration:read", "record_permission:read",
                                               "user_management:read"}
    assert _spec_scopes(OPERATIONS["tasks"]) == _spec_scopes(["GET /v2/tasks"])
    assert "comment:read-write" in _spec_scopes(OPERATIONS["comments"])
    member = capabilities_for(ATTIO_DEFAULTS, _without(EVERY, "object_configuration:read-write"))
    assert not member.schema_admin and "object_configuration:read-write" in (member.reason("schema_admin") or "")
    assert member.tasks and member.comments and member.timeline and not member.member_admin
    # Reading comments alone: no comment can be added, so ``comments`` is off (the timeline still
    # reads the threads); no member list: the tasks (which name members) are off, not failing.
    narrow = capabilities_for(ATTIO_DEFAULTS, _without(_without_set(EVERY, "comment:read-write"),
                                                       "user_management:read"))
    assert not narrow.comments and "comment:read-write" in (narrow.reason("comments") or "")
    assert not narrow.tasks and "user_management:read" in (narrow.reason("tasks") or "")
    assert narrow.timeline and narrow.notes and narrow.lists


def _without_set(scopes: set[str], scope: str) -> set[str]:
    return {s for s in scopes if s != scope}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_writes_without_a_capability_need_the_scopes_the_spec_lists(write: str) -> None:
    assert set(WRITE_NEEDS[write]) == _spec_scopes(WRITES[write])


def test_a_read_write_scope_includes_its_read() -> None:
    assert has(["note:read-write"], "note:read") and not has(["note:read"], "note:read-write")
