"""Every ``Backend`` call the attio dialect supports, driven once against the facade: each works, what
Attio's API cannot do is refused (``UNSUPPORTED``), every request and answer conforms to the spec, and
the spec operations used are exactly the list in docs/remote.md ("attio")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from crmdesk.model import AttributeDef, AttributeType, Option
from crmdesk.remote.attio import AttioBackend, connect_attio
from crmdesk.remote.attio.scopes import ALSO_READS, OPERATIONS, SCHEMA_READS
from crmdesk.remote.backend import NoteParent
from crmdesk.remote.errors import NotFound, ServerRejected
from crmdesk.sandbox.server import SandboxServer
from tests.attio_spec import SEARCH, SpecCheckingTransport

from .conftest import FakeClock

#: The spec operations the adapter uses (docs/remote.md, "attio", lists the same).
USED = {
    "GET /v2/self",
    "GET /v2/workspace_members",
    "GET /v2/objects", "POST /v2/objects", "GET /v2/objects/{object}", "PATCH /v2/objects/{object}",
    "GET /v2/{target}/{identifier}/attributes", "POST /v2/{target}/{identifier}/attributes",
    "PATCH /v2/{target}/{identifier}/attributes/{attribute}",
    "GET /v2/{target}/{identifier}/attributes/{attribute}/options",
    "POST /v2/{target}/{identifier}/attributes/{attribute}/options",
    "PATCH /v2/{target}/{identifier}/attributes/{attribute}/options/{option}",
    "GET /v2/{target}/{identifier}/attributes/{attribute}/statuses",
    "POST /v2/{target}/{identifier}/attributes/{attribute}/statuses",
    "PATCH /v2/{target}/{identifier}/attributes/{attribute}/statuses/{status}",
    "POST /v2/objects/{object}/records/query", "POST /v2/objects/{object}/records",
    "GET /v2/objects/{object}/records/{record_id}", "PUT /v2/objects/{object}/records/{record_id}",
    "DELETE /v2/objects/{object}/records/{record_id}",
    "GET /v2/objects/{object}/records/{record_id}/attributes/{attribute}/values",
    SEARCH,
    "GET /v2/lists", "POST /v2/lists", "GET /v2/lists/{list}", "PATCH /v2/lists/{list}",
    "POST /v2/lists/{list}/entries/query", "POST /v2/lists/{list}/entries",
    "GET /v2/lists/{list}/entries/{entry_id}", "PUT /v2/lists/{list}/entries/{entry_id}",
    "DELETE /v2/lists/{list}/entries/{entry_id}",
    "GET /v2/notes", "POST /v2/notes", "DELETE /v2/notes/{note_id}",
    "GET /v2/tasks", "POST /v2/tasks", "PATCH /v2/tasks/{task_id}", "DELETE /v2/tasks/{task_id}",
    "GET /v2/threads", "POST /v2/comments",
}


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=12, seed=9, dialect="attio") as running:
        yield running


def _refused(call: Callable[[], Any]) -> None:
    with pytest.raises(ServerRejected) as caught:
        call()
    assert caught.value.code == "UNSUPPORTED" and caught.value.message


def _schema(backend: AttioBackend, slug: str = "gadgets") -> None:
    made = backend.create_object(slug, "Gadget", "Gadgets", icon="box")
    assert made.slug == slug and made.id
    assert backend.update_object(slug, plural_name="Gizmos").plural_name == "Gizmos"
    size = backend.create_attribute(slug, AttributeDef(
        "size", "Size", AttributeType.SELECT, options=(Option("", "Small"), Option("", "Large"))))
    assert [o.title for o in size.options] == ["Small", "Large"] and size.id
    assert backend.update_attribute(slug, size.id or "", title="Sizes", required=False).title == "Sizes"
    huge = backend.create_option(slug, size, Option("", "Huge"))
    renamed = backend.update_option(slug, size, Option(huge.id, "Giant", active=False))
    assert renamed.title == "Giant" and not renamed.active
    backend.delete_option(slug, size, huge.id)
    backend.delete_attribute(slug, size.id or "")
    assert backend.get_object(slug).attribute("size") is None
    _refused(lambda: backend.delete_object(slug))
    _refused(lambda: backend.update_attribute(slug, "x", order=2))
    # Statuses: a deal's stage (a status attribute Attio gives its deals object).
    stage = backend.get_object("deals").attribute("stage")
    assert stage is not None
    paused = backend.create_option("deals", stage, Option("", f"Paused {slug}"))
    assert backend.update_option("deals", stage, Option(paused.id, f"On hold {slug}")).title == f"On hold {slug}"
    backend.delete_option("deals", stage, paused.id)
    archived = backend.get_object("deals").attribute("stage")
    assert archived is not None and not next(o for o in archived.options if o.id == paused.id).active


def _records(backend: AttioBackend) -> tuple[str, str]:
    person = backend.create_record("people", {"name": "Grace Hopper", "email_addresses": ["grace@navy.example"]},
                                   idempotency_key="ops-1")
    company = next(iter(backend.record_ids("companies")))
    assert person.id in {r.id for page in backend.iter_record_pages("people", page_size=500) for r in page.records}
    assert backend.get_record("people", person.id).id == person.id
    assert backend.update_record("people", person.id, {"job_title": "Admiral", "company": company}).values[
        "company"] == company
    assert [r.id for r in backend.find_records_by("people", "email_addresses", "grace@navy.example")] == [person.id]
    assert [r.id for r in backend.find_records_by("people", "name", "Grace Hopper")] == [person.id]
    return person.id, company


def _lists(backend: AttioBackend, person: str, company: str) -> None:
    accounts = next(lst for lst in backend.lists() if lst.parent_object == "companies")
    tier = accounts.attribute("tier")
    assert tier is not None and tier.options
    entry = backend.add_entry(accounts.id, company, {"tier": tier.options[0].id})
    assert entry.record_id == company and entry.values["tier"] == tier.options[0].id
    backend.update_entry(accounts.id, entry.id, {"tier": None})
    assert any(e.id == entry.id and not e.values.get("tier") for page in backend.iter_entries(accounts.id)
               for e in page)
    backend.remove_entry(accounts.id, entry.id)
    backend.remove_entry(accounts.id, entry.id)  # already gone
    made = backend.create_list("VIP people", "people", private=True)
    assert made.private and made.parent_object == "people"
    assert backend.update_list(made.id, name="VIPs", private=False).name == "VIPs"
    note = backend.create_list_attribute(made.id, AttributeDef("why", "Why", AttributeType.TEXT))
    assert note.slug == "why"
    # A location on an entry: the entry is read before the PUT, to keep what the model cannot hold.
    where = backend.create_list_attribute(made.id, AttributeDef("where", "Where", AttributeType.LOCATION))
    backend.lists()
    place = {"line1": "1 Main St", "city": "Leeds", "country": "GB"}
    vip = backend.add_entry(made.id, person, {"where": place})
    backend.update_entry(made.id, vip.id, {"where": {**place, "postcode": "LS1 1AA"}})
    assert where.slug == "where" and any(e.values.get("where", {}).get("postcode") == "LS1 1AA"
                                         for page in backend.iter_entries(made.id) for e in page)
    _refused(lambda: backend.delete_list(made.id))


def _collab(backend: AttioBackend, person: str) -> None:
    members = backend.members()
    note = backend.create_note("people", person, "Call", "# Agenda\n\n- **ships**")
    assert note.content.startswith("# Agenda") and note.record_id == person
    assert [n.id for n in backend.notes_for("people", person)] == [note.id]
    assert any(n.id == note.id for page in backend.iter_notes() for n in page)
    _refused(lambda: backend.update_note(note.id, parent=NoteParent("people", person), title="x"))
    backend.delete_note(note.id, parent=None)
    backend.delete_note(note.id, parent=None)  # already gone
    task = backend.create_task("Follow up", deadline="2027-01-01T09:00:00.000Z", record_ids=[person],
                               assignee_ids=[members[0].id])
    assert task.record_ids == [person] and task.assignee_ids == [members[0].id]
    done = backend.update_task(task.id, done=True, record_ids=[], assignee_ids=[])
    assert done.done and done.record_ids == [] and done.assignee_ids == []
    _refused(lambda: backend.update_task(task.id, content="Other"))
    assert any(t.id == task.id for page in backend.iter_tasks() for t in page)
    assert all(t.id != task.id for page in backend.iter_tasks(include_completed=False) for t in page)
    backend.delete_task(task.id)
    nice = backend.add_comment("people", person, "Nice")
    assert (nice.id, "Nice") in {(e.id, e.description) for e in backend.timeline("people", person).events}
    assert (nice.id, "Nice") in {(e.id, e.description) for e in backend.activity("people", person)}
    _refused(lambda: backend.invite_member("x@example.com"))
    _refused(lambda: backend.set_member_role(members[0].id, "admin"))
    _refused(lambda: backend.remove_member(members[0].id))
    assert backend.notifications() == []
    backend.mark_all_notifications_read()
    with pytest.raises(NotFound):
        backend.mark_notification_read("n1")


def test_every_backend_call_against_the_facade(server: SandboxServer) -> None:
    wire = SpecCheckingTransport()
    backend = connect_attio(server.url, server.admin_token, http_transport=wire, clock=FakeClock())
    try:
        assert backend.probe_capabilities().schema_admin
        assert backend.workspace().name
        assert backend.objects()
        _schema(backend)
        person, company = _records(backend)
        assert person in {hit.record_id for hit in backend.search("Grace Hopper")}
        _lists(backend, person, company)
        _collab(backend, person)
        backend.delete_record("people", person)
    finally:
        backend.close()
    assert wire.problems == []
    assert wire.used() == USED


def test_search_asks_as_the_spec_says_and_reads_the_hits(server: SandboxServer) -> None:
    """``POST /v2/objects/records/search``: a query longer than the spec allows is cut to 256
    characters and the limit to 25; the hits name their object, which the adapter remembers."""
    wire = SpecCheckingTransport()
    backend = connect_attio(server.url, server.admin_token, http_transport=wire, clock=FakeClock())
    try:
        person = next(iter(backend.iter_record_pages("people"))).records[0]
        name = person.values["name"]["full_name"]
        hits = backend.search(name, limit=100)
        long = backend.search(name + " x" * 200, limit=100)
    finally:
        backend.close()
    assert person.id in [h.record_id for h in hits]
    assert {(h.object_slug, h.title) for h in hits if h.record_id == person.id} == {("people", name)}
    assert long == []  # nothing holds the whole long text
    assert wire.problems == []
    sent = [ex.body for ex in wire.exchanges if ex.path == "/v2/objects/records/search"]
    assert [(body["limit"], len(body["query"]), body["request_as"]) for body in sent] == [
        (25, len(name), {"type": "workspace"}), (25, 256, {"type": "workspace"})]
    assert backend.record_objects[person.id] == "people"


def _capability_calls(backend: AttioBackend, helper: AttioBackend, person: str) -> dict[str, Callable[[], Any]]:
    """What each capability lets sync or the UI call (``helper`` makes what a call needs first)."""
    task = helper.create_task("Capabilities", record_ids=[])

    def links() -> None:
        backend.update_task(task.id, record_ids=[person], assignee_ids=[])

    return {
        "schema_admin": lambda: _schema(backend, "capgadgets"),
        # A list not read yet is read by its id first; then every list with its entries.
        "lists": lambda: (list(backend.iter_entries(helper.lists()[0].id)),
                          [list(backend.iter_entries(lst.id)) for lst in backend.lists()]),
        "notes": lambda: (list(backend.iter_notes()), backend.notes_for("people", person)),
        "tasks": lambda: list(backend.iter_tasks()),
        "task_links_writable": links,
        "comments": lambda: (backend.comments_on("people", person), backend.add_comment("people", person, "Hi")),
        "timeline": lambda: backend.timeline("people", person),
    }


def test_each_capability_uses_the_operations_its_scopes_come_from(server: SandboxServer) -> None:
    """``scopes.OPERATIONS`` (whose spec ``security`` make ``NEEDS``) is what each capability's
    calls really use: every operation listed is used, and nothing else but the schema reads every
    sync makes (``SCHEMA_READS``), ``GET /v2/self`` and what a call reads only where allowed."""
    helper = connect_attio(server.url, server.admin_token, clock=FakeClock())
    person = next(iter(helper.record_ids("people")))
    try:
        for capability in OPERATIONS:
            wire = SpecCheckingTransport()
            backend = connect_attio(server.url, server.admin_token, http_transport=wire, clock=FakeClock())
            try:
                _capability_calls(backend, helper, person)[capability]()
            finally:
                backend.close()
            used = wire.used() - {"GET /v2/self"}
            listed = set(OPERATIONS[capability]) - {"GET /v2/self"}
            assert used - set(SCHEMA_READS) - set(ALSO_READS.get(capability, ())) <= listed, capability
            assert listed - set(SCHEMA_READS) <= used, capability
            assert wire.problems == [], capability
    finally:
        helper.close()
