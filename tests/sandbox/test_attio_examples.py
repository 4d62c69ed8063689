"""Attio's spec's own request examples are accepted by the attio facade.

Each operation's request body is assembled from the ``example`` values its schema gives (a
property's example, or one built from its own properties' and items' examples; each branch of a
body that is ``anyOf`` several shapes), the example's ids are mapped onto the sandbox's (the
example's record, member, list, entry, thread and attribute), and the body is sent: the facade
must answer 200 and in the spec's shape. The examples name things a workspace has to hold first —
an attribute with the id the example uses, a multiselect attribute with "Select option 1" and "2",
a list with a ``name`` attribute — so the test makes them. The assembled bodies are not all valid
by the spec's own request schemas (a record value given as a bare string, a note without its
``format``), so only the answers are checked against the spec.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from crmdesk.sandbox import SandboxServer
from tests.attio_spec import spec
from tests.sandbox.attio_support import Demo, checked_client, data

#: The example's ids, as the spec writes them (see the operations' examples).
EXAMPLE_ATTRIBUTE = "41252299-f8c7-4b5e-99c9-4ff8321d2f96"
EXAMPLE_RECORD = "891dcbfc-9141-415d-9b2a-2238a6cc012d"
EXAMPLE_COMMENT_RECORD = "bf071e1f-6035-429d-b874-d83ea64ea13b"
EXAMPLE_OBJECT = "97052eb9-e65e-443f-a297-f2d9a4a7f795"
EXAMPLE_MEMBER = "50cf242c-7fa3-4cad-87d0-75b1af71c57b"
EXAMPLE_LIST = "33ebdbe9-e529-47c9-b894-0ba25e9c15c0"
EXAMPLE_ENTRY = "2e6e29ea-c4e0-4f44-842d-78a891f8c156"
EXAMPLE_THREAD = "aa1dc1d9-93ac-4c6c-987e-16b6eea9aab2"
EXAMPLE_MEETING = "14beef7a-99f7-4534-a87e-70b564330a4c"


def example_of(schema: Any) -> Any:
    """The example a schema gives, or one built from its properties' (``None``: none at all)."""
    if not isinstance(schema, dict):
        return None
    if "example" in schema:
        return schema["example"]
    if schema.get("type") == "array" or "items" in schema:
        item = example_of(schema.get("items"))
        return None if item is None else [item]
    for branch in schema.get("anyOf") or schema.get("oneOf") or []:
        found = example_of(branch)
        if found is not None:
            return found
    built = {name: value for name, sub in (schema.get("properties") or {}).items()
             if not name.startswith("[") and (value := example_of(sub)) is not None}
    return built or None


def bodies(method: str, template: str) -> list[Any]:
    """The example bodies of an operation (one per branch where ``data`` is ``anyOf`` shapes)."""
    schema = spec()["paths"][template][method.lower()]["requestBody"]["content"]["application/json"]["schema"]
    wrapped = schema.get("properties", {}).get("data")
    if isinstance(wrapped, dict) and "anyOf" in wrapped:
        return [{"data": example_of(branch)} for branch in wrapped["anyOf"]]
    return [example_of(schema)]


