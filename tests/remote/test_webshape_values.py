"""Values as the real server's own web app writes them (``WEBSHAPE_*`` recordings): read into
the model, written back byte for byte, so a colleague's web app shows what crmdesk wrote."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from crmdesk.remote.aria import connect_aria, wire
from crmdesk.remote.aria.schema import decode_record, encode_values

from .conftest import TOKEN
from .recorded import Recorded, Replay, by_name

SCHEMA_FILES = ("GET_objects", "GET_objects_people_attributes", "GET_objects_companies_attributes",
                "GET_objects_deals_attributes", "GET_objects_companies_attributes_options")


@pytest.fixture(scope="module")
def objects() -> dict[str, Any]:
    backend = connect_aria("https://aria.test", TOKEN,
                           http_transport=Replay.of(by_name(n) for n in SCHEMA_FILES).transport())
    return {obj.slug: obj for obj in backend.objects()}


def _data(rec: Recorded) -> Any:
    return wire.data_of(json.loads(rec.content))


def _sent_values(rec: Recorded) -> dict[str, Any]:
    assert rec.body is not None
    return json.loads(rec.body)["values"]


@pytest.mark.parametrize(
    ("recording", "slug", "canonical"),
    [
        ("WEBSHAPE_GET_deal_value_currencyCode", "value", {"amount": 31500, "currency": "EUR"}),
        ("WEBSHAPE_GET_person_name_camelCase", "name",
         {"first_name": "Grace", "last_name": "Hopper", "full_name": "Grace Hopper"}),
    ],
)
def test_a_web_app_value_reads_into_the_model_with_nothing_lost(
    objects: dict[str, Any], recording: str, slug: str, canonical: Any
) -> None:
    rec = by_name(recording)
    object_slug = "deals" if "deal" in recording else "people"
    record = decode_record(objects[object_slug], _data(rec))
    assert record.values[slug] == canonical


@pytest.mark.parametrize(
    ("read_from", "written_as", "object_slug", "slug"),
    [
        ("WEBSHAPE_GET_deal_value_currencyCode", "WEBSHAPE_PATCH_deal_value_currencyCode", "deals", "value"),
        ("WEBSHAPE_GET_person_name_camelCase", "WEBSHAPE_PATCH_person_name_camelCase", "people", "name"),
    ],
)
def test_a_value_read_from_the_web_app_is_written_back_in_its_exact_shape(
    objects: dict[str, Any], read_from: str, written_as: str, object_slug: str, slug: str
) -> None:
    obj = objects[object_slug]
    record = decode_record(obj, _data(by_name(read_from)))
    written = encode_values(obj.by_slug, {slug: record.values[slug]})
    assert written == _sent_values(by_name(written_as))


def test_an_edited_deal_value_travels_in_the_web_apps_shape_and_keeps_its_currency(objects: dict[str, Any]) -> None:
    """The adapter's PATCH body is the web app's; the recorded answer reads back as euros."""
    patch = by_name("WEBSHAPE_PATCH_deal_value_currencyCode")
    sent: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH":
            sent.append(json.loads(request.content))
            return patch.response()
        return Replay.of(by_name(n) for n in SCHEMA_FILES)(request)

    backend = connect_aria("https://aria.test", TOKEN, http_transport=httpx.MockTransport(answer))
    record_id = "e2aa1a0b-5917-40ed-b3ff-29045ad97d9a"
    updated = backend.update_record("deals", record_id, {"value": {"amount": 31500, "currency": "EUR"}})
    assert sent == [json.loads(patch.body or "")]
    assert updated.values["value"] == {"amount": 31500, "currency": "EUR"}


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ({"amount": 31500, "currencyCode": "EUR"}, {"amount": 31500, "currency": "EUR"}),
        ({"amount": 12.5, "currency": "gbp"}, {"amount": 12.5, "currency": "GBP"}),
        (9999.5, {"amount": 9999.5, "currency": None}),
    ],
)
def test_every_currency_shape_found_on_real_servers_reads(objects: dict[str, Any], raw: Any, canonical: Any) -> None:
    row = {"id": "d1", "values": {"value": raw}}
    assert decode_record(objects["deals"], row).values["value"] == canonical


def test_an_amount_whose_code_nobody_knows_is_sent_without_inventing_one(objects: dict[str, Any]) -> None:
    attrs = objects["deals"].by_slug
    assert encode_values(attrs, {"value": {"amount": 5, "currency": None}}) == {"value": {"amount": 5}}
    assert encode_values(attrs, {"value": {"amount": 5, "currency": "JPY"}}) == {
        "value": {"amount": 5, "currencyCode": "JPY"}
    }


@pytest.mark.parametrize(
    ("slug", "object_slug", "raw"),
    [
        ("value", "deals", {"amount": None, "currencyCode": "USD"}),
        ("value", "deals", {"amount": "", "currencyCode": "EUR"}),
        ("name", "people", {"firstName": "", "lastName": "", "fullName": ""}),
        ("name", "people", {"firstName": " ", "lastName": None, "fullName": ""}),
    ],
)
def test_a_value_cleared_in_the_web_app_reads_as_empty_without_a_warning(
    objects: dict[str, Any], slug: str, object_slug: str, raw: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        record = decode_record(objects[object_slug], {"id": "r1", "values": {slug: raw}})
    assert slug not in record.values
    assert not caplog.records
