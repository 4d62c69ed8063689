"""A comment typed offline is in the record's timeline at once and queued; a timeline read from
the server replaces the server's events it covers but never a comment not sent yet."""

from __future__ import annotations

import pytest

from crmdesk.model import EntityKind, MutationOp, TimelineEvent, ValidationError, is_local_id
from crmdesk.store import NotFound, Store
from crmdesk.ui.pending_actions import discard

from ._support import PEOPLE, person


@pytest.fixture
def ada(store: Store) -> Store:
    with store.write():
        store.records.put(PEOPLE, person("p-ada", "Ada", "Lovelace"))
    return store


def event(event_id: str, when: str, kind: str = "comment", text: str = "") -> TimelineEvent:
    return TimelineEvent(event_id, "p-ada", kind, kind.title(), when, text)


def test_a_comment_shows_in_the_timeline_and_is_queued(ada: Store) -> None:
    mutation = ada.edits.add_comment("p-ada", "  Call back on Monday  ")
    shown = ada.timeline.for_record("p-ada")
    assert [(e.id, e.kind, e.description) for e in shown] == [(mutation.target_id, "comment", "Call back on Monday")]
    assert is_local_id(mutation.target_id)
    (queued,) = ada.outbox.all()
    assert (queued.entity, queued.op, queued.scope, queued.changes) == (
        EntityKind.COMMENT, MutationOp.CREATE, "p-ada", {"content": "Call back on Monday"})


def test_an_empty_comment_or_one_on_no_record_is_refused_and_leaves_nothing(ada: Store) -> None:
    with pytest.raises(ValidationError, match="empty"):
        ada.edits.add_comment("p-ada", " \n ")
    with pytest.raises(NotFound):
        ada.edits.add_comment("p-gone", "hello")
    assert ada.outbox.all() == [] and ada.timeline.for_record("p-ada") == []


def test_a_server_timeline_replaces_what_it_covers_and_keeps_unsent_comments(ada: Store) -> None:
    mine = ada.edits.add_comment("p-ada", "not sent yet")
    with ada.write():
        ada.timeline.put_many([event("old", "2026-01-01T00:00:00.000Z"), event("gone", "2026-03-01T00:00:00.000Z"),
                               event("kept", "2026-04-01T00:00:00.000Z")])
    # The newest page only: what is older than it stays, the deleted comment inside its span goes.
    with ada.write():
        ada.timeline.replace_for_record("p-ada", [event("kept", "2026-04-01T00:00:00.000Z"),
                                                  event("new", "2026-02-01T00:00:00.000Z")], complete=False)
    assert {e.id for e in ada.timeline.for_record("p-ada")} == {mine.target_id, "old", "kept", "new"}
    # An event as old as the page's oldest stays: it may be on the next page (times tie).
    with ada.write():
        ada.timeline.put_many([event("twin", "2026-02-01T00:00:00.000Z")])
        ada.timeline.replace_for_record("p-ada", [event("kept", "2026-04-01T00:00:00.000Z"),
                                                  event("new", "2026-02-01T00:00:00.000Z")], complete=False)
        ada.timeline.replace_for_record("p-ada", [], complete=False)  # says nothing: keeps everything
    assert {e.id for e in ada.timeline.for_record("p-ada")} == {mine.target_id, "old", "kept", "new", "twin"}
    # The whole timeline: anything the server no longer has goes.
    with ada.write():
        ada.timeline.replace_for_record("p-ada", [event("kept", "2026-04-01T00:00:00.000Z")], complete=True)
    assert {e.id for e in ada.timeline.for_record("p-ada")} == {mine.target_id, "kept"}


def test_discarding_a_queued_comment_removes_it_from_the_timeline(ada: Store) -> None:
    ada.edits.add_comment("p-ada", "never mind")
    (queued,) = ada.outbox.all()
    assert queued.op_id is not None
    discard(ada, queued.op_id)
    assert ada.outbox.all() == [] and ada.timeline.for_record("p-ada") == []
