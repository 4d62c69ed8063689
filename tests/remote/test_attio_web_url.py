"""The template of a record's address in Attio's web app, per object, as the adapter learns it from
``web_url``: from the sandbox's attio facade over loopback HTTP (every exchange checked against
Attio's spec), whose addresses have the real shape, and from the spec's own example of a record
answer. Their object segment is not the object's slug (``…/salarya/person/<id>`` for a record of
``people``): only the record id is replaced, so what names the object is kept as it came."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crmdesk.remote.attio import AttioBackend, connect_attio
from crmdesk.remote.attio.web import UNFILLABLE, relearnt, web_url_template
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


def test_each_objects_template_fills_to_every_one_of_its_records_web_url(
    server: SandboxServer, backend: AttioBackend,
) -> None:
    backend.objects()
    assert backend.record_web_url_templates() == {}  # nothing read yet: nothing known
    for slug in ("people", "companies", "deals"):
        read_all(backend, slug)
    templates = backend.record_web_url_templates()
    assert set(templates) == {"people", "companies", "deals"}
    # The facade's addresses have the real shape: the workspace, the object's singular noun (not
    # its slug), the id, the page's tab; the template keeps all but the id.
    assert templates["people"] == f"{server.url}/sandbox/person/{{id}}/overview"
    assert templates["companies"] == f"{server.url}/sandbox/company/{{id}}/overview"
    assert templates["deals"] == f"{server.url}/sandbox/deal/{{id}}/overview"
    reader = AttioReader(server)
    try:
        for slug in ("people", "companies", "deals"):
            rows = reader.records(slug)
            assert rows
            for row in rows:
                assert templates[slug].replace("{id}", row["id"]["record_id"]) == row["web_url"]
        assert reader.transport.problems == []
    finally:
        reader.close()


def test_the_specs_example_gives_the_people_objects_template(backend: AttioBackend) -> None:
    row = spec_record()
    assert row["web_url"] == SPEC_URL
    people = {obj.slug: obj for obj in backend.objects()}["people"]
    record = backend.decode_record(people, row)
    assert record.id == "bf071e1f-6035-429d-b874-d83ea64ea13b"
    # "person" is neither the slug ("people") nor the object's id: it is kept as it came.
    assert backend.record_web_url_templates() == {"people": "https://app.attio.com/salarya/person/{id}"}


def test_objects_keep_their_own_templates_and_a_changed_address_is_learnt_again(backend: AttioBackend) -> None:
    objects = {obj.slug: obj for obj in backend.objects()}
    ids = ("bf071e1f-6035-429d-b874-d83ea64ea13b", "0d2c1d1e-4cc1-4f3c-9b6a-2a0a1d0d8f10")

    def row(record_id: str, web_url: str) -> dict[str, Any]:
        return dict(spec_record(), id=dict(spec_record()["id"], record_id=record_id), web_url=web_url)

    backend.decode_record(objects["people"], row(ids[0], f"https://app.attio.com/acme/person/{ids[0]}"))
    backend.decode_record(objects["companies"], row(ids[1], f"https://app.attio.com/acme/company/{ids[1]}"))
    assert backend.record_web_url_templates() == {"people": "https://app.attio.com/acme/person/{id}",
                                                  "companies": "https://app.attio.com/acme/company/{id}"}
    # The object renamed in the web app: its next record's address is not the kept template's.
    backend.decode_record(objects["people"], row(ids[1], f"https://app.attio.com/acme/contact/{ids[1]}"))
    assert backend.record_web_url_templates()["people"] == "https://app.attio.com/acme/contact/{id}"
    # A record without an address: the object has none the UI can fill.
    backend.decode_record(objects["people"], row(ids[0], "javascript:alert(1)"))
    assert "people" not in backend.record_web_url_templates()


def test_a_record_whose_address_the_kept_template_fills_to_changes_nothing() -> None:
    known = "https://app.attio.com/acme/person/{id}/overview"
    assert relearnt(known, "https://app.attio.com/acme/person/r1/overview", "r1") is None
    assert relearnt(None, "https://app.attio.com/acme/person/r1/overview", "r1") == known
    assert relearnt(UNFILLABLE, None, "r1") is None


@pytest.mark.parametrize("url", [
    None, 17, "", "javascript:alert(1)//people/r1", "ftp://app.attio.com/acme/people/r1",
    "https://app.attio.com/acme/people/r2", "https://app.attio.com/acme/r1x", "https://app.attio.com/{x}/person/r1",
    "https://app.attio.com/r1/person/r1",
])
def test_addresses_without_the_record_id_once_in_their_path_are_unfillable(url: object) -> None:
    assert web_url_template(url, "r1") == UNFILLABLE


def test_what_names_the_object_a_path_after_the_id_and_a_query_are_kept() -> None:
    assert web_url_template("http://127.0.0.1:8080/ws/deal/r9/overview?tab=notes", "r9") == \
        "http://127.0.0.1:8080/ws/deal/{id}/overview?tab=notes"
    assert web_url_template("https://app.attio.com/salarya/person/r%2F1", "r/1") == \
        "https://app.attio.com/salarya/person/{id}"
