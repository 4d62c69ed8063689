"""The pattern of a record's address in Attio's web app, as the adapter learns it from ``web_url``:
from the sandbox's attio facade over loopback HTTP (every exchange checked against Attio's spec),
and from the spec's own example of a record answer, whose object segment is not the object's slug
(``…/salarya/person/<id>`` for a record of ``people``), so no pattern is believed from it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crmdesk.remote.attio import AttioBackend, connect_attio
from crmdesk.remote.attio.web import UNFILLABLE, web_url_template
from crmdesk.sandbox.server import SandboxServer
from tests.attio_spec import SpecCheckingTransport, spec
from tests.attio_support import AttioReader

from .attio_support import example_of
from .conftest import FakeClock

SPEC_URL = "https://app.attio.com/salarya/person/bf071e1f-6035-429d-b874-d83ea64ea13b"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=12, seed=5, dialect="attio") as running:
        yield running


@pytest.fixture
def wire() -> SpecCheckingTransport:
    return SpecCheckingTransport()


@pytest.fixture
def backend(server: SandboxServer, wire: SpecCheckingTransport) -> Iterator[AttioBackend]:
    client = connect_attio(server.url, server.admin_token, http_transport=wire, clock=FakeClock())
    yield client
    client.close()
    assert wire.problems == []


def spec_record() -> dict[str, Any]:
    """The spec's example answer to ``GET /v2/objects/{object}/records/{record_id}``."""
    path = spec()["paths"]["/v2/objects/{object}/records/{record_id}"]["get"]
    schema = path["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]
    row: dict[str, Any] = example_of(schema)
    row["values"] = {}  # what the values say is not the point here
    return row


def read_all(backend: AttioBackend, slug: str) -> None:
    for _page in backend.iter_record_pages(slug):
        pass


def test_the_pattern_of_the_facades_web_url_fills_to_every_records_address(
    server: SandboxServer, backend: AttioBackend,
) -> None:
    backend.objects()
    assert backend.record_web_url_template() is None  # nothing read yet: nothing known
    for slug in ("people", "companies", "deals"):
        read_all(backend, slug)
    template = backend.record_web_url_template()
    assert template is not None and template.startswith("http")
    assert "{object}" in template and "{id}" in template
    reader = AttioReader(server)
    try:
        for slug in ("people", "companies", "deals"):
            rows = reader.records(slug)
            assert rows
            for row in rows:
                record_id = row["id"]["record_id"]
                assert template.replace("{object}", slug).replace("{id}", record_id) == row["web_url"]
        assert reader.transport.problems == []
    finally:
        reader.close()


def test_the_specs_example_names_people_person_so_no_pattern_is_believed(backend: AttioBackend) -> None:
    row = spec_record()
    assert row["web_url"] == SPEC_URL
    people = {obj.slug: obj for obj in backend.objects()}["people"]
    record = backend.decode_record(people, row)
    assert record.id == "bf071e1f-6035-429d-b874-d83ea64ea13b"
    # "person" is neither the slug ("people") nor the object's id: a pattern filled with the slug
    # would send the user to a page that is not the record's.
    assert backend.record_web_url_template() is None
    # The same address's shape, were "person" the slug, is read the way the pattern is kept.
    assert web_url_template(SPEC_URL, "person", record.id) == "https://app.attio.com/salarya/{object}/{id}"


def test_objects_that_disagree_give_no_pattern(backend: AttioBackend) -> None:
    objects = {obj.slug: obj for obj in backend.objects()}
    good = dict(spec_record(), web_url="https://app.attio.com/acme/people/bf071e1f-6035-429d-b874-d83ea64ea13b")
    backend.decode_record(objects["people"], good)
    assert backend.record_web_url_template() == "https://app.attio.com/acme/{object}/{id}"
    other = dict(spec_record(), id=dict(spec_record()["id"], record_id="0d2c1d1e-4cc1-4f3c-9b6a-2a0a1d0d8f10"),
                 web_url="https://app.attio.com/acme/company/0d2c1d1e-4cc1-4f3c-9b6a-2a0a1d0d8f10")
    backend.decode_record(objects["companies"], other)
    assert backend.record_web_url_template() is None


@pytest.mark.parametrize("url", [
    None, 17, "", "javascript:alert(1)//people/r1", "ftp://app.attio.com/acme/people/r1",
    "https://app.attio.com/acme/people/r2", "https://app.attio.com/acme/r1", "https://app.attio.com/{x}/people/r1",
])
def test_addresses_without_the_slug_and_id_in_their_path_are_unfillable(url: object) -> None:
    assert web_url_template(url, "people", "r1") == UNFILLABLE


def test_a_path_after_the_id_and_a_query_are_kept() -> None:
    assert web_url_template("http://127.0.0.1:8080/ws/deals/r9/overview?tab=notes", "deals", "r9") == \
        "http://127.0.0.1:8080/ws/{object}/{id}/overview?tab=notes"
