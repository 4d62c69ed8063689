"""The Attio adapter end to end against the sandbox's attio facade over loopback HTTP, every exchange
checked against Attio's official OpenAPI (``tests.attio_spec.SpecCheckingTransport``): scans, record
round trips, look-ups, the timeline, scopes → capabilities."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from crmdesk.model import AttributeType
from crmdesk.remote.attio import AttioBackend, connect_attio
from crmdesk.remote.errors import AuthError, NotFound, OutcomeUnknown, PermissionDenied, ServerRejected
from crmdesk.sandbox.attio.limits import RateLimits as FacadeLimits
from crmdesk.sandbox.attio.store import ALL_SCOPES, AttioStore
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.sandbox.server import SandboxServer
from tests.attio_spec import SpecCheckingTransport, spec

from .attio_support import example_of
from .conftest import FakeClock

UNIQUENESS_NOT_IN_SPEC = ("POST /v2/objects/{object}/records 400: code: 'uniqueness_conflict' is not one of "
                          "['value_not_found']")


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=30, seed=3, dialect="attio") as running:
        yield running


@pytest.fixture
def wire() -> SpecCheckingTransport:
    return SpecCheckingTransport()


@pytest.fixture
def backend(server: SandboxServer, wire: SpecCheckingTransport) -> Iterator[AttioBackend]:
    # The fake clock: the client's pacing under Attio's limits then costs the test no time.
    client = connect_attio(server.url, server.admin_token, http_transport=wire, clock=FakeClock())
    yield client
    client.close()


def _count(server: SandboxServer, slug: str) -> int:
    assert server.core is not None
    return server.core.records.count(slug)


def test_the_token_workspace_schema_and_members(server: SandboxServer, backend: AttioBackend,
                                                 wire: SpecCheckingTransport) -> None:
    caps = backend.probe_capabilities()
    assert caps.schema_admin and caps.lists and caps.notes and caps.tasks and caps.comments
    assert backend.workspace().id == server.core.workspace.get()["id"]  # type: ignore[union-attr]
    objects = {obj.slug: obj for obj in backend.objects()}
    assert {"people", "companies", "deals"} <= set(objects)
    assert all(obj.id and len(obj.id) == 36 for obj in objects.values())
    choices = [a for obj in objects.values() for a in obj.attributes if a.type in (AttributeType.SELECT,
                                                                                  AttributeType.STATUS)]
    assert choices and all(a.options for a in choices)
    members = backend.members()
    assert members and any(m.is_admin for m in members)
    assert wire.problems == []


def test_a_full_scan_reads_every_record_exactly_once(server: SandboxServer, backend: AttioBackend,
                                                     wire: SpecCheckingTransport) -> None:
    for slug in ("people", "companies", "deals"):
        ids = [r.id for page in backend.iter_record_pages(slug, page_size=7) for r in page.records]
        assert len(ids) == len(set(ids)) == _count(server, slug)
        assert set(ids) == backend.record_ids(slug)
    assert wire.problems == []


def test_a_record_is_created_updated_cleared_and_deleted(backend: AttioBackend, wire: SpecCheckingTransport) -> None:
    made = backend.create_record("people", {"name": "Ada Lovelace", "email_addresses": ["ada@example.com"]},
                                 idempotency_key="attio-e2e-1")
    assert made.values["name"]["full_name"] == "Ada Lovelace" and made.values["email_addresses"] == ["ada@example.com"]
    edited = backend.update_record("people", made.id, {"name": {"first_name": "Ada", "last_name": "King"},
                                                       "email_addresses": ["ada@king.example", "a@k.example"]})
    assert edited.values["name"]["full_name"] == "Ada King"
    assert edited.values["email_addresses"] == ["ada@king.example", "a@k.example"]  # replaced, not added to
    cleared = backend.update_record("people", made.id, {"email_addresses": None})
    assert "email_addresses" not in cleared.values and cleared.values["name"]["last_name"] == "King"
    assert backend.get_record("people", made.id).values == cleared.values
    backend.delete_record("people", made.id)
    with pytest.raises(NotFound):
        backend.get_record("people", made.id)
    backend.delete_record("people", made.id)  # already gone: deleted
    assert wire.problems == []


def test_a_create_of_unknown_outcome_is_found_and_a_unique_value_is_not_taken_over(
        server: SandboxServer, backend: AttioBackend, wire: SpecCheckingTransport) -> None:
    backend.objects()
    # The connection drops once the server has made the record: the answer never arrives.
    server.injector.set(FaultConfig(drop_rate=1.0, max_faults=1))
    try:
        with pytest.raises(OutcomeUnknown):
            backend.create_record("companies", {"name": "Lookup Ltd", "domains": ["lookup.example"]},
                                  idempotency_key="attio-e2e-2")
    finally:
        server.injector.set(FaultConfig())
    [made] = backend.find_records_by("companies", "domains", "lookup.example")
    assert made.values["name"] == "Lookup Ltd" and made.created_at
    assert [r.id for r in backend.find_records_by("companies", "name", "Lookup Ltd")] == [made.id]
    assert backend.find_records_by("companies", "domains", "nobody.example") == []
    with pytest.raises(ServerRejected) as caught:
        backend.create_record("companies", {"name": "Other", "domains": ["lookup.example"]},
                              idempotency_key="attio-e2e-3")
    assert caught.value.code == "uniqueness_conflict" and caught.value.message
    assert backend.get_record("companies", made.id).values["name"] == "Lookup Ltd"  # not taken over
    backend.delete_record("companies", made.id)
    # The one answer the spec does not describe: its 400 for a create lists only `value_not_found`,
    # while Attio (and the contract the facade follows) refuses a unique value with `uniqueness_conflict`.
    assert wire.problems == [UNIQUENESS_NOT_IN_SPEC]


def test_a_member_token_may_not_change_the_schema_and_is_told_why(server: SandboxServer,
                                                                    wire: SpecCheckingTransport) -> None:
    member = connect_attio(server.url, server.member_token, http_transport=wire, clock=FakeClock())
    try:
        caps = member.probe_capabilities()
        assert not caps.schema_admin and "object_configuration:read-write" in (caps.reason("schema_admin") or "")
        assert caps.lists and caps.notes and caps.tasks and caps.comments and not caps.member_admin
        with pytest.raises(PermissionDenied) as caught:
            member.create_object("gadgets", "Gadget", "Gadgets")
        assert caught.value.status == 403 and caught.value.message
    finally:
        member.close()
    assert wire.problems == []


def test_the_servers_refusals_are_typed_errors_with_its_words(server: SandboxServer, backend: AttioBackend,
                                                              wire: SpecCheckingTransport) -> None:
    nobody = str(uuid.uuid4())
    with pytest.raises(NotFound) as missing:
        backend.get_record("people", nobody)
    assert missing.value.status == 404 and nobody in missing.value.message
    deal = next(iter(backend.record_ids("deals")))
    with pytest.raises(ServerRejected) as refused:
        backend.update_record("deals", deal, {"name": None})  # a required attribute cleared
    assert refused.value.status == 400 and refused.value.code == "missing_value" and "name" in refused.value.message
    stranger = connect_attio(server.url, "not-a-token", http_transport=wire, clock=FakeClock())
    try:
        with pytest.raises(AuthError) as unknown:
            stranger.workspace()
        assert unknown.value.status == 401 and unknown.value.message
    finally:
        stranger.close()
    assert wire.problems == []


@pytest.mark.allow_log_warnings(r"failed \(Rate limit exceeded")
def test_a_429_is_waited_out_as_its_retry_after_date_says() -> None:
    wire = SpecCheckingTransport()
    with SandboxServer(records=3, seed=1, dialect="attio", rate_limit=FacadeLimits(reads_per_second=3)) as server:
        # The client's own limiter off, so the server's is what it meets; the real clock, since the
        # server counts in real seconds.
        client = connect_attio(server.url, server.admin_token, http_transport=wire, config={"rate_limits": None})
        try:
            for _ in range(5):
                client.members()
        finally:
            client.close()
    statuses = [exchange.status for exchange in wire.exchanges]
    assert 429 in statuses and statuses[-1] == 200 and statuses.count(200) == 5
    assert wire.problems == []


def test_the_timeline_shows_a_comment_and_a_changed_value(backend: AttioBackend, wire: SpecCheckingTransport) -> None:
    backend.probe_capabilities()
    stage = backend.get_object("deals").attribute("stage")
    assert stage is not None
    lead, won = (next(o.id for o in stage.options if o.title == title) for title in ("Lead", "Won"))
    deal = backend.create_record("deals", {"name": "Timeline deal", "stage": lead}, idempotency_key="attio-e2e-4")
    backend.update_record("deals", deal.id, {"stage": won})
    comment = backend.add_comment("deals", deal.id, "Signed today")
    assert comment.kind == "comment" and comment.description == "Signed today" and comment.actor_id == backend.me
    page = backend.timeline("deals", deal.id)
    kinds = {(event.kind, event.title) for event in page.events}
    assert ("comment", "Comment") in kinds and ("attribute_changed", "Stage: Lead → Won") in kinds
    assert [e.occurred_at for e in page.events] == sorted((e.occurred_at for e in page.events), reverse=True)
    assert next(e for e in page.events if e.kind == "comment").id == comment.id
    assert backend.activity("deals", deal.id) == page.events
    backend.delete_record("deals", deal.id)
    assert wire.problems == []


# -- scopes, locations, references to records gone, strict scan order --------------------------------


def _spec_location() -> dict[str, Any]:
    """The spec's own example location, as a request writes it (its ``input-value`` branch)."""
    branch = next(b for b in spec()["components"]["schemas"]["input-value"]["anyOf"]
                  if "line_1" in b.get("properties", {}))
    return dict(example_of(branch))


