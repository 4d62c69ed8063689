"""The Atomic adapter reads the real server's recorded answers (served over loopback HTTP):
every resource's rows, the synthesized schema, members without their API-key fields, the
workspace's identity."""

from __future__ import annotations

import copy
import logging

import pytest

from crmdesk.model import AttributeType
from crmdesk.remote.atomic import ATOMIC_DEFAULTS, AtomicBackend
from crmdesk.remote.backend import Backend
from crmdesk.remote.errors import NotFound, ServerRejected

from .atomic_replay import Replay, body_of, json_answer, listing

ORG = "0f4edcd4-5504-4718-ba21-508d5c53aec3"


def test_it_is_a_backend_with_its_capabilities(backend: AtomicBackend) -> None:
    assert isinstance(backend, Backend)
    assert backend.capabilities is ATOMIC_DEFAULTS
    assert ATOMIC_DEFAULTS.dialect == "atomic"
    assert ATOMIC_DEFAULTS.max_page_size == 500
    assert not ATOMIC_DEFAULTS.changed_since("deals")
    for off in ("lists", "schema_admin", "member_admin", "timeline", "notifications"):
        assert ATOMIC_DEFAULTS.reason(off), off


def test_the_schema_is_synthesized_with_the_configured_deal_stages(backend: AtomicBackend) -> None:
    objects = {obj.slug: obj for obj in backend.objects()}
    assert list(objects) == ["people", "companies", "deals"]
    people = objects["people"]
    assert (people.singular_name, people.plural_name) == ("Person", "People")
    assert [a.slug for a in people.attributes] == ["name", "email", "company_id", "linkedin_url", "crm_user_id"]
    # One personal name, as Aria's people have: the person is titled by the full name.
    name = people.attribute("name")
    assert name is not None and name.type is AttributeType.PERSONAL_NAME
    assert people.title_attribute is name
    company = people.attribute("company_id")
    assert company is not None and company.type is AttributeType.RECORD_REFERENCE
    assert company.target_object == "companies"
    owner = people.attribute("crm_user_id")
    assert owner is not None and owner.type is AttributeType.ACTOR_REFERENCE and owner.system
    stage = objects["deals"].attribute("status")
    assert stage is not None and stage.type is AttributeType.STATUS
    # configuration's dealStages (116): the value is the option's id, the label its title.
    assert [(o.id, o.title) for o in stage.options] == [
        ("opportunity", "Opportunity"), ("proposal-sent", "Proposal Sent"), ("in-negotiation", "In Negotiation"),
        ("won", "Won"), ("lost", "Lost")]
    # No currency anywhere on this server (configuration 116–119, deals 081): a bare number.
    amount = objects["deals"].attribute("amount")
    assert amount is not None and amount.type is AttributeType.NUMBER
    with pytest.raises(NotFound):
        backend.get_object("tags")  # tags are not mapped: contacts have no tags field (README 12)


