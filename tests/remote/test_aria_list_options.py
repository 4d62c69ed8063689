"""List attributes' statuses and options reach the ListDef, from the real sandbox over loopback:
inline on the list, or — for a server that sends list attributes bare — from the list's
options endpoint; a server with neither leaves the attribute without choices."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest

from crmdesk.model import AttributeType
from crmdesk.remote.aria import AriaBackend, connect_aria
from crmdesk.sandbox.server import SandboxServer

_LIST = re.compile(r"^/api/v1/lists/[^/]+(/attributes)?$")


class BareListAttributes(httpx.BaseTransport):
    """Loopback HTTP to the sandbox, with list attributes' inline choices taken out of its
    answers (as the recorded real server sends them); ``options_endpoint=False`` also answers
    the list options endpoint 404, as a server without one would."""

    def __init__(self, options_endpoint: bool) -> None:
        self.inner = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
        self.options_endpoint = options_endpoint
        self.asked: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/attributes/options") and path.startswith("/api/v1/lists/"):
            self.asked.append(request.url.params.get("attributeId", ""))
            if not self.options_endpoint:
                return httpx.Response(404, json={"error": {"code": "NOT_FOUND", "message": "Not found"}})
        response = self.inner.handle_request(request)
        if request.method != "GET" or not _LIST.match(path) or response.status_code != 200:
            return response
        payload = json.loads(response.read())
        data = payload["data"]
        for attr in data if isinstance(data, list) else data.get("attributes", []):
            attr.pop("statuses", None)
            attr.pop("options", None)
        return httpx.Response(200, json=payload)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=30, seed=2) as running:
        yield running


@pytest.fixture
def backend(server: SandboxServer) -> Iterator[AriaBackend]:
    client = connect_aria(server.url, server.admin_token)
    yield client
    client.close()


def test_list_statuses_and_options_are_decoded(server: SandboxServer, backend: AriaBackend) -> None:
    lists = {lst.name: lst for lst in backend.lists()}
    status = lists["Sales pipeline"].attribute("pipeline_status")
    assert status is not None and status.type is AttributeType.STATUS
    assert [o.title for o in status.options] == ["Prospecting", "In progress", "Closing", "Done"]
    assert all(o.id and o.color and o.color.startswith("#") for o in status.options)
    assert [o.order for o in status.options] == sorted(o.order for o in status.options)
    tier = lists["Key accounts"].attribute("tier")
    assert tier is not None and [o.title for o in tier.options] == ["Gold", "Silver", "Bronze"]
    # Entries' values are the ids of those statuses: a board can title and color them.
    ids = {o.id for o in status.options}
    entries = [e for page in backend.iter_entries(lists["Sales pipeline"].id) for e in page]
    assert entries and {e.values["pipeline_status"] for e in entries if "pipeline_status" in e.values} <= ids


def test_choices_come_from_the_options_endpoint_when_not_inline(server: SandboxServer) -> None:
    transport = BareListAttributes(options_endpoint=True)
    bare = connect_aria(server.url, server.admin_token, http_transport=transport)
    try:
        pipeline = next(lst for lst in bare.lists() if lst.name == "Sales pipeline")
    finally:
        bare.close()
    status = pipeline.attribute("pipeline_status")
    assert status is not None and [o.title for o in status.options] == ["Prospecting", "In progress", "Closing",
                                                                         "Done"]
    assert status.id in transport.asked
    priority = pipeline.attribute("priority")
    assert priority is not None and priority.id not in transport.asked  # only choice attributes are asked about


def test_a_server_without_list_choices_leaves_them_empty(server: SandboxServer) -> None:
    transport = BareListAttributes(options_endpoint=False)
    bare = connect_aria(server.url, server.admin_token, http_transport=transport)
    try:
        pipeline = next(lst for lst in bare.lists() if lst.name == "Sales pipeline")
    finally:
        bare.close()
    status = pipeline.attribute("pipeline_status")
    assert status is not None and status.options == () and transport.asked


def test_list_create_rename_and_delete(server: SandboxServer, backend: AriaBackend) -> None:
    made = backend.create_list("Adapter list", "companies", private=True)
    assert (made.name, made.parent_object, made.private) == ("Adapter list", "companies", True)
    renamed = backend.update_list(made.id, name="Adapter list 2", private=False)
    assert (renamed.id, renamed.name, renamed.private) == (made.id, "Adapter list 2", False)
    backend.delete_list(made.id)
    assert made.id not in {lst.id for lst in backend.lists()}
    backend.delete_list(made.id)  # already gone: counts as deleted
