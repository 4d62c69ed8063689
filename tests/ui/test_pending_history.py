"""What the Pending changes panel does to a record's values ends where the field history ends: a
discarded change leaves no line in the timeline and no stage move for the dashboard; a refused value
typed again is a change by you; a discarded delete brings the record back with its history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.model import MutationState
from crmdesk.store import Store
from crmdesk.ui import pending_actions
from tests.store._support import PEOPLE, open_store, person

from ._history import history_lines


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "ws.sqlite") as store:
        with store.write():
            store.records.put_server_page(PEOPLE, [person("p1", "Ada", stage="st-lead", job_title="Engineer")])
        yield store


def test_a_discarded_stage_move_leaves_no_trace(workspace: Store) -> None:
    store = workspace
    store.edits.update_record("p1", {"job_title": "Countess"})
    moved = store.edits.update_record("p1", {"stage": "st-won"})
    assert moved is not None and moved.op_id is not None
    assert history_lines(store, "p1") == ["Stage: Lead → Won", "Job Title: Engineer → Countess"]
    pending_actions.discard(store, moved.op_id)
    assert store.records.get("p1").values["stage"] == "st-lead"  # type: ignore[union-attr]
    assert history_lines(store, "p1") == ["Job Title: Engineer → Countess"], "the kept edit stays"
    assert store.history.stage_moves("people", "stage") == [], "the dashboard counts no move"


def test_a_refused_value_typed_again_is_a_change_by_you(workspace: Store) -> None:
    store = workspace
    edit = store.edits.update_record("p1", {"job_title": "Countess"})
    assert edit is not None and edit.op_id is not None
    with store.write():
        store.outbox.set_state(edit.op_id, MutationState.REJECTED)
    pending_actions.change_rejected_value(store, edit.op_id, "job_title", "Mathematician")
    assert history_lines(store, "p1") == ["Job Title: Countess → Mathematician", "Job Title: Engineer → Countess"]
    assert store.history.for_record("p1")[0].actor_id == store.schema.my_actor_id()
    pending_actions.discard(store, edit.op_id)  # both typings never reached the server
    assert store.records.get("p1").values["job_title"] == "Engineer"  # type: ignore[union-attr]
    assert history_lines(store, "p1") == []


def test_a_discarded_delete_brings_the_record_back_with_its_history(workspace: Store) -> None:
    store = workspace
    store.edits.update_record("p1", {"stage": "st-won"})
    deleted = store.edits.delete_record("p1")
    assert deleted.op_id is not None
    pending_actions.discard(store, deleted.op_id)
    assert history_lines(store, "p1") == ["Stage: Lead → Won"]
