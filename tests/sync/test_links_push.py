"""Link mutations in the queue, without a server: what a run of them coalesces into, what each
waits for, and how the Pending changes panel words them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crmdesk.model import EntityKind, Mutation, MutationOp, MutationState
from crmdesk.store import Store
from crmdesk.sync.merge import coalesce
from crmdesk.sync.pending import describe
from crmdesk.sync.waiting import needs
from tests.store._support import COMPANIES, PEOPLE, company, open_store, person


def link(op_id: int, scope: str, other: str, roles: list[str], op: MutationOp = MutationOp.UPDATE,
         **kw: Any) -> Mutation:
    changes = {"object": "people", "other": other, "other_object": "companies", "roles": roles}
    return Mutation(f"m{op_id}", EntityKind.LINK, op, other, scope, changes, op_id=op_id, **kw)


def issue(op_id: int, scope: str, key: str, op: MutationOp = MutationOp.CREATE) -> Mutation:
    return Mutation(f"m{op_id}", EntityKind.ISSUE_LINK, op, key, scope, {"object": "people", "key": key}, op_id=op_id)


# -- coalesce -----------------------------------------------------------------------------------------


def test_role_changes_of_one_link_from_one_end_go_as_one_request() -> None:
    queue = [link(1, "p-ada", "c-acme", ["A"]), link(2, "p-ada", "c-acme", ["A", "B"])]
    assert [[m.op_id for m in group] for group in coalesce(queue)] == [[1, 2]]


def test_the_same_target_in_another_scope_is_another_link() -> None:
    # Acme's link with Ada, then Bob's link with Acme: both name Acme as the target.
    queue = [link(1, "p-ada", "c-acme", ["A"]), link(2, "p-bob", "c-acme", ["B"])]
    assert [[m.op_id for m in group] for group in coalesce(queue)] == [[1], [2]]


def test_a_link_create_and_its_role_change_stay_apart() -> None:
    queue = [link(1, "p-ada", "c-acme", ["A"], MutationOp.CREATE), link(2, "p-ada", "c-acme", ["B"])]
    assert [[m.op_id for m in group] for group in coalesce(queue)] == [[1], [2]]


# -- needs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mutation", "waits_for"), [
    (link(1, "local-ada", "c-acme", [], MutationOp.CREATE), {"local-ada"}),
    (link(2, "p-ada", "local-acme", [], MutationOp.CREATE), {"local-acme"}),
    (link(3, "local-ada", "local-acme", ["x"]), {"local-ada", "local-acme"}),
    (link(4, "p-ada", "c-acme", ["x"]), set()),
    # An unlink never waits: a link of a record the server never had is dropped, not sent.
    (link(5, "local-ada", "c-acme", [], MutationOp.DELETE), set()),
    (issue(6, "local-ada", "SALES-1"), {"local-ada"}),
    (issue(7, "p-ada", "SALES-1"), set()),
], ids=["offline record", "offline other end", "both offline", "both on the server", "unlink",
        "issue of an offline record", "issue of a server record"])
def test_a_link_waits_for_the_records_made_offline(mutation: Mutation, waits_for: set[str]) -> None:
    assert needs(mutation) == waits_for


# -- in the user's words --------------------------------------------------------------------------------


@pytest.fixture
def crm(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "ws.sqlite") as store:
        with store.write():
            store.records.put(PEOPLE, person("p-ada", "Ada", "Lovelace"))
            store.records.put(COMPANIES, company("c-acme", "Acme"))
        yield store


def test_queued_links_are_described_by_the_records_titles(crm: Store) -> None:
    created = crm.edits.link_records("p-ada", "c-acme", ["Employee", "Decision maker"])
    changed = crm.edits.set_link_roles("c-acme", "p-ada", ["Founder"])
    issue_linked = crm.edits.link_issue("c-acme", "sales-12")
    assert changed is not None

    assert describe(crm, created).what == "Link Ada Lovelace with Acme as Employee, Decision maker"
    assert describe(crm, changed).what == "Change the roles of the link between Acme and Ada Lovelace"
    assert describe(crm, changed).loses == "the new roles (Founder); the link keeps the server's"
    assert describe(crm, issue_linked).what == "Link Acme to issue SALES-12"
    with crm.write():
        for mutation in crm.outbox.all():
            assert mutation.op_id is not None
            crm.outbox.set_state(mutation.op_id, MutationState.IN_FLIGHT)  # as if sent: unlinks are queued
    unlinked = crm.edits.unlink_records("p-ada", "c-acme")
    issue_unlinked = crm.edits.unlink_issue("c-acme", "SALES-12")
    assert unlinked is not None and issue_unlinked is not None
    assert describe(crm, unlinked).what == "Unlink Ada Lovelace and Acme"
    assert describe(crm, issue_unlinked).what == "Unlink issue SALES-12 from Acme"