def _colleague(server: SandboxServer) -> tuple[httpx.Client, SpecCheckingTransport]:
    """Someone else on the server (plain httpx in Attio's shapes), every exchange checked too."""
    checked = SpecCheckingTransport()
    client = httpx.Client(base_url=server.api_url, transport=checked, timeout=10,
                          headers={"Authorization": f"Bearer {server.admin_token}"})
    return client, checked


def _location_on_server(client: httpx.Client, record_id: str) -> dict[str, Any]:
    answer = client.get(f"/objects/people/records/{record_id}")
    assert answer.status_code == 200, answer.text
    [value] = [v for v in answer.json()["data"]["values"]["location"] if v["active_until"] is None]
    return {key: value[key] for key in ("line_1", "line_2", "line_3", "line_4", "locality", "region", "postcode",
                                        "country_code", "latitude", "longitude")}


def test_editing_a_location_keeps_the_servers_coordinates_and_extra_lines(
        server: SandboxServer, backend: AttioBackend, wire: SpecCheckingTransport) -> None:
    """The model holds line 1, line 2 (Attio's lines 2-4 joined), city, state, postcode and
    country. An edit reads the server's value first and writes back what the model cannot hold:
    the coordinates while the place is the same, lines 2-4 while line 2 still reads as they do."""
    example = _spec_location()
    colleague, checked = _colleague(server)
    try:
        made = colleague.post("/objects/people/records", json={"data": {"values": {
            "name": [{"first_name": "Tim", "last_name": "Cook", "full_name": "Tim Cook"}], "location": [example]}}})
        assert made.status_code == 200, made.text
        person = made.json()["data"]["id"]["record_id"]
        assert _location_on_server(colleague, person) == example  # the facade keeps every part

        read = backend.get_record("people", person).values["location"]
        assert read == {"line1": "1 Infinite Loop", "line2": "Block 1, Hilldrop Estate, Westborough",
                        "city": "Cupertino", "state": "CA", "postcode": "95014", "country": "US"}
        # Another value of the record changed: the location is not sent, nothing is read first.
        sent_before = len(wire.exchanges)
        backend.update_record("people", person, {"job_title": "CEO"})
        assert [(e.method, e.path.rsplit("/", 2)[-2]) for e in wire.exchanges[sent_before:]] == [("PUT", "records")]
        assert _location_on_server(colleague, person) == example

        # Line 2 changed: the place is the same, so its coordinates stay.
        backend.update_record("people", person, {"location": {**read, "line2": "Block 2"}})
        assert _location_on_server(colleague, person) == {
            **example, "line_2": "Block 2", "line_3": None, "line_4": None}
        assert [e.method for e in wire.exchanges[-2:]] == ["GET", "PUT"]  # read, then written

        # Back to the example, then the postcode changed: lines 2-4 stay, the coordinates go.
        assert colleague.put(f"/objects/people/records/{person}",
                             json={"data": {"values": {"location": [example]}}}).status_code == 200
        backend.update_record("people", person, {"location": {**read, "postcode": "95015"}})
        assert _location_on_server(colleague, person) == {
            **example, "postcode": "95015", "latitude": None, "longitude": None}
        assert backend.get_record("people", person).values["location"] == {**read, "postcode": "95015"}
        backend.delete_record("people", person)
    finally:
        colleague.close()
    assert wire.problems == [] and checked.problems == []