def swapped(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {ids.get(k, k): swapped(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [swapped(v, ids) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="attio", records=30, seed=2) as running:
        yield running


def _prepare(c: httpx.Client, demo: Demo) -> dict[str, str]:
    """What the examples name, made in the sandbox; the example's ids → the sandbox's."""
    data(c.post("/objects", json={"data": {"api_slug": "examples", "singular_noun": "Example",
                                           "plural_noun": "Examples"}}))
    text = data(c.post("/objects/examples/attributes", json={"data": {
        "title": "Text", "description": None, "api_slug": "text_value", "type": "text", "is_required": False,
        "is_unique": False, "is_multiselect": False, "config": {}}}))["id"]["attribute_id"]
    for target in ("objects/examples", f"lists/{demo.list_slug}"):
        c.post(f"/{target}/attributes", json={"data": {
            "title": "Multiselect", "description": None, "api_slug": "multiselect_attribute", "type": "select",
            "is_required": False, "is_unique": False, "is_multiselect": True, "config": {}}})
        for title in ("Select option 1", "Select option 2"):
            c.post(f"/{target}/attributes/multiselect_attribute/options", json={"data": {"title": title}})
    c.post(f"/lists/{demo.list_slug}/attributes", json={"data": {
        "title": "Name", "description": None, "api_slug": "name", "type": "text", "is_required": False,
        "is_unique": False, "is_multiselect": False, "config": {}}})
    list_text = next(a for a in data(c.get(f"/lists/{demo.list_slug}/attributes")) if a["api_slug"] == "next_step")
    thread = data(c.post("/comments", json={"data": {"format": "plaintext", "content": "Hi", "author": {
        "type": "workspace-member", "id": demo.member_id}, "record": {"object": "people",
                                                                      "record_id": demo.person_id}}}))["thread_id"]
    people = data(c.get("/objects/people"))["id"]["object_id"]
    return {EXAMPLE_RECORD: demo.person_id, EXAMPLE_COMMENT_RECORD: demo.person_id, EXAMPLE_OBJECT: people,
            EXAMPLE_MEMBER: demo.member_id, EXAMPLE_LIST: demo.list_id, EXAMPLE_ENTRY: demo.entry_id,
            EXAMPLE_THREAD: thread, EXAMPLE_MEETING: demo.member_id, EXAMPLE_ATTRIBUTE: text,
            "list-text-attribute": list_text["id"]["attribute_id"]}


#: (method, spec path, the path sent, what to change of the example and why)
SENT: tuple[tuple[str, str, str], ...] = (
    ("PATCH", "/v2/objects/{object}", "/objects/people"),
    ("POST", "/v2/{target}/{identifier}/attributes", "/objects/examples/attributes"),
    ("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}", "/objects/examples/attributes/my-attribute"),
    ("POST", "/v2/{target}/{identifier}/attributes/{attribute}/options",
     "/objects/companies/attributes/categories/options"),
    ("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}/options/{option}",
     "/objects/companies/attributes/categories/options/Medium"),
    ("POST", "/v2/{target}/{identifier}/attributes/{attribute}/statuses", "/objects/deals/attributes/stage/statuses"),
    ("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}/statuses/{status}",
     "/objects/deals/attributes/stage/statuses/In Progress"),
    ("POST", "/v2/objects/{object}/records/query", "/objects/people/records/query"),
    ("POST", "/v2/objects/{object}/records", "/objects/examples/records"),
    ("PUT", "/v2/objects/{object}/records", "/objects/examples/records?matching_attribute=text_value"),
    ("PATCH", "/v2/objects/{object}/records/{record_id}", "/objects/examples/records/{record}"),
    ("PUT", "/v2/objects/{object}/records/{record_id}", "/objects/examples/records/{record}"),
    ("POST", "/v2/lists", "/lists"),
    ("PATCH", "/v2/lists/{list}", "/lists/enterprise_sales"),
    ("POST", "/v2/lists/{list}/entries/query", "/lists/{list}/entries/query"),
    ("POST", "/v2/lists/{list}/entries", "/lists/{list}/entries"),
    ("PUT", "/v2/lists/{list}/entries", "/lists/{list}/entries"),
    ("PATCH", "/v2/lists/{list}/entries/{entry_id}", "/lists/{list}/entries/{entry}"),
    ("PUT", "/v2/lists/{list}/entries/{entry_id}", "/lists/{list}/entries/{entry}"),
    ("POST", "/v2/notes", "/notes"),
    ("POST", "/v2/tasks", "/tasks"),
    ("PATCH", "/v2/tasks/{task_id}", "/tasks/{task}"),
    ("POST", "/v2/comments", "/comments"),
    ("POST", "/v2/objects", "/objects"),
)


def test_the_spec_request_examples_are_accepted(server: SandboxServer) -> None:
    client, transport = checked_client(server, check_requests=False)
    with client:
        demo = Demo.read(client)
        ids = _prepare(client, demo)
        made: dict[str, str] = {"list": demo.list_slug, "entry": demo.entry_id}
        sent = []
        for method, template, path in SENT:
            for body in bodies(method, template):
                body = swapped(body, ids)
                if template.startswith("/v2/lists/{list}/entries") and "entry_values" in body.get("data", {}):
                    # The list's values: the example's attribute id is the list's own text attribute's here.
                    body["data"]["entry_values"] = swapped(body["data"]["entry_values"],
                                                           {ids[EXAMPLE_ATTRIBUTE]: ids["list-text-attribute"]})
                    body["data"].update(parent_record_id=_pipeline_record(client, demo), parent_object="deals")
                if template == "/v2/objects":  # the example's slug is the standard object's: made anew
                    body["data"].update(api_slug="properties", singular_noun="Property", plural_noun="Properties")
                answer = client.request(method, path.format(**made), json=body)
                assert answer.status_code == 200, (method, template, body, answer.text[:400])
                sent.append(f"{method} {template}")
                got = answer.json()["data"]
                if template == "/v2/objects/{object}/records" and method == "POST":
                    made["record"] = got["id"]["record_id"]
                if template == "/v2/tasks" and method == "POST":
                    made["task"] = got["id"]["task_id"]
        assert data(client.get(f"/objects/examples/records/{made['record']}"))["values"]["multiselect_attribute"]
    assert transport.problems == []
    assert len(sent) == len(SENT) + 2  # the three shapes of a comment


def _pipeline_record(c: httpx.Client, demo: Demo) -> str:
    return str(data(c.get(f"/lists/{demo.list_slug}/entries/{demo.entry_id}"))["parent_record_id"])
