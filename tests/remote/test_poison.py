"""Poison from a server — a lone surrogate, a NUL character, 10 MB of text — is skipped and logged,
never stops a sync: the value goes, or the row when it cannot stand without it (its id, a note's
content, a task's text, an option's title); every other row of the page is kept.

The real sandbox serves the data; a proxy (``tests/hostile/server.HostileServer``) poisons its answers on the way out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crmdesk.remote.aria import AriaBackend, connect_aria
from crmdesk.remote.limits import MAX_TEXT
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from tests.hostile.server import HostileServer

SURROGATE = "lone \ud800 surrogate"
NUL = "nul\x00byte"
HUGE = "h" * 10_000_000
#: Just over the limit: what a name, a note or an email gets (10 MB in each would only slow the test).
BIG = "b" * (MAX_TEXT + 1)
API = "/api/v1"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(records=40, seed=11) as running:
        yield running


@pytest.fixture
def spoiler(sandbox: SandboxServer) -> Iterator[HostileServer]:
    with HostileServer(sandbox) as running:
        yield running


def poison_everything(spoiler: HostileServer) -> dict[str, Any]:
    """Poison one thing of each kind; returns what was poisoned, to look for afterwards."""
    hit: dict[str, Any] = {}

    def records(payload: Any) -> Any:
        rows = payload["data"]["records"]
        if len(rows) >= 5 and "job" not in hit:
            hit["job"] = rows[0]["id"]
            rows[0]["values"]["job_title"] = SURROGATE
            hit["description"] = rows[1]["id"]
            rows[1]["values"]["description"] = NUL
            hit["huge"] = rows[2]["id"]
            rows[2]["values"]["job_title"] = HUGE
            hit["name"] = rows[3]["id"]
            rows[3]["values"]["name"] = {"firstName": SURROGATE, "lastName": "Kept", "fullName": "x"}
            hit["bad_id"] = rows[4]["id"]
            rows[4]["id"] = rows[4]["id"] + "\x00"
        return payload

    def objects(payload: Any) -> Any:
        for row in payload["data"]:
            if row["slug"] == "companies":
                row["singularName"] = SURROGATE
                row["pluralName"] = BIG
        return payload

    def attributes(payload: Any) -> Any:
        for row in payload["data"]:
            if row["slug"] == "description":
                row["title"] = NUL
        payload["data"].append({"id": "poisoned", "slug": "bad\ud800slug", "title": "Bad", "type": "text"})
        return payload

    def deal_attributes(payload: Any) -> Any:
        for row in payload["data"]:
            if row["slug"] == "stage" and row.get("statuses"):
                hit["status"] = row["statuses"][0]["id"]
                row["statuses"][0]["title"] = SURROGATE
        return payload

    def notes(payload: Any) -> Any:
        rows = payload["data"]["notes"]
        hit["untitled_note"] = rows[0]["id"]
        rows[0]["title"] = NUL
        hit["surrogate_note"] = rows[1]["id"]
        rows[1]["content"]["content"][0]["content"][0]["text"] = SURROGATE
        hit["huge_note"] = rows[2]["id"]
        rows[2]["content"] = BIG
        return payload

    def tasks(payload: Any) -> Any:
        rows = payload["data"]["tasks"]
        hit["nul_task"] = rows[0]["id"]
        rows[0]["content"] = NUL
        hit["linked_task"] = rows[1]["id"]
        rows[1]["linkedRecords"] = [*rows[1]["linkedRecords"], {"id": SURROGATE}]
        return payload

    def members(payload: Any) -> Any:
        rows = payload["data"]["members"]
        hit["member"] = rows[0]["id"]
        rows[0]["userName"] = SURROGATE
        rows[0]["userEmail"] = BIG
        return payload

    spoiler.rewrite(f"{API}/objects/people/records", records)
    spoiler.rewrite(f"{API}/objects", objects)
    spoiler.rewrite(f"{API}/objects/people/attributes", attributes)
    spoiler.rewrite(f"{API}/objects/deals/attributes", deal_attributes)
    spoiler.rewrite(f"{API}/notes", notes)
    spoiler.rewrite(f"{API}/tasks", tasks)
    spoiler.rewrite(f"{API}/workspace-members", members)
    return hit


def clean_backend(sandbox: SandboxServer) -> AriaBackend:
    return connect_aria(sandbox.url, sandbox.admin_token)


def check_logged(caplog: pytest.LogCaptureFixture) -> None:
    """Each poison kind was reported, and no log line carries the 10 MB text (or any large part)."""
    messages = [r.getMessage() for r in caplog.records]
    assert any("lone surrogate" in m for m in messages)
    assert any("NUL character" in m for m in messages)
    assert any("text of 10,000,000 characters" in m for m in messages)
    assert max(len(m) for m in messages) < 1_000
    assert "\ud800" not in "".join(messages) and "\x00" not in "".join(messages)
    caplog.clear()


def test_poisoned_values_and_rows_are_skipped_and_the_rest_of_the_page_kept(
    sandbox: SandboxServer, spoiler: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    hit = poison_everything(spoiler)
    truth = clean_backend(sandbox)
    backend = connect_aria(spoiler.url, sandbox.admin_token)
    try:
        with caplog.at_level(logging.WARNING):
            records = {r.id: r for page in backend.iter_record_pages("people") for r in page.records}
            expected = {r.id: r for page in truth.iter_record_pages("people") for r in page.records}
            objects = {o.slug: o for o in backend.objects()}
            notes = {n.id: n for page in backend.iter_notes() for n in page}
            tasks = {t.id: t for page in backend.iter_tasks() for t in page}
            members = {m.id: m for m in backend.members()}
    finally:
        backend.close()
        truth.close()

    # Records: the poisoned id's row goes, every other row of the page stays.
    assert set(records) == set(expected) - {hit["bad_id"]}
    assert "job_title" not in records[hit["job"]].values
    assert "description" not in records[hit["description"]].values
    assert "job_title" not in records[hit["huge"]].values
    assert "name" not in records[hit["name"]].values
    for ident in (hit["job"], hit["description"], hit["huge"], hit["name"]):
        # The poisoned value only: the record's other values are kept as the server has them.
        kept = {k: v for k, v in expected[ident].values.items() if k not in ("job_title", "description", "name")}
        assert {k: v for k, v in records[ident].values.items() if k in kept} == kept

    # Schema: names fall back to the slug, a poisoned slug or option is left out.
    assert objects["companies"].singular_name == "companies" and objects["companies"].plural_name == "companies"
    people = objects["people"]
    assert people.attribute("description") is not None and people.attribute("description").title == "description"
    assert all("\ud800" not in a.slug for a in people.attributes)
    stage = objects["deals"].attribute("stage")
    assert stage is not None and stage.option_by_id(hit["status"]) is None and stage.options

    # Notes: an untitled note stays; a note whose content is poison goes.
    assert notes[hit["untitled_note"]].title == ""
    assert hit["surrogate_note"] not in notes and hit["huge_note"] not in notes
    # Tasks: a task is its text; a poisoned link is left out of a task that stays.
    assert hit["nul_task"] not in tasks
    assert tasks[hit["linked_task"]].record_ids and SURROGATE not in tasks[hit["linked_task"]].record_ids
    # Members: the name and email go, the member stays.
    assert members[hit["member"]].name == "" and members[hit["member"]].email == ""
    check_logged(caplog)


def test_a_sync_against_a_poisoning_server_completes_with_the_right_records(
    sandbox: SandboxServer, spoiler: HostileServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    hit = poison_everything(spoiler)
    truth = clean_backend(sandbox)
    server_people = truth.record_ids("people")
    server_notes = {n.id for page in truth.iter_notes() for n in page}
    truth.close()
    backend = connect_aria(spoiler.url, sandbox.admin_token)
    try:
        with Store.open(tmp_path / "ws.sqlite") as store, caplog.at_level(logging.WARNING):
            report = SyncEngine(store, backend).sync(force_collections=True)
            assert report.status.value == "synced", report.summary()
            assert store.records.ids("people") == server_people - {hit["bad_id"]}
            job = store.records.get(hit["job"])
            assert job is not None and "job_title" not in job.values
            assert store.notes.ids() == server_notes - {hit["surrogate_note"], hit["huge_note"]}
            assert hit["nul_task"] not in store.tasks.ids() and hit["linked_task"] in store.tasks.ids()
    finally:
        backend.close()
    check_logged(caplog)


def test_the_text_limit_is_one_million_characters() -> None:
    from crmdesk.remote.limits import flaw

    assert MAX_TEXT == 1_000_000
    assert flaw("x" * MAX_TEXT) is None
    assert flaw({"deep": ["x" * (MAX_TEXT + 1)]}) is not None
    assert flaw({"key\x00": 1}) is not None
