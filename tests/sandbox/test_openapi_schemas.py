"""Every path and method of the Aria OpenAPI spec, asked of a live sandbox over loopback and checked
against the spec's schemas (JSON Schema Draft 2020-12, as OpenAPI 3.1 implies) where spec and the real
server agree.

What is checked, per operation:

* the status code is the one the spec documents (200 or 201);
* the request we send (query parameters and JSON body) is valid for the spec, so the answers are to
  requests a spec-following client would make;
* the JSON answer is valid for the spec's response schema. Only five operations carry one (list
  objects, list attributes, list records, import, create API key); for the others the spec names the
  answer only in words ("Record with values", "Paginated notes", "Array of lists", …), and ``IMPLIED``
  maps those to the spec's own component schemas (``Record``, ``Note``, ``List``, …) inside the
  ``{"data": …}`` envelope every spec schema uses. Operations the words tie to no component (deletes,
  options, related, activity, available-records, workspace, members, notifications, search, browse)
  are checked for the envelope only.
  Formats are asserted: ``uuid`` and ``date-time`` (RFC 3339).

The real server's recorded answers (``tests/fixtures/aria-real/``) are the truth. Where the spec
disagrees with them, that part of the spec is not checked — each exclusion below is applied to a copy
of the spec before validating (and is listed in docs/sandbox.md, "Where the spec and the real server
disagree"):

  #  part of the spec             spec says                      real server (recording)          not checked
  -- ---------------------------- ------------------------------ -------------------------------- -----------------
  1  FilterGroup.conditions[]     enum equals, not_equals,       greater_than(_or_equals),        the operator enum
     .operator (query request)    contains, not_contains,        less_than(_or_equals), in,       (so nested groups
                                  starts_with, ends_with,        not_in work; gt/gte/lt/lte are   and real spellings
                                  is_empty, is_not_empty,        dropped silently; a nested       can be sent)
                                  gt, gte, lt, lte               group is a condition with
                                                                 operator and/or (…_doc_op_gt,
                                                                 …_number_greater_than, …_in,
                                                                 …_nested_group)
  2  nullable: true on            an OpenAPI 3.0 keyword that    "deadline": null on a task       read as
     Task.deadline, Note.title,   3.1 / Draft 2020-12 ignores:   without one (POST_tasks_minimal, type: [T, "null"]
     Note.content, ApiKey         the type is just string        GET_tasks)
     .expiresAt/.lastUsedAt
  3  Note.content                 string                         the JSON that was sent: a TipTap the type
                                                                 document object or a string
                                                                 (POST_notes, GET_notes)
  4  GET /workspace-members       "Array of members"             {"members": [...],               the shape (the
                                                                 "invites": [...]}                {"data": …}
                                                                 (GET_workspace-members)          envelope only)

Parts of the seed document the real server contradicts but the spec does not constrain need no
exclusion: select/status values as UUIDs (``RecordValues`` is any object), the ``oc_sk_`` key format
(the spec's own ``BearerAuth`` says ``oc_sk_<48 hex chars>``, as the real server; asserted below),
the list keys ``records``/``notes``/``tasks``/``entries`` (the spec names no key, so paginated answers
are checked as ``pagination`` plus arrays of the component under any key).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from crmdesk.sandbox import SandboxServer

SPEC_PATH = Path(__file__).parent.parent / "fixtures" / "specs" / "openclaw-crm-openapi.json"
SPEC_URI = "urn:crmdesk:openclaw-crm-openapi"
METHODS = ("get", "post", "put", "patch", "delete")
KEY_FORMAT = re.compile(r"^oc_sk_[0-9a-f]{48}$")  # the spec's BearerAuth description: oc_sk_<48 hex chars>


# -- the exclusions (the table above, as data) ---------------------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    part: str
    spec_says: str
    real_server: str
    #: JSON pointers into the spec whose keyword ``drop`` is removed, or "nullable" handled generically
    pointers: tuple[str, ...] = ()
    drop: str = ""
    #: operations (METHOD, path) whose response shape is not checked beyond the envelope
    operations: tuple[tuple[str, str], ...] = ()


FILTER_OPERATOR = "/components/schemas/FilterGroup/properties/conditions/items/properties/operator"

EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion("FilterGroup.conditions[].operator", "enum equals … is_not_empty, gt, gte, lt, lte",
              "greater_than(_or_equals), less_than(_or_equals), in, not_in; gt/gte/lt/lte silently dropped",
              pointers=(FILTER_OPERATOR,), drop="enum"),
    Exclusion("nullable: true (Task.deadline, Note.title, Note.content, ApiKey.expiresAt, ApiKey.lastUsedAt)",
              "OpenAPI 3.0 keyword, ignored by 3.1: type string", "deadline is null on tasks without one",
              drop="nullable"),
    Exclusion("Note.content", "string", "the JSON that was sent: a TipTap document object or a string",
              pointers=("/components/schemas/Note/properties/content",), drop="type"),
    Exclusion("GET /workspace-members", "Array of members", '{"members": [...], "invites": [...]}',
              operations=(("GET", "/api/v1/workspace-members"),)),
)

EXCLUDED_OPERATIONS = {op for exclusion in EXCLUSIONS for op in exclusion.operations}


def _pointer_get(document: Any, pointer: str) -> Any:
    for part in pointer.lstrip("/").split("/"):
        document = document[part.replace("~1", "/").replace("~0", "~")]
    return document


def _nullable_to_type_list(node: Any) -> None:
    if isinstance(node, dict):
        if node.pop("nullable", False) is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        for value in node.values():
            _nullable_to_type_list(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_to_type_list(value)


def spec_with_exclusions() -> dict[str, Any]:
    spec = copy.deepcopy(json.loads(SPEC_PATH.read_text()))
    for exclusion in EXCLUSIONS:
        if exclusion.drop == "nullable":
            _nullable_to_type_list(spec)
        for pointer in exclusion.pointers:
            node = _pointer_get(spec, pointer)
            assert exclusion.drop in node, f"exclusion {exclusion.part}: {pointer} has no {exclusion.drop!r}"
            del node[exclusion.drop]
    return spec


SPEC = spec_with_exclusions()
REGISTRY: Registry = Registry().with_resource(SPEC_URI, Resource(contents=SPEC, specification=DRAFT202012))

FORMATS = FormatChecker(formats=("uuid", "email"))
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(RFC3339.match(value))


def ref(pointer: str) -> dict[str, str]:
    return {"$ref": f"{SPEC_URI}#{pointer}"}


def component(name: str) -> dict[str, str]:
    return ref(f"/components/schemas/{name}")


def escape(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


# -- the operations and their schemas ---------------------------------------------------------------------------


def spec_operations() -> list[tuple[str, str]]:
    return [(method.upper(), path) for path, item in SPEC["paths"].items() for method in item if method in METHODS]


def _array_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": component(name)}


def _paginated(name: str) -> dict[str, Any]:
    """"Paginated X": the spec names no list key, so ``pagination`` and arrays of X under any key."""
    return {"type": "object", "required": ["pagination"], "properties": {"pagination": component("Pagination")},
            "additionalProperties": _array_of(name)}


OBJ, REC, LST = "/api/v1/objects/{slug}", "/api/v1/objects/{slug}/records/{recordId}", "/api/v1/lists/{listId}"
RECORDS_PAGE = ref("/paths/" + escape("/api/v1/objects/{slug}/records")
                   + "/get/responses/200/content/application~1json/schema/properties/data")

#: Answers the spec describes only in words, mapped to the components those words name (the ``data`` part).
IMPLIED: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/objects"): component("Object"),  # "Object created"
    ("GET", OBJ): {"allOf": [component("Object"), {"properties": {"attributes": _array_of("Attribute")}}]},
    ("PATCH", OBJ): component("Object"),  # "Updated object"
    ("POST", OBJ + "/attributes"): component("Attribute"),  # "Attribute created"
    ("PATCH", OBJ + "/attributes"): component("Attribute"),  # "Updated attribute"
    ("POST", OBJ + "/records"): component("Record"),  # "Record created"
    ("GET", REC): component("Record"),  # "Record with values"
    ("PATCH", REC): component("Record"),  # "Updated record"
    ("POST", OBJ + "/records/query"): RECORDS_PAGE,  # "Filtered records with pagination"
    ("GET", REC + "/tasks"): _array_of("Task"),  # "Tasks for record"
    ("GET", REC + "/notes"): _array_of("Note"),  # "Notes for record"
    ("POST", REC + "/notes"): component("Note"),  # "Note created"
    ("GET", "/api/v1/lists"): _array_of("List"),  # "Array of lists"
    ("POST", "/api/v1/lists"): component("List"),  # "List created"
    ("GET", LST): component("List"),  # "List object"
    ("PATCH", LST): component("List"),  # "Updated list"
    ("GET", LST + "/attributes"): _array_of("Attribute"),  # "Array of list attributes"
    ("GET", LST + "/entries"): _paginated("ListEntry"),  # "Paginated entries"
    ("POST", LST + "/entries"): component("ListEntry"),  # "Entry created"
    ("GET", "/api/v1/notes"): _paginated("Note"),  # "Paginated notes"
    ("GET", "/api/v1/notes/{noteId}"): component("Note"),  # "Note object"
    ("PATCH", "/api/v1/notes/{noteId}"): component("Note"),  # "Updated note"
    ("GET", "/api/v1/tasks"): _paginated("Task"),  # "Paginated tasks"
    ("POST", "/api/v1/tasks"): component("Task"),  # "Task created"
    ("PATCH", "/api/v1/tasks/{taskId}"): component("Task"),  # "Updated task"
    ("GET", "/api/v1/api-keys"): _array_of("ApiKey"),  # "Array of API keys (prefix only, never full key)"
}

ENVELOPE = {"type": "object", "required": ["data"]}


def documented_status(method: str, path: str) -> int:
    (status,) = SPEC["paths"][path][method.lower()]["responses"]
    return int(status)


def response_schema(method: str, path: str) -> dict[str, Any]:
    status = str(documented_status(method, path))
    response = SPEC["paths"][path][method.lower()]["responses"][status]
    schema: dict[str, Any] = {"allOf": [ENVELOPE]}
    if (method, path) in EXCLUDED_OPERATIONS:
        return schema
    if "content" in response:
        schema["allOf"].append(ref(f"/paths/{escape(path)}/{method.lower()}/responses/{status}/content/"
                                   "application~1json/schema"))
    elif (method, path) in IMPLIED:
        schema["allOf"].append({"properties": {"data": IMPLIED[(method, path)]}})
    return schema


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS)


def schema_errors(schema: dict[str, Any], instance: Any) -> list[str]:
    errors = sorted(validator(schema).iter_errors(instance), key=lambda e: list(e.absolute_path))
    out = []
    for error in errors:
        leaves = error.context or [error]  # allOf: report the failing branch, not the whole allOf
        for leaf in leaves:
            where = "/" + "/".join(str(p) for p in leaf.absolute_path)
            out.append(f"at {where}: {leaf.message} (schema {'/'.join(str(p) for p in leaf.absolute_schema_path)})")
    return out


def request_errors(method: str, path: str, params: dict[str, Any], body: Any) -> list[str]:
    operation = SPEC["paths"][path][method.lower()]
    out = []
    declared = SPEC["paths"][path].get("parameters", []) + operation.get("parameters", [])
    for parameter in declared:
        if parameter["in"] != "query":
            continue
        name = parameter["name"]
        if name not in params:
            if parameter.get("required"):
                out.append(f"query parameter {name!r} is required")
            continue
        value = params[name]
        if parameter["schema"].get("type") == "integer":
            value = int(value)
        out += [f"query {name}: {e}" for e in schema_errors(parameter["schema"], value)]
    if "requestBody" in operation:
        pointer = f"/paths/{escape(path)}/{method.lower()}/requestBody/content/application~1json/schema"
        if body is None:
            if operation["requestBody"].get("required"):
                out.append("a request body is required")
        else:
            out += [f"body {e}" for e in schema_errors(ref(pointer), body)]
    return out


# -- the scenario: one request per operation, against one sandbox ----------------------------------------------------


@dataclass
class Exchange:
    method: str
    template: str
    url: str
    params: dict[str, Any]
    body: Any
    status: int
    answer: Any = None
    problems: list[str] = field(default_factory=list)


class Session:
    def __init__(self, server: SandboxServer) -> None:
        self.admin = httpx.Client(base_url=server.url, timeout=10,
                                  headers={"Authorization": f"Bearer {server.admin_token}"})
        self.member = httpx.Client(base_url=server.url, timeout=10,
                                   headers={"Authorization": f"Bearer {server.member_token}"})
        self.seen: dict[tuple[str, str], list[Exchange]] = {}

    def close(self) -> None:
        self.admin.close()
        self.member.close()

    def call(self, method: str, template: str, path_params: dict[str, str] | None = None,
             params: dict[str, Any] | None = None, body: Any = None, client: httpx.Client | None = None) -> Any:
        url = template.format(**(path_params or {}))
        params = params or {}
        response = (client or self.admin).request(method, url, params=params or None,
                                                  json=body if body is not None else None)
        exchange = Exchange(method, template, url, params, body, response.status_code)
        try:
            exchange.answer = response.json()
        except ValueError:
            exchange.problems.append(f"not JSON: {response.text[:200]!r}")
        self.seen.setdefault((method, template), []).append(exchange)
        return (exchange.answer or {}).get("data") if isinstance(exchange.answer, dict) else None


def run_scenario(s: Session) -> None:
    p = "/api/v1"
    # Objects and their attributes, options.
    s.call("GET", p + "/objects")
    s.call("POST", p + "/objects", body={"slug": "projects", "singularName": "Project", "pluralName": "Projects",
                                         "icon": "folder"})
    s.call("GET", OBJ, {"slug": "projects"})
    s.call("PATCH", OBJ, {"slug": "projects"}, body={"pluralName": "All projects", "icon": "briefcase"})
    s.call("POST", p + "/objects", body={"slug": "vendors", "singularName": "Vendor", "pluralName": "Vendors"})
    s.call("DELETE", OBJ, {"slug": "vendors"})
    s.call("GET", OBJ + "/attributes", {"slug": "deals"})
    phase = s.call("POST", OBJ + "/attributes", {"slug": "projects"}, body={
        "slug": "phase", "title": "Phase", "type": "select", "isMultiselect": False,
        "options": [{"title": "Plan"}, {"title": "Build"}]})
    s.call("PATCH", OBJ + "/attributes", {"slug": "projects"}, body={"attributeId": phase["id"], "title": "Stage",
                                                                    "isRequired": False})
    s.call("GET", OBJ + "/attributes/options", {"slug": "projects"}, params={"attributeId": phase["id"]})
    option = s.call("POST", OBJ + "/attributes/options", {"slug": "projects"}, body={
        "attributeId": phase["id"], "title": "Ship", "color": "#22c55e"})
    s.call("PATCH", OBJ + "/attributes/options", {"slug": "projects"}, body={
        "optionId": option["id"], "attributeType": "select", "title": "Launch"})
    s.call("DELETE", OBJ + "/attributes/options", {"slug": "projects"},
           params={"optionId": option["id"], "attributeType": "select"})
    s.call("DELETE", OBJ + "/attributes", {"slug": "projects"}, params={"attributeId": phase["id"]})
    s.call("DELETE", OBJ, {"slug": "projects"})

    # Records.
    s.call("GET", OBJ + "/records", {"slug": "people"}, params={"limit": 20, "offset": 5})
    for slug in ("companies", "deals"):
        s.call("GET", OBJ + "/records", {"slug": slug}, params={"limit": 200})
    s.call("GET", OBJ + "/records", {"slug": "people"}, params={"limit": 10, "cursor": ""})
    s.call("GET", OBJ + "/attributes", {"slug": "people"})
    s.call("GET", OBJ + "/attributes", {"slug": "companies"})
    s.call("GET", OBJ, {"slug": "deals"})
    acme = s.call("POST", OBJ + "/records", {"slug": "companies"}, body={"values": {
        "name": "Acme Schema Ltd", "domains": ["acme-schema.test"]}})
    jane = s.admin.post(p + "/objects/people/records", json={"values": {
        "name": {"first_name": "Jane", "last_name": "Schema"}, "email_addresses": ["jane@acme-schema.test"],
        "company": acme["id"]}}).json()["data"]
    s.call("GET", REC, {"slug": "people", "recordId": jane["id"]})
    s.call("PATCH", REC, {"slug": "people", "recordId": jane["id"]}, body={"values": {"job_title": "CTO"}})
    s.call("POST", OBJ + "/records/query", {"slug": "deals"}, body={
        "filter": {"operator": "or", "conditions": [
            {"attribute": "value", "operator": "greater_than_or_equals", "value": 10000},
            {"attribute": "name", "operator": "contains", "value": "a"}]},
        "sorts": [{"attribute": "name", "direction": "asc"}], "limit": 25, "offset": 0})
    s.call("POST", OBJ + "/records/query", {"slug": "people"}, body={
        "filter": {"operator": "and", "conditions": [
            {"attribute": "job_title", "operator": "is_not_empty"},
            {"operator": "or", "conditions": [{"attribute": "name", "operator": "contains", "value": "a"},
                                              {"attribute": "company", "operator": "is_empty"}]}]},
        "sorts": [{"attribute": "job_title", "direction": "desc"}], "limit": 200})
    s.call("POST", OBJ + "/records/query", {"slug": "companies"}, body={
        "mode": "assert", "matchAttribute": "domains", "matchValue": "acme-schema.test",
        "values": {"description": "Found, not created"}})
    s.call("POST", OBJ + "/records/import", {"slug": "deals"}, body={"rows": [
        {"name": "Imported deal", "value": 1200}, {"name": "Bad date", "expected_close_date": "never"}]})
    note = s.call("POST", REC + "/notes", {"slug": "people", "recordId": jane["id"]}, body={
        "title": "Discovery call", "content": "Budget approved for Q1."})
    task = s.call("POST", p + "/tasks", body={"content": "Call Jane", "deadline": "2030-01-02T10:00:00Z",
                                               "recordIds": [jane["id"]]})
    s.call("POST", p + "/tasks", body={"content": "No deadline", "recordIds": [jane["id"]]})
    s.call("GET", REC + "/related", {"slug": "companies", "recordId": acme["id"]})
    s.call("GET", REC + "/activity", {"slug": "people", "recordId": jane["id"]})
    s.call("GET", REC + "/tasks", {"slug": "people", "recordId": jane["id"]})
    s.call("GET", REC + "/notes", {"slug": "people", "recordId": jane["id"]})

    # Lists, their attributes and entries.
    s.call("GET", p + "/lists")
    hot = s.call("POST", p + "/lists", body={"name": "Schema prospects", "objectSlug": "people", "isPrivate": False})
    s.call("GET", LST, {"listId": hot["id"]})
    s.call("PATCH", LST, {"listId": hot["id"]}, body={"name": "Warm schema prospects"})
    priority = s.call("POST", LST + "/attributes", {"listId": hot["id"]}, body={
        "slug": "priority", "title": "Priority", "type": "rating"})
    s.call("PATCH", LST + "/attributes", {"listId": hot["id"]}, body={"id": priority["id"], "title": "Urgency"})
    s.call("GET", LST + "/attributes", {"listId": hot["id"]})
    entry = s.call("POST", LST + "/entries", {"listId": hot["id"]}, body={"recordId": jane["id"],
                                                                        "values": {"priority": 4}})
    s.call("PATCH", LST + "/entries/{entryId}", {"listId": hot["id"], "entryId": entry["id"]},
           body={"values": {"priority": 2}})
    s.call("GET", LST + "/entries", {"listId": hot["id"]}, params={"limit": 10, "offset": 0})
    s.call("GET", LST + "/available-records", {"listId": hot["id"]}, params={"search": "a"})
    s.call("DELETE", LST + "/entries/{entryId}", {"listId": hot["id"], "entryId": entry["id"]})
    s.call("DELETE", LST + "/attributes", {"listId": hot["id"]}, params={"id": priority["id"]})
    s.call("DELETE", LST, {"listId": hot["id"]})

    # Notes and tasks.
    s.call("POST", REC + "/notes", {"slug": "people", "recordId": jane["id"]}, body={})
    s.call("GET", p + "/notes", params={"limit": 200, "offset": 0})
    s.call("GET", p + "/notes/{noteId}", {"noteId": note["id"]})
    s.call("PATCH", p + "/notes/{noteId}", {"noteId": note["id"]}, body={"title": "Call notes", "content": "Q2 now"})
    s.call("DELETE", p + "/notes/{noteId}", {"noteId": note["id"]})
    s.call("PATCH", p + "/tasks/{taskId}", {"taskId": task["id"]}, body={"isCompleted": True})
    s.call("GET", p + "/tasks", params={"showCompleted": "true", "limit": 200, "offset": 0})
    s.call("GET", p + "/tasks", params={"showCompleted": "false"})
    s.call("DELETE", p + "/tasks/{taskId}", {"taskId": task["id"]})

    # Workspace, members, notifications, search, API keys.
    s.call("GET", p + "/workspace")
    s.call("PATCH", p + "/workspace", body={"name": "Schema workspace"})
    s.call("GET", p + "/workspace-members")
    new = s.call("POST", p + "/workspace-members", body={"email": "schema@sandbox.test", "role": "member"})
    s.call("PATCH", p + "/workspace-members/{memberId}", {"memberId": new["id"]}, body={"role": "admin"})
    s.call("DELETE", p + "/workspace-members/{memberId}", {"memberId": new["id"]})
    notifications = s.call("GET", p + "/notifications", params={"unreadOnly": "false", "limit": 10},
                           client=s.member)
    s.call("PATCH", p + "/notifications/{notificationId}",
           {"notificationId": notifications["notifications"][0]["id"]}, client=s.member)
    s.call("POST", p + "/notifications/mark-all-read", client=s.member)
    s.call("GET", p + "/search", params={"q": "Acme", "limit": 10})
    s.call("GET", p + "/records/browse", params={"limit": 10})
    key = s.call("POST", p + "/api-keys", body={"name": "schema check", "scopes": ["*"]})
    s.call("GET", p + "/api-keys")
    s.call("DELETE", p + "/api-keys/{keyId}", {"keyId": key["id"]})

    s.call("DELETE", REC, {"slug": "people", "recordId": jane["id"]})


@pytest.fixture(scope="module")
def exchanges() -> Iterator[dict[tuple[str, str], list[Exchange]]]:
    with SandboxServer(records=100, seed=1) as server:
        session = Session(server)
        try:
            run_scenario(session)
        finally:
            session.close()
        yield session.seen


# -- the checks ------------------------------------------------------------------------------------------------


def exchange_problems(exchange: Exchange) -> list[str]:
    method, path = exchange.method, exchange.template
    problems = list(exchange.problems)
    problems += [f"request not valid for the spec: {e}" for e in request_errors(method, path, exchange.params,
                                                                                  exchange.body)]
    status = documented_status(method, path)
    if exchange.status != status:
        problems.append(f"status {exchange.status}, spec documents {status}: {exchange.answer!r:.300}")
    elif exchange.answer is not None:
        problems += schema_errors(response_schema(method, path), exchange.answer)
    return problems


Exchanges = dict[tuple[str, str], list[Exchange]]


@pytest.mark.parametrize(("method", "path"), spec_operations(), ids=[f"{m} {p}" for m, p in spec_operations()])
def test_answer_matches_the_spec(exchanges: Exchanges, method: str, path: str) -> None:
    asked = exchanges.get((method, path))
    assert asked, f"{method} {path}: the scenario never asked it"
    failures = []
    for exchange in asked:
        problems = exchange_problems(exchange)
        if problems:
            body = "" if exchange.body is None else f" body {json.dumps(exchange.body)[:200]}"
            failures.append(f"{method} {exchange.url} params {exchange.params}{body} (spec {path}):\n  "
                            + "\n  ".join(problems))
    assert not failures, "\n".join(failures)


def test_api_key_has_the_spec_format(exchanges: Exchanges) -> None:
    created = exchanges[("POST", "/api/v1/api-keys")][0].answer["data"]
    assert KEY_FORMAT.match(created["key"]), f"POST /api/v1/api-keys: key {created['key']!r} is not oc_sk_<48 hex>"
    assert created["key"].startswith(created["keyPrefix"])


def test_the_checker_is_not_vacuous() -> None:
    """A wrong type, a bad uuid and a non-RFC 3339 time in a records page are each caught."""
    page = {"data": {"records": [{"id": "nope", "createdAt": "2026-11-24 05:07:02", "values": []}],
                     "pagination": {"limit": "1"}}}
    errors = "\n".join(schema_errors(response_schema("GET", "/api/v1/objects/{slug}/records"), page))
    for expected in ("'nope' is not a 'uuid'", "is not a 'date-time'", "[] is not of type 'object'",
                     "'1' is not of type 'integer'"):
        assert expected in errors
    assert schema_errors(response_schema("DELETE", "/api/v1/notes/{noteId}"), {"error": {}})


def test_every_exclusion_still_applies_to_the_spec() -> None:
    """An exclusion whose target vanished from the spec would silently stop excluding anything."""
    original = json.loads(SPEC_PATH.read_text())
    for exclusion in EXCLUSIONS:
        for pointer in exclusion.pointers:
            assert exclusion.drop in _pointer_get(original, pointer), exclusion.part
        for method, path in exclusion.operations:
            assert method.lower() in original["paths"][path], exclusion.part
    assert "nullable" in json.dumps(original)
