"""The attio dialect end to end, as a user scripts it: `crmdesk sync --dialect attio` builds a cache
with the server's counts; a record changed, a deal moved to another stage, a company made offline
and a note on it reach the server at the next sync, the note after its company and under its new id.

The server is the sandbox's attio facade over real loopback HTTP. What is on it is read with plain
httpx in Attio's own shapes (value arrays with ``active_until``), not with the client's adapter, and
every answer read is checked against Attio's official OpenAPI description as it arrives."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from crmdesk.model import is_local_id
from crmdesk.sandbox import SandboxServer
from tests import cli_support
from tests.attio_support import AttioReader, active

crmdesk = partial(cli_support.crmdesk, timeout=180)


def test_a_scripted_day_on_an_attio_server(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    server = SandboxServer(dialect="attio", records=120, seed=4, db_path=tmp_path / "server.sqlite").start()
    api = AttioReader(server)
    try:
        crmdesk("sync", "--dialect", "attio", "--url", server.url, "--data-dir", data, "--quiet",
                token=server.admin_token)
        cached = {slug: json.loads(crmdesk("records", "list", slug, "--json", "--data-dir", data).stdout)
                  for slug in ("people", "companies", "deals")}
        on_server = {slug: api.records(slug) for slug in cached}
        for slug in cached:
            assert {row["id"] for row in cached[slug]} == {r["id"]["record_id"] for r in on_server[slug]}, slug
            assert on_server[slug], slug

        # -- offline edits: made with no server and no token, queued in the workspace file --------
        person, deal = cached["people"][0], cached["deals"][0]
        stages = {s["title"]: s["id"]["status_id"] for s in api.statuses("deals", "stage")}
        before = api.record("deals", deal["id"]).json()["data"]
        new_stage = "Won" if active(before, "stage")[0]["status"]["title"] != "Won" else "Lost"
        crmdesk("records", "set", "people", person["id"], "job_title=Head of Script", "--data-dir", data)
        crmdesk("records", "set", "deals", deal["id"], f"stage={new_stage}", "--data-dir", data)
        new_id = crmdesk("records", "new", "companies", "name=Offline Made Ltd", "--data-dir", data).stdout.strip()
        assert is_local_id(new_id)
        (tmp_path / "note.md").write_text("Met at the fair; **wants a demo**.\n", encoding="utf-8")
        crmdesk("notes", "add", "companies", new_id, "--title", "Fair", "--content-file", str(tmp_path / "note.md"),
                "--data-dir", data)

        # -- the next sync, through the API base address this time (both addresses work) -----------
        synced = crmdesk("sync", "--dialect", "attio", "--url", server.url.rstrip("/") + "/v2",
                         "--data-dir", data, "--quiet", token=server.admin_token)
        assert "still pending 0" in synced.stdout, synced.stdout

        changed = api.record("people", person["id"]).json()["data"]
        assert [v["value"] for v in active(changed, "job_title")] == ["Head of Script"]
        moved = api.record("deals", deal["id"]).json()["data"]
        assert [v["status"]["id"]["status_id"] for v in active(moved, "stage")] == [stages[new_stage]]
        # The stage it left is history now, as Attio keeps it.
        left = active(before, "stage")[0]["status"]["id"]["status_id"]
        assert [v["status"]["id"]["status_id"] for v in api.history("deals", deal["id"], "stage")
                if v["active_until"] is not None] == [left]
        [made] = [r for r in api.records("companies")
                  if [v["value"] for v in active(r, "name")] == ["Offline Made Ltd"]]
        made_id = made["id"]["record_id"]
        # The note went after its company, under the company's new server id.
        notes = api.notes("companies", made_id)
        assert [(n["title"], n["content_plaintext"].strip()) for n in notes] == [
            ("Fair", "Met at the fair; wants a demo.")]
        companies = json.loads(crmdesk("records", "list", "companies", "--json", "--data-dir", data).stdout)
        assert made_id in {row["id"] for row in companies}
        assert api.transport.problems == []
    finally:
        api.close()
        server.stop()


def test_a_token_that_may_not_read_members_syncs_without_its_tasks(tmp_path: Path) -> None:
    """Attio's task list names members: ``GET /v2/tasks`` needs ``user_management:read`` (the
    spec's ``security``). A token without it still syncs — records, lists, notes — with the tasks
    off and the reason naming the scope, instead of the whole sync failing on a 403."""
    from crmdesk.sandbox.attio.store import ALL_SCOPES, AttioStore

    data = str(tmp_path / "data")
    with SandboxServer(dialect="attio", records=40, seed=6) as server:
        assert server.core is not None
        admin = next(m for m in server.core.workspace.members() if m["role"] == "admin")
        token_id, token = server.core.workspace.issue_token(admin["user_id"], "no members")
        AttioStore(server.core).set_scopes(token_id, [s for s in ALL_SCOPES if not s.startswith("user_management:")])
        api = AttioReader(server)
        try:
            assert api.tasks(), "the demo has tasks the token may not read"
            synced = crmdesk("sync", "--dialect", "attio", "--url", server.url, "--data-dir", data, token=token)
            people = json.loads(crmdesk("records", "list", "people", "--json", "--data-dir", data).stdout)
            assert {row["id"] for row in people} == {r["id"]["record_id"] for r in api.records("people")}
            assert api.transport.problems == []
        finally:
            api.close()
    phases = {line.split(":")[0].strip() for line in (synced.stdout + synced.stderr).splitlines()[1:]}
    assert synced.stdout.startswith("synced:") and "still pending 0" in synced.stdout
    assert "notes" in phases and "tasks" not in phases  # the tasks were not asked for
