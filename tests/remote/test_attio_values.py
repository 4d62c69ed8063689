"""Attio's value objects ↔ canonical values: every type both ways, the spec's own examples read without
loss, past values ignored, poison skipped, and what Attio cannot hold refused before sending."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, ValidationError
from crmdesk.remote import schema_cache
from crmdesk.remote.attio import AttioBackend, connect_attio
from crmdesk.remote.attio.values import READ_ONLY, TYPES, WIRE_TYPES, from_wire, to_wire
from crmdesk.remote.errors import ServerRejected
from tests.attio_spec import spec

from .attio_support import MEMBER, OPTION, PERSON, STATUS, attr, output_examples

T = AttributeType
LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
         "et dolore magna aliqua.")

#: What each of the spec's output-value examples reads as (two branches each for select and status:
#: the id alone, and the option or status object).
EXPECTED: dict[str, Any] = {
    "actor-reference": MEMBER,
    "checkbox": True,
    "currency": {"amount": 99, "currency": "USD"},
    "date": "2023-01-01",
    "domain": "app.attio.com",
    "email-address": "alice@app.attio.com",
    "record-reference": PERSON,
    "interaction": {"type": "email", "at": "2023-01-01T15:00:00.000Z"},
    "location": {"line1": "1 Infinite Loop", "line2": "Block 1, Hilldrop Estate, Westborough", "city": "Cupertino",
                 "state": "CA", "postcode": "95014", "country": "US"},
    "number": 42,
    "personal-name": {"first_name": "Ada", "last_name": "Lovelace", "full_name": "Ada Lovelace"},
    "phone-number": "+15558675309",
    "status": STATUS,
    "rating": 3,
    "select": OPTION,
    "text": LOREM,
    "timestamp": "2023-01-01T15:00:00.000Z",
}


def test_every_attio_type_is_one_of_the_models_17() -> None:
    enum = spec()["components"]["schemas"]["attribute"]["properties"]["type"]["enum"]
    assert set(enum) == set(TYPES) and set(TYPES.values()) == set(AttributeType)
    assert {WIRE_TYPES[kind] for kind in AttributeType} == set(enum)


@pytest.mark.parametrize("example", output_examples(), ids=lambda e: str(e["attribute_type"]))
def test_the_specs_own_examples_read_without_loss(example: dict[str, Any]) -> None:
    kind = TYPES[example["attribute_type"]]
    assert from_wire(attr(kind), [example]) == EXPECTED[example["attribute_type"]]


def test_the_specs_entry_values_example_reads() -> None:
    path = spec()["paths"]["/v2/lists/{list}/entries/query"]["post"]["responses"]["200"]["content"]
    raw = path["application/json"]["schema"]["properties"]["data"]["items"]["properties"]["entry_values"]["example"]
    attrs = {"status": attr(T.STATUS, "status"), "created_at": attr(T.TIMESTAMP, "created_at"),
             "created_by": attr(T.ACTOR_REFERENCE, "created_by")}
    values = schema_cache.decode_values(attrs, raw, owner="entry", read=from_wire)
    assert values == {"status": "527def35-7994-4ef7-9584-80ef8de352a8", "created_at": "2023-01-01T15:00:00.000Z",
                      "created_by": MEMBER}


def _target(attribute: AttributeDef, record_id: str) -> str:
    return attribute.target_object or "people"


@pytest.mark.parametrize(("kind", "canonical", "wire"), [
    (T.TEXT, "Hello", "Hello"),
    (T.NUMBER, 12.5, 12.5),
    (T.CHECKBOX, False, False),
    (T.DATE, "2026-01-31", "2026-01-31"),
    (T.TIMESTAMP, "2026-01-31T14:30:00.000Z", "2026-01-31T14:30:00.000Z"),
    (T.RATING, 4, 4),
    (T.SELECT, OPTION, OPTION),
    (T.STATUS, STATUS, STATUS),
    (T.CURRENCY, {"amount": 1200.5, "currency": "USD"}, {"currency_value": 1200.5}),
    (T.EMAIL_ADDRESS, "ada@example.com", {"email_address": "ada@example.com"}),
    (T.PHONE_NUMBER, "+442071838750", {"original_phone_number": "+442071838750", "country_code": "GB"}),
    (T.DOMAIN, "example.com", {"domain": "example.com"}),
    (T.LOCATION, {"line1": "1 Main St", "city": "Springfield", "country": "us"},
     {"line_1": "1 Main St", "line_2": None, "line_3": None, "line_4": None, "locality": "Springfield",
      "region": None, "postcode": None, "country_code": "US", "latitude": None, "longitude": None}),
    (T.PERSONAL_NAME, {"first_name": "Ada", "full_name": "Ada"},
     {"first_name": "Ada", "last_name": "", "full_name": "Ada"}),
    (T.RECORD_REFERENCE, PERSON, {"target_object": "people", "target_record_id": PERSON}),
    (T.ACTOR_REFERENCE, MEMBER, {"referenced_actor_type": "workspace-member", "referenced_actor_id": MEMBER}),
])
def test_every_writable_type_is_written_as_the_spec_takes_it(kind: AttributeType, canonical: Any, wire: Any) -> None:
    attribute = attr(kind, config={"currency_code": "USD"} if kind is T.CURRENCY else {})
    assert to_wire(attribute, canonical, _target) == [wire]
    assert to_wire(attribute, None, _target) == []  # a clear


def test_a_value_written_then_read_back_as_attio_answers_it_is_the_same() -> None:
    cases = [
        (T.CURRENCY, {"amount": 10, "currency": "EUR"},
         {"currency_value": 10, "currency_code": "EUR", "attribute_type": "currency"}),
        (T.PERSONAL_NAME, {"first_name": "Ada", "last_name": "King", "full_name": "Ada King"},
         {"first_name": "Ada", "last_name": "King", "full_name": "Ada King", "attribute_type": "personal-name"}),
        (T.LOCATION, {"line1": "1 Main St", "city": "Leeds", "country": "GB"},
         {"line_1": "1 Main St", "line_2": None, "line_3": None, "line_4": None, "locality": "Leeds", "region": None,
          "postcode": None, "country_code": "GB", "latitude": None, "longitude": None, "attribute_type": "location"}),
    ]
    for kind, canonical, stored in cases:
        attribute = attr(kind, config={"currency_code": "EUR"})
        assert from_wire(attribute, [{**stored, "active_until": None}]) == canonical
        written = to_wire(attribute, canonical, _target)[0]
        assert all(stored[key] == value for key, value in written.items())


def test_past_values_are_not_read() -> None:
    old = {"value": "Old", "active_until": "2026-01-01T00:00:00.000000000Z", "attribute_type": "text"}
    new = {"value": "New", "active_until": None, "attribute_type": "text"}
    assert from_wire(attr(T.TEXT), [old, new]) == "New"
    assert from_wire(attr(T.TEXT), [old]) is None


def test_multiselect_reads_every_active_value_and_writes_a_list() -> None:
    tags = attr(T.SELECT, "tags", multiselect=True)
    raw = [{"option": OPTION, "active_until": None}, {"option": {"id": {"option_id": "b7f5b1c2-0c0a-4c33-9a4e-"
                                                                       "2f1e5c6d7e8f"}}, "active_until": None}]
    value = from_wire(tags, raw)
    assert value == [OPTION, "b7f5b1c2-0c0a-4c33-9a4e-2f1e5c6d7e8f"]
    assert to_wire(tags, value, _target) == value


def test_an_actor_that_is_no_member_is_left_out() -> None:
    token = {"referenced_actor_type": "api-token", "referenced_actor_id": MEMBER, "active_until": None}
    assert from_wire(attr(T.ACTOR_REFERENCE), [token]) is None


def test_an_empty_personal_name_is_no_value() -> None:
    raw = {"first_name": "", "last_name": "", "full_name": "", "active_until": None}
    assert from_wire(attr(T.PERSONAL_NAME), [raw]) is None


def test_poison_skips_the_value_and_keeps_the_others(caplog: pytest.LogCaptureFixture) -> None:
    attrs = {"name": attr(T.PERSONAL_NAME, "name"), "note": attr(T.TEXT, "note"), "city": attr(T.TEXT, "city")}
    raw = {
        "name": [{"first_name": "A\ud800", "last_name": "B", "full_name": "A B", "active_until": None}],
        "note": [{"value": "x\x00y", "active_until": None}],
        "city": [{"value": "Leeds", "active_until": None}],
    }
    assert schema_cache.decode_values(attrs, raw, owner="t", read=from_wire) == {"city": "Leeds"}
    assert [r.message.split(":")[0] for r in caplog.records] == ["skipping the value of 'name' on t",
                                                                 "skipping the value of 'note' on t"]
    caplog.clear()


def test_an_unreadable_value_is_a_validation_error_naming_the_attribute() -> None:
    with pytest.raises(ValidationError, match="Number"):
        from_wire(attr(T.NUMBER), [{"value": "many", "active_until": None}])
    with pytest.raises(ValidationError):
        from_wire(attr(T.TEXT), {"value": "not a list"})


def test_what_attio_cannot_hold_is_refused_naming_the_attribute() -> None:
    with pytest.raises(ValidationError, match="kept in USD"):
        to_wire(attr(T.CURRENCY, config={"currency_code": "USD"}), {"amount": 5, "currency": "EUR"}, _target)
    # Without a code of its own the attribute cannot keep the value's: refused, not sent without it.
    with pytest.raises(ValidationError, match="no currency of its own"):
        to_wire(attr(T.CURRENCY), {"amount": 5, "currency": "EUR"}, _target)
    # An amount with no code loses nothing: written either way.
    assert to_wire(attr(T.CURRENCY), {"amount": 5, "currency": None}, _target) == [{"currency_value": 5}]
    assert to_wire(attr(T.CURRENCY, config={"currency_code": "USD"}), {"amount": 5}, _target) == [
        {"currency_value": 5}]
    with pytest.raises(ValidationError, match="two-letter"):
        to_wire(attr(T.LOCATION), {"line1": "x", "country": "United Kingdom"}, _target)
    with pytest.raises(ValidationError, match="cannot be written"):
        to_wire(attr(T.INTERACTION), {"type": "email"}, _target)
    with pytest.raises(ValidationError, match="cannot be changed"):
        to_wire(attr(T.TEXT, config={READ_ONLY: True}), "x", _target)
    with pytest.raises(ValidationError, match="does not know"):
        to_wire(attr(T.RECORD_REFERENCE), "local-123", _target)


@pytest.fixture
def offline() -> Iterator[AttioBackend]:
    """A backend that never reaches a server (nothing listens): refusals come before a request."""
    backend = connect_attio("http://127.0.0.1:9", "token")
    deals = ObjectDef("deals", "Deal", "Deals", attributes=(
        attr(T.CURRENCY, "value", config={"currency_code": "USD"}), attr(T.TEXT, "name"),
        attr(T.CURRENCY, "budget")))
    backend.schema.put(deals)
    yield backend
    backend.close()


def test_a_write_in_another_currency_is_refused_before_sending(offline: AttioBackend) -> None:
    with pytest.raises(ServerRejected) as caught:
        offline.update_record("deals", PERSON, {"value": {"amount": 10, "currency": "EUR"}, "name": "x"})
    assert set(caught.value.field_errors) == {"value"} and "USD" in caught.value.field_errors["value"]
    with pytest.raises(ServerRejected) as unknown:
        offline.create_record("deals", {"stage": "won"}, idempotency_key="k")
    assert set(unknown.value.field_errors) == {"stage"}


def test_ids_made_offline_are_refused_before_sending(offline: AttioBackend) -> None:
    with pytest.raises(ServerRejected) as caught:
        offline.update_record("deals", "local-1", {"name": "x"})
    assert set(caught.value.field_errors) == {"id"}


def test_an_amount_in_any_currency_on_an_attribute_without_one_is_refused_naming_it(offline: AttioBackend) -> None:
    """Attio writes ``currency_value`` only: where the attribute has no ``default_currency_code``
    the value's code would be dropped on the way, so the write is refused naming the field."""
    with pytest.raises(ServerRejected) as caught:
        offline.update_record("deals", PERSON, {"budget": {"amount": 10, "currency": "EUR"}, "name": "x"})
    assert set(caught.value.field_errors) == {"budget"} and "EUR" in caught.value.field_errors["budget"]
    with pytest.raises(ServerRejected) as made:
        offline.create_record("deals", {"budget": {"amount": 10, "currency": "GBP"}}, idempotency_key="k")
    assert set(made.value.field_errors) == {"budget"}