def test_contacts_decode_with_qualified_ids_and_references(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/contacts", listing("contacts", body_of("019")))
    pages = list(backend.iter_record_pages("people"))
    records = [r for page in pages for r in page.records]
    assert sorted(r.id for r in records) == sorted(f"contacts/{n}" for n in range(1, 9))
    jane = next(r for r in records if r.id == "contacts/1")
    assert jane.object_slug == "people"
    assert jane.values == {
        "name": {"first_name": "Jane", "last_name": "Smith", "full_name": "Jane Smith"},
        "email": "user8@example.com", "company_id": "companies/1",
        "linkedin_url": "https://linkedin.com/in/janesmith", "crm_user_id": "crm_users/1",
    }
    assert jane.created_by == "crm_users/1"
    assert jane.created_at == "2026-11-30T09:36:24.058Z"
    assert jane.updated_at is None  # contacts keep no change time
    assert pages[0].total == 8


def test_a_contact_row_decodes_to_one_personal_name_with_the_full_name(
    replay: Replay, backend: AtomicBackend
) -> None:
    # firstName/lastName as the real server answers them (044), a contact with no last name
    # (056: ``lastName: null``), one with neither, and one with padded parts.
    rows = [dict(body_of("044")), dict(body_of("056")[0])]
    rows.append(dict(rows[0], id=20, firstName=None, lastName=None))
    rows.append(dict(rows[0], id=21, firstName="  Ada ", lastName=""))
    replay.on("GET", "/api/contacts", listing("contacts", rows))
    people = {r.id: r for page in backend.iter_record_pages("people") for r in page.records}
    assert people["contacts/1"].values["name"] == {"first_name": "Jane", "last_name": "Smith",
                                                   "full_name": "Jane Smith"}
    assert people["contacts/12"].values["name"] == {"first_name": "Custom", "full_name": "Custom"}
    assert "name" not in people["contacts/20"].values  # no name at all: no value, not an unreadable one
    assert people["contacts/21"].values["name"] == {"first_name": "Ada", "full_name": "Ada"}
    assert not any(key in r.values for r in people.values() for key in ("first_name", "last_name"))


def test_companies_and_deals_decode(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/companies", listing("companies", body_of("064")))
    replay.on("GET", "/api/deals", listing("deals", body_of("081")))
    companies = {r.id: r for page in backend.iter_record_pages("companies") for r in page.records}
    acme = companies["companies/1"]
    assert acme.values["name"] == "Acme Corp"
    assert acme.values["domain"] == "acme.example.com"
    assert acme.values["category"] == "technology"
    deals = {r.id: r for page in backend.iter_record_pages("deals") for r in page.records}
    assert deals["deals/4"].values == {"name": "Enterprise license", "company_id": "companies/4", "status": "won",
                                       "amount": 120000, "crm_user_id": "crm_users/1"}
    assert deals["deals/4"].updated_at == "2026-11-30T09:36:24.068Z"
    # A stage the configuration does not list (the demo's "proposal-made") is kept as it is.
    assert deals["deals/1"].values["status"] == "proposal-made"
    # Contact 1, company 1 and deal 1 all exist on the server: their ids stay distinct here.
    replay.on("GET", "/api/contacts", listing("contacts", body_of("019")))
    people = {r.id for page in backend.iter_record_pages("people") for r in page.records}
    assert {"contacts/1", "companies/1", "deals/1"} <= people | set(companies) | set(deals)
    assert len(people | set(companies) | set(deals)) == len(people) + len(companies) + len(deals)


def test_one_record_and_a_prefixed_id(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/contacts/1", "044")
    replay.on("GET", "/api/contacts/2", "044")  # an answer about another record (contact 1)
    jane = backend.get_record("people", "contacts/1")
    assert jane.id == "contacts/1" and jane.values["name"]["full_name"] == "Jane Smith"
    with pytest.raises(NotFound):
        backend.get_record("people", "contacts/2")
    # The real server reads "1abc" as 1 (047): such an id is refused before asking.
    for wrong in ("contacts/1abc", "1", "companies/1", "deals/1"):
        with pytest.raises(NotFound):
            backend.get_record("people", wrong)
    assert [s.path for s in replay.requests("GET") if s.path.startswith("/api/contacts")] == [
        "/api/contacts/1", "/api/contacts/2"]


def test_custom_objects_from_object_config(replay: Replay, backend: AtomicBackend) -> None:
    # The list answer of object-config is not recorded: it is served as a list of what the
    # create answered (169), with the field it was made with (its request).
    config = dict(body_of("169"))
    config["fields"] = [{"name": "budget", "label": "Budget", "fieldType": "number"}]
    replay.on("GET", "/api/object-config", lambda _r, _b: json_answer([config]))
    rows = copy.deepcopy(body_of("174"))
    for row in rows:
        row["custom_fields"] = {"budget": 10}  # what a top-level key written by crmdesk becomes
    replay.on("GET", "/api/projects", listing("projects", rows))
    projects = backend.get_object("projects")
    assert (projects.singular_name, projects.plural_name) == ("Project", "Projects")
    assert [(a.slug, a.type) for a in projects.attributes] == [
        ("name", AttributeType.TEXT), ("budget", AttributeType.NUMBER), ("crm_user_id", AttributeType.ACTOR_REFERENCE)]
    records = {r.id: r for page in backend.iter_record_pages("projects") for r in page.records}
    assert records["projects/3"].values == {"name": "Mercury", "budget": 10, "crm_user_id": "crm_users/1"}
    assert records["projects/3"].updated_at == "2026-11-30T09:47:06.093Z"


def test_a_custom_objects_fields_are_learnt_from_its_records(replay: Replay, backend: AtomicBackend) -> None:
    # The real object-config answer names no fields (169): they are read off the records.
    replay.on("GET", "/api/object-config", lambda _r, _b: json_answer([body_of("169")]))
    rows = copy.deepcopy(body_of("174"))
    rows[0]["custom_fields"] = {"budget": 10, "phase": "design", "tags": ["a"], "mixed": 1}
    rows[1]["custom_fields"] = {"budget": 12.5, "mixed": "one"}
    # rows[2] keeps the recording's nested {"custom_fields": {...}}: an object, not a field.
    replay.on("GET", "/api/projects", listing("projects", rows))
    projects = backend.get_object("projects")
    assert [(a.slug, a.type) for a in projects.attributes] == [
        ("name", AttributeType.TEXT), ("budget", AttributeType.NUMBER), ("phase", AttributeType.TEXT),
        ("crm_user_id", AttributeType.ACTOR_REFERENCE)]
    sample = replay.requests("GET", "/api/projects")[0].query
    assert (sample["range"], sample["sort"], sample["order"]) == ("[0,49]", "id", "DESC")


def test_custom_objects_skip_unchanged_rows(replay: Replay, backend: AtomicBackend) -> None:
    config = body_of("169")
    replay.on("GET", "/api/object-config", lambda _r, _b: json_answer([config]))
    replay.on("GET", "/api/projects", listing("projects", body_of("174")))
    pages = list(backend.iter_record_pages("projects", known_updated_at={"projects/1": "2026-11-30T09:47:06.065Z"}))
    assert [p.unchanged for p in pages] == [["projects/1"]]
    assert sorted(r.id for p in pages for r in p.records) == ["projects/2", "projects/3"]


def test_contacts_ignore_known_times(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/contacts", listing("contacts", body_of("019")))
    pages = list(backend.iter_record_pages("people", known_updated_at={"contacts/1": "2026-11-30T09:36:24.058Z"}))
    assert sum(len(p.records) for p in pages) == 8 and not any(p.unchanged for p in pages)


def test_notes_of_every_parent(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/contact_notes", listing("contact_notes", body_of("089") + body_of("139")))
    replay.on("GET", "/api/company_notes", listing("company_notes", body_of("099")))
    replay.on("GET", "/api/deal_notes", listing("deal_notes", body_of("096")))
    notes = [n for page in backend.iter_notes() for n in page]
    by = {(n.record_id, n.id): n for n in notes}
    # Contact note 1 and company note 1: the same number, two notes.
    assert set(by) == {("contacts/1", "contact_notes/1"), ("contacts/13", "contact_notes/5"),
                       ("companies/9", "company_notes/1"), ("deals/5", "deal_notes/2")}
    first = by[("contacts/1", "contact_notes/1")]
    assert first.content == "Met at conference. Interested in Q2."
    assert by[("companies/9", "company_notes/1")].title == "Kickoff"
    assert first.created_at == "2026-11-30T09:36:24.081Z"
    assert first.created_by == "crm_users/1"


def test_notes_for_one_record_ask_by_parent(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/deal_notes", listing("deal_notes", body_of("096")))
    notes = backend.notes_for("deals", "deals/5")
    assert [(n.id, n.record_id, n.content) for n in notes] == [("deal_notes/2", "deals/5", "Sent pricing")]
    assert replay.requests("GET", "/api/deal_notes")[0].query["filter"] == '{"deal_id": 5}'
    assert backend.notes_for("deals", "local-123") == []
    with pytest.raises(ServerRejected) as caught:
        backend.notes_for("deals", "contacts/5")  # a contact's id is no deal's
    assert set(caught.value.field_errors) == {"record_id"}
    assert len(replay.requests("GET", "/api/deal_notes")) == 1


def test_tasks_decode_with_their_links(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/tasks", listing("tasks", [*body_of("101"), body_of("108")]))
    tasks = {t.id: t for page in backend.iter_tasks() for t in page}
    assert tasks["tasks/1"].content == "Follow up on proposal"
    assert tasks["tasks/1"].deadline == "2026-12-01T09:36:24.075Z"
    assert tasks["tasks/1"].record_ids == ["contacts/1"] and not tasks["tasks/1"].done
    assert tasks["tasks/3"].record_ids == ["contacts/9", "deals/5"]
    assert tasks["tasks/3"].done and tasks["tasks/3"].completed_at == "2026-12-20T12:00:00.000Z"
    open_only = [t.id for page in backend.iter_tasks(include_completed=False) for t in page]
    assert sorted(open_only) == ["tasks/1", "tasks/2"]


def test_members_never_carry_api_key_fields(replay: Replay, backend: AtomicBackend, caplog) -> None:
    rows = copy.deepcopy(body_of("168"))
    # The recording's keys are null; a server holding keys is what the rule is for.
    rows[0].update(basicsApiKey="bos_crm_SECRETKEY", basicsApiKeyEnc="enc-SECRET", basicsApiKeyHash="hash-SECRET")
    replay.on("GET", "/api/crm_users", listing("crm_users", rows))
    caplog.set_level(logging.DEBUG)
    members = backend.members()
    assert [(m.id, m.name, m.role) for m in members] == [
        ("crm_users/1", "Admin User", "admin"), ("crm_users/2", "Mem Ber", "member")]
    for member in members:
        shown = repr(member) + str(vars(member) if hasattr(member, "__dict__") else "")
        assert "SECRET" not in shown and "ApiKey" not in shown
        assert not any(hasattr(member, key) for key in ("basicsApiKey", "basicsApiKeyEnc", "basicsApiKeyHash"))
    assert "SECRET" not in caplog.text


def test_the_workspace_is_the_organisation(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/crm_users", listing("crm_users", body_of("120")))
    workspace = backend.workspace()
    assert workspace.id == ORG
    assert workspace.name == "Basics OS"


def test_the_workspace_is_found_when_members_are_not_readable(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/crm_users", "164")  # 403 {"error": "Forbidden"}
    replay.on("GET", "/api/contacts", listing("contacts", body_of("019")))
    assert backend.workspace().id == ORG