def test_a_reference_or_task_link_to_a_record_the_server_no_longer_has_is_refused_naming_the_field(
        server: SandboxServer, wire: SpecCheckingTransport) -> None:
    """A value or a task naming a record gone from the server is a refusal of that field
    (``ServerRejected`` with ``field_errors``), never ``NotFound``: sync reads ``NotFound`` as "the
    record being edited was deleted on the server" and would move the edit into a conflict."""
    assert server.core is not None
    people = server.core.schema.object_def("people")
    if people.attribute("related") is None:
        # A reference to any object (no allowed object): the adapter must find the record's object.
        server.core.schema.create_attribute(object_id=people.id, slug="related", title="Related",
                                            type="record_reference", config={})
    colleague, checked = _colleague(server)
    fresh = connect_attio(server.url, server.admin_token, http_transport=wire, clock=FakeClock())
    try:
        made = colleague.post("/objects/companies/records", json={"data": {"values": {"name": ["Gone Ltd"]}}})
        gone = made.json()["data"]["id"]["record_id"]
        assert colleague.delete(f"/objects/companies/records/{gone}").status_code == 200
        person = next(iter(fresh.record_ids("people")))
        related = fresh.get_object("people").attribute("related")
        assert related is not None and related.target_object is None
        with pytest.raises(ServerRejected) as refused:
            fresh.update_record("people", person, {"related": gone, "job_title": "Still here"})
        assert set(refused.value.field_errors) == {"related"} and gone in refused.value.field_errors["related"]
        with pytest.raises(ServerRejected) as link:
            fresh.create_task("Call them", record_ids=[person, gone])
        assert set(link.value.field_errors) == {"record_ids"} and gone in link.value.field_errors["record_ids"]
        task = fresh.create_task("Call them", record_ids=[person])
        with pytest.raises(ServerRejected) as relink:
            fresh.update_task(task.id, record_ids=[gone])
        assert set(relink.value.field_errors) == {"record_ids"}
        fresh.delete_task(task.id)
        # Nothing was written: each refusal came before its write.
        assert not [e for e in wire.exchanges if e.method in ("PUT", "PATCH") and gone in str(e.body)]
    finally:
        fresh.close()
        colleague.close()
    assert wire.problems == [] and checked.problems == []


