"""Every recorded answer of the real Aria server parses into the model or the right typed error."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from crmdesk.model import ObjectDef, Record
from crmdesk.remote.aria import connect_aria, wire
from crmdesk.remote.aria.schema import decode_record
from crmdesk.remote.errors import AuthError, NotFound, RemoteError, ServerError, ServerRejected
from crmdesk.remote.transport import RetryPolicy, decode_json

from .conftest import TOKEN
from .recorded import Recorded, Replay, by_name, load_all

RECORDINGS = load_all()
SCHEMA_FILES = (
    "GET_objects",
    "GET_objects_people_attributes",
    "GET_objects_companies_attributes",
    "GET_objects_deals_attributes",
    "GET_objects_companies_attributes_options",
)


def _schema() -> dict[str, ObjectDef]:
    backend = connect_aria("https://aria.test", TOKEN, http_transport=Replay.of(
        by_name(n) for n in SCHEMA_FILES).transport())
    return {obj.slug: obj for obj in backend.objects()}


SCHEMA = _schema()


def _record(data: Any, slug: str) -> list[Record]:
    return [decode_record(SCHEMA[slug], data)]


def _records(data: Any, slug: str) -> list[Record]:
    return [decode_record(SCHEMA[slug], row) for row in wire.rows_of(data, "records")]


def _slug(target: str) -> str:
    match = re.search(r"/objects/([^/?]+)", target)
    assert match
    return match.group(1)


#: path pattern → how the adapter reads that answer (the same functions its calls use).
PARSERS: list[tuple[str, str, Callable[[Any, str], Any]]] = [
    ("GET", r"^/api/v1/workspace$", lambda d, t: wire.workspace(d)),
    ("GET", r"^/api/v1/workspace-members$", lambda d, t: wire.members(d)),
    ("GET", r"^/api/v1/objects$", lambda d, t: [wire.object_def(r) for r in wire.rows_of(d, "objects")]),
    ("GET", r"^/api/v1/objects/[^/]+$", lambda d, t: wire.object_def(d, wire.attributes(d["attributes"]))),
    ("GET", r"^/api/v1/objects/[^/]+/attributes$", lambda d, t: wire.attributes(wire.rows_of(d, "a"))),
    ("POST", r"^/api/v1/objects/[^/]+/attributes$", lambda d, t: wire.attribute(d)),
    ("*", r"^/api/v1/objects/[^/]+/attributes/options$",
     lambda d, t: [wire.option(r) for r in (d if isinstance(d, list) else [d])]),
    ("GET", r"^/api/v1/objects/[^/]+/records$", lambda d, t: _records(d, _slug(t))),
    ("POST", r"^/api/v1/objects/[^/]+/records/query$",
     lambda d, t: _records(d, _slug(t)) if "records" in d else _record(d, _slug(t))),
    ("*", r"^/api/v1/objects/[^/]+/records(/[0-9a-f-]+)?$", lambda d, t: _record(d, _slug(t))),
    ("DELETE", r"^/api/v1/objects/[^/]+/records/[^/]+$", lambda d, t: d["deleted"]),
    ("GET", r"^/api/v1/objects/[^/]+/records/[^/]+/activity$",
     lambda d, t: [wire.timeline_event(r, "x") for r in wire.rows_of(d, "activity")]),
    ("GET", r"^/api/v1/objects/[^/]+/records/[^/]+/tasks$", lambda d, t: [wire.task(r) for r in d]),
    ("GET", r"^/api/v1/objects/[^/]+/records/[^/]+/related$", lambda d, t: d["related"]),
    ("POST", r"^/api/v1/objects/[^/]+/records/[^/]+/notes$", lambda d, t: wire.note(d)),
    ("GET", r"^/api/v1/objects/[^/]+/records/[^/]+/notes$",
     lambda d, t: [wire.note(r) for r in wire.rows_of(d, "notes")]),
    ("*", r"^/api/v1/notes/[^/]+$", lambda d, t: wire.note(d)),
    ("GET", r"^/api/v1/lists$", lambda d, t: [wire.list_def(r) for r in wire.rows_of(d, "lists")]),
    ("GET", r"^/api/v1/lists/[^/]+$", lambda d, t: wire.list_def(d, wire.attributes(d["attributes"]))),
    ("POST", r"^/api/v1/lists$", lambda d, t: wire.list_def(d)),
    ("POST", r"^/api/v1/lists/[^/]+/attributes$", lambda d, t: wire.attribute(d)),
    ("GET", r"^/api/v1/lists/[^/]+/entries$", lambda d, t: wire.rows_of(d, "entries")),
    ("POST", r"^/api/v1/lists/[^/]+/entries$", lambda d, t: wire.require(d, "recordId")),
    ("*", r"^/api/v1/notes$", lambda d, t: [wire.note(r) for r in wire.rows_of(d, "notes")]
     if isinstance(d, dict) and "notes" in d else wire.note(d)),
    ("*", r"^/api/v1/tasks$", lambda d, t: [wire.task(r) for r in wire.rows_of(d, "tasks")]
     if isinstance(d, dict) and "tasks" in d else wire.task(d)),
    ("GET", r"^/api/v1/timeline/[^/]+$",
     lambda d, t: [wire.timeline_event(r, "x") for r in wire.rows_of(d, "events")]),
    ("GET", r"^/api/v1/search$", lambda d, t: [wire.require(r, "id") for r in d]),
    ("GET", r"^/api/v1/records/browse$", lambda d, t: [wire.require(r, "recordId") for r in d]),
]


def _parser(rec: Recorded) -> Callable[[Any, str], Any]:
    for method, pattern, parse in PARSERS:
        if method in ("*", rec.method) and re.match(pattern, rec.path):
            return parse
    raise AssertionError(f"no parser for {rec.method} {rec.path}")


EXPECTED_ERROR: dict[int, type[RemoteError]] = {
    307: AuthError, 401: AuthError, 400: ServerRejected, 404: NotFound, 500: ServerError,
}


@pytest.mark.parametrize("rec", [r for r in RECORDINGS if r.status < 300], ids=lambda r: r.name)
def test_success_answers_parse_into_the_model(rec: Recorded, caplog: pytest.LogCaptureFixture) -> None:
    data = wire.data_of(decode_json(rec.response(), rec.method, rec.path))
    with caplog.at_level(logging.WARNING, logger="crmdesk"):
        parsed = _parser(rec)(data, rec.target)
    assert parsed is not None
    # Real values all parse: nothing was skipped as unreadable.
    assert not [r for r in caplog.records if "unreadable" in r.getMessage()]


@pytest.mark.parametrize("rec", [r for r in RECORDINGS if r.status >= 300], ids=lambda r: r.name)
def test_error_answers_map_to_typed_errors(rec: Recorded) -> None:
    backend = connect_aria(
        "https://aria.test", TOKEN, http_transport=httpx.MockTransport(lambda request: rec.response()),
        config={"retry": RetryPolicy(max_attempts=1)},
    )
    with pytest.raises(EXPECTED_ERROR[rec.status]) as caught:
        backend.transport.request(rec.method, rec.target, json_body={})
    assert TOKEN not in str(caught.value)
    body_message = re.search(rb'"message":"([^"]+)"', rec.content)
    if body_message:
        assert caught.value.message == body_message.group(1).decode()  # the server's own words
