"""Settling a conflict changes the field, and the field history says so: Keep mine and Merge are
changes by you after the server's; the timeline's newest line is the value the field shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.model import EntityKind, Record
from crmdesk.store import Store
from crmdesk.sync.apply import RecordApplier, deleted_on_server_conflict
from crmdesk.ui import conflict_resolution, pending_actions
from tests.store._support import PEOPLE, open_store, person

from ._history import history_lines


@pytest.fixture
def conflicted(tmp_path: Path) -> Iterator[Store]:
    """Stage: I moved Lead → Won offline; a colleague had moved it to Qualified before (pulled after)."""
    with open_store(tmp_path / "ws.sqlite") as store:
        with store.write():
            store.records.put_server_page(PEOPLE, [person("p1", "Ada", stage="st-lead")])
        store.edits.update_record("p1", {"stage": "st-won"})
        theirs = person("p1", "Ada", stage="st-qual")
        with store.write():
            RecordApplier(store).apply(PEOPLE, [Record("p1", "people", theirs.values, theirs.created_at,
                                                       "2020-01-01T00:00:00.000Z")])
        assert len(store.conflicts.all()) == 1
        yield store


def test_keep_mine_is_the_newest_line_and_by_you(conflicted: Store) -> None:
    store = conflicted
    conflict_resolution.keep_mine(store, store.conflicts.all()[0])
    assert store.records.get("p1").values["stage"] == "st-won"  # type: ignore[union-attr]
    assert history_lines(store, "p1")[0] == "Stage: Qualified → Won"
    assert store.history.for_record("p1")[0].actor_id == store.schema.my_actor_id()
    # Taken back in Pending changes: the field is the server's again, and so is the newest line.
    queued = store.outbox.for_target("p1", entity=EntityKind.RECORD)
    assert queued and queued[-1].op_id is not None
    pending_actions.discard(store, queued[-1].op_id)
    assert store.records.get("p1").values["stage"] == "st-qual"  # type: ignore[union-attr]
    assert history_lines(store, "p1")[0] != "Stage: Qualified → Won"
    assert "Stage: Won → Qualified" in history_lines(store, "p1"), "the server's move, as pulled"


def test_a_merged_value_is_the_newest_line(conflicted: Store) -> None:
    store = conflicted
    conflict_resolution.merge(store, store.conflicts.all()[0], "st-lead")
    assert history_lines(store, "p1")[0] == "Stage: Qualified → Lead"


def test_taking_theirs_adds_no_line(conflicted: Store) -> None:
    store = conflicted
    before = history_lines(store, "p1")
    conflict_resolution.take_theirs(store, store.conflicts.all()[0])
    assert history_lines(store, "p1") == before


def test_a_record_made_again_after_the_server_deleted_it_keeps_its_history(tmp_path: Path) -> None:
    with open_store(tmp_path / "ws.sqlite") as store:
        with store.write():
            store.records.put_server_page(PEOPLE, [person("p1", "Ada", stage="st-lead")])
        edit = store.edits.update_record("p1", {"stage": "st-won"})
        assert edit is not None
        with store.write():
            deleted_on_server_conflict(store, EntityKind.RECORD, "p1", "people", [edit])
        new_id = conflict_resolution.recreate(store, store.conflicts.all()[0])
        assert history_lines(store, new_id) == ["Stage: Lead → Won"]