def test_records_made_in_the_same_instant_are_each_read_once_in_a_strict_order(
        server: SandboxServer, backend: AttioBackend, wire: SpecCheckingTransport) -> None:
    """Scans sort by ``created_at`` then ``record_id`` (an attribute every Attio object has), so
    records created in the same instant keep one order between requests and no tie moves a
    record across a page boundary: pages of two read each of them exactly once."""
    assert server.core is not None
    backend.create_object("ties", "Tie", "Ties")
    same = "2026-03-01T12:00:00.000000Z"
    ids = sorted((str(uuid.uuid4()) for _ in range(9)), reverse=True)
    # Stored with the highest id first: newest-stored-first would read them in ascending ids.
    server.core.records.bulk_insert("ties", [(ident, {}, None, same) for ident in ids])
    scanned = [r.id for page in backend.iter_record_pages("ties", page_size=2) for r in page.records]
    assert scanned == sorted(ids, reverse=True)
    assert backend.record_ids("ties") == set(ids)
    queries = [e.body for e in wire.exchanges if e.path == "/v2/objects/ties/records/query"]
    assert len(queries) > 4 and all(body["sorts"] == [{"direction": "desc", "attribute": "created_at"},
                                                      {"direction": "desc", "attribute": "record_id"}]
                                    for body in queries)
    assert wire.problems == []


