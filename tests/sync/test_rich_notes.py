"""A note the team's web app wrote (TipTap JSON) survives crmdesk: pulled, title edited, content
edited, through the sandbox server over real loopback HTTP; notes crmdesk creates arrive as TipTap."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from crmdesk.model import MutationState
from crmdesk.remote import OutcomeUnknown
from crmdesk.remote.aria.adapter import ARIA_DEFAULTS
from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.sandbox.testing import sandbox_server  # noqa: F401  (the fixture)
from crmdesk.store import Store
from crmdesk.sync.push import Pusher

from ._support import backend, sync

FIXTURES = Path(__file__).parent.parent / "fixtures" / "aria-real"


def web_app_patch_body() -> dict[str, Any]:
    """What the web app PATCHes after creating a note (WEBSHAPE_PATCH_note_tiptap)."""
    text = (FIXTURES / "WEBSHAPE_PATCH_note_tiptap.txt").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("### BODY: "))
    body: dict[str, Any] = json.loads(line.removeprefix("### BODY: "))
    return body


@pytest.fixture
def server(sandbox_server: Callable[..., SandboxServer]) -> SandboxServer:  # noqa: F811
    return sandbox_server(records=30, seed=21)


@pytest.fixture
def api(server: SandboxServer) -> Iterator[httpx.Client]:
    """The web app's side: plain HTTP to the same server."""
    with httpx.Client(base_url=server.api_url, headers={"Authorization": f"Bearer {server.admin_token}"},
                      timeout=10) as client:
        yield client


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "w.sqlite") as opened:
        yield opened


def stored_content(server: SandboxServer, note_id: str) -> str:
    """The note's content exactly as the server keeps it (JSON text)."""
    assert server.core is not None
    return str(server.core.notes.get(note_id)["content"])


def a_deal(api: httpx.Client) -> str:
    return str(api.get("/objects/deals/records", params={"limit": 1}).json()["data"]["records"][0]["id"])


def test_a_web_app_note_survives_a_title_edit_and_a_content_edit(
        server: SandboxServer, api: httpx.Client, store: Store) -> None:
    deal = a_deal(api)
    # Created as the web app creates a note: empty, then PATCHed with title and TipTap content.
    created = api.post(f"/objects/deals/records/{deal}/notes", json={"title": "", "content": None}).json()["data"]
    assert created["content"] is None
    web = web_app_patch_body()
    assert api.patch(f"/notes/{created['id']}", json=web).json()["data"]["content"] == web["content"]
    note_id, as_written = created["id"], stored_content(server, created["id"])

    assert sync(store, server).status.value == "synced"
    pulled = store.notes.get(note_id)
    assert pulled is not None and pulled.title == "Call with Acme"
    assert pulled.content.startswith("## Agenda\n\n- Pricing for **50 seats**\n")

    store.edits.update_note(note_id, title="Call with Acme (follow-up)")
    assert sync(store, server).pending == 0
    assert api.get(f"/notes/{note_id}").json()["data"]["title"] == "Call with Acme (follow-up)"
    assert stored_content(server, note_id) == as_written  # byte for byte: no content was sent

    store.edits.update_note(note_id, content=pulled.content.replace("Send contract", "Send the signed contract"))
    assert sync(store, server).pending == 0
    expected = copy.deepcopy(web["content"])
    expected["content"][3]["content"][0]["content"][0]["content"][0]["text"] = "Send the signed contract"
    assert json.loads(stored_content(server, note_id)) == expected  # heading, lists, marks, link attrs: all there
    after = store.notes.get(note_id)
    assert after is not None and "1. Send the signed contract" in after.content


