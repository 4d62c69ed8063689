"""The Atomic adapter's ids: ``<resource>/<integer>``, so records, notes and tasks of different
resources that the server numbers alike stay apart in crmdesk's store (keyed by id alone)."""

from __future__ import annotations

import pytest

from crmdesk.remote.atomic import ids
from crmdesk.remote.errors import ServerRejected


def test_ids_of_different_resources_with_the_same_number_stay_distinct() -> None:
    made = {ids.qualified(resource, 1) for resource in (
        "contacts", "companies", "deals", "projects", "contact_notes", "deal_notes", "company_notes", "tasks",
        "crm_users")}
    assert len(made) == 9
    assert ids.qualified("contacts", 12) == ids.qualified("contacts", "12") == "contacts/12"


@pytest.mark.parametrize("raw", [None, "", "12a", "-1", -1, True, 1.5, "١٢", [1]])
def test_only_integer_ids_are_qualified(raw: object) -> None:
    with pytest.raises(ValueError):
        ids.qualified("contacts", raw)
    assert ids.reference("contacts", raw) is None


def test_split_and_number_in() -> None:
    assert ids.split("deals/5") == ("deals", 5)
    assert ids.number_in("companies/1", "companies", "company_id") == 1
    for bad in ("5", "deals/", "/5", "deals/05", "deals/5/6", "deals 5", "deals/+5"):
        with pytest.raises(ValueError):
            ids.split(bad)
        assert ids.resource_of(bad) is None


@pytest.mark.parametrize("given", ["contacts/1", "1", "companies/x", "local-4f2a"])
def test_a_reference_to_another_resource_is_refused_naming_the_field(given: str) -> None:
    with pytest.raises(ServerRejected) as caught:
        ids.number_in(given, "companies", "company_id")
    assert set(caught.value.field_errors) == {"company_id"}
    assert "company_id" in caught.value.message
