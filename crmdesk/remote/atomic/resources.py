"""Atomic's resources ↔ the model's objects, and the schema crmdesk makes up for them.

The server has no schema endpoint for its built-in resources: their fields are fixed (read from
the real server's answers, ``tests/fixtures/atomic-real/``). The schema below is synthesized from
them, with the deal stages of ``GET /api/configuration``; custom objects come from
``GET /api/object-config``.

| resource | object slug | fields (attribute slug = the snake_case field) |
| --- | --- | --- |
| contacts | people | name (personal name: first_name + last_name), email, company_id (→ companies), linkedin_url |
| companies | companies | name (text, required), domain, description, category (text, comma-joined) |
| deals | deals | name, company_id (→ companies, required), status (status: dealStages), amount (number) |
| (custom) | its config slug | name, and its fields (the config's, or its records'), in custom_fields |

``crm_user_id`` (the owner, an actor reference) is read on all of them and never written.
Attribute slugs are the field names the server takes on write (snake_case); answers use
camelCase (``read``), except custom objects, which answer snake_case. One attribute spans two
fields: a person's ``name`` (a personal name, so the person is titled by the full name, as
Aria's people are) is read from ``firstName``/``lastName`` and written as
``first_name``/``last_name`` (``FieldSpec.parts``).

A deal's ``amount`` stays a number: the server keeps a bare number, and neither its
``configuration`` (recordings 116–119: title, dealStages, companySectors, dealCategories) nor
its deals name a currency, so crmdesk would have to invent one.

Not mapped: tags (this server's contacts have no tags field: README 12, recording 114),
``customFields`` of built-in resources (free-form, no schema to type them), a deal's
``archivedAt`` (archived deals are not in lists), ``organizationId`` (the workspace's id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Option


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a resource: its attribute slug (= the snake_case name writes use), the
    camelCase key answers use, and whether the server's write whitelist takes it."""

    slug: str
    read: str
    title: str
    type: AttributeType
    writable: bool = True
    required: bool = False
    config: Mapping[str, Any] = field(default_factory=dict)
    #: A value the server keeps in several fields: (key of the canonical value, field written,
    #: key answered) for each. Empty: the value is the one field ``slug``/``read``.
    parts: tuple[tuple[str, str, str], ...] = ()

    @property
    def written(self) -> tuple[str, ...]:
        """The fields a write of this value sets."""
        return tuple(written for _key, written, _read in self.parts) if self.parts else (self.slug,)

    def answered_in(self, row: Mapping[str, Any]) -> bool:
        """Whether ``row`` (an answer) holds this value, or any part of it."""
        return any(read in row for _key, _written, read in self.parts) if self.parts else self.read in row

    def wire_of(self, row: Mapping[str, Any]) -> Any:
        """The value as the row holds it: the one field's, or ``{part key: field}`` of its parts."""
        if self.parts:
            return {key: row.get(read) for key, _written, read in self.parts}
        return row.get(self.read)