def test_a_note_crmdesk_creates_arrives_as_a_tiptap_document(
        server: SandboxServer, api: httpx.Client, store: Store) -> None:
    sync(store, server)
    deal = a_deal(api)
    store.edits.create_note(deal, "Plan", "## Next steps\n\n1. Call *Ada*\n2. Send [the quote](https://example.com/q)")
    assert sync(store, server).pending == 0
    (row,) = [n for n in api.get(f"/objects/deals/records/{deal}/notes").json()["data"] if n["title"] == "Plan"]
    link = {"href": "https://example.com/q", "target": "_blank", "rel": "noopener noreferrer nofollow", "class": None}
    assert row["content"] == {"type": "doc", "content": [
        {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Next steps"}]},
        {"type": "orderedList", "attrs": {"start": 1}, "content": [
            {"type": "listItem", "content": [{"type": "paragraph", "content": [
                {"type": "text", "text": "Call "}, {"type": "text", "text": "Ada", "marks": [{"type": "italic"}]}]}]},
            {"type": "listItem", "content": [{"type": "paragraph", "content": [
                {"type": "text", "text": "Send "},
                {"type": "text", "text": "the quote", "marks": [{"type": "link", "attrs": link}]}]}]},
        ]},
    ]}


def test_a_created_note_whose_answer_was_lost_is_found_though_the_server_spells_it_otherwise(
        server: SandboxServer, api: httpx.Client, store: Store) -> None:
    sync(store, server)
    deal = a_deal(api)
    store.edits.create_note(deal, "Lost answer", "*Budget* approved, 2 * 3 seats")
    client = backend(server)
    client.objects()
    server.set_faults(FaultConfig(drop_rate=1.0, max_faults=1, seed=3))
    with pytest.raises(OutcomeUnknown):
        Pusher(store, client, ARIA_DEFAULTS).push()
    client.close()
    server.set_faults(None)
    assert store.outbox.all()[0].state is MutationState.IN_FLIGHT
    assert sync(store, server).pending == 0
    titles = [n["title"] for n in api.get(f"/objects/deals/records/{deal}/notes").json()["data"]]
    assert titles.count("Lost answer") == 1


def _paragraphs(*texts: str) -> dict[str, Any]:
    return {"type": "doc", "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": text}]} for text in texts]}


def test_a_colleagues_change_to_another_part_of_the_note_is_kept_with_mine(
        server: SandboxServer, api: httpx.Client, store: Store) -> None:
    deal = a_deal(api)
    note_id = api.post(f"/objects/deals/records/{deal}/notes",
                       json={"title": "Plan", "content": _paragraphs("Pricing", "Send contract", "Book kickoff")}
                       ).json()["data"]["id"]
    assert sync(store, server).status.value == "synced"
    # A colleague edits the last paragraph in the web app; here, offline, the user edits the first.
    api.patch(f"/notes/{note_id}", json={"content": _paragraphs("Pricing", "Send contract", "Book kickoff in March")})
    store.edits.update_note(note_id, content="Pricing for 50 seats\n\nSend contract\n\nBook kickoff")
    assert sync(store, server).pending == 0
    assert json.loads(stored_content(server, note_id)) == _paragraphs(
        "Pricing for 50 seats", "Send contract", "Book kickoff in March")


def test_both_changing_the_same_part_is_refused_keeping_both_until_the_user_chooses(
        server: SandboxServer, api: httpx.Client, store: Store) -> None:
    from crmdesk.ui.pending_actions import retry

    deal = a_deal(api)
    note_id = api.post(f"/objects/deals/records/{deal}/notes",
                       json={"title": "Plan", "content": _paragraphs("Pricing", "Send contract")}).json()["data"]["id"]
    assert sync(store, server).status.value == "synced"
    theirs = _paragraphs("Pricing for 40 seats", "Send contract")
    api.patch(f"/notes/{note_id}", json={"content": theirs})
    store.edits.update_note(note_id, content="Pricing for 50 seats\n\nSend contract")
    report = sync(store, server)
    assert report.rejected == 1
    assert json.loads(stored_content(server, note_id)) == theirs  # theirs is not overwritten
    [waiting] = [m for m in store.outbox.all() if m.target_id == note_id]
    assert waiting.state is MutationState.REJECTED and "changed the same part" in (waiting.error or "")
    assert waiting.changes["content"] == "Pricing for 50 seats\n\nSend contract"  # mine is not lost
    retry(store, waiting.op_id)  # the user's choice: mine over theirs
    assert sync(store, server).pending == 0
    assert json.loads(stored_content(server, note_id)) == _paragraphs("Pricing for 50 seats", "Send contract")
