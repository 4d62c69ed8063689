"""Discarding queued links and issue links from Pending changes (``ui/pending_actions.discard``),
against a real SQLite store: only the discarded change and the later changes of the same link go,
the cache shows the link as the server last had it, and a record made offline takes its links
along when its create is discarded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.model import EntityKind, Mutation, MutationOp, MutationState, RecordLink
from crmdesk.store import Store
from crmdesk.store.links import IssueLinkRow, LinkRow
from crmdesk.sync.waiting import held_and_unsent
from crmdesk.ui.pending_actions import discard
from tests.store._links_support import Heard, open_crm


@pytest.fixture
def crm(tmp_path: Path) -> Iterator[Store]:
    """Ada and Bob (people), Acme and Zeta (companies), as a pull left them."""
    with open_crm(tmp_path / "ws.sqlite") as store:
        yield store


def refuse(store: Store, mutation: Mutation, message: str = "refused") -> int:
    assert mutation.op_id is not None
    with store.write():
        store.outbox.set_state(mutation.op_id, MutationState.REJECTED, message)
    return mutation.op_id


def queued(store: Store) -> list[tuple[str, str, str, str]]:
    return [(m.entity.value, m.op.value, m.scope, m.target_id) for m in store.outbox.all()]


def server_link(store: Store, record_id: str, other_id: str, other_object: str, own_object: str,
                *roles: str) -> None:
    with store.write():
        store.links.put(RecordLink(record_id, other_id, other_object, roles), own_object)


def test_discarding_a_refused_link_leaves_the_other_records_edits_and_links_alone(crm: Store) -> None:
    refused = refuse(crm, crm.edits.link_records("p-ada", "c-acme", ["Employee"]))
    crm.edits.update_record("c-acme", {"name": "Acme Corp"})
    crm.edits.link_records("p-bob", "c-acme", ["Founder"])
    crm.edits.update_record("p-ada", {"badge": "gold"})
    heard = Heard()
    crm.add_change_listener(heard)

    discard(crm, refused)

    assert queued(crm) == [("record", "update", "companies", "c-acme"), ("link", "create", "p-bob", "c-acme"),
                           ("record", "update", "people", "p-ada")]
    assert crm.links.get("p-ada", "c-acme") is None  # the server never had it
    assert [row.other_id for row in crm.links.for_record("c-acme")] == ["p-bob"]
    acme = crm.records.get("c-acme")
    assert acme is not None and acme.values["name"] == "Acme Corp"
    assert {"p-ada", "c-acme"} <= heard.links()


def test_discarding_a_link_takes_its_later_changes_from_either_end_along(crm: Store) -> None:
    refused = refuse(crm, crm.edits.link_records("p-ada", "c-acme", ["Employee"]))
    crm.edits.set_link_roles("c-acme", "p-ada", ["Founder"])  # from the other end
    crm.edits.link_records("p-ada", "c-zeta", ["Advisor"])

    discard(crm, refused)

    assert queued(crm) == [("link", "create", "p-ada", "c-zeta")]
    assert [row.other_id for row in crm.links.for_record("p-ada")] == ["c-zeta"]


def test_discarding_a_role_change_puts_the_servers_roles_back(crm: Store) -> None:
    server_link(crm, "p-ada", "c-acme", "companies", "people", "Employee")
    server_link(crm, "p-bob", "c-acme", "companies", "people", "Founder")
    change = refuse(crm, crm.edits.set_link_roles("p-ada", "c-acme", ["Champion"]))  # type: ignore[arg-type]
    crm.edits.set_link_roles("p-bob", "c-acme", ["Owner"])

    discard(crm, change)

    assert crm.links.get("c-acme", "p-ada") == LinkRow("p-ada", "people", ("Employee",), False, None)
    assert crm.links.get("c-acme", "p-bob") == LinkRow("p-bob", "people", ("Owner",), True, None)
    assert queued(crm) == [("link", "update", "p-bob", "c-acme")]


def test_discarding_a_role_change_keeps_a_later_one(crm: Store) -> None:
    server_link(crm, "p-ada", "c-acme", "companies", "people", "Employee")
    change = refuse(crm, crm.edits.set_link_roles("p-ada", "c-acme", ["Champion"]))  # type: ignore[arg-type]
    crm.edits.set_link_roles("c-acme", "p-ada", ["Owner"])

    discard(crm, change)

    row = crm.links.get("p-ada", "c-acme")
    assert row is not None and (row.roles, row.unsent, row.refused) == (("Owner",), True, None)


def test_discarding_an_unlink_puts_the_link_back_with_its_roles(crm: Store) -> None:
    server_link(crm, "p-ada", "c-acme", "companies", "people", "Employee", "Champion")
    unlink = refuse(crm, crm.edits.unlink_records("c-acme", "p-ada"))  # type: ignore[arg-type]
    crm.edits.update_record("p-ada", {"badge": "gold"})

    discard(crm, unlink)

    assert crm.links.get("p-ada", "c-acme") == LinkRow("c-acme", "companies", ("Employee", "Champion"), False, None)
    assert queued(crm) == [("record", "update", "people", "p-ada")]


def test_discarding_a_refused_issue_link_leaves_other_records_links_of_the_key_alone(crm: Store) -> None:
    refused = refuse(crm, crm.edits.link_issue("p-ada", "SALES-1"), "No project SALES")
    crm.edits.link_issue("p-bob", "SALES-1")
    crm.edits.link_issue("p-ada", "SALES-2")
    heard = Heard()
    crm.add_change_listener(heard)

    discard(crm, refused)

    assert queued(crm) == [("issue_link", "create", "p-bob", "SALES-1"), ("issue_link", "create", "p-ada", "SALES-2")]
    assert crm.issue_links.for_record("p-ada") == [IssueLinkRow("SALES-2", True)]
    assert crm.issue_links.for_record("p-bob") == [IssueLinkRow("SALES-1", True)]
    assert "p-ada" in heard.links()


def test_discarding_an_issue_unlink_puts_the_key_back(crm: Store) -> None:
    with crm.write():
        crm.issue_links.add("p-ada", "SALES-1")
    unlink = refuse(crm, crm.edits.unlink_issue("p-ada", "SALES-1"))  # type: ignore[arg-type]

    discard(crm, unlink)

    assert crm.issue_links.for_record("p-ada") == [IssueLinkRow("SALES-1", False, None)]
    assert crm.outbox.count() == 0


def test_discarding_a_record_made_offline_drops_its_links_and_their_rows(crm: Store) -> None:
    create = crm.edits.create_record("people", {"name": {"first_name": "Olga", "full_name": "Olga"}})
    local = create.target_id
    crm.edits.link_records(local, "c-acme", ["Employee"])
    crm.edits.link_records("c-zeta", local, ["Founder"])  # made from the other record
    crm.edits.link_issue(local, "OPS-7")
    crm.edits.link_issue("p-ada", "OPS-7")
    crm.edits.link_records("p-ada", "c-acme", ["Advisor"])
    refuse(crm, create, "name refused")

    assert create.op_id is not None
    discard(crm, create.op_id)

    assert queued(crm) == [("issue_link", "create", "p-ada", "OPS-7"), ("link", "create", "p-ada", "c-acme")]
    assert crm.records.get(local) is None
    assert crm.links.for_record(local) == [] and crm.issue_links.for_record(local) == []
    assert [row.other_id for row in crm.links.for_record("c-acme")] == ["p-ada"]
    assert crm.links.for_record("c-zeta") == []
    held, _unsent = held_and_unsent(crm)
    assert held == []


def test_a_link_to_a_record_made_offline_is_not_held_behind_it(crm: Store) -> None:
    local = crm.edits.create_record("people", {"name": {"first_name": "Olga", "full_name": "Olga"}}).target_id
    crm.edits.link_records("c-acme", local, ["Employee"])

    held, unsent = held_and_unsent(crm)

    assert held == []
    assert [(m.entity, m.op) for m in unsent] == [(EntityKind.RECORD, MutationOp.CREATE),
                                                   (EntityKind.LINK, MutationOp.CREATE)]
