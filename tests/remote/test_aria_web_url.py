"""Where an Aria server's web app shows a record: ``<server root>/objects/<slug>/<id>``, as the
server's recorded search answer links it (``tests/fixtures/aria-real/GET_search_q_Jane.txt``),
made from the workspace's own address for every object the adapter knows, with no request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crmdesk.model import ObjectDef
from crmdesk.remote.aria import connect_aria
from crmdesk.sandbox import SandboxServer

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "aria-real" / "GET_search_q_Jane.txt"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=4, seed=1, dialect="aria") as running:
        yield running


class Counting(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.path}")
        return super().handle_request(request)


def test_each_known_objects_template_is_the_search_answers_link_on_the_servers_address(server: SandboxServer) -> None:
    wire = Counting()
    client = connect_aria(server.url, server.admin_token, http_transport=wire)
    try:
        assert client.record_web_url_templates() == {}  # no object known yet
        slugs = [obj.slug for obj in client.objects()]
        sent = len(wire.sent)
        templates = client.record_web_url_templates()
        assert len(wire.sent) == sent  # asks the server nothing
    finally:
        client.close()
    assert set(templates) == set(slugs) >= {"people", "companies", "deals"}
    assert templates["people"] == f"{server.url}/objects/people/{{id}}"
    # The recorded real answer's link, on the server's address, is the template filled.
    answer = json.loads(RECORDED.read_text(encoding="utf-8").rsplit("\n\n", 1)[1])
    hit = answer["data"][0]
    assert f"{server.url}{hit['url']}" == templates[hit["objectSlug"]].replace("{id}", hit["id"])


@pytest.mark.parametrize(("typed", "root"), [
    ("https://crm.example.test", "https://crm.example.test"),
    ("https://crm.example.test/", "https://crm.example.test"),
    ("https://crm.example.test/api/v1/", "https://crm.example.test"),
    ("https://crm.example.test/crm/", "https://crm.example.test/crm"),
    ("https://someone:secret@crm.example.test:8443/crm/api/v1", "https://crm.example.test:8443/crm"),
])
def test_the_root_is_the_workspaces_address_without_the_api_base_or_credentials(typed: str, root: str) -> None:
    client = connect_aria(typed, "oc_sk_test")
    try:
        client.schema.replace([])
        assert client.record_web_url_templates() == {}
        client.schema.replace([ObjectDef(slug="job applicants", singular_name="Job applicant", plural_name="")])
        assert client.record_web_url_templates() == {"job applicants": f"{root}/objects/job%20applicants/{{id}}"}
    finally:
        client.close()
