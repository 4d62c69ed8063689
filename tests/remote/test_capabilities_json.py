"""Capabilities as the workspace file keeps them: every field round-trips, and a file from
another crmdesk version (a key unknown, missing or damaged) reads as the dialect's defaults there."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from typing import Any

import pytest

from crmdesk.model import AttributeType
from crmdesk.model.limits import ValueLimits
from crmdesk.remote.aria import ARIA_DEFAULTS
from crmdesk.remote.backend import EVERY_OBJECT, Capabilities
from crmdesk.remote.capabilities_json import capabilities_from_json, capabilities_to_json

#: Defaults unlike every value below: a field the JSON forgets cannot come back equal.
BASE = Capabilities("aria")
#: A value of every field unlike ``BASE``'s.
EVERY_FIELD_SET = Capabilities(
    dialect="aria",
    schema_admin=True,
    member_admin=True,
    lists=True,
    notes=True,
    tasks=True,
    timeline=True,
    notifications=True,
    comments=True,
    comments_listed=False,
    members_listed=False,
    record_links=True,
    issue_links=True,
    notes_editable=False,
    changed_since_objects=frozenset({"deals", "people"}),
    idempotent_create=True,
    needs_delete_sweep=False,
    max_page_size=37,
    write_concurrency=9,
    option_order_writable=True,
    option_active_writable=True,
    status_outcome_writable=True,
    attribute_order_writable=True,
    task_links_writable=True,
    read_only_attributes=frozenset({"*.owner", "deals.stage"}),
    unfilterable_types=frozenset({"location"}),
    value_limits=ValueLimits(one_value={AttributeType.RATING: "One star only"}),
    reasons={"lists": "because"},
)


def as_tuple(caps: Capabilities) -> tuple[Any, ...]:
    # ``reasons`` is left out of ==: compared here too.
    return tuple(getattr(caps, spec.name) for spec in fields(Capabilities))


def test_every_field_differs_from_the_defaults_it_is_read_with() -> None:
    for spec in fields(Capabilities):
        if spec.name != "dialect":
            assert getattr(EVERY_FIELD_SET, spec.name) != getattr(BASE, spec.name), spec.name


def test_every_field_round_trips_through_json_text() -> None:
    text = json.dumps(capabilities_to_json(EVERY_FIELD_SET))
    back = capabilities_from_json(json.loads(text), BASE)
    assert as_tuple(back) == as_tuple(EVERY_FIELD_SET)
    assert back == EVERY_FIELD_SET


def test_every_object_round_trips() -> None:
    caps = replace(ARIA_DEFAULTS, changed_since_objects=frozenset({EVERY_OBJECT}))
    back = capabilities_from_json(capabilities_to_json(caps), BASE)
    assert back.changed_since("anything made later")


def test_an_unknown_key_is_ignored() -> None:
    data = {**capabilities_to_json(EVERY_FIELD_SET), "bulk_import": True, "teleport": {"x": 1}}
    assert as_tuple(capabilities_from_json(data, BASE)) == as_tuple(EVERY_FIELD_SET)


@pytest.mark.parametrize("missing", [spec.name for spec in fields(Capabilities) if spec.name != "dialect"])
def test_a_missing_key_takes_the_dialects_default(missing: str) -> None:
    data = capabilities_to_json(EVERY_FIELD_SET)
    del data[missing]
    back = capabilities_from_json(data, BASE)
    assert getattr(back, missing) == getattr(BASE, missing)
    others = [spec.name for spec in fields(Capabilities) if spec.name != missing]
    assert [getattr(back, name) for name in others] == [getattr(EVERY_FIELD_SET, name) for name in others]


def test_a_file_from_before_a_field_existed_reads_as_aria_does_today() -> None:
    """An older file knew neither the order flags nor the page size: Aria's defaults fill them."""
    old = {"dialect": "aria", "schema_admin": True, "lists": True}
    back = capabilities_from_json(old, ARIA_DEFAULTS)
    assert back == replace(ARIA_DEFAULTS, schema_admin=True)
    assert back.max_page_size == 200 and not back.option_order_writable and back.notes


@pytest.mark.parametrize(("key", "damage"), [
    ("schema_admin", "yes"),
    ("max_page_size", True),
    ("max_page_size", 0),
    ("write_concurrency", "4"),
    ("changed_since_objects", "deals"),
    ("value_limits", ["select"]),
    ("value_limits", {"one_value": ["select"]}),
    ("value_limits", {"one_value": {"hologram": "a type another crmdesk knows"}}),
    ("reasons", "none"),
])
def test_a_damaged_value_takes_the_dialects_default(key: str, damage: object) -> None:
    data = {**capabilities_to_json(EVERY_FIELD_SET), key: damage}
    assert getattr(capabilities_from_json(data, BASE), key) == getattr(BASE, key)


@pytest.mark.parametrize("data", [None, [], "caps", {"dialect": "atomic", "schema_admin": True}])
def test_nothing_readable_or_another_dialects_is_the_defaults(data: object) -> None:
    assert capabilities_from_json(data, ARIA_DEFAULTS) is ARIA_DEFAULTS


@pytest.mark.parametrize("damage", [["select"], {"one_value": ["select"]}, {"one_value": {"hologram": "x"}}])
def test_damaged_limits_are_the_dialects_not_none_at_all(damage: object) -> None:
    # "No limits" would let a value through that the server drops without a word.
    data = {**capabilities_to_json(ARIA_DEFAULTS), "value_limits": damage}
    assert capabilities_from_json(data, ARIA_DEFAULTS).value_limits == ARIA_DEFAULTS.value_limits
    assert ARIA_DEFAULTS.value_limits.one_value  # (Aria has some, so the test can tell)
