"""The Atlas adapter end to end against the sandbox's atlas facade over loopback HTTP, in strict mode
(every request without ``Content-Type: application/json`` is answered 415): templates, scans, record
round trips, refusals, look-ups, links, Jira issues and comments."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crmdesk.model import COMMENT_KIND, AttributeType
from crmdesk.remote.atlas import AtlasBackend, connect_atlas
from crmdesk.remote.errors import NotFound, ServerRejected
from crmdesk.sandbox.atlas import AtlasApp
from crmdesk.sandbox.server import SandboxServer
from tests.atlas_support import ACCOUNT, connect, credentials, serve
from tests.atlas_support import backend as backend  # (a fixture)
from tests.atlas_support import facade as facade  # (a fixture)

ENTITIES = "GET /api/1.0/workspace/CRM/entities"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    yield from serve(records=60, seed=3, strict=True)


def _stage(backend: AtlasBackend) -> str:
    """The sale's custom single-select "Pipeline stage" (a UUID id)."""
    return next(a.slug for a in backend.get_object("sale").attributes if a.title == "Pipeline stage")


def test_a_cold_connect_reads_the_templates_as_three_objects(server: SandboxServer, backend: AtlasBackend,
                                                             facade: AtlasApp) -> None:
    asked = facade.tokens_issued
    workspace = backend.workspace()
    assert workspace.id == f"atlas:127.0.0.1:{server.port}" and workspace.name == "Atlas CRM on 127.0.0.1"
    assert facade.tokens_issued == asked + 1  # the first request fetched a token
    caps = backend.probe_capabilities()
    assert caps.comments and caps.record_links and caps.issue_links and not caps.schema_admin
    assert "edited in Jira" in (caps.reason("schema_admin") or "")
    objects = {obj.slug: obj for obj in backend.objects()}
    assert list(objects) == ["company", "contact", "sale"]
    assert [objects[s].plural_name for s in objects] == ["Companies", "Contacts", "Sales"]
    for slug, obj in objects.items():
        assert obj.attributes[0].slug == f"{slug}-name" and obj.attributes[0].required
        assert len({a.config["section"] for a in obj.attributes}) >= 2  # built-in and custom sections
        assert sum(1 for a in obj.attributes if len(a.slug) == 36) >= 2  # custom fields have UUID ids
    stage = objects["sale"].by_slug[_stage(backend)]
    assert [o.title for o in stage.options] == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    assert all(o.id == o.title for o in stage.options)
    assert objects["sale"].by_slug["sale-balance"].type is AttributeType.CURRENCY
    assert [m.name for m in backend.members()] == ["You"] and backend.lists() == []  # the account given


def test_a_full_scan_reads_every_entity_once(backend: AtlasBackend, facade: AtlasApp) -> None:
    for slug in ("company", "contact", "sale"):
        pages = list(backend.iter_record_pages(slug, page_size=7))
        ids = [r.id for page in pages for r in page.records]
        assert len(ids) == len(set(ids)) == facade.store.count(slug)
        assert all(len(page.records) <= 7 for page in pages) and pages[-1].total == facade.store.count(slug)
        assert all(r.values.get(f"{slug}-name") for page in pages for r in page.records)
        assert set(ids) == backend.record_ids(slug)


def test_a_sale_is_created_updated_cleared_and_deleted(backend: AtlasBackend, facade: AtlasApp) -> None:
    stage = _stage(backend)
    made = backend.create_record("sale", {
        "sale-name": "Atlas round trip", "sale-balance": {"amount": 1200, "currency": "EUR"},
        stage: "Proposal", "sale-owner": ACCOUNT,
    }, idempotency_key="atlas-1")
    assert made.values["sale-balance"] == {"amount": 1200, "currency": "EUR"}
    assert made.values[stage] == "Proposal" and made.values["sale-owner"] == ACCOUNT
    stored = facade.store.entity(made.id)
    assert stored is not None and stored["fields"][stage] == "Proposal" and stored["fields"]["sale-balance"] == 1200
    edited = backend.update_record("sale", made.id, {stage: "Won", "sale-balance": {"amount": 1500.5}})
    assert edited.values[stage] == "Won" and edited.values["sale-balance"] == {"amount": 1500.5, "currency": "EUR"}
    assert edited.values["sale-name"] == "Atlas round trip"  # what was not sent is as it was
    cleared = backend.update_record("sale", made.id, {"sale-owner": None})
    assert "sale-owner" not in cleared.values and backend.get_record("sale", made.id).values == cleared.values
    backend.delete_record("sale", made.id)
    with pytest.raises(NotFound):
        backend.get_record("sale", made.id)
    backend.delete_record("sale", made.id)  # already gone: deleted
    assert facade.store.entity(made.id) is None


def test_what_cannot_be_sent_is_refused_in_words(backend: AtlasBackend, facade: AtlasApp) -> None:
    before = facade.requests_by_path["POST /api/1.0/workspace/CRM/entities"]
    with pytest.raises(ServerRejected) as caught:
        backend.create_record("sale", {"sale-name": "Dollars", "sale-balance": {"amount": 5, "currency": "USD"}},
                              idempotency_key="atlas-2")
    assert "sale-balance" in caught.value.field_errors and "kept in EUR" in caught.value.message
    with pytest.raises(ServerRejected, match="no such attribute"):
        backend.create_record("sale", {"sale-name": "x", "sale-colour": "red"}, idempotency_key="atlas-3")
    assert facade.requests_by_path["POST /api/1.0/workspace/CRM/entities"] == before  # nothing was sent
    with pytest.raises(ServerRejected) as missing:  # the server's 400, read from its {"message"}
        backend.create_record("sale", {}, idempotency_key="atlas-4")  # no name: a required field
    assert missing.value.status == 400 and missing.value.message and "{" not in missing.value.message
    with pytest.raises(ServerRejected) as option:
        backend.update_record("sale", _any_sale(backend), {_stage(backend): "Dreaming"})
    assert option.value.status == 400 and option.value.message


