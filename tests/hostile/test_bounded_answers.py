"""Whole syncs against answers no server should send: each ends with a clear status, keeps the
queued edit and the cache, and the next sync against a sane server settles everything."""

from __future__ import annotations

from typing import Any

import pytest

from crmdesk.model import MutationState
from crmdesk.store import Store

from ._support import counts, sync_through
from .server import HostileServer

pytestmark = pytest.mark.allow_log_warnings  # each attack is logged where it is met, by design

MiB = 1024 * 1024


def _prepared(store: Store, hostile: HostileServer) -> tuple[str, dict[str, int]]:
    """Synced once, then one edit queued: what must survive the attack."""
    assert sync_through(store, hostile).status.value == "synced"
    person = store.records.rows(store.records.query_ids("people"))[0]
    store.edits.update_record(person.id, {"job_title": "Survives the attack"})
    return person.id, counts(store)


def _intact(store: Store, person_id: str, before: dict[str, int]) -> None:
    [queued] = store.outbox.all()
    assert queued.state is MutationState.PENDING and queued.changes == {"job_title": "Survives the attack"}
    assert counts(store) == before
    assert store.records.get(person_id).values["job_title"] == "Survives the attack"
    assert store.conflicts.count() == 0


def _settles(store: Store, hostile: HostileServer) -> None:
    hostile.behave()
    report = sync_through(store, hostile)
    assert report.status.value == "synced" and report.pending == 0, report.summary()


@pytest.mark.parametrize(("mode", "options", "config", "words"), [
    ("gzip_bomb", {"size": 40 * MiB}, {"max_response_bytes": 4 * MiB}, "larger than"),
    ("huge_body", {"size": 40 * MiB}, {"max_response_bytes": 4 * MiB}, "larger than"),
    ("nested_json", {}, {}, "nested"),
    ("trickle", {"interval": 0.05}, {"request_deadline": 0.5}, "sends too slowly"),
], ids=["gzip-bomb", "huge-body", "nested-json", "one-byte-at-a-time"])
def test_an_answer_past_a_limit_stops_the_sync_with_a_clear_message_and_loses_nothing(
        store: Store, hostile: HostileServer, mode: str, options: dict[str, Any], config: dict[str, Any],
        words: str) -> None:
    person_id, before = _prepared(store, hostile)
    hostile.spoil(mode, **options)

    report = sync_through(store, hostile, **config)

    assert hostile.hits[mode] >= 1
    assert report.status.value in ("error", "offline"), report.summary()
    assert words in report.message.lower(), report.message
    assert "Traceback" not in report.message and "RecursionError" not in report.message
    _intact(store, person_id, before)
    _settles(store, hostile)


def test_a_day_long_retry_after_is_not_waited_for(store: Store, hostile: HostileServer) -> None:
    person_id, before = _prepared(store, hostile)
    hostile.spoil("retry_after", seconds=86_400)

    report = sync_through(store, hostile)

    assert report.status.value == "offline", report.summary()
    assert hostile.hits["retry_after"] == 1, "handed back to the sync's own schedule, not waited for"
    _intact(store, person_id, before)
    _settles(store, hostile)


def test_a_page_longer_than_asked_is_refused_and_none_of_it_kept(store: Store, hostile: HostileServer) -> None:
    person_id, before = _prepared(store, hostile)
    hostile.spoil("more_rows_than_asked", object="people")

    report = sync_through(store, hostile)

    assert report.status.value == "error", report.summary()
    assert "201 rows for a page of at most 200" in report.message, report.message
    # Push first: the queued edit went before any record was read (only pages are spoiled here);
    # of the refused page, nothing was kept.
    assert store.outbox.all() == [] and store.conflicts.count() == 0
    assert counts(store) == before
    assert store.records.get(person_id).values["job_title"] == "Survives the attack"
    _settles(store, hostile)


def test_a_cut_short_page_is_read_again_and_the_sync_completes(store: Store, hostile: HostileServer) -> None:
    person_id, _before = _prepared(store, hostile)
    hostile.spoil("truncated_get", times=2)

    report = sync_through(store, hostile)

    assert hostile.hits["truncated_get"] == 2
    assert report.status.value == "synced" and report.pending == 0, report.summary()
    assert store.outbox.all() == []
    assert store.records.get(person_id).values["job_title"] == "Survives the attack"


@pytest.mark.parametrize("poison", ["lone \ud800 surrogate", "nul \x00 byte", "x" * 1_100_000],
                         ids=["surrogate", "nul", "over-a-million-characters"])
def test_a_poisoned_value_is_skipped_and_the_sync_completes(store: Store, hostile: HostileServer,
                                                          poison: str) -> None:
    assert sync_through(store, hostile).status.value == "synced"
    before = counts(store)
    hostile.spoil("poison_value", object="people", attribute="description", value=poison)

    report = sync_through(store, hostile)

    assert hostile.hits["poison_value"] >= 1
    assert report.status.value == "synced", report.summary()
    assert counts(store) == before
    stored = [r.values.get("description") for r in store.records.rows(store.records.query_ids("people"))]
    assert poison not in stored


def test_answers_always_cut_short_are_offline_not_a_protocol_fault(store: Store, hostile: HostileServer,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    person_id, before = _prepared(store, hostile)
    hostile.spoil("truncated_get")

    report = sync_through(store, hostile)

    assert report.status.value == "offline", report.summary()
    assert "stops part way through" in report.message
    assert not [r for r in caplog.records if r.exc_info], "no traceback for a connection's fault"
    _intact(store, person_id, before)
    _settles(store, hostile)
