"""The standard objects every new workspace starts with, as the real server seeds them."""

from __future__ import annotations

from typing import Any

from crmdesk.sandbox.core.schema import SchemaStore

#: (title, colour, active, celebrates): as the real server seeds them, Won and Lost closed, Won celebrating.
DEAL_STAGES = (
    ("Lead", "#6366f1", True, False),
    ("Qualified", "#8b5cf6", True, False),
    ("Proposal", "#a855f7", True, False),
    ("Negotiation", "#ec4899", True, False),
    ("Won", "#22c55e", False, True),
    ("Lost", "#ef4444", False, False),
)

# (slug, title, type, config, required, unique, multiselect)
Attr = tuple[str, str, str, dict[str, Any], bool, bool, bool]

STANDARD_OBJECTS: tuple[tuple[str, str, str, str, tuple[Attr, ...]], ...] = (
    ("people", "Person", "People", "users", (
        ("name", "Name", "personal_name", {}, True, False, False),
        ("email_addresses", "Email Addresses", "email_address", {}, False, True, True),
        ("phone_numbers", "Phone Numbers", "phone_number", {}, False, False, True),
        ("job_title", "Job Title", "text", {}, False, False, False),
        ("company", "Company", "record_reference", {"target_object": "companies"}, False, False, False),
        ("location", "Location", "location", {}, False, False, False),
        ("description", "Description", "text", {}, False, False, False),
    )),
    ("companies", "Company", "Companies", "building-2", (
        ("name", "Name", "text", {}, True, True, False),
        ("domains", "Domains", "domain", {}, False, True, True),
        ("description", "Description", "text", {}, False, False, False),
        ("team", "Team", "record_reference", {"target_object": "people"}, False, False, True),
        ("primary_location", "Primary Location", "location", {}, False, False, False),
        ("categories", "Categories", "select", {}, False, False, True),
    )),
    ("deals", "Deal", "Deals", "handshake", (
        ("name", "Name", "text", {}, True, False, False),
        ("value", "Value", "currency", {}, False, False, False),
        ("stage", "Stage", "status", {}, True, False, False),
        ("expected_close_date", "Expected Close Date", "date", {}, False, False, False),
        ("owner", "Owner", "actor_reference", {}, False, False, False),
        ("company", "Company", "record_reference", {"target_object": "companies"}, False, False, False),
        ("associated_people", "Associated People", "record_reference", {"target_object": "people"}, False,
         False, True),
    )),
)


def install_standard_objects(schema: SchemaStore) -> None:
    for slug, singular, plural, icon, attributes in STANDARD_OBJECTS:
        row = schema.create_object(slug, singular, plural, icon, system=True)
        for a_slug, title, kind, config, required, unique, multiselect in attributes:
            options = None
            if a_slug == "stage":
                options = [{"title": t, "color": c, "isActive": active, "celebrationEnabled": celebrates}
                           for t, c, active, celebrates in DEAL_STAGES]
            schema.create_attribute(object_id=row["id"], slug=a_slug, title=title, type=kind, config=config,
                                    required=required, unique=unique, multiselect=multiselect, system=True,
                                    options=options)