def _any_sale(backend: AtlasBackend) -> str:
    return next(iter(backend.iter_record_pages("sale", page_size=1))).records[0].id


def test_a_look_up_finds_only_entities_holding_the_value(backend: AtlasBackend) -> None:
    made = backend.create_record("contact", {"contact-name": "Lookup Person", "contact-job-title": "Buyer"},
                                 idempotency_key="atlas-5")
    other = backend.create_record("contact", {"contact-name": "Lookup Person Jr", "contact-job-title": "Buyer"},
                                  idempotency_key="atlas-6")
    try:
        assert [r.id for r in backend.find_records_by("contact", "contact-name", "Lookup Person")] == [made.id]
        assert backend.find_records_by("contact", "contact-name", "Nobody At All") == []
    finally:
        backend.delete_record("contact", made.id)
        backend.delete_record("contact", other.id)


def test_a_link_is_made_seen_from_both_ends_given_roles_and_removed(backend: AtlasBackend) -> None:
    company = backend.create_record("company", {"company-name": "Linked Ltd"}, idempotency_key="atlas-7")
    person = backend.create_record("contact", {"contact-name": "Linked Person"}, idempotency_key="atlas-8")
    try:
        made = backend.link_records("contact", person.id, "company", company.id, ["Employee"])
        assert (made.other_id, made.other_object, made.roles) == (company.id, "company", ("Employee",))
        [seen] = backend.record_links("company", company.id)
        assert (seen.record_id, seen.other_id, seen.other_object, seen.roles) == (
            company.id, person.id, "contact", ("Employee",))
        # Linked already (409): the roles asked for are set instead.
        again = backend.link_records("company", company.id, "contact", person.id, ["Employee", "Decision maker"])
        assert again.roles == ("Employee", "Decision maker")
        assert backend.record_links("contact", person.id)[0].roles == ("Employee", "Decision maker")
        assert backend.set_link_roles("contact", person.id, company.id, []).roles == ()
        backend.unlink_records("contact", person.id, company.id)
        assert backend.record_links("company", company.id) == []
        backend.unlink_records("company", company.id, person.id)  # not linked (404): done
        with pytest.raises(NotFound):
            backend.set_link_roles("contact", person.id, company.id, ["Employee"])
    finally:
        backend.delete_record("company", company.id)
        backend.delete_record("contact", person.id)


def test_jira_issues_are_linked_and_unlinked(backend: AtlasBackend, facade: AtlasApp) -> None:
    sale = backend.create_record("sale", {"sale-name": "Issue sale"}, idempotency_key="atlas-9")
    try:
        backend.link_issues("sale", sale.id, ["SALES-12", "OPS-3"])
        backend.link_issues("sale", sale.id, ["SALES-12"])  # again: no harm
        assert sorted(facade.store.issues(sale.id)) == ["OPS-3", "SALES-12"]
        backend.unlink_issues("sale", sale.id, ["SALES-12"])
        assert facade.store.issues(sale.id) == ["OPS-3"]
    finally:
        backend.delete_record("sale", sale.id)


def test_a_comment_is_written_as_the_account_and_shown_as_sent(backend: AtlasBackend, facade: AtlasApp) -> None:
    contact = _any_contact(backend)
    event = backend.add_comment("contact", contact, "Called them back")
    assert (event.kind, event.record_id, event.description, event.actor_id) == (
        COMMENT_KIND, contact, "Called them back", ACCOUNT)
    assert event.id and event.occurred_at.endswith("Z")
    written = [c for c in facade.store.comments(contact) if str(c["id"]) == event.id]
    assert written and written[0]["comment"] == "Called them back" and written[0]["account-id"] == ACCOUNT
    assert backend.timeline("contact", contact).events == []  # the API reads no comments back
    assert not backend.capabilities.comments_listed and backend.capabilities.reason("comments_listed")


def _any_contact(backend: AtlasBackend) -> str:
    return next(iter(backend.iter_record_pages("contact", page_size=1))).records[0].id


def test_without_an_account_id_comments_are_off_and_refused_with_the_reason(server: SandboxServer) -> None:
    client = connect(server, account_id=None)
    try:
        caps = client.capabilities
        assert not caps.comments and "account id" in (caps.reason("comments") or "")
        with pytest.raises(ServerRejected) as caught:
            client.add_comment("contact", "any", "Hello")
        assert caught.value.code == "UNSUPPORTED" and "account id" in caught.value.message
        with pytest.raises(ServerRejected, match="local copy is searched"):
            client.search("anything")
    finally:
        client.close()


def test_a_callers_headers_are_sent_beside_the_json_content_type(server: SandboxServer, facade: AtlasApp) -> None:
    """The strict facade answers 415 to a request without ``Content-Type: application/json``: a
    caller's headers (even one naming another type) are added to it, never instead of it."""
    client = connect_atlas(server.api_url, credentials(server.admin_token), config={
        "headers": {"X-Trace": "atlas-test", "content-type": "text/plain"}})
    try:
        assert client.workspace().id == f"atlas:127.0.0.1:{server.port}"
        assert client.record_ids("company")  # GETs too (the facade checks every request)
    finally:
        client.close()
