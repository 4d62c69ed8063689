"""The built-in ``/api/:resource`` resources: columns in answer order, what a write may set,
and the legacy ``filter`` keys each one honours (README points 5, 6, 7, 15).

A column's wire name is its camelCase form (``first_name`` → ``firstName``); requests may
use either spelling. ``organization_id`` is not stored: it is the core workspace's id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType


class Kind(Enum):
    ID = "id"
    INT = "int"  #: an integer column (a reference to another row, mostly)
    TEXT = "text"
    NUMBER = "number"  #: numeric; the real server takes numeric strings too (``"12500.5"``)
    BOOL = "bool"
    TIME = "time"  #: a timestamp, answered as ``2026-11-30T09:36:24.058Z``
    JSON = "json"  #: a JSON document (``custom_fields``, ``config``…), answered in jsonb key order
    LIST = "list"  #: a JSON array (``attachments``)
    CSV = "csv"  #: text, written as a string or an array of strings (joined with commas)
    ORG = "org"  #: the organization id: not stored


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    writable: bool = False
    required: bool = False
    #: the table a reference points to (a missing target is the real server's foreign-key 500)
    references: str | None = None
    #: the camelCase name answers use (computed once: every answered row reads it)
    wire: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "wire", camel(self.name))

    @property
    def nullable(self) -> bool:
        return not (self.kind is Kind.ID or self.required or self.name in ("created_at", "updated_at", "date"))


@dataclass(frozen=True)
class Resource:
    name: str
    table: str
    columns: tuple[Column, ...]
    #: legacy ``filter`` keys → (column, how): "eq" an integer/text match, "q" a text search
    legacy: Mapping[str, tuple[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    #: ``q`` searches these columns (ILIKE)
    search: tuple[str, ...] = ()
    #: a creator column set from the signed-in user
    creator: bool = True
    #: the default of a time column on create (``date`` of a note: now)
    now_on_create: tuple[str, ...] = ()
    read_only: bool = False
    _names: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {}
        for c in self.columns:
            if c.kind is not Kind.ORG:
                names[c.name] = c
                names[c.wire] = c
        object.__setattr__(self, "_names", names)  # frozen: set once, here

    def column(self, name: str) -> Column | None:
        """By snake_case or camelCase name."""
        return self._names.get(name)

    @property
    def stored(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind is not Kind.ORG)

    @property
    def writable(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.writable)

    @property
    def has_custom_fields(self) -> bool:
        return any(c.name == "custom_fields" for c in self.columns)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    return "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in name)


C = Column
ID = C("id", Kind.ID)
ORG = C("organization_id", Kind.ORG)
CREATOR = C("crm_user_id", Kind.INT)
CUSTOM = C("custom_fields", Kind.JSON, writable=True)

CONTACTS = Resource(
    "contacts", "atomic_contacts",
    (ID, C("first_name", Kind.TEXT, True), C("last_name", Kind.TEXT, True), C("email", Kind.TEXT, True),
     C("company_id", Kind.INT, True, references="atomic_companies"), CREATOR, ORG, C("created_at", Kind.TIME),
     C("linkedin_url", Kind.TEXT, True), CUSTOM),
)
COMPANIES = Resource(
    "companies", "atomic_companies",
    (ID, C("created_at", Kind.TIME), C("name", Kind.TEXT, True, required=True), C("domain", Kind.TEXT, True),
     C("description", Kind.TEXT, True), C("category", Kind.CSV, True), CREATOR, ORG, CUSTOM),
    legacy=MappingProxyType({"q": ("name", "q")}), search=("t.name",),
)
DEALS = Resource(
    "deals", "atomic_deals",
    (ID, C("name", Kind.TEXT, True, required=True),
     C("company_id", Kind.INT, True, required=True, references="atomic_companies"), C("status", Kind.TEXT, True),
     C("amount", Kind.NUMBER, True), C("created_at", Kind.TIME), C("updated_at", Kind.TIME),
     C("archived_at", Kind.TIME), CREATOR, ORG, CUSTOM),
    legacy=MappingProxyType({"q": ("name", "q"), "status": ("status", "eq"), "company_id": ("company_id", "eq")}),
    search=("t.name",),
)
CONTACT_NOTES = Resource(
    "contact_notes", "atomic_contact_notes",
    (ID, C("contact_id", Kind.INT, True, required=True, references="atomic_contacts"), C("title", Kind.TEXT, True),
     C("text", Kind.TEXT, True), C("date", Kind.TIME, True), CREATOR, ORG, C("status", Kind.TEXT, True),
     C("attachments", Kind.LIST, True)),
    legacy=MappingProxyType({"contact_id": ("contact_id", "eq")}), now_on_create=("date",),
)
DEAL_NOTES = Resource(
    "deal_notes", "atomic_deal_notes",
    (ID, C("deal_id", Kind.INT, True, required=True, references="atomic_deals"), C("title", Kind.TEXT, True),
     C("type", Kind.TEXT, True), C("text", Kind.TEXT, True), C("date", Kind.TIME, True), CREATOR, ORG,
     C("attachments", Kind.LIST, True)),
    legacy=MappingProxyType({"deal_id": ("deal_id", "eq")}), now_on_create=("date",),
)
COMPANY_NOTES = Resource(
    "company_notes", "atomic_company_notes",
    (ID, C("company_id", Kind.INT, True, required=True, references="atomic_companies"),
     C("title", Kind.TEXT, True), C("text", Kind.TEXT, True), C("date", Kind.TIME, True), CREATOR, ORG,
     C("status", Kind.TEXT, True), C("attachments", Kind.LIST, True)),
    legacy=MappingProxyType({"company_id": ("company_id", "eq")}), now_on_create=("date",),
)
TASKS = Resource(
    "tasks", "atomic_tasks",
    (ID, C("parent_task_id", Kind.INT, True), C("contact_id", Kind.INT, True, references="atomic_contacts"),
     C("company_id", Kind.INT, True, references="atomic_companies"),
     C("deal_id", Kind.INT, True, references="atomic_deals"), CREATOR,
     C("assignee_id", Kind.INT, True, references="atomic_users"), ORG, C("type", Kind.TEXT, True),
     C("text", Kind.TEXT, True), C("description", Kind.TEXT, True), C("due_date", Kind.TIME, True),
     C("done_date", Kind.TIME, True)),
    legacy=MappingProxyType({"contact_id": ("contact_id", "eq"), "deal_id": ("deal_id", "eq")}),
)
TAGS = Resource(
    "tags", "atomic_tags",
    (ID, C("name", Kind.TEXT, True, required=True), C("color", Kind.TEXT, True, required=True), ORG),
    creator=False,
)
AUTOMATION_RULES = Resource(
    "automation_rules", "atomic_automation_rules",
    (ID, CREATOR, ORG, C("name", Kind.TEXT, True, required=True), C("enabled", Kind.BOOL, True),
     C("workflow_definition", Kind.JSON, True), C("last_run_at", Kind.TIME), C("created_at", Kind.TIME),
     C("updated_at", Kind.TIME)),
)
CONFIGURATION = Resource(
    "configuration", "atomic_configuration", (ID, C("config", Kind.JSON, True, required=True)), creator=False,
)
CRM_USERS = Resource(
    "crm_users", "atomic_users",
    (ID, C("first_name", Kind.TEXT), C("last_name", Kind.TEXT), C("email", Kind.TEXT), C("user_id", Kind.TEXT), ORG,
     C("administrator", Kind.BOOL), C("avatar", Kind.TEXT), C("disabled", Kind.BOOL),
     C("basics_api_key", Kind.TEXT), C("basics_api_key_enc", Kind.TEXT), C("basics_api_key_hash", Kind.TEXT),
     C("onboarding_seen_at", Kind.TIME), C("onboarding_completed_at", Kind.TIME)),
    creator=False, read_only=True,
)


@dataclass(frozen=True, slots=True)
class Summary:
    """A read-only view over a resource with computed fields; ignores sort and ``filters``."""

    name: str
    base: Resource
    #: (wire name, SQL expression over the base row ``t``)
    computed: tuple[tuple[str, str], ...]
    legacy: Mapping[str, tuple[str, str]]
    search: tuple[str, ...]


COMPANIES_SUMMARY = Summary(
    "companies_summary", COMPANIES,
    (("nbDeals", "(SELECT COUNT(*) FROM atomic_deals d WHERE d.company_id = t.id)"),
     ("nbContacts", "(SELECT COUNT(*) FROM atomic_contacts c WHERE c.company_id = t.id)")),
    MappingProxyType({"q": ("", "q"), "category": ("category", "eq")}), ("t.name", "t.domain"),
)
CONTACTS_SUMMARY = Summary(
    "contacts_summary", CONTACTS,
    (("companyName", "(SELECT c.name FROM atomic_companies c WHERE c.id = t.company_id)"),
     ("nbTasks", "(SELECT COUNT(*) FROM atomic_tasks k WHERE k.contact_id = t.id)")),
    MappingProxyType({"q": ("", "q"), "company_id": ("company_id", "eq")}),
    ("t.first_name", "t.last_name", "t.email", "(SELECT c.name FROM atomic_companies c WHERE c.id = t.company_id)"),
)


def builtin_resources() -> dict[str, Resource]:
    return {r.name: r for r in (CONTACTS, COMPANIES, DEALS, CONTACT_NOTES, DEAL_NOTES, COMPANY_NOTES, TASKS, TAGS,
                                AUTOMATION_RULES, CONFIGURATION, CRM_USERS)}


def summaries() -> dict[str, Summary]:
    return {s.name: s for s in (COMPANIES_SUMMARY, CONTACTS_SUMMARY)}
