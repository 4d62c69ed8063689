"""A colleague's change, pulled from the sandbox over loopback, lands in the field history with the
cache's old value and the server's new one; the first pull and an unchanged re-pull write none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.store.field_history import LOCAL, SERVER

from ._requests import api_patch
from ._support import marker, sync


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=60, seed=18) as running:
        yield running


def stage_id(store: Store, title: str) -> str:
    option = store.schema.get_object("deals").attribute("stage").option_by_title(title)  # type: ignore[union-attr]
    assert option is not None
    return option.id


def test_first_pull_and_an_unchanged_pull_write_no_history(store: Store, server: SandboxServer) -> None:
    assert store.history.count() == 0
    assert sync(store, server).status.value == "synced"
    assert store.history.count() == 0


def test_a_colleagues_stage_move_is_kept_with_old_and_new(store: Store, server: SandboxServer) -> None:
    deal = store.records.rows(store.records.query_ids("deals"))[0]
    old_stage = deal.values.get("stage")
    new_stage = next(stage_id(store, t) for t in ("Won", "Lost", "Lead") if stage_id(store, t) != old_stage)
    api_patch(server, "deals", deal.id, {"stage": new_stage})
    assert sync(store, server).status.value == "synced"
    rows = store.history.for_record(deal.id)
    assert [(c.attribute_slug, c.old, c.new, c.source, c.actor_id) for c in rows] == [
        ("stage", old_stage, new_stage, SERVER, None)]
    assert rows[0].changed_at == store.records.get(deal.id).updated_at  # type: ignore[union-attr]
    moves = store.history.stage_moves("deals", "stage")
    assert [(c.record_id, c.new) for c in moves] == [(deal.id, new_stage)]


def test_my_pushed_edit_is_kept_once_as_mine(store: Store, server: SandboxServer) -> None:
    """The push's answer and the next pull bring back what the cache already shows: no server row."""
    person = store.records.rows(store.records.query_ids("people"))[0]
    tag = marker()
    store.edits.update_record(person.id, {"job_title": tag})
    assert sync(store, server).status.value == "synced"
    assert sync(store, server).status.value == "synced"
    assert [(c.attribute_slug, c.new, c.source) for c in store.history.for_record(person.id)] == [
        ("job_title", tag, LOCAL)]


def test_a_conflict_keeps_the_servers_value_as_a_change(store: Store, server: SandboxServer) -> None:
    """Both sides changed one field: the cache shows the server's value, and the history says so."""
    person = store.records.rows(store.records.query_ids("people"))[1]
    mine, theirs = marker(), marker()
    store.edits.update_record(person.id, {"job_title": mine})
    api_patch(server, "people", person.id, {"job_title": theirs})
    sync(store, server)
    history = [(c.old, c.new, c.source) for c in reversed(store.history.for_record(person.id))]
    assert history[0] == (person.values.get("job_title"), mine, LOCAL)
    assert (mine, theirs, SERVER) in history


def test_a_field_the_server_refused_is_not_a_change_on_the_server(store: Store, server: SandboxServer) -> None:
    """The server drops a reference to a record it does not have and answers with its own value: the
    cache shows that again, and nobody changed it there (Pending changes tells the refusal)."""
    deal = next(d for d in store.records.rows(store.records.query_ids("deals")) if d.values.get("company"))
    gone = "00000000-0000-4000-8000-00000000dead"
    store.edits.update_record(deal.id, {"company": gone, "name": f"Renamed {marker()}"})
    assert sync(store, server).status.value == "synced"
    assert store.records.get(deal.id).values.get("company") == deal.values["company"]  # type: ignore[union-attr]
    assert [(c.attribute_slug, c.source) for c in store.history.for_record(deal.id)
            if c.attribute_slug == "company"] == [("company", LOCAL)], "only my edit, no server row undoing it"
