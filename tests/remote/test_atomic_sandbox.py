"""The Atomic adapter end to end against the sandbox's atomic facade over loopback HTTP: the
schema, the workspace, full scans, and a contact, a deal and a note created, edited and deleted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crmdesk.remote.atomic import AtomicBackend, connect_atomic
from crmdesk.remote.backend import NoteParent
from crmdesk.remote.errors import NotFound
from crmdesk.sandbox.server import SandboxServer

from .conftest import FakeClock


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=40, seed=5, dialect="atomic") as running:
        yield running


@pytest.fixture
def backend(server: SandboxServer) -> Iterator[AtomicBackend]:
    # The fake clock: the client's 2.95 requests/s pacing then costs the test no time.
    client = connect_atomic(server.url + "/api", server.admin_token, clock=FakeClock())
    yield client
    client.close()


def test_the_schema_workspace_and_members(server: SandboxServer, backend: AtomicBackend) -> None:
    assert backend.probe_capabilities().dialect == "atomic"
    assert {"people", "companies", "deals"} <= {obj.slug for obj in backend.objects()}
    stage = backend.get_object("deals").attribute("status")
    assert stage is not None and stage.options
    assert backend.workspace().id == server.workspace_id
    members = backend.members()
    assert members and any(m.is_admin for m in members)
    assert all("ApiKey" not in repr(m) for m in members)


def test_a_full_scan_reads_every_record_once(backend: AtomicBackend) -> None:
    for slug in ("people", "companies", "deals"):
        ids = [r.id for page in backend.iter_record_pages(slug, page_size=7) for r in page.records]
        assert len(ids) == len(set(ids)) and set(ids) == backend.record_ids(slug)
        resource = {"people": "contacts"}.get(slug, slug)
        assert all(i.startswith(f"{resource}/") and i.split("/")[1].isdigit() for i in ids)


def test_a_contact_is_created_edited_and_deleted(backend: AtomicBackend) -> None:
    made = backend.create_record("people", {"name": "Ada Lovelace", "email": "ada@example.com"},
                                 idempotency_key="e2e-1")
    assert made.id.startswith("contacts/") and made.id.split("/")[1].isdigit()
    assert made.values["name"] == {"first_name": "Ada", "last_name": "Lovelace", "full_name": "Ada Lovelace"}
    edited = backend.update_record("people", made.id, {"name": {"first_name": "Ada", "last_name": "King"},
                                                       "email": None})
    assert edited.values["name"]["full_name"] == "Ada King" and "email" not in edited.values
    assert backend.get_record("people", made.id).values["name"]["last_name"] == "King"
    # Asked with an "eq" on each part (AND), and checked here.
    assert [r.id for r in backend.find_records_by("people", "name", "Ada King")] == [made.id]
    # A partial name clears the other part; a cleared name clears both.
    partial = backend.update_record("people", made.id, {"name": {"first_name": "Ada"}})
    assert partial.values["name"] == {"first_name": "Ada", "full_name": "Ada"}
    cleared = backend.update_record("people", made.id, {"name": None})
    assert "name" not in cleared.values
    backend.delete_record("people", made.id)
    with pytest.raises(NotFound):
        backend.get_record("people", made.id)
    backend.delete_record("people", made.id)  # already gone: deleted


def test_a_deal_and_its_note(backend: AtomicBackend) -> None:
    company = next(iter(backend.record_ids("companies")))
    deal = backend.create_record("deals", {"name": "Rollout", "company_id": company, "status": "opportunity",
                                           "amount": 12500.5}, idempotency_key="e2e-2")
    assert deal.values["amount"] == 12500.5 and deal.values["status"] == "opportunity"
    moved = backend.update_record("deals", deal.id, {"status": "won"})
    assert moved.values["status"] == "won"
    parent = NoteParent("deals", deal.id)
    note = backend.create_note("deals", deal.id, "Pricing", "Sent pricing")
    assert note.record_id == deal.id and note.title == "Pricing"
    edited = backend.update_note(note.id, parent=parent, content="Sent pricing, again", base_content="Sent pricing")
    assert edited.content == "Sent pricing, again"
    assert [n.content for n in backend.notes_for("deals", deal.id)] == ["Sent pricing, again"]
    backend.delete_note(note.id, parent=parent)
    assert backend.notes_for("deals", deal.id) == []
    backend.delete_record("deals", deal.id)
    assert deal.id not in backend.record_ids("deals")
