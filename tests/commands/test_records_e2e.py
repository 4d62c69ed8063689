"""The scriptable face end to end, as real processes over real loopback HTTP: sync a workspace,
stop the server, create, change and delete records and add a note offline (no token, no server),
start the server again from its file, sync, and find every change on the server.

The server comes back on a new free port, never the old one (another process may hold it by
then): the workspace is the server's workspace id, so syncing with the new address reaches the
same file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crmdesk.model import is_local_id
from crmdesk.remote.aria.tiptap import markdown_of
from crmdesk.sandbox import SandboxServer
from tests.cli_support import crmdesk


def test_offline_edits_reach_the_server_at_the_next_sync(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    server = SandboxServer(records=30, seed=23, db_path=tmp_path / "server.sqlite").start()
    port = server.port
    try:
        crmdesk("sync", "--url", server.url, "--data-dir", data, "--quiet", token=server.admin_token)
    finally:
        server.stop()
    (workspace,) = (tmp_path / "data" / "workspaces").glob("*.sqlite")

    # -- offline: the server is down and no token is anywhere in the environment --------------
    deals: list[dict[str, Any]] = json.loads(crmdesk("records", "list", "deals", "--json", "--data-dir", data).stdout)
    kept, doomed = deals[0], deals[1]
    new_id = crmdesk("records", "new", "deals", "name=Scripted deal", "stage=Lead", "value=EUR 2,500",
                     "--data-dir", data).stdout.strip()
    assert is_local_id(new_id)
    crmdesk("records", "set", "deals", kept["id"], "name=Renamed by a script", "stage=Won", "--data-dir", data)
    crmdesk("records", "delete", "deals", doomed["id"], "--data-dir", data)
    (tmp_path / "call.md").write_text("# Call\n\nThey want **more** seats.\n", encoding="utf-8")
    note_id = crmdesk("notes", "add", "deals", kept["id"], "--title", "Kick-off", "--content-file",
                      str(tmp_path / "call.md"), "--data-dir", data).stdout.strip()
    assert is_local_id(note_id)
    pending = json.loads(crmdesk("records", "get", "deals", kept["id"], "--json", "--data-dir", data).stdout)
    assert pending["pending"] is True and pending["display"]["stage"] == "Won"

    # -- online again: the same server (its file) at the same address: the workspace file is bound to it
    server = SandboxServer(db_path=tmp_path / "server.sqlite", port=port).start()
    try:
        synced = crmdesk("sync", "--url", server.url, "--data-dir", data, "--quiet", token=server.admin_token)
        assert list((tmp_path / "data" / "workspaces").glob("*.sqlite")) == [workspace]
        assert "pushed 4" in synced.stdout and "still pending 0" in synced.stdout, synced.stdout
        assert server.core is not None
        on_server = {record.id: record.values for record in server.core.records.all("deals")}
        assert doomed["id"] not in on_server
        assert on_server[kept["id"]]["name"] == "Renamed by a script"
        made = [values for values in on_server.values() if values.get("name") == "Scripted deal"]
        assert len(made) == 1
        notes, _ = server.core.notes.page(None, 0, kept["id"])
        # Stored as the web app stores notes: a TipTap document, the file's markdown read into it.
        assert [(row["title"], markdown_of(json.loads(row["content"])))
                for row in notes if row["title"] == "Kick-off"] == [("Kick-off", "# Call\n\nThey want **more** seats.")]
    finally:
        server.stop()

    # The cache now holds the server's ids; the local id a script kept still finds the record.
    again = json.loads(crmdesk("records", "get", "deals", new_id, "--json", "--data-dir", data).stdout)
    assert not is_local_id(again["id"]) and again["pending"] is False
    assert again["display"]["stage"] == "Lead" and again["values"]["value"] == {"amount": 2500, "currency": "EUR"}
    renamed = json.loads(crmdesk("records", "get", "deals", kept["id"], "--json", "--data-dir", data).stdout)
    assert renamed["display"]["stage"] == "Won" and renamed["pending"] is False
    assert on_server[kept["id"]]["stage"] == renamed["values"]["stage"]  # the Won status's id, on both sides
