"""Letting a server's deletion stand (``ui/conflict_resolution.let_go``) against a real SQLite
store: the record's own queued edits go, and so do its queued links and issue links (the server
dropped them with it); other records' edits and links stay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.model import EntityKind, RecordLink
from crmdesk.store import Store
from crmdesk.sync.apply import deleted_on_server_conflict
from crmdesk.ui.conflict_resolution import let_go
from tests.store._links_support import open_crm


@pytest.fixture
def crm(tmp_path: Path) -> Iterator[Store]:
    with open_crm(tmp_path / "ws.sqlite") as store:
        with store.write():
            store.links.put(RecordLink("p-bob", "c-acme", "companies", ("Founder",)), "people")
        yield store


def test_letting_a_deletion_stand_drops_the_records_links_and_nothing_else(crm: Store) -> None:
    edit = crm.edits.update_record("c-acme", {"name": "Acme Corp"})
    crm.edits.link_records("p-ada", "c-acme", ["Employee"])  # aimed at c-acme from Ada
    crm.edits.set_link_roles("c-acme", "p-bob", ["Owner"])  # made from c-acme
    crm.edits.link_issue("c-acme", "SALES-1")
    crm.edits.link_records("p-ada", "c-zeta", ["Advisor"])
    crm.edits.update_record("p-ada", {"badge": "gold"})
    assert edit is not None
    with crm.write():
        deleted_on_server_conflict(crm, EntityKind.RECORD, "c-acme", "companies", [edit])
    [conflict] = crm.conflicts.all()

    let_go(crm, conflict)

    assert [(m.entity.value, m.scope, m.target_id) for m in crm.outbox.all()] == [
        ("link", "p-ada", "c-zeta"), ("record", "people", "p-ada")]
    assert crm.records.get("c-acme") is None
    assert [row.other_id for row in crm.links.for_record("p-ada")] == ["c-zeta"]
    assert crm.links.for_record("p-bob") == [] and crm.issue_links.for_record("c-acme") == []
    assert crm.conflicts.count() == 0