#: The spec's own example location (its ``output-value`` branch), as a server answers it.
SPEC_LOCATION = next(v for v in output_examples() if v["attribute_type"] == "location")


def _written(element: dict[str, Any], current: list[dict[str, Any]]) -> dict[str, Any]:
    [body] = to_wire(attr(T.LOCATION), element, _target, current)
    return dict(body)


def test_a_location_edit_keeps_what_the_model_cannot_hold_while_it_still_applies() -> None:
    """Lines 2-4 are kept as they were while the model's line 2 is still their join; latitude and
    longitude while the place (line 1, city, state, postcode, country) is unchanged."""
    current = [SPEC_LOCATION]
    read = from_wire(attr(T.LOCATION), current)
    assert read == EXPECTED["location"]
    same = _written(read, current)
    assert {k: same[k] for k in ("line_2", "line_3", "line_4", "latitude", "longitude")} == {
        "line_2": "Block 1", "line_3": "Hilldrop Estate", "line_4": "Westborough", "latitude": "37.331741",
        "longitude": "-122.030333"}
    # A new line 2: what the user saw as one line is now that line; the place is the same.
    moved_in = _written({**read, "line2": "Block 2, Hilldrop Estate, Westborough"}, current)
    assert (moved_in["line_2"], moved_in["line_3"], moved_in["line_4"]) == (
        "Block 2, Hilldrop Estate, Westborough", None, None)
    assert (moved_in["latitude"], moved_in["longitude"]) == ("37.331741", "-122.030333")
    # Another street or postcode: the coordinates would point at the old address; lines 2-4 stay.
    for change in ({"line1": "2 Infinite Loop"}, {"postcode": "95015"}, {"city": "Palo Alto"},
                   {"country": "CA"}, {"state": None}):
        elsewhere = _written({k: v for k, v in {**read, **change}.items() if v is not None}, current)
        assert (elsewhere["latitude"], elsewhere["longitude"]) == (None, None), change
        assert (elsewhere["line_3"], elsewhere["line_4"]) == ("Hilldrop Estate", "Westborough"), change
    # A change of case is no move; no value on the server: nothing to keep.
    assert _written({**read, "city": "CUPERTINO", "country": "us"}, current)["latitude"] == "37.331741"
    assert _written(read, [])["latitude"] is None and _written(read, [])["line_3"] is None
    # A past value is not the one replaced.
    assert _written(read, [{**SPEC_LOCATION, "active_until": "2024-01-01T00:00:00.000000000Z"}])["line_3"] is None
