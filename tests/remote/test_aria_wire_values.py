"""The real Aria server's recorded answers: attribute definitions and every record value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crmdesk.model import AttributeDef, AttributeType, Option, ValidationError
from crmdesk.model.values import display_text, validate_value
from crmdesk.remote.aria.values import from_wire, to_wire
from tests.model._support import Ctx

ARIA = Path(__file__).parents[1] / "fixtures" / "aria-real"


def body(path: Path) -> Any:
    """The JSON body of a recorded answer (None when the server sent no JSON)."""
    response = path.read_text().split("### RESPONSE:", 1)[1]
    text = response.partition("\n\n")[2].strip()
    try:
        return json.loads(text)
    except ValueError:
        return None


def attribute_from_aria(data: dict[str, Any]) -> AttributeDef:
    """What the aria adapter must build from an attribute; kept here so the model can be tested alone."""
    choices = data.get("statuses") or data.get("options") or ()
    config = dict(data.get("config") or {})
    if "targetObjectSlug" in config:
        config["target_object"] = config["targetObjectSlug"]
    return AttributeDef(
        slug=data["slug"],
        title=data["title"],
        type=AttributeType(data["type"]),
        id=data["id"],
        required=bool(data.get("isRequired")),
        unique=bool(data.get("isUnique")),
        multiselect=bool(data.get("isMultiselect")),
        config=config,
        options=tuple(
            Option(c["id"], c["title"], c.get("color"), c.get("sortOrder", 0), c.get("isActive", True)) for c in choices
        ),
        order=data.get("sortOrder", 0),
        system=bool(data.get("isSystem")),
    )


def _all_attributes() -> dict[str, dict[str, AttributeDef]]:
    """Attributes by owner (object id or list id) and slug, from every recorded definition."""
    owners: dict[str, dict[str, AttributeDef]] = {}
    sources = sorted(ARIA.glob("GET_objects_*_attributes.txt")) + sorted(ARIA.glob("POST_*attributes*.txt"))
    for path in sources:
        data = body(path)["data"]
        for item in data if isinstance(data, list) else [data]:
            if "type" not in item:
                continue  # an option, not an attribute
            owner = item.get("objectId") or item.get("listId")
            owners.setdefault(owner, {})[item["slug"]] = attribute_from_aria(item)
    return owners


ATTRIBUTES = _all_attributes()
LIST_ATTRIBUTES = {
    slug: a for defs in ATTRIBUTES.values() for slug, a in defs.items() if slug in ("priority", "reason")
}


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for child in node.values():
            yield from _walk(child)
    elif isinstance(node, list):
        for child in node:
            yield from _walk(child)


def _recorded_values() -> list[tuple[str, AttributeDef, Any]]:
    found = []
    for path in sorted(ARIA.glob("*.txt")):
        data = body(path)
        for node in _walk(data):
            if isinstance(node.get("values"), dict) and "objectId" in node:
                if path.name.startswith("WEBSHAPE_"):
                    continue  # another server's workspace (other option ids): tests/remote/test_webshapes.py
                defs = ATTRIBUTES[node["objectId"]]
                found += [(path.name, defs[slug], raw) for slug, raw in node["values"].items()]
            if isinstance(node.get("listValues"), dict):
                found += [(path.name, LIST_ATTRIBUTES[slug], raw) for slug, raw in node["listValues"].items()]
    return found


RECORDED = _recorded_values()


def test_every_attribute_definition_parses_into_the_model() -> None:
    types = {a.type for defs in ATTRIBUTES.values() for a in defs.values()}
    assert len(ATTRIBUTES) == 4  # people, companies, deals and the list
    assert types >= {
        AttributeType.TEXT, AttributeType.NUMBER, AttributeType.CURRENCY, AttributeType.DATE,
        AttributeType.TIMESTAMP, AttributeType.CHECKBOX, AttributeType.SELECT, AttributeType.STATUS,
        AttributeType.RATING, AttributeType.EMAIL_ADDRESS, AttributeType.PHONE_NUMBER, AttributeType.DOMAIN,
        AttributeType.LOCATION, AttributeType.PERSONAL_NAME, AttributeType.RECORD_REFERENCE,
        AttributeType.ACTOR_REFERENCE,
    }  # fmt: skip
    stage = next(a for defs in ATTRIBUTES.values() for a in defs.values() if a.slug == "stage")
    assert [o.title for o in stage.options] == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    assert [o.active for o in stage.options] == [True, True, True, True, False, False]
    team = next(a for defs in ATTRIBUTES.values() for a in defs.values() if a.slug == "team")
    assert team.multiselect and team.target_object == "people"


def test_the_fixtures_hold_many_values() -> None:
    assert len(RECORDED) > 500
    assert len({(a.type, json.dumps(raw, sort_keys=True)) for _, a, raw in RECORDED}) > 40


@pytest.mark.parametrize(
    ("name", "attr", "raw"),
    # one case per distinct (attribute, value); the files repeat records page after page
    list({(a.slug, json.dumps(r, sort_keys=True)): (n, a, r) for n, a, r in RECORDED}.values()),
    ids=lambda x: x.slug if isinstance(x, AttributeDef) else None,
)
def test_every_recorded_value_reads_into_a_valid_canonical_value(name: str, attr: AttributeDef, raw: Any) -> None:
    value = from_wire(attr, raw)
    assert validate_value(attr, value) == value
    assert isinstance(display_text(attr, value, Ctx()), str)
    assert from_wire(attr, to_wire(attr, value)) == value
    if attr.multiselect and value is not None:
        assert isinstance(value, list)
    if not attr.multiselect:
        assert not isinstance(value, list)


def _values_of(slug: str) -> list[Any]:
    return [from_wire(a, raw) for _, a, raw in RECORDED if a.slug == slug]


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("value", {"amount": 9999.5, "currency": None}),
        ("value", {"amount": 25000, "currency": "USD"}),
        ("name", {"first_name": "John", "last_name": "Smith", "full_name": "John Smith"}),
        ("name", {"first_name": "Jane", "last_name": "Doe", "full_name": "Jane Doe"}),
        ("name", {"first_name": "Ghost", "full_name": "Ghost"}),
        ("company", "b20085c0-940e-4a8b-ab0d-6f1c3319e3f0"),
        ("associated_people", ["e355f904-f2b6-49d0-a038-4e8a4d4a32e1", "77b628e1-34b5-49d4-a220-c20b33ba4d19"]),
        ("stage", "cbed00de-f577-42f6-9c07-dcbff5dcf273"),
        ("health", "9303ddc0-d110-4ea5-9e56-f43f5656bd65"),
        ("categories", ["8a3329d6-e65a-4756-ad94-5e3871ce3e39"]),
        ("primary_location", {"line1": "1007 Mountain Dr", "city": "Gotham", "country": "US"}),
        ("primary_location", {"line1": "1 Road Runner Way", "city": "Phoenix", "state": "AZ", "postcode": "85001",
                              "country": "US"}),
        ("primary_location", {"line1": "Springfield, USA"}),
        ("location", {"line1": "Phoenix, AZ"}),
        ("score", 2.5),
        ("score", 4),
        ("employees", 1200),
        ("is_customer", False),
        ("last_contacted", "2026-11-20T10:30:00.000Z"),
        ("expected_close_date", "2026-06-15"),
        ("owner", "Z2u95UVlzVWiincWWNg7bxATrfbKB38D"),
        ("email_addresses", ["john@globex.com", "j.smith@gmail.com"]),
        ("phone_numbers", ["+442079460000"]),  # read as E.164 (the server sent "+44 20 7946 0000")
        ("domains", ["acme.com", "acme.io"]),
        ("priority", 5),
        ("reason", "Budget approved"),
    ],
)  # fmt: skip
def test_known_recorded_values_read_as_expected(slug: str, expected: Any) -> None:
    assert expected in _values_of(slug)


def test_recorded_values_display_as_a_user_expects() -> None:
    deals = ATTRIBUTES["13fad2d1-1f75-4807-8636-6c1e12840ce1"]
    assert display_text(deals["value"], {"amount": 25000, "currency": "USD"}) == "$25,000.00"
    assert display_text(deals["value"], {"amount": 9999.5, "currency": None}) == "9,999.50"
    assert display_text(deals["stage"], "cbed00de-f577-42f6-9c07-dcbff5dcf273") == "Qualified"
    assert display_text(deals["expected_close_date"], "2026-06-15") == "Jun 15, 2026"


def test_a_status_written_by_title_reads_back_as_the_id_the_server_stores() -> None:
    stage = ATTRIBUTES["13fad2d1-1f75-4807-8636-6c1e12840ce1"]["stage"]
    assert to_wire(stage, "946b17c1-1f29-4e89-b25c-45dfb780df87") == "Won"
    assert from_wire(stage, "won") == "946b17c1-1f29-4e89-b25c-45dfb780df87"


def test_timeline_times_without_a_zone_are_utc_with_milliseconds() -> None:
    stamp = AttributeDef("occurred_at", "Occurred At", AttributeType.TIMESTAMP)
    times = [
        event["occurredAt"]
        for path in sorted(ARIA.glob("GET_timeline_*.txt"))
        for event in _walk(body(path))
        if "occurredAt" in event
    ]
    assert "2026-11-24 05:09:18.921663" in times
    assert from_wire(stamp, "2026-11-24 05:09:18.921663") == "2026-11-24T05:09:18.921Z"
    for raw in times:
        value = from_wire(stamp, raw)
        assert value.endswith("Z") and value[:10] == raw[:10] and value[11:23] == raw[11:23].replace(" ", "T")


def test_task_links_and_assignees_read_as_reference_lists() -> None:
    linked = AttributeDef("linked", "Linked Records", AttributeType.RECORD_REFERENCE, multiselect=True)
    assignees = AttributeDef("assignees", "Assignees", AttributeType.ACTOR_REFERENCE, multiselect=True)
    task = body(ARIA / "GET_tasks.txt")["data"]["tasks"][0]
    assert from_wire(linked, task["linkedRecords"]) == [
        "e355f904-f2b6-49d0-a038-4e8a4d4a32e1",
        "f39c712d-a8c9-4649-ae67-3969bd0bb61a",
    ]
    assert from_wire(assignees, task["assignees"]) == ["Z2u95UVlzVWiincWWNg7bxATrfbKB38D"]
    deadline = AttributeDef("deadline", "Deadline", AttributeType.TIMESTAMP)
    assert from_wire(deadline, task["deadline"]) == "2026-12-01T15:00:00.000Z"


@pytest.mark.parametrize("empty", [None, "", [], {}])
def test_empty_wire_values_read_as_empty(empty: Any) -> None:
    for defs in ATTRIBUTES.values():
        for attr in defs.values():
            assert from_wire(attr, empty) is None


def test_a_list_for_a_single_value_attribute_keeps_the_first_element() -> None:
    job = ATTRIBUTES["3fafbdda-9d7c-40a8-ad16-12a3d67ed205"]["job_title"]
    assert from_wire(job, ["CTO", "CEO"]) == "CTO"


@pytest.mark.parametrize(
    ("slug", "raw"),
    [("employees", True), ("employees", "lots"), ("is_customer", "perhaps"), ("last_contacted", "2026-13-45"),
     ("score", 9), ("domains", ["not a domain"]), ("job_title", {"x": 1})],
)  # fmt: skip
def test_bad_wire_values_are_validation_errors_naming_the_attribute(slug: str, raw: Any) -> None:
    attr = next(a for defs in ATTRIBUTES.values() for a in defs.values() if a.slug == slug)
    with pytest.raises(ValidationError) as caught:
        from_wire(attr, raw)
    assert caught.value.attribute == attr.title
