"""A workspace copy's plan, without servers: which object, attribute and option of the target
holds which of the source's (``matching``), how one value travels (``ValueConverter``), what
``make_plan`` says on real workspace files, and the pieces the copy stands on (the id map in the
source's file, ``read_only_attributes``, the local ids the copy gives what it makes)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crmdesk.model import (
    AttributeDef,
    AttributeType,
    Entry,
    ListDef,
    Member,
    Note,
    ObjectDef,
    Option,
    Record,
    Task,
)
from crmdesk.model.codecs.base import NullContext
from crmdesk.model.limits import NO_LIMITS, ValueLimits
from crmdesk.remote import Capabilities
from crmdesk.remote.atomic.adapter import ATOMIC_DEFAULTS
from crmdesk.remote.capabilities_json import capabilities_from_json, capabilities_to_json, kept_capabilities
from crmdesk.store import Store
from crmdesk.store.connection import open_connection
from crmdesk.store.migrations import migrate, schema_version
from crmdesk.store.schema_steps import LATEST_VERSION
from crmdesk.sync.copy.convert import ValueConverter
from crmdesk.sync.copy.matching import convertible, match_attribute, match_object, match_option, words
from crmdesk.sync.copy.plan import LEAVE_OUT, AttributeMap, make_plan

T = AttributeType
WHEN = "2026-01-01T00:00:00.000Z"


def attr(slug: str, title: str, type_: AttributeType, order: int = 0, **kw: object) -> AttributeDef:
    return AttributeDef(slug, title, type_, order=order, **kw)  # type: ignore[arg-type]


def obj(slug: str, singular: str, plural: str, *attributes: AttributeDef) -> ObjectDef:
    return ObjectDef(slug, singular, plural, attributes=attributes)


def refers(slug: str, title: str, to: str, order: int = 0, **kw: object) -> AttributeDef:
    return attr(slug, title, T.RECORD_REFERENCE, order, config={"target_object": to}, **kw)


# -- matching: names ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("E-mail Addresses", ("e", "mail", "address")),
    ("Companies", ("company",)),
    ("Statuses", ("status",)),
    ("Job_Title", ("job", "title")),
    ("Deals (won!)", ("deal", "won")),
    # short words and double s keep their ending: "bus", "business", "glass" are not plurals
    ("Bus", ("bus",)),
    ("Business", ("business",)),
    ("Glass", ("glass",)),
    ("", ()),
])
def test_words_fold_case_punctuation_and_plural_endings(text: str, expected: tuple[str, ...]) -> None:
    assert words(text) == expected


PEOPLE = obj("people", "Person", "People")
DEALS = obj("deals", "Deal", "Deals")
COMPANIES = obj("companies", "Company", "Companies")


def test_match_object_by_kind_when_names_differ() -> None:
    contact = obj("contact", "Contact", "Contacts")
    sale = obj("sale", "Sale", "Sales")
    leads = obj("leads", "Lead", "Leads")
    assert match_object(PEOPLE, [leads, sale, contact]) is contact
    assert match_object(DEALS, [leads, contact, sale]) is sale
    assert match_object(COMPANIES, [leads, contact, sale]) is None


def test_match_object_prefers_the_slug_and_skips_what_is_taken() -> None:
    organisations = obj("companies", "Organisation", "Organisations")
    accounts = obj("accounts", "Account", "Accounts")
    assert match_object(COMPANIES, [accounts, organisations]) is organisations
    assert match_object(COMPANIES, [accounts, organisations], taken=["companies"]) is accounts


def test_match_object_gives_none_when_two_candidates_tie() -> None:
    contact = obj("contact", "Contact", "Contacts")
    customers = obj("contacts", "Customer", "Customers")
    assert match_object(PEOPLE, [contact, customers]) is None


# -- matching: attributes -------------------------------------------------------------------------

def _match(source: AttributeDef, *targets: AttributeDef, slugs: dict[str, str] | None = None) -> tuple[str, str] | None:
    found = match_attribute(source, targets, slugs or {}, set())
    return None if found is None else (found[0].slug, found[1])


def test_match_attribute_by_slug_then_title() -> None:
    name = attr("name", "Name", T.TEXT)
    assert _match(name, attr("title", "Name", T.TEXT), attr("name", "Title", T.TEXT)) == ("name", "")
    # the same words win over more of them
    assert _match(attr("job_title", "Job Title", T.TEXT), attr("old_role", "Job title (old)", T.TEXT),
                  attr("role", "job titles", T.TEXT)) == ("role", "")


def test_match_attribute_by_a_subset_of_the_title_words() -> None:
    stage = attr("stage", "Stage", T.STATUS)
    # two statuses there: the type alone cannot choose
    assert _match(stage, attr("health", "Health", T.STATUS), attr("pipeline_stage", "Pipeline stage", T.STATUS),
                  attr("priority", "Priority", T.SELECT)) == ("pipeline_stage", "")
    # and the other way round: the target's words within the source's
    assert _match(attr("lead_stage", "Lead stage", T.STATUS), attr("health", "Health", T.STATUS),
                  attr("stage", "Stage", T.STATUS)) == ("stage", "")


def test_match_attribute_by_the_one_attribute_of_a_kind_type() -> None:
    emails = attr("email_addresses", "Email Addresses", T.EMAIL_ADDRESS, multiselect=True)
    assert _match(emails, attr("name", "Name", T.TEXT), attr("mail", "Primary mail", T.EMAIL_ADDRESS)) == (
        "mail", "only the first of several values")
    # the one of the type, though a number could hold the amount too
    value = attr("value", "Value", T.CURRENCY, config={"currency_code": "USD"})
    deal_amount = attr("deal_amount", "Deal amount", T.CURRENCY, config={"currency_code": "USD"})
    assert _match(value, attr("probability", "Probability", T.NUMBER), deal_amount) == ("deal_amount", "")
    # two of that type: neither is chosen by type
    work, home = attr("work", "Work mail", T.EMAIL_ADDRESS), attr("home", "Home mail", T.EMAIL_ADDRESS)
    assert _match(emails, work, home) is None


def test_match_attribute_currency_to_the_only_number_there() -> None:
    value = attr("value", "Value", T.CURRENCY, config={"currency_code": "USD"})
    found = _match(value, attr("name", "Name", T.TEXT), attr("amount", "Amount", T.NUMBER),
                   attr("close", "Close date", T.DATE))
    assert found == ("amount", "the amount without its currency")


def test_match_attribute_by_first_word_to_a_text_attribute() -> None:
    phones = attr("phone_numbers", "Phone Numbers", T.PHONE_NUMBER, multiselect=True)
    assert _match(phones, attr("notes", "Notes", T.TEXT), attr("phone", "Phone", T.TEXT)) == ("phone", "as text")
    # only the first word is shared (neither title holds the other's words): the last rung decides
    assert _match(phones, attr("notes", "Notes", T.TEXT), attr("phone_work", "Phone (work)", T.TEXT)) == (
        "phone_work", "as text")


def test_match_attribute_ambiguous_or_impossible_gives_none() -> None:
    job = attr("job_title", "Job Title", T.TEXT)
    assert _match(job, attr("job_a", "Job description", T.TEXT), attr("job_b", "Job level", T.TEXT)) is None
    # a reference to an object that is not copied fits nowhere, even under its own slug
    company = refers("company", "Company", "companies")
    assert _match(company, refers("company", "Company", "companies")) is None
    assert _match(company, refers("company", "Company", "organisations"), slugs={"companies": "organisations"}) == (
        "company", "")


# -- matching: options and what a value loses -------------------------------------------------------

def _option(title: str, *targets: str) -> str | None:
    found = match_option(Option("s", title), [Option(f"t{n}", t) for n, t in enumerate(targets)])
    return None if found is None else found.title


def test_match_option() -> None:
    assert _option("Proposal", "Lead in", "Proposal Sent", "Won") == "Proposal Sent"
    assert _option("In Negotiation", "Proposal Sent", "Negotiation") == "Negotiation"
    assert _option("Negotiation", "In Negotiation", "Won") == "In Negotiation"
    assert _option("won", "Lost", "WON") == "WON"
    assert _option("Lead", "Qualified", "Proposal Sent") is None
    assert _option("Proposal", "Proposal Sent", "Proposal Made") is None
    # the same title wins over two that merely overlap
    assert _option("Proposal", "Proposal Sent", "Proposal", "Proposal Made") == "Proposal"


@pytest.mark.parametrize(("source", "target", "loss"), [
    (attr("n", "N", T.NUMBER), attr("t", "T", T.TEXT), "as text"),
    (attr("e", "E", T.EMAIL_ADDRESS, multiselect=True), attr("e", "E", T.EMAIL_ADDRESS),
     "only the first of several values"),
    # several values into text: all of them, as text
    (attr("e", "E", T.EMAIL_ADDRESS, multiselect=True), attr("t", "T", T.TEXT), "as text"),
    (attr("v", "V", T.CURRENCY, config={"currency_code": "EUR"}), attr("n", "N", T.NUMBER),
     "the amount without its currency"),
    (attr("v", "V", T.CURRENCY, config={"currency_code": "EUR"}),
     attr("v", "V", T.CURRENCY, config={"currency_code": "USD"}), "only amounts in USD"),
    (attr("v", "V", T.CURRENCY, config={"currency_code": "USD"}),
     attr("v", "V", T.CURRENCY, config={"currency_code": "USD"}), ""),
    (attr("d", "D", T.TIMESTAMP), attr("d", "D", T.DATE), "the date without the time"),
    (refers("c", "C", "companies"), refers("c", "C", "companies"), ""),
    (refers("c", "C", "projects"), refers("c", "C", "companies"), None),
    (attr("i", "Last contacted", T.INTERACTION), attr("i", "Last contacted", T.INTERACTION), None),
    (attr("t", "T", T.TEXT), attr("i", "I", T.INTERACTION), None),
    (attr("d", "D", T.DATE), attr("n", "N", T.NUMBER), None),
])
def test_convertible_says_what_is_lost(source: AttributeDef, target: AttributeDef, loss: str | None) -> None:
    assert convertible(source, target, {"companies": "companies"}) == loss


# -- one value --------------------------------------------------------------------------------------

SOURCE_STAGES = (Option("o-lead", "Lead"), Option("o-prop", "Proposal"))
TARGET_STAGES = (Option("t-prop", "Proposal Sent"), Option("t-won", "Won"))
TAGS = (Option("o-a", "A"), Option("o-b", "B"))
TARGET_TAGS = (Option("t-a", "A"), Option("t-b", "B"))


def _converter(members: dict[str, str] | None = None, records: dict[str, str] | None = None,
               limits: ValueLimits = NO_LIMITS) -> ValueConverter:
    mapped = records or {}
    return ValueConverter(members or {}, mapped.get, NullContext(), limits)


def test_convert_an_option_by_the_plans_map_and_drop_an_unmapped_one() -> None:
    am = AttributeMap(attr("stage", "Stage", T.STATUS, options=SOURCE_STAGES),
                      attr("pipeline_stage", "Pipeline stage", T.STATUS, options=TARGET_STAGES),
                      options={"o-prop": "t-prop"})
    assert _converter().convert(am, "o-prop") == ("t-prop", None)
    assert _converter().convert(am, "o-lead") == (None, "the option “Lead” has no match there")
    assert _converter().convert(am, None) == (None, None)


def test_convert_several_options_into_one_keeps_the_first() -> None:
    am = AttributeMap(attr("tags", "Tags", T.SELECT, options=TAGS, multiselect=True),
                      attr("tag", "Tag", T.SELECT, options=TARGET_TAGS), options={"o-a": "t-a", "o-b": "t-b"})
    assert _converter().convert(am, ["o-b", "o-a"]) == ("t-b", None)


def test_convert_a_value_the_targets_limits_forbid_is_cut_to_one() -> None:
    target = attr("tags", "Tags", T.SELECT, options=TARGET_TAGS, multiselect=True)
    am = AttributeMap(attr("tags", "Tags", T.SELECT, options=TAGS, multiselect=True), target,
                      options={"o-a": "t-a", "o-b": "t-b"})
    assert _converter().convert(am, ["o-a", "o-b"]) == (["t-a", "t-b"], None)
    one = ValueLimits(one_value={T.SELECT: "This server keeps one option"})
    value, problem = _converter(limits=one).convert(am, ["o-a", "o-b"])
    assert value == ["t-a"]
    assert one.value_problem(target, value) is None
    assert problem == "Tags there keeps one value: only the first was copied"


def test_convert_a_personal_name_to_text_gives_the_name_as_shown() -> None:
    am = AttributeMap(attr("name", "Name", T.PERSONAL_NAME), attr("full", "Full name", T.TEXT), loss="as text")
    name = {"first_name": "Ada", "last_name": "Lovelace", "full_name": "Ada King Lovelace"}
    assert _converter().convert(am, name) == ("Ada King Lovelace", None)


def test_convert_a_reference_through_the_resolver() -> None:
    am = AttributeMap(refers("company", "Company", "companies"), refers("org", "Organisation", "orgs"))
    convert = _converter(records={"c1": "local-made-1"}).convert
    assert convert(am, "c1") == ("local-made-1", None)
    assert convert(am, "c9") == (None, "it refers to a record that is not copied")
    several = AttributeMap(refers("team", "Team", "people", multiselect=True),
                           refers("team", "Team", "people", multiselect=True))
    convert = _converter(records={"p1": "local-p1", "p2": "srv-2"}).convert
    assert convert(several, ["p1", "p9", "p2"]) == (["local-p1", "srv-2"], "it refers to a record that is not copied")


def test_convert_a_member_by_the_member_map() -> None:
    am = AttributeMap(attr("owner", "Owner", T.ACTOR_REFERENCE), attr("owner", "Owner", T.ACTOR_REFERENCE))
    convert = _converter(members={"u-ada": "tm-1"}).convert
    assert convert(am, "u-ada") == ("tm-1", None)
    assert convert(am, "u-bob") == (None, "it names a member with no account there")


def test_convert_currency() -> None:
    eur = attr("value", "Value", T.CURRENCY, config={"currency_code": "EUR"})
    usd = attr("amount", "Deal value", T.CURRENCY, config={"currency_code": "USD"})
    convert = _converter().convert
    assert convert(AttributeMap(eur, usd), {"amount": 10, "currency": "EUR"}) == (
        None, "the amount is in EUR; Deal value holds USD only")
    assert convert(AttributeMap(eur, usd), {"amount": 10, "currency": "USD"}) == (
        {"amount": 10, "currency": "USD"}, None)
    number = attr("amount", "Amount", T.NUMBER)
    assert convert(AttributeMap(eur, number), {"amount": 12.5, "currency": "EUR"}) == (12.5, None)


# -- make_plan on workspace files -------------------------------------------------------------------

STAGES = (Option("o-lead", "Lead"), Option("o-prop", "Proposal", order=1), Option("o-neg", "In Negotiation", order=2))
SRC_COMPANIES = obj("companies", "Company", "Companies", attr("name", "Name", T.TEXT),
                    attr("domains", "Domains", T.DOMAIN, 1, multiselect=True))
SRC_PEOPLE = obj("people", "Person", "People", attr("name", "Name", T.PERSONAL_NAME),
                 attr("email_addresses", "Email Addresses", T.EMAIL_ADDRESS, 1, multiselect=True),
                 attr("job_title", "Job Title", T.TEXT, 2), refers("company", "Company", "companies", 3))
SRC_DEALS = obj("deals", "Deal", "Deals", attr("name", "Name", T.TEXT),
                attr("value", "Value", T.CURRENCY, 1, config={"currency_code": "USD"}),
                attr("stage", "Stage", T.STATUS, 2, options=STAGES), attr("owner", "Owner", T.ACTOR_REFERENCE, 3),
                refers("company", "Company", "companies", 4), attr("close", "Expected Close Date", T.DATE, 5))
SRC_PROJECTS = obj("projects", "Project", "Projects", attr("name", "Name", T.TEXT))
PIPELINE = ListDef("list-1", "Sales pipeline", "deals",
                   attributes=(attr("priority", "Priority", T.SELECT, options=(Option("p-hi", "High"),)),))

TGT_COMPANIES = obj("companies", "Organisation", "Organisations", attr("name", "Name", T.TEXT),
                    attr("domain", "Domain", T.DOMAIN, 1))
TGT_CONTACTS = obj("contact", "Contact", "Contacts", attr("full_name", "Full name", T.PERSONAL_NAME),
                   attr("email", "Email", T.EMAIL_ADDRESS, 1), attr("title", "Job title", T.TEXT, 2),
                   refers("company", "Company", "companies", 3))
TGT_SALES = obj("sale", "Sale", "Sales", attr("name", "Name", T.TEXT), attr("amount", "Amount", T.NUMBER, 1),
                attr("pipeline_stage", "Pipeline stage", T.STATUS, 2,
                     options=(Option("t-prop", "Proposal Sent"), Option("t-neg", "Negotiation"))),
                attr("crm_user_id", "Owner", T.ACTOR_REFERENCE, 3), refers("company", "Company", "companies", 4))

ATOMIC_LIKE = Capabilities(dialect="atomic", notes=True, tasks=True, read_only_attributes=frozenset({"*.crm_user_id"}))
ADMIN = Capabilities(dialect="attio", schema_admin=True, lists=True, notes=True, tasks=True)


def _put(store: Store, obj_def: ObjectDef, record_id: str, **values: object) -> None:
    store.records.put(obj_def, Record(record_id, obj_def.slug, dict(values), WHEN, None))


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Store]:
    """An Aria-like workspace: two people, a company, a deal on a list, a note and a task from the
    server, and a person and a note made offline (local ids)."""
    with Store.open(tmp_path / "source.sqlite") as store:
        with store.write():
            store.schema.replace_members([Member("m-ada", "Ada", "ada@example.com", "admin", "u-ada"),
                                          Member("m-bob", "Bob", "bob@example.com", "member", "u-bob")])
            for position, obj_def in enumerate((SRC_COMPANIES, SRC_PEOPLE, SRC_DEALS, SRC_PROJECTS)):
                store.schema.save_object(obj_def, position)
            store.schema.save_list(PIPELINE)
            _put(store, SRC_COMPANIES, "c1", name="Acme", domains=["acme.io", "acme.com"])
            _put(store, SRC_PEOPLE, "p1", name={"first_name": "Ada", "full_name": "Ada L"}, company="c1")
            _put(store, SRC_PEOPLE, "p2", name={"first_name": "Bo", "full_name": "Bo B"})
            _put(store, SRC_DEALS, "d1", name="Big", stage="o-prop", owner="u-ada", company="c1")
            store.entries.put(PIPELINE, Entry("e1", "list-1", "d1", {"priority": "p-hi"}))
            store.notes.put(Note("n1", "p1", "Met", "hello"))
            store.tasks.put(Task("t1", "Call", record_ids=["p1"]))
        store.edits.create_records("people", [{"name": {"first_name": "Offline", "full_name": "Offline"}}])
        store.edits.create_note("p1", "Later", "written offline")
        yield store


def _target(path: Path, *objects: ObjectDef) -> Store:
    store = Store.open(path)
    with store.write():
        store.schema.replace_members([Member("tm-1", "Ada", "ADA@example.com", "admin", None)])
        for position, obj_def in enumerate(objects):
            store.schema.save_object(obj_def, position)
    return store


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Store]:
    """An Atomic- or Atlas-like workspace: contacts, organisations and sales."""
    with _target(tmp_path / "target.sqlite", TGT_COMPANIES, TGT_CONTACTS, TGT_SALES) as store:
        yield store


def test_plan_to_a_server_without_schema_admin(source: Store, target: Store) -> None:
    plan = make_plan(source, target, ATOMIC_LIKE, "atomic|x|1", "the atomic sandbox")
    assert plan.lines() == [
        "Copy to the atomic sandbox:",
        "  Companies → Organisations: 1 record",
        "    Name → Name",
        "    Domains → Domain (only the first of several values)",
        "  Deals → Sales: 1 record",
        "    Name → Name",
        "    Value → Amount (the amount without its currency)",
        "    Stage → Pipeline stage",
        "      options with no match there (those values are NOT copied): “Lead”",
        "    Owner: NOT copied — Owner there is set by its server",
        "    Company → Company",
        "    Expected Close Date: NOT copied — no attribute there can hold it",
        "  People → Contacts: 2 records",
        "    Name → Full name",
        "    Email Addresses → Email (only the first of several values)",
        "    Job Title → Job title",
        "    Company → Company",
        "  Projects: 0 records NOT copied — the target has no object like it and cannot make one",
        "  list Sales pipeline: 1 entry NOT copied — the target keeps no lists",
        "  notes: 1",
        "  tasks: 1",
        "  members with no account of the same e-mail there (their names are left out): bob@example.com",
        "  2 items made offline here are not copied until they are synced",
    ]
    deals = plan.object_map("deals")
    assert deals is not None
    stage = next(am for am in deals.attributes if am.source.slug == "stage")
    assert dict(stage.options) == {"o-prop": "t-prop", "o-neg": "t-neg"}
    assert plan.unsynced == 2
    assert dict(plan.members) == {"u-ada": "tm-1", "m-ada": "tm-1"}
    assert not plan.schema_to_make


def test_the_owner_is_copied_where_the_server_lets_it_be_written(source: Store, target: Store) -> None:
    writable = Capabilities(dialect="atomic", notes=True, tasks=True)
    lines = make_plan(source, target, writable, "k", "T").lines()
    assert "    Owner → Owner" in lines
    assert not any("set by its server" in line for line in lines)


def test_plan_to_a_server_with_schema_admin_marks_what_it_will_make(source: Store, target: Store) -> None:
    plan = make_plan(source, target, ADMIN, "k", "the attio sandbox")
    lines = plan.lines()
    for line in ("    Stage → Pipeline stage", "      options to be made there: “Lead”",
                 "    Owner → Owner", "    Expected Close Date → Expected Close Date (to be made)",
                 "  Projects → Projects (to be made): 0 records", "    Name → Name (to be made)",
                 "  list Sales pipeline (to be made): 1 entry", "    Priority → Priority (to be made)",
                 "      options to be made there: “High”"):
        assert line in lines, line
    assert not any("options with no match" in line or "NOT copied" in line for line in lines), lines
    assert plan.schema_to_make
    projects = plan.object_map("projects")
    assert projects is not None and projects.make and projects.target_slug == "projects"


def test_overrides_choose_an_object_and_leave_an_attribute_out(tmp_path: Path, source: Store) -> None:
    customers = obj("contacts", "Customer", "Customers", attr("name", "Name", T.TEXT))
    with _target(tmp_path / "two.sqlite", TGT_COMPANIES, TGT_CONTACTS, customers, TGT_SALES) as target:
        lines = make_plan(source, target, ATOMIC_LIKE, "k", "T").lines()
        assert "  People: 2 records NOT copied — the target has no object like it and cannot make one" in lines

        plan = make_plan(source, target, ATOMIC_LIKE, "k", "T", {"people": "contact", "people.job_title": LEAVE_OUT})
        lines = plan.lines()
        assert "  People → Contacts: 2 records" in lines
        assert "    Job Title: NOT copied — left out" in lines
        assert "    Email Addresses → Email (only the first of several values)" in lines

        # an attribute chosen by hand says what its values lose, and one that cannot hold them is refused
        chosen = {"people": "contact", "people.email_addresses": "Job title", "deals.name": "amount"}
        lines = make_plan(source, target, ATOMIC_LIKE, "k", "T", chosen).lines()
        assert "    Email Addresses → Job title (as text)" in lines
        assert "    Name: NOT copied — Amount there cannot hold it" in lines
        assert "    Value → Amount (the amount without its currency)" in lines
        chosen = {"people": "Contacts", "people.job_title": "Rank"}
        lines = make_plan(source, target, ATOMIC_LIKE, "k", "T", chosen).lines()
        assert "    Job Title: NOT copied — no attribute “Rank”" in lines

        lines = make_plan(source, target, ATOMIC_LIKE, "k", "T", {"people": LEAVE_OUT}).lines()
        assert "  People: 2 records NOT copied — left out" in lines
        # nothing refers to people, so the rest stays as it was
        assert "    Company → Company" in lines


def test_offline_items_are_counted_as_unsynced_not_copied(source: Store, target: Store) -> None:
    source.edits.create_task("Made offline")
    source.edits.add_entry("list-1", "d1", {})
    plan = make_plan(source, target, ADMIN, "k", "T")
    people = plan.object_map("people")
    assert people is not None and people.records == 2
    assert [lm.entries for lm in plan.lists] == [1]
    # a person, a note, a task and a list entry
    assert (plan.notes, plan.tasks, plan.unsynced) == (1, 1, 4)
    assert "  4 items made offline here are not copied until they are synced" in plan.lines()


def test_the_plan_names_what_earlier_copies_made(source: Store, target: Store) -> None:
    with source.write():
        source.copy_map.add("k", "record", [("c1", "srv-c1"), ("p1", "srv-p1")])
        source.copy_map.add("k", "note", [("n1", "srv-n1")])
        source.copy_map.add("other", "record", [("p2", "srv-p2")])
    lines = make_plan(source, target, ATOMIC_LIKE, "k", "T").lines()
    assert lines[-1] == "  copied before (skipped): 2 records, 1 note"


# -- capabilities --------------------------------------------------------------------------------------

def test_capabilities_writable() -> None:
    caps = Capabilities(dialect="x", read_only_attributes=frozenset({"*.crm_user_id", "deals.stage_changed"}))
    assert not caps.writable("deals", "crm_user_id")
    assert not caps.writable("people", "crm_user_id")
    assert not caps.writable("deals", "stage_changed")
    assert caps.writable("people", "stage_changed")
    assert caps.writable("deals", "owner")
    assert Capabilities(dialect="x").writable("deals", "crm_user_id")


def test_read_only_attributes_round_trip_through_the_workspace_file_form() -> None:
    caps = Capabilities(dialect="atomic", read_only_attributes=frozenset({"deals.owner", "*.crm_user_id"}))
    data = json.loads(json.dumps(capabilities_to_json(caps)))
    assert data["read_only_attributes"] == ["*.crm_user_id", "deals.owner"]
    read = capabilities_from_json(data, ATOMIC_DEFAULTS)
    assert read.read_only_attributes == {"deals.owner", "*.crm_user_id"}
    # a file from before the field existed, or a damaged one: the dialect's own
    del data["read_only_attributes"]
    assert capabilities_from_json(data, ATOMIC_DEFAULTS).read_only_attributes == {"*.crm_user_id"}
    damaged = json.dumps({**data, "read_only_attributes": "*.crm_user_id"})
    assert kept_capabilities(damaged, ATOMIC_DEFAULTS).read_only_attributes == {"*.crm_user_id"}
    assert not ATOMIC_DEFAULTS.writable("deals", "crm_user_id")


# -- the copy map in the source's file --------------------------------------------------------------------

def test_copy_map_add_targets_counts_and_rebase(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    with Store.open(path) as store, store.write():
        store.copy_map.add("A", "record", [("p1", "local-1"), ("p2", "local-2"), ("p3", "srv-3")])
        store.copy_map.add("A", "note", [("n1", "local-n1")])
        store.copy_map.add("B", "record", [("p1", "local-1")])
        # adding again replaces
        store.copy_map.add("A", "record", [("p2", "local-2b")])
    with Store.open(path) as store:
        assert store.copy_map.targets("A", "record") == {"p1": "local-1", "p2": "local-2b", "p3": "srv-3"}
        assert store.copy_map.counts("A") == {"record": 3, "note": 1}
        assert store.copy_map.targets("C", "record") == {}
        assert store.copy_map.counts("C") == {}
        sent = {"local-1": "srv-1", "local-n1": "srv-n1", "srv-3": "srv-3"}
        with store.write():
            assert store.copy_map.rebase("A", sent.get) == 2
        assert store.copy_map.targets("A", "record") == {"p1": "srv-1", "p2": "local-2b", "p3": "srv-3"}
        assert store.copy_map.targets("A", "note") == {"n1": "srv-n1"}
        assert store.copy_map.targets("B", "record") == {"p1": "local-1"}


def test_a_version_11_file_gets_the_copy_map(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    conn = open_connection(path)
    migrate(conn, path, target=11)
    assert schema_version(conn) == 11
    tables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'copy_map'"
    assert conn.execute(tables).fetchall() == []
    conn.close()
    with Store.open(path) as store:
        assert schema_version(store.conn) == LATEST_VERSION >= 12
        with store.write():
            store.copy_map.add("A", "record", [("p1", "local-1")])
        assert store.copy_map.targets("A", "record") == {"p1": "local-1"}
        assert len(list(tmp_path.glob("ws.v11-*.bak.sqlite"))) == 1
    conn = sqlite3.connect(path)
    try:
        assert conn.execute(tables).fetchall() == [("copy_map",)]
    finally:
        conn.close()


# -- the local ids a copy gives what it makes -----------------------------------------------------------------

def test_create_records_takes_the_given_local_ids(source: Store) -> None:
    ids = ["local-copy-1", "local-copy-2"]
    made = source.edits.create_records("companies", [{"name": "One"}, {"name": "Two"}], ids=ids)
    assert made == ids
    assert [source.records.get(i).title for i in ids] == ["One", "Two"]  # type: ignore[union-attr]
    assert {m.target_id for m in source.outbox.all()} >= set(ids)
    with pytest.raises(ValueError, match="local id"):
        source.edits.create_records("companies", [{"name": "Three"}], ids=["srv-3"])
    with pytest.raises(ValueError, match="local id"):
        source.edits.create_records("companies", [{"name": "Four"}, {"name": "Five"}], ids=["local-copy-4"])
    assert source.records.ids("companies") == {"c1", *ids}


def test_notes_tasks_entries_and_comments_take_the_given_local_id(source: Store) -> None:
    source.edits.create_note("p1", "Kept", "text", local_id="local-note")
    source.edits.create_task("Kept", record_ids=["p1"], local_id="local-task")
    source.edits.add_entry("list-1", "d1", {}, local_id="local-entry")
    source.edits.add_comment("p1", "Kept", local_id="local-comment")
    assert source.notes.get("local-note") is not None
    assert source.tasks.get("local-task") is not None
    assert source.entries.get("local-entry") is not None
    assert [e.id for e in source.timeline.for_record("p1") if e.id == "local-comment"] == ["local-comment"]
    before = len(source.outbox.all())
    refused: list[Callable[[], object]] = [
        lambda: source.edits.create_note("p1", "No", "text", local_id="n-9"),
        lambda: source.edits.create_task("No", local_id="t-9"),
        lambda: source.edits.add_entry("list-1", "d1", {}, local_id="e-9"),
        lambda: source.edits.add_comment("p1", "No", local_id="c-9"),
    ]
    for make in refused:
        with pytest.raises(ValueError, match="not a local id"):
            make()
    assert len(source.outbox.all()) == before


def test_a_list_there_of_the_same_name_gets_no_options_it_cannot_make(source: Store, target: Store) -> None:
    """A list attribute's options are made with it; one the target's list has already keeps its own,
    so a source option it lacks is said to be left out, and no schema step is planned for it."""
    theirs = ListDef("l-there", "Sales pipeline", "sale",
                     attributes=(attr("priority", "Priority", T.SELECT, options=(Option("x-low", "Low"),)),))
    with target.write():
        target.schema.save_list(theirs)
    plan = make_plan(source, target, ADMIN, "k", "T", {"deals": "sale"})
    lines = plan.lines()
    assert "  list Sales pipeline: 1 entry" in lines
    assert "      options with no match there (those values are NOT copied): “High”" in lines
    assert not any("options to be made there: “High”" in line for line in lines), lines
    [pipeline] = plan.lists
    assert pipeline.target == theirs and not pipeline.attributes[0].make_options


def test_several_options_into_a_server_that_keeps_one_are_said_to_lose_all_but_the_first(
        source: Store, target: Store) -> None:
    one = Capabilities(dialect="aria", schema_admin=True, lists=True,
                       value_limits=ValueLimits(one_value={T.DOMAIN: "This server keeps one domain"}))
    many = obj("companies", "Company", "Companies", attr("name", "Name", T.TEXT),
               attr("domains", "Domains", T.DOMAIN, 1, multiselect=True))
    with target.write():
        target.schema.save_object(many, 0)
    lines = make_plan(source, target, one, "k", "T").lines()
    assert "    Domains → Domains (only the first of several values)" in lines
