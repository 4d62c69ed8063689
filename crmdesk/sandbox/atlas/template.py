"""The Atlas templates: company, contact and sale, each in sections of built-in and custom fields.

Atlas has no template writes, so the templates are fixed here rather than stored. Built-in field
ids are ``<type>-<name>``; custom fields have UUID ids, the same in every sandbox (a UUID5 of the
type and label), so a test or a reopened file never has to look them up by label. A select's
options are ``config.options`` (labels in display order) and a decimal with ``config.currency`` is
money in that code — assumptions the seed leaves open (docs/sandbox.md, "The atlas facade"; docs/remote.md,
"atlas").
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any

TYPES = ("company", "contact", "sale")
_NAMESPACE = uuid.UUID("6f6e7b1e-5c1a-4c1e-9d4b-61746c617321")


def custom_id(entity_type: str, label: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{entity_type}/{label}"))


#: Field type → (the filter operators it allows, the default operator) — the seed's table.
OPERATORS: Mapping[str, tuple[tuple[str, ...], str]] = MappingProxyType({
    "string": (("eq", "contains"), "eq"),
    "text": (("contains",), "contains"),
    "date": (("eq", "gte", "lte"), "eq"),
    "timestamp": (("eq", "gte", "lte"), "eq"),
    "decimal": (("eq", "gte", "lte"), "eq"),
    "user": (("eq",), "eq"),
    "single-select": (("eq",), "eq"),
    "multi-select": (("contains",), "contains"),
})


@dataclass(frozen=True)
class FieldDef:
    id: str
    label: str
    type: str
    required: bool = False
    default: Any = None
    options: tuple[str, ...] = ()
    currency: str | None = None

    def config(self) -> dict[str, Any]:
        if self.options:
            return {"options": list(self.options)}
        return {"currency": self.currency} if self.currency else {}

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "type": self.type, "default-value": self.default,
                "config": self.config(), "required": self.required}

    def option(self, label: str) -> str | None:
        """The option a label names, case-insensitively (the seed filters ``sale-status=open``)."""
        folded = label.casefold()
        return next((o for o in self.options if o.casefold() == folded), None)


@dataclass(frozen=True)
class Section:
    name: str
    fields: tuple[FieldDef, ...]


@dataclass(frozen=True)
class Template:
    type: str
    sections: tuple[Section, ...]

    @property
    def name_field(self) -> str:
        return f"{self.type}-name"

    @cached_property  # read on every request; a frozen dataclass still has a __dict__ to cache in
    def fields(self) -> dict[str, FieldDef]:
        return {f.id: f for s in self.sections for f in s.fields}

    def as_json(self) -> dict[str, Any]:
        return {"sections": [{"name": s.name, "fields": [f.as_json() for f in s.fields]} for s in self.sections]}


INDUSTRIES = ("Software", "Manufacturing", "Retail", "Finance", "Healthcare", "Logistics")
LANGUAGES = ("English", "Dutch", "German", "French", "Spanish")
STATUSES = ("Open", "Won", "Lost")
STAGES = ("Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost")
PRODUCTS = ("Licenses", "Support", "Training", "Consulting", "Hardware")
CURRENCY = "EUR"


def _custom(entity_type: str, label: str, kind: str, **more: Any) -> FieldDef:
    return FieldDef(custom_id(entity_type, label), label, kind, **more)


def _templates() -> dict[str, Template]:
    company = Template("company", (
        Section("Details", (
            FieldDef("company-name", "Name", "string", required=True),
            FieldDef("company-website", "Website", "string"),
            FieldDef("company-phone", "Phone", "string"),
            FieldDef("company-description", "Description", "text"))),
        Section("Account", (
            _custom("company", "Industry", "single-select", options=INDUSTRIES),
            _custom("company", "Customer since", "date"),
            _custom("company", "Account manager", "user"),
            _custom("company", "Annual revenue", "decimal", currency=CURRENCY))),
    ))
    contact = Template("contact", (
        Section("Details", (
            FieldDef("contact-name", "Name", "string", required=True),
            FieldDef("contact-email", "Email", "string"),
            FieldDef("contact-phone", "Phone", "string"),
            FieldDef("contact-job-title", "Job title", "string"))),
        Section("Profile", (
            _custom("contact", "Languages", "multi-select", options=LANGUAGES),
            _custom("contact", "Birthday", "date"),
            _custom("contact", "Last contacted", "timestamp"),
            _custom("contact", "Notes", "text"))),
    ))
    sale = Template("sale", (
        Section("Details", (
            FieldDef("sale-name", "Name", "string", required=True),
            FieldDef("sale-balance", "Balance", "decimal", currency=CURRENCY),
            FieldDef("sale-status", "Status", "single-select", required=True, default="Open", options=STATUSES),
            FieldDef("sale-owner", "Owner", "user"),
            FieldDef("sale-close-date", "Expected close date", "date"))),
        Section("Pipeline", (
            _custom("sale", "Pipeline stage", "single-select", default="Lead", options=STAGES),
            _custom("sale", "Products", "multi-select", options=PRODUCTS),
            _custom("sale", "Next step", "text"),
            _custom("sale", "Signed at", "timestamp"))),
    ))
    return {t.type: t for t in (company, contact, sale)}


TEMPLATES: Mapping[str, Template] = MappingProxyType(_templates())