@dataclass(frozen=True, slots=True)
class Resource:
    """One API resource holding the records of one object."""

    name: str
    object_slug: str
    singular: str
    plural: str
    icon: str
    fields: tuple[FieldSpec, ...]
    #: The key of the row's last-change time in answers (None: the server keeps none).
    updated_key: str | None = None
    created_key: str | None = "createdAt"
    #: A custom object: answers snake_case with string ids, and the server keeps keys that are
    #: not columns in ``custom_fields`` (README 7).
    custom: bool = False
    #: Notes of this object's records: (resource, parent field written, parent key answered).
    notes: tuple[str, str, str] | None = None
    #: The field of a task that links a record of this object.
    task_link: str | None = None

    def spec(self, slug: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.slug == slug:
                return spec
        return None

    def slug_of_field(self, written: str) -> str:
        """The attribute a field the server names (``first_name``) belongs to (``name``); the
        field itself when no attribute spans it."""
        for spec in self.fields:
            if spec.parts and written in spec.written:
                return spec.slug
        return written


#: The resource of the workspace's members (an owner, an assignee, a note's author) and of tasks.
MEMBERS = "crm_users"
TASKS = "tasks"

_OWNER = FieldSpec("crm_user_id", "crmUserId", "Owner", AttributeType.ACTOR_REFERENCE, writable=False)
_COMPANY = {"target_object": "companies"}
#: A contact's name: the personal name's first and last name, written snake_case, answered
#: camelCase. Either may be missing (056: ``lastName: null``); the full name is composed.
NAME_PARTS = (("first_name", "first_name", "firstName"), ("last_name", "last_name", "lastName"))

# Writable fields: what the real server took in recordings 048, 057, 058 (contacts), 067, 070
# (companies), 085, 088 (deals); it refuses any other key with 400 (050, 059, 114).
BUILTIN: tuple[Resource, ...] = (
    Resource(
        "contacts", "people", "Person", "People", "users",
        (
            # One personal name, so a person is titled "Jane Smith", not "Jane".
            FieldSpec("name", "", "Name", AttributeType.PERSONAL_NAME, parts=NAME_PARTS),
            FieldSpec("email", "email", "Email", AttributeType.EMAIL_ADDRESS),
            FieldSpec("company_id", "companyId", "Company", AttributeType.RECORD_REFERENCE, config=_COMPANY),
            FieldSpec("linkedin_url", "linkedinUrl", "LinkedIn", AttributeType.TEXT),
            _OWNER,
        ),
        notes=("contact_notes", "contact_id", "contactId"),
        task_link="contact_id",
    ),
    Resource(
        "companies", "companies", "Company", "Companies", "building-2",
        (
            FieldSpec("name", "name", "Name", AttributeType.TEXT, required=True),
            FieldSpec("domain", "domain", "Domain", AttributeType.DOMAIN),
            FieldSpec("description", "description", "Description", AttributeType.TEXT),
            # Sent as a string or a list, kept comma-joined ("software,consulting": 067): text.
            FieldSpec("category", "category", "Category", AttributeType.TEXT),
            _OWNER,
        ),
        notes=("company_notes", "company_id", "companyId"),
        task_link="company_id",
    ),
    Resource(
        "deals", "deals", "Deal", "Deals", "handshake",
        (
            FieldSpec("name", "name", "Name", AttributeType.TEXT, required=True),
            FieldSpec("company_id", "companyId", "Company", AttributeType.RECORD_REFERENCE, required=True,
                      config=_COMPANY),
            # Free text on the server (181), shown as a status with configuration's deal stages.
            FieldSpec("status", "status", "Stage", AttributeType.STATUS),
            # A bare number, and no currency anywhere on this server (configuration 116–119 names
            # none): a number, not a currency with an invented code.
            FieldSpec("amount", "amount", "Amount", AttributeType.NUMBER),
            _OWNER,
        ),
        updated_key="updatedAt",
        notes=("deal_notes", "deal_id", "dealId"),
        task_link="deal_id",
    ),
)

BY_OBJECT: Mapping[str, Resource] = {r.object_slug: r for r in BUILTIN}
#: Resources an object-config entry may name that are not custom objects.
BUILTIN_NAMES = frozenset({r.name for r in BUILTIN} | {r.object_slug for r in BUILTIN})

#: The columns of every custom object's table (170): a field of the same name would be shadowed.
_CUSTOM_COLUMNS = frozenset({"id", "name", "crm_user_id", "organization_id", "custom_fields", "created_at",
                             "updated_at"})

#: Types of a custom object's ``fieldType``; anything else is read as text.
_CUSTOM_TYPES: Mapping[str, AttributeType] = {
    "text": AttributeType.TEXT,
    "string": AttributeType.TEXT,
    "textarea": AttributeType.TEXT,
    "number": AttributeType.NUMBER,
    "integer": AttributeType.NUMBER,
    "currency": AttributeType.NUMBER,
    "date": AttributeType.DATE,
    "datetime": AttributeType.TIMESTAMP,
    "boolean": AttributeType.CHECKBOX,
    "checkbox": AttributeType.CHECKBOX,
    "email": AttributeType.EMAIL_ADDRESS,
    "phone": AttributeType.PHONE_NUMBER,
    "domain": AttributeType.DOMAIN,
    "rating": AttributeType.RATING,
}


def stage_options(config: Any) -> tuple[Option, ...]:
    """Deal stages from ``configuration``'s ``dealStages`` (``{label, value}``): the value is what a
    deal's ``status`` holds, so it is the option's id."""
    stages = config.get("dealStages") if isinstance(config, Mapping) else None
    options = []
    for order, stage in enumerate(stages if isinstance(stages, list) else []):
        if not isinstance(stage, Mapping):
            continue
        value, label = stage.get("value"), stage.get("label")
        if isinstance(value, str) and value.strip():
            options.append(Option(id=value, title=label if isinstance(label, str) and label else value, order=order))
    return tuple(options)


def _attribute(spec: FieldSpec, order: int, options: tuple[Option, ...] = ()) -> AttributeDef:
    return AttributeDef(
        slug=spec.slug, title=spec.title, type=spec.type, id=spec.slug, required=spec.required,
        config=dict(spec.config), options=options, order=order,
        # A field the server will not take is shown read-only, like a system attribute.
        system=not spec.writable,
    )


def object_def(resource: Resource, config: Any = None) -> ObjectDef:
    """The object of ``resource``; deal stages from ``config`` (configuration's ``config``)."""
    attributes = []
    for order, spec in enumerate(resource.fields):
        options = stage_options(config) if spec.type is AttributeType.STATUS else ()
        attributes.append(_attribute(spec, order, options))
    return ObjectDef(
        slug=resource.object_slug, singular_name=resource.singular, plural_name=resource.plural,
        icon=resource.icon, id=resource.name, attributes=tuple(attributes), system=not resource.custom,
    )


def custom_resource(row: Mapping[str, Any]) -> Resource | None:
    """The resource of an object-config entry (169: ``{slug, singularName, pluralName, icon, …}``,
    fields as ``{name, label, fieldType}`` where the server sends them); None for a built-in."""
    slug = row.get("slug")
    if not isinstance(slug, str) or not slug.strip() or slug in BUILTIN_NAMES:
        return None
    specs = [FieldSpec("name", "name", "Name", AttributeType.TEXT)]
    raw_fields = row.get("fields") or row.get("attributes")
    for item in raw_fields if isinstance(raw_fields, list) else []:
        if not isinstance(item, Mapping):
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or name in _CUSTOM_COLUMNS or any(
            s.slug == name for s in specs
        ):
            continue
        label = item.get("label")
        kind = _CUSTOM_TYPES.get(str(item.get("fieldType") or "").lower(), AttributeType.TEXT)
        specs.append(FieldSpec(name, name, label if isinstance(label, str) and label else name, kind))
    specs.append(FieldSpec("crm_user_id", "crm_user_id", "Owner", AttributeType.ACTOR_REFERENCE, writable=False))
    singular = row.get("singularName")
    plural = row.get("pluralName")
    icon = row.get("icon")
    return Resource(
        slug, slug,
        singular if isinstance(singular, str) and singular else slug,
        plural if isinstance(plural, str) and plural else slug,
        icon if isinstance(icon, str) and icon else "box",
        tuple(specs), updated_key="updated_at", created_key="created_at", custom=True,
    )


def _sampled_type(values: list[Any]) -> AttributeType | None:
    """The type all of a custom field's sampled values share; None when they share none."""
    if all(isinstance(v, bool) for v in values):
        return AttributeType.CHECKBOX
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return AttributeType.NUMBER
    if all(isinstance(v, str) for v in values):
        return AttributeType.TEXT
    return None


def with_sampled_fields(resource: Resource, rows: list[Mapping[str, Any]]) -> Resource:
    """A custom object whose config names no fields (the real server's object-config answers
    none, 169), with the fields its records hold in ``custom_fields``, typed by the values seen
    (numbers, true/false, text; a field whose values differ in kind, or hold lists or objects,
    is left out rather than read wrongly)."""
    seen: dict[str, list[Any]] = {}
    for row in rows:
        extra = row.get("custom_fields")
        for key, value in (extra.items() if isinstance(extra, Mapping) else ()):
            if isinstance(key, str) and key.strip() and value is not None:
                seen.setdefault(key, []).append(value)
    known = {spec.slug for spec in resource.fields}
    added = []
    for key, values in seen.items():
        kind = _sampled_type(values)
        if kind is not None and key not in known and key not in _CUSTOM_COLUMNS:
            added.append(FieldSpec(key, key, key.replace("_", " ").capitalize(), kind))
    if not added:
        return resource
    *columns, owner = resource.fields
    return replace(resource, fields=(*columns, *sorted(added, key=lambda spec: spec.slug), owner))