def _scoped_token(server: SandboxServer, scopes: set[str]) -> str:
    """A new API token of the admin member with exactly ``scopes``."""
    assert server.core is not None
    admin = next(m for m in server.core.workspace.members() if m["role"] == "admin")
    token_id, token = server.core.workspace.issue_token(admin["user_id"], "narrow")
    AttioStore(server.core).set_scopes(token_id, sorted(scopes))
    return token


def test_a_token_without_user_management_read_has_tasks_off_with_the_reason(
        server: SandboxServer, wire: SpecCheckingTransport) -> None:
    """Attio's task list names members (``GET /v2/tasks`` needs ``user_management:read``): without
    it the tasks are off, the reason naming the scope, and nothing asks for what would be a 403."""
    token = _scoped_token(server, {s for s in ALL_SCOPES if not s.startswith("user_management:")})
    narrow = connect_attio(server.url, token, http_transport=wire, clock=FakeClock())
    try:
        caps = narrow.probe_capabilities()
        assert not caps.tasks and "“user_management:read”" in (caps.reason("tasks") or "")
        assert not caps.task_links_writable and "user_management:read" in (caps.reason("task_links_writable") or "")
        assert caps.notes and caps.lists and caps.comments and caps.timeline and caps.schema_admin
        assert narrow.members() == []
    finally:
        narrow.close()
    assert {e.status for e in wire.exchanges} == {200}  # no 403: members were not asked for
    assert wire.problems == []


def test_writes_the_token_may_not_make_are_refused_naming_the_scope(
        server: SandboxServer, wire: SpecCheckingTransport) -> None:
    """Reading notes, tasks and entries needs the read scopes (their capabilities stay on); adding
    or deleting one needs the read-write scope: refused before it is sent, the scope named."""
    lacking = {"note:read-write", "task:read-write", "list_entry:read-write", "record_permission:read-write"}
    token = _scoped_token(server, {s for s in ALL_SCOPES if s not in lacking})
    narrow = connect_attio(server.url, token, http_transport=wire, clock=FakeClock())
    try:
        caps = narrow.probe_capabilities()
        assert caps.notes and caps.tasks and caps.lists
        assert not caps.task_links_writable and "“task:read-write”" in (caps.reason("task_links_writable") or "")
        person = next(iter(narrow.record_ids("people")))
        accounts = next(lst for lst in narrow.lists() if lst.parent_object == "companies")
        company = next(iter(narrow.record_ids("companies")))
        sent = len(wire.exchanges)
        refusals = {
            "note:read-write": lambda: narrow.create_note("people", person, "Call", "Hello"),
            "task:read-write": lambda: narrow.create_task("Call", record_ids=[person]),
            "list_entry:read-write": lambda: narrow.add_entry(accounts.id, company),
            "record_permission:read-write": lambda: narrow.update_record("people", person, {"job_title": "x"}),
        }
        for scope, write in refusals.items():
            with pytest.raises(PermissionDenied) as caught:
                write()
            assert f"“{scope}”" in caught.value.message and "grant" in caught.value.message, scope
        assert wire.exchanges[sent:] == []  # refused before anything was sent
        assert [note for page in narrow.iter_notes() for note in page]
        assert [task for page in narrow.iter_tasks() for task in page]
    finally:
        narrow.close()
    assert wire.problems == []
