"""The atomic dialect end to end, as a user scripts it: `crmdesk sync --dialect atomic` builds a
cache with the server's counts; records made, changed and deleted offline and a note on a record
made offline reach the server at the next sync, the note after its record and under its new id.

The server is the sandbox's atomic facade over real loopback HTTP, and what is on it is read
with plain httpx and the server's own shapes (camelCase answers, `Content-Range` totals), not
with the client's adapter, so a mapping bug on the client is caught, not mirrored."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from crmdesk.model import is_local_id
from crmdesk.sandbox import SandboxServer
from tests import cli_support
from tests.atomic_support import FacadeReader

#: Each call may be a whole sync against the rate-limited facade: three minutes, not the usual two.
crmdesk = partial(cli_support.crmdesk, timeout=180)


def number_of(record_id: str) -> int:
    return int(record_id.rsplit("/", 1)[1])


def test_a_scripted_day_on_an_atomic_server(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    server = SandboxServer(dialect="atomic", records=120, seed=4, db_path=tmp_path / "server.sqlite").start()
    api = FacadeReader(server)
    try:
        crmdesk("sync", "--dialect", "atomic", "--url", server.url, "--data-dir", data, "--quiet",
                token=server.admin_token)
        cached = {slug: json.loads(crmdesk("records", "list", slug, "--json", "--data-dir", data).stdout)
                  for slug in ("people", "companies", "deals")}
        for slug, resource in (("people", "contacts"), ("companies", "companies"), ("deals", "deals")):
            assert len(cached[slug]) == api.total(resource) > 0, slug

        # -- offline edits: made with no server and no token, queued in the workspace file --------
        person, doomed_deal = cached["people"][0], cached["deals"][0]
        before = api.get("contacts", number_of(person["id"])).json()
        assert before["firstName"] and before["lastName"] != "Renamed-by-script"
        # A person has one name; "Last, First" as typed keeps a first name that holds a space whole.
        crmdesk("records", "set", "people", person["id"], f"name=Renamed-by-script, {before['firstName']}",
                "--data-dir", data)
        crmdesk("records", "delete", "deals", doomed_deal["id"], "--data-dir", data)
        company = cached["companies"][0]
        new_id = crmdesk("records", "new", "people", "name=Offline Made",
                         f"company_id={company['id']}", "--data-dir", data).stdout.strip()
        assert is_local_id(new_id)
        (tmp_path / "note.md").write_text("Met at the fair; wants a demo.\n", encoding="utf-8")
        crmdesk("notes", "add", "people", new_id, "--title", "Fair", "--content-file", str(tmp_path / "note.md"),
                "--data-dir", data)

        # -- the next sync, through the API base address this time (both addresses work) -----------
        synced = crmdesk("sync", "--dialect", "atomic", "--url", server.url.rstrip("/") + "/api",
                         "--data-dir", data, "--quiet", token=server.admin_token)
        assert "still pending 0" in synced.stdout, synced.stdout

        changed = api.get("contacts", number_of(person["id"])).json()
        assert changed["lastName"] == "Renamed-by-script" and changed["firstName"] == before["firstName"]
        assert api.get("deals", number_of(doomed_deal["id"])).status_code == 404
        [made] = [row for row in api.rows("contacts") if row["lastName"] == "Made"]
        assert made["firstName"] == "Offline" and made["companyId"] == number_of(company["id"])
        # The note went after its contact, under the contact's new server id.
        notes = api.rows("contact_notes", contact_id=made["id"])
        assert [note["text"].strip() for note in notes] == ["Met at the fair; wants a demo."]
        # And the cache now knows the contact by its server id.
        people = json.loads(crmdesk("records", "list", "people", "--json", "--data-dir", data).stdout)
        assert f"contacts/{made['id']}" in {row["id"] for row in people}
        [cached_made] = [row for row in people if row["id"] == f"contacts/{made['id']}"]
        assert cached_made["title"] == "Offline Made"  # titled by the full name
        assert cached_made["values"]["name"] == {"first_name": "Offline", "last_name": "Made",
                                                 "full_name": "Offline Made"}
    finally:
        server.stop()
