"""Creates whose answer was lost: looked up by what the server can filter on, kept queued while
the look-up fails, and never merged with an identical twin the user made on purpose."""

from __future__ import annotations

from typing import Any

import pytest

from crmdesk.model import MutationState
from crmdesk.store import Store

from ._support import sandbox_client, sync_through
from .server import HostileServer

pytestmark = pytest.mark.allow_log_warnings  # every case here makes the sync warn, by design


def _deals_named(hostile: HostileServer, name: str) -> list[str]:
    direct = sandbox_client(hostile.sandbox)
    try:
        return [r.id for r in direct.find_records_by("deals", "name", name)]
    finally:
        direct.close()


def _people_named(hostile: HostileServer, email: str) -> list[dict[str, Any]]:
    direct = sandbox_client(hostile.sandbox)
    try:
        return [r.values for r in direct.find_records_by("people", "email_addresses", email)]
    finally:
        direct.close()


def test_a_failing_look_up_keeps_the_create_queued_and_lets_the_rest_through(
        store: Store, hostile: HostileServer) -> None:
    assert sync_through(store, hostile).status.value == "synced"
    person = {"name": {"first_name": "Ada", "last_name": "Quayle", "full_name": "Ada Quayle"},
              "email_addresses": ["ada.quayle@example.org"]}
    store.edits.create_record("people", person)
    hostile.spoil("create_then_500", times=1)
    sync_through(store, hostile)  # the person is made; crmdesk hears an empty 500
    [lost] = store.outbox.all()
    assert lost.state is MutationState.IN_FLIGHT

    company = store.records.rows(store.records.query_ids("companies"))[0]
    store.edits.update_record(company.id, {"description": "Sent while the look-up fails"})
    hostile.spoil("query_500", attributes=["email_addresses"])  # the look-up fails, and nothing else
    for _ in range(6):  # more syncs than a failing change is allowed before it is refused
        report = sync_through(store, hostile)

    [waiting] = store.outbox.all()
    assert waiting.state is MutationState.IN_FLIGHT
    assert waiting.attempts == lost.attempts, "a failed look-up is not counted against the create"
    assert report.rejected == 0
    assert store.records.get(company.id).values["description"] == "Sent while the look-up fails"
    assert len(_people_named(hostile, "ada.quayle@example.org")) == 1

    hostile.behave()
    report = sync_through(store, hostile)
    assert report.status.value == "synced" and report.pending == 0, report.summary()
    assert len(_people_named(hostile, "ada.quayle@example.org")) == 1, "adopted, not sent twice"


def test_a_person_is_never_looked_up_by_name(store: Store, hostile: HostileServer) -> None:
    assert sync_through(store, hostile).status.value == "synced"
    store.edits.create_record("people", {
        "name": {"first_name": "Bo", "last_name": "Lindqvist", "full_name": "Bo Lindqvist"},
        "job_title": "Fleet buyer, Lindqvist Haulage",
    })
    hostile.spoil("create_then_500", times=1)
    sync_through(store, hostile)
    hostile.spoil("query_500", attributes=["name"])  # only a name filter fails, as on Aria

    report = sync_through(store, hostile)

    assert report.status.value == "synced" and report.pending == 0, report.summary()
    assert hostile.hits["query_500"] == 0, "no look-up by a personal name"
    direct = sandbox_client(hostile.sandbox)
    try:
        found = direct.find_records_by("people", "job_title", "Fleet buyer, Lindqvist Haulage")
    finally:
        direct.close()
    assert len(found) == 1, "looked up by its job title and adopted, not sent twice"


def test_two_identical_creates_whose_answers_were_lost_stay_two_records(store: Store, hostile: HostileServer) -> None:
    assert sync_through(store, hostile).status.value == "synced"
    for _ in range(2):
        store.edits.create_record("deals", {"name": "Twin renewal"})
    hostile.spoil("create_then_500", times=2)
    for _ in range(2):  # each sync stops at the first create it cannot be sure of
        sync_through(store, hostile)
    assert hostile.hits["create_then_500"] == 2
    assert len(_deals_named(hostile, "Twin renewal")) == 2

    report = sync_through(store, hostile)

    assert report.status.value == "synced" and report.pending == 0, report.summary()
    on_server = _deals_named(hostile, "Twin renewal")
    assert len(on_server) == 2
    cached = [r.id for r in store.records.rows(store.records.query_ids("deals")) if r.title == "Twin renewal"]
    assert sorted(cached) == sorted(on_server)


def test_a_second_identical_create_is_not_taken_for_the_first(store: Store, hostile: HostileServer) -> None:
    assert sync_through(store, hostile).status.value == "synced"
    store.edits.create_record("deals", {"name": "Second of two"})
    assert sync_through(store, hostile).status.value == "synced"
    store.edits.create_record("deals", {"name": "Second of two"})
    # The second create's request is lost before the server sees it: only its answer is known lost.
    hostile.spoil("create_then_500", times=1)
    with store.write():
        [second] = store.outbox.all()
        store.outbox.set_state(second.op_id or 0, MutationState.IN_FLIGHT)
    hostile.behave()
    sandbox_deals_before = len(_deals_named(hostile, "Second of two"))

    report = sync_through(store, hostile)

    assert report.status.value == "synced" and report.pending == 0, report.summary()
    assert sandbox_deals_before == 1
    assert len(_deals_named(hostile, "Second of two")) == 2, "sent, not mistaken for the first"
