"""Attio's official OpenAPI description as the referee of the attio dialect, both ways.

``tests/fixtures/specs/attio-openapi-v2-subset.json`` holds the paths crmdesk speaks (objects,
attributes, options, statuses, records, lists, entries, members, notes, tasks, threads, comments,
``/v2/self``) and every component schema, copied from Attio's published spec (the source and its
sha256 are in ``tests/fixtures/SOURCES.md``). A request or an answer is checked against the
schemas of its operation with JSON Schema Draft 2020-12, as OpenAPI 3.1 implies; the OpenAPI 3.0
``nullable: true`` that the spec still uses in places is read as ``type: [T, "null"]``, and a
schema whose type allows null but whose ``enum`` leaves it out (``default_currency_code``,
``workspace_access``, an actor's ``type``: the description says "null" where the enum forbids it)
takes null as the type says. Nothing else of the spec is changed.

``SpecCheckingTransport`` wraps the real loopback transport: every request the adapter sends and
every answer the attio facade gives pass through it, and what does not conform is kept in
``problems`` (the test then asserts there are none).

The spec describes no ``401``, ``403`` or ``429`` answers (Attio's guides do: a bad token, a
missing scope, the rate limit); those answers are checked only for the error shape every Attio
error has (``{status_code, type, code, message}``).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).parent / "fixtures" / "specs" / "attio-openapi-v2-subset.json"
SPEC_URI = "urn:crmdesk:attio-openapi"
METHODS = ("get", "post", "put", "patch", "delete")
#: The spec's record search, the one operation the facade's per-operation exercises leave out.
SEARCH = "POST /v2/objects/records/search"

#: Statuses the spec leaves to Attio's guides; their bodies are checked against ``ERROR_SHAPE``.
UNDOCUMENTED_ERRORS = frozenset({401, 403, 429})
ERROR_SHAPE: dict[str, Any] = {
    "type": "object",
    "required": ["status_code", "type", "code", "message"],
    "properties": {
        "status_code": {"type": "integer"},
        "type": {"type": "string"},
        "code": {"type": "string"},
        "message": {"type": "string"},
    },
}

FORMATS = FormatChecker(formats=("uuid", "email"))
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(RFC3339.match(value))


def _nullable_to_type_list(node: Any) -> None:
    if isinstance(node, dict):
        if node.pop("nullable", False) is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        kinds = node.get("type")
        if isinstance(kinds, list) and "null" in kinds and isinstance(node.get("enum"), list) \
                and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        for value in node.values():
            _nullable_to_type_list(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_to_type_list(value)


@cache
def spec() -> dict[str, Any]:
    """The spec as validated (read once per test process; never changed after)."""
    document = copy.deepcopy(json.loads(SPEC_PATH.read_text(encoding="utf-8")))
    _nullable_to_type_list(document)
    return document


@cache
def _registry() -> Registry:
    return Registry().with_resource(SPEC_URI, Resource(contents=spec(), specification=DRAFT202012))


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _validator(pointer: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=_registry(), format_checker=FORMATS)


@dataclass(frozen=True)
class Operation:
    method: str
    template: str

    @property
    def pointer(self) -> str:
        return f"/paths/{_escape(self.template)}/{self.method.lower()}"

    @property
    def definition(self) -> dict[str, Any]:
        return spec()["paths"][self.template][self.method.lower()]

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def operations() -> list[Operation]:
    return [Operation(method.upper(), path) for path, item in spec()["paths"].items()
            for method in item if method in METHODS]


def _matches(template: str, path: str) -> bool:
    want, got = template.strip("/").split("/"), path.strip("/").split("/")
    return len(want) == len(got) and all(w.startswith("{") or w == g for w, g in zip(want, got, strict=True))


def operation_for(method: str, path: str) -> Operation | None:
    """The spec's operation for a concrete request; the template with the most literal segments wins
    (``/v2/objects/records/search`` over ``/v2/objects/{object}/records``)."""
    found = [op for op in operations() if op.method == method.upper() and _matches(op.template, path)]
    found.sort(key=lambda op: -sum(1 for part in op.template.split("/") if part and not part.startswith("{")))
    return found[0] if found else None


def _errors(validator: Draft202012Validator, instance: Any, where: str) -> list[str]:
    return [f"{where}: {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:300]}"
            for error in validator.iter_errors(instance)]


def request_problems(method: str, path: str, query: Mapping[str, str], body: Any) -> list[str]:
    """What in a request the spec does not accept: an unknown operation, an unknown or ill-typed
    query parameter, a body where none is described, a body its schema refuses."""
    op = operation_for(method, path)
    if op is None:
        return [f"{method} {path}: no such operation in the spec"]
    definition = op.definition
    problems: list[str] = []
    params = {p["name"]: p for p in definition.get("parameters", []) if p.get("in") == "query"}
    for name, value in query.items():
        param = params.get(name)
        if param is None:
            problems.append(f"{op}: query parameter {name!r} is not in the spec")
            continue
        schema = dict(param.get("schema") or {})
        instance: Any = value
        if schema.get("type") in ("number", "integer"):
            try:
                instance = float(value) if schema["type"] == "number" else int(value)
            except ValueError:
                problems.append(f"{op}: query parameter {name}={value!r} is not a {schema['type']}")
                continue
        elif schema.get("type") == "boolean":
            if value not in ("true", "false"):
                problems.append(f"{op}: query parameter {name}={value!r} is not true or false")
            continue
        validator = Draft202012Validator(schema, registry=_registry(), format_checker=FORMATS)
        problems += _errors(validator, instance, f"{op} query {name}")
    content = definition.get("requestBody", {}).get("content", {})
    if body is None:
        if definition.get("requestBody", {}).get("required"):
            problems.append(f"{op}: the spec requires a body")
        return problems
    if "application/json" not in content:
        return [*problems, f"{op}: the spec describes no JSON body"]
    pointer = f"{op.pointer}/requestBody/content/application~1json/schema"
    return problems + _errors(_validator(pointer), body, f"{op} body")


def response_problems(method: str, path: str, status: int, body: Any) -> list[str]:
    """What in an answer the spec does not allow: a status it does not describe for the operation
    (besides ``UNDOCUMENTED_ERRORS``), a body its schema refuses."""
    op = operation_for(method, path)
    if op is None:
        return [f"{method} {path}: no such operation in the spec"]
    responses = op.definition.get("responses", {})
    key = str(status)
    if key not in responses:
        if status in UNDOCUMENTED_ERRORS:
            return _errors(Draft202012Validator(ERROR_SHAPE), body, f"{op} {status}")
        return [f"{op}: status {status} is not in the spec (it has {', '.join(responses)})"]
    content = responses[key].get("content", {})
    if "application/json" not in content:
        return [] if body in (None, b"", "") else [f"{op} {status}: the spec describes no JSON body"]
    pointer = f"{op.pointer}/responses/{key}/content/application~1json/schema"
    return _errors(_validator(pointer), body, f"{op} {status}")


def _json_or_none(content: bytes) -> Any:
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content[:200]


@dataclass
class Exchange:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    answer: Any


@dataclass
class SpecCheckingTransport(httpx.BaseTransport):
    """A real transport (loopback HTTP) that checks each request and answer against the spec.

    ``exchanges``: everything sent and answered, in order; ``problems``: what did not conform."""

    inner: httpx.BaseTransport = field(default_factory=httpx.HTTPTransport)
    check_requests: bool = True
    check_responses: bool = True
    exchanges: list[Exchange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        query = dict(request.url.params.multi_items())
        body = _json_or_none(request.read())
        if self.check_requests:
            self.problems += request_problems(request.method, path, query, body)
        response = self.inner.handle_request(request)
        content = response.read()
        answer = _json_or_none(content)
        if self.check_responses:
            self.problems += response_problems(request.method, path, response.status_code, answer)
        self.exchanges.append(Exchange(request.method, path, query, body, response.status_code, answer))
        # ``read`` decoded the body: the answer handed on is that, without the encoding's headers.
        headers = [(k, v) for k, v in response.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return httpx.Response(response.status_code, headers=headers, content=content, request=request,
                              extensions=response.extensions)

    def close(self) -> None:
        self.inner.close()

    def used(self) -> set[str]:
        """The spec operations the exchanges went to (``"POST /v2/notes"``)."""
        return {str(op) for ex in self.exchanges if (op := operation_for(ex.method, ex.path)) is not None}
