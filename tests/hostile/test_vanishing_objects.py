"""An object missing from one answer is suspect: the cache and the queued edits stay until the
server confirms the object is really gone."""

from __future__ import annotations

import pytest

from crmdesk.model import MutationState
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store

from ._support import client, counts, sandbox_client, sync_through
from .server import HostileServer


def _server_count(sandbox: SandboxServer, slug: str) -> int:
    return int(sandbox.core.db.scalar(  # type: ignore[union-attr]
        "SELECT COUNT(*) FROM records WHERE object_id = (SELECT id FROM objects WHERE slug = ?)", (slug,)))


def _server_values(sandbox: SandboxServer, record_id: str) -> dict[str, object]:
    backend = sandbox_client(sandbox)
    try:
        return backend.get_record("people", record_id).values
    finally:
        backend.close()


def _rename_first_person(store: Store, name: str) -> str:
    person = store.records.rows(store.records.query_ids("people"))[0]
    store.edits.update_record(person.id, {"job_title": name})
    return person.id


def _kept_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    kept = [r.getMessage() for r in caplog.records if "which it still has: kept" in r.getMessage()]
    caplog.clear()
    return kept


def test_an_answer_listing_no_objects_deletes_nothing(store: Store, hostile: HostileServer,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    assert sync_through(store, hostile).status.value == "synced"
    before = counts(store)
    person_id = _rename_first_person(store, "Queued before the empty answer")

    hostile.spoil("empty_objects")
    report = sync_through(store, hostile)

    assert hostile.hits["empty_objects"] >= 2, "asked again before believing it"
    assert len(_kept_warnings(caplog)) == 3
    assert counts(store) == before, report.summary()
    assert store.conflicts.count() == 0
    # Each object answered when asked by name: the sync went on, and the edit reached the server.
    assert report.status.value == "synced" and store.outbox.all() == [], report.summary()
    assert _server_values(hostile.sandbox, person_id)["job_title"] == "Queued before the empty answer"

    hostile.behave()
    report = sync_through(store, hostile)
    assert report.status.value == "synced" and report.pending == 0, report.summary()
    assert counts(store) == {slug: _server_count(hostile.sandbox, slug) for slug in before}
    assert store.records.get(person_id).values["job_title"] == "Queued before the empty answer"


def test_an_object_left_out_of_the_list_keeps_its_records_and_is_still_pulled(
        store: Store, hostile: HostileServer, caplog: pytest.LogCaptureFixture) -> None:
    assert sync_through(store, hostile).status.value == "synced"
    before = counts(store)
    pulled_before = store.sync_state.get("records:deals").last_pull_at

    hostile.spoil("drop_objects", slugs=["deals"])
    sync_through(store, hostile)

    assert _kept_warnings(caplog) == ["the server's object list leaves out “deals”, which it still has: kept"]
    assert "deals" in store.schema.objects()
    assert counts(store) == before
    # Kept, so pulled again in this sync (a dropped object would keep its old pull time).
    assert pulled_before is not None
    assert store.sync_state.get("records:deals").last_pull_at > pulled_before


def test_a_really_deleted_object_leaves_its_queued_edits_as_refusals_that_keep_the_values(
        store: Store, hostile: HostileServer) -> None:
    assert sync_through(store, hostile).status.value == "synced"
    deal = store.records.rows(store.records.query_ids("deals"))[0]
    store.edits.update_record(deal.id, {"name": "Renamed offline"})
    admin = client(hostile)
    admin.delete_object("deals")
    admin.close()

    report = sync_through(store, hostile)

    assert "deals" not in store.schema.objects()
    assert store.records.ids("deals") == set()
    [refused] = store.outbox.all()
    assert refused.state is MutationState.REJECTED
    assert refused.changes == {"name": "Renamed offline"}
    assert "deals" in (refused.error or "") and "removed on the server" in (refused.error or "")
    assert store.conflicts.count() == 0
    assert report.rejected == 1
    # The object's sync position goes with it: if it comes back, it is read from the start.
    assert store.sync_state.get("records:deals").cursor is None
    assert store.sync_state.get("records:deals").last_pull_at is None
