"""One refused field holds back nothing else: the record's other changes reach the server, and
only the refused field waits in Pending changes, with the reason, the user's value kept."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from crmdesk.model import MutationOp, MutationState, ValidationError
from crmdesk.model.limits import ValueLimits
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store

from ._support import server_records, sync

#: The transport's warnings as it asks again: the server chokes on a value (an empty 500) on purpose.
CHOKED = pytest.mark.allow_log_warnings(
    r"failed \(The server failed without saying why \(an empty answer\)\.\), attempt \d+ of \d+; retrying in ")


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=60, seed=33) as running:
        yield running


def _five_edits(store: Store, deal_id: str, company_id: str) -> dict:
    """Five separate edits of one deal, as a user makes them one after another."""
    edits = {
        "name": "Renewal — five edits",
        "value": {"amount": 31500, "currency": "EUR"},
        "expected_close_date": "2027-03-31",
        "stage": store.schema.get_object("deals").attribute("stage").option_by_title("Negotiation").id,
        "company": company_id,
    }
    for slug, value in edits.items():
        store.edits.update_record(deal_id, {slug: value})
    return edits


def _rejected(store: Store) -> list:
    return [m for m in store.outbox.all() if m.state is MutationState.REJECTED]


@CHOKED
def test_five_edits_with_one_value_the_server_chokes_on_leave_four_on_the_server(
    store: Store, server: SandboxServer
) -> None:
    deal_id = sorted(store.records.ids("deals"))[0]
    company_id = sorted(store.records.ids("companies"))[1]
    edits = _five_edits(store, deal_id, company_id)
    server.settings.choke_on = frozenset({"expected_close_date"})  # an empty 500, as the real server
    report = sync(store, server)
    assert report.status.value == "synced"
    on_server = server_records(server, "deals")[deal_id]
    for slug in ("name", "value", "stage", "company"):
        assert on_server[slug] == edits[slug], slug
    assert on_server["expected_close_date"] != "2027-03-31"
    [waiting] = _rejected(store)
    assert (waiting.op, waiting.target_id, waiting.changes) == (
        MutationOp.UPDATE, deal_id, {"expected_close_date": "2027-03-31"})
    assert "took the record's other changes, so this value is the one it cannot store" in (waiting.error or "")
    assert store.outbox.count() == 1  # the four that went are no longer queued


def test_a_value_the_server_silently_drops_waits_and_the_rest_is_stored(store: Store, server: SandboxServer) -> None:
    """The deal now points at a company the server does not have (a colleague deleted it after
    this client's last pull): the server drops the reference and answers 200; everything else
    of the edit is on the server, and the reference waits with the reason."""
    deal_id = sorted(store.records.ids("deals"))[2]
    gone = "00000000-0000-4000-8000-00000000dead"
    edits = _five_edits(store, deal_id, gone)
    assert sync(store, server).status.value == "synced"
    on_server = server_records(server, "deals")[deal_id]
    for slug in ("name", "value", "expected_close_date", "stage"):
        assert on_server[slug] == edits[slug], slug
    assert on_server.get("company") != gone
    [waiting] = _rejected(store)
    assert waiting.changes == {"company": gone}
    assert "did not keep this value" in (waiting.error or "")


def test_a_field_the_adapter_refuses_by_name_waits_alone(store: Store, server: SandboxServer) -> None:
    """An edit queued before crmdesk knew this server keeps one option per select (an older
    version's queue): the adapter refuses that field; the record's other fields still go."""
    company_id = sorted(store.records.ids("companies"))[0]
    categories = store.schema.get_object("companies").attribute("categories")
    assert categories is not None and categories.multiselect and len(categories.options) >= 2
    two = [categories.options[0].id, categories.options[1].id]
    with store.write():
        store.schema.set_value_limits(ValueLimits())  # as before the first sync said otherwise
    store.edits.update_record(company_id, {"description": "Refused select, kept description"})
    store.edits.update_record(company_id, {"categories": two})
    assert sync(store, server).status.value == "synced"
    assert server_records(server, "companies")[company_id]["description"] == "Refused select, kept description"
    [waiting] = _rejected(store)
    assert waiting.changes == {"categories": two}
    assert "one option per select attribute" in (waiting.error or "")


def test_after_a_sync_the_same_value_is_refused_when_typed(store: Store) -> None:
    """The server's limits are kept in the workspace file: offline, a second option is refused
    at once with the reason, and nothing is queued."""
    company_id = sorted(store.records.ids("companies"))[0]
    categories = store.schema.get_object("companies").attribute("categories")
    assert categories is not None
    with pytest.raises(ValidationError) as refused:
        store.edits.update_record(company_id, {"categories": [o.id for o in categories.options[:2]]})
    assert "one option per select attribute" in refused.value.message
    assert store.outbox.count() == 0
    store.edits.update_record(company_id, {"categories": [categories.options[0].id]})  # one is fine
    assert store.outbox.count() == 1


def test_a_created_record_keeps_what_the_server_did_not_and_waits_with_it(
    store: Store, server: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    gone = "00000000-0000-4000-8000-00000000dead"
    store.edits.create_record("deals", {"name": "Created without its company", "company": gone})
    assert sync(store, server).status.value == "synced"
    [(created_id, created)] = [(i, r) for i, r in server_records(server, "deals").items()
                               if r.get("name") == "Created without its company"]
    assert "company" not in created
    [waiting] = _rejected(store)
    assert (waiting.target_id, waiting.changes) == (created_id, {"company": gone})
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        f"the server did not keep company on deals/{created_id}"]
    caplog.clear()


def test_a_create_refused_by_field_name_is_sent_without_that_field(store: Store, server: SandboxServer) -> None:
    categories = store.schema.get_object("companies").attribute("categories")
    assert categories is not None
    two = [categories.options[0].id, categories.options[1].id]
    with store.write():
        store.schema.set_value_limits(ValueLimits())  # queued by a crmdesk that did not know the limit
    store.edits.create_record("companies", {"name": "Two-category company", "categories": two})
    assert sync(store, server).status.value == "synced"
    [(created_id, created)] = [(i, r) for i, r in server_records(server, "companies").items()
                               if r.get("name") == "Two-category company"]
    assert "categories" not in created
    [waiting] = _rejected(store)
    assert (waiting.target_id, waiting.changes) == (created_id, {"categories": two})
    assert "one option per select attribute" in (waiting.error or "")
    assert store.records.get(created_id) is not None  # the local record follows its server id


@CHOKED
def test_a_field_the_server_fails_on_while_it_takes_nothing_stays_queued_not_refused(
    store: Store, server: SandboxServer
) -> None:
    """One field refused by name, the other failing (5xx) with nothing taken: the failure says
    nothing about that value, so it stays queued and goes once the server is well again."""
    company_id = sorted(store.records.ids("companies"))[2]
    categories = store.schema.get_object("companies").attribute("categories")
    assert categories is not None
    two = [categories.options[0].id, categories.options[1].id]
    with store.write():
        store.schema.set_value_limits(ValueLimits())
    store.edits.update_record(company_id, {"description": "Goes once the server is well"})
    store.edits.update_record(company_id, {"categories": two})
    server.settings.choke_on = frozenset({"description"})
    assert sync(store, server).status.value == "offline"
    [refused] = _rejected(store)
    assert refused.changes == {"categories": two}
    [queued] = [m for m in store.outbox.all() if m.state is MutationState.PENDING]
    assert (queued.changes, queued.attempts) == ({"description": "Goes once the server is well"}, 1)
    assert sync(store, server).status.value == "offline"  # still failing: one more failure counted
    [queued] = [m for m in store.outbox.all() if m.state is MutationState.PENDING]
    assert queued.attempts == 2
    server.settings.choke_on = frozenset()
    assert sync(store, server).status.value == "synced"
    assert server_records(server, "companies")[company_id]["description"] == "Goes once the server is well"


@CHOKED
def test_a_server_failure_is_counted_once_per_sync(store: Store, server: SandboxServer) -> None:
    deal_id = sorted(store.records.ids("deals"))[3]
    store.edits.update_record(deal_id, {"name": "Both fields fail", "expected_close_date": "2027-01-01"})
    server.settings.choke_on = frozenset({"name", "expected_close_date"})
    assert sync(store, server).status.value == "offline"
    [queued] = store.outbox.all()
    assert (queued.state, queued.attempts) == (MutationState.PENDING, 1)


@CHOKED
def test_a_refused_value_the_user_has_typed_again_since_does_not_come_back(
    store: Store, server: SandboxServer
) -> None:
    """Refusing an older value must not queue it after the user's newer one: retrying it
    would overwrite what the user typed last."""
    deal_id, other_id = sorted(store.records.ids("deals"))[4:6]
    store.edits.update_record(deal_id, {"name": "Older edit", "expected_close_date": "2027-01-01"})
    store.edits.update_record(other_id, {"name": "Between the two"})
    store.edits.update_record(deal_id, {"expected_close_date": "2027-02-02"})
    server.settings.choke_on = frozenset({"expected_close_date"})
    sync(store, server)
    assert server_records(server, "deals")[deal_id]["name"] == "Older edit"
    held = [m.changes for m in store.outbox.all() if m.target_id == deal_id]
    assert {"expected_close_date": "2027-01-01"} not in held
    assert {"expected_close_date": "2027-02-02"} in held


@CHOKED
def test_a_newer_value_of_a_field_the_server_failed_on_is_no_conflict_with_it(
    store: Store, server: SandboxServer
) -> None:
    """The server never took the older value: the newer one was typed over it, so the server's
    own value is what the newer one replaces — not a colleague's change that conflicts with it
    (the sync goes on to read the record after the push failed, and the next sync fetches it)."""
    deal_id, other_id = sorted(store.records.ids("deals"))[8:10]
    before = server_records(server, "deals")[deal_id].get("expected_close_date")
    store.edits.update_record(deal_id, {"name": "Older edit again", "expected_close_date": "2028-01-01"})
    store.edits.update_record(other_id, {"name": "Between the two again"})
    store.edits.update_record(deal_id, {"expected_close_date": "2028-02-02"})
    server.settings.choke_on = frozenset({"expected_close_date"})
    for attempt in (1, 2):
        assert sync(store, server).status.value == "offline"
        assert store.conflicts.all() == []
        [newer] = [m for m in store.outbox.all() if m.target_id == deal_id]
        assert (newer.state, newer.attempts) == (MutationState.PENDING, attempt)
        assert (newer.changes, newer.base) == ({"expected_close_date": "2028-02-02"},
                                               {"expected_close_date": before})
    server.settings.choke_on = frozenset()
    assert sync(store, server).status.value == "synced"
    assert server_records(server, "deals")[deal_id]["expected_close_date"] == "2028-02-02"


def test_a_list_the_server_keeps_only_part_of_waits_whole(store: Store, server: SandboxServer) -> None:
    deal_id = sorted(store.records.ids("deals"))[6]
    person = sorted(store.records.ids("people"))[0]
    gone = "00000000-0000-4000-8000-00000000dead"
    store.edits.update_record(deal_id, {"associated_people": [person, gone], "name": "Part of a list"})
    assert sync(store, server).status.value == "synced"
    assert server_records(server, "deals")[deal_id]["associated_people"] == [person]
    [waiting] = _rejected(store)
    assert waiting.changes == {"associated_people": [person, gone]}


def test_a_note_on_a_record_whose_create_was_refused_waits_for_it(store: Store, server: SandboxServer) -> None:
    """Not sent with the record's local id (the server would answer "Record not found" and the
    note would read as refused): it waits, as an edit of that record does."""
    categories = store.schema.get_object("companies").attribute("categories")
    assert categories is not None
    with store.write():
        store.schema.set_value_limits(ValueLimits())
    created = store.edits.create_record("companies", {"categories": [o.id for o in categories.options[:2]]})
    store.edits.create_note(created.target_id, "Kick-off", "Met the team.")
    report = sync(store, server)
    assert report.status.value == "synced"
    states = {m.entity.value: m.state for m in store.outbox.all()}
    assert states == {"record": MutationState.REJECTED, "note": MutationState.PENDING}


def test_fields_split_off_to_wait_keep_the_failures_counted_so_far(store: Store) -> None:
    from crmdesk.sync.refusals import settle_fields

    deal_id = sorted(store.records.ids("deals"))[7]
    mutation = store.edits.update_record(deal_id, {"name": "Split", "expected_close_date": "2027-05-05"})
    assert mutation is not None and mutation.op_id is not None
    with store.write():
        for _ in range(3):
            store.outbox.note_failure(mutation.op_id, "500")
        group = [m for m in store.outbox.all() if m.op_id == mutation.op_id]
        still = settle_fields(store, group, {"name": "refused"}, still_to_send=["expected_close_date"])
    assert still is not None and still.op_id is not None
    kept = store.outbox.get(still.op_id)
    assert kept is not None and (kept.changes, kept.attempts) == ({"expected_close_date": "2027-05-05"}, 3)
