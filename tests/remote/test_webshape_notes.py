"""Notes as the real server's own web app writes them (``WEBSHAPE_*note*`` recordings): TipTap
documents read into the model's markdown with nothing lost, and written back in the web app's
exact JSON (dict equality: the server's jsonb reorders keys)."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from crmdesk.model.rich_text import parse_markdown
from crmdesk.remote.aria import connect_aria, tiptap, wire

from .conftest import TOKEN
from .recorded import Recorded, by_name

NOTE_ID = "a03ee9cf-6249-4008-963c-5ca33674f727"
DEAL_ID = "e2aa1a0b-5917-40ed-b3ff-29045ad97d9a"
#: The recorded note, as the model keeps it.
CANONICAL = "\n".join([
    "## Agenda",
    "",
    "- Pricing for **50 seats**",
    "- Quote [seen here](https://example.com/quote/17)",
    "",
    "_Follow up_ on `2026-12-01`",
    "",
    "1. Send contract",
    "",
    "> We need it by Friday",
    "",
    "```",
    "seats = 50",
    "```",
    "",
    "---",
    "",
    "~~old price~~\\",
    "new line",
])


def _rows(rec: Recorded) -> list[dict[str, Any]]:
    data = wire.data_of(json.loads(rec.content))
    return data if isinstance(data, list) else [data]


def _sent(rec: Recorded) -> dict[str, Any]:
    assert rec.body is not None
    body: dict[str, Any] = json.loads(rec.body)
    return body


@pytest.mark.parametrize(
    "recording", ["WEBSHAPE_GET_note_tiptap", "WEBSHAPE_GET_record_notes_tiptap", "WEBSHAPE_PATCH_note_tiptap"])
def test_a_web_app_note_reads_as_markdown_and_writes_back_the_same_document(recording: str) -> None:
    for row in _rows(by_name(recording)):
        note = wire.note(row)
        assert note.content == CANONICAL
        assert note.created_by == "pOehmHrDdzkrxZ5tjIzmQ3f3oYAR9bmS"
        assert tiptap.document_json(parse_markdown(note.content)) == row["content"]


def test_the_markdown_writes_the_body_the_web_app_sent() -> None:
    sent = _sent(by_name("WEBSHAPE_PATCH_note_tiptap"))
    assert tiptap.document_json(parse_markdown(CANONICAL)) == sent["content"]


def test_a_note_the_web_app_just_created_is_empty() -> None:
    (row,) = _rows(by_name("WEBSHAPE_POST_note_empty"))
    assert row["content"] is None
    assert wire.note(row).content == ""


def test_string_content_reads_as_markdown() -> None:
    assert wire.note({"id": "n1", "content": "**Budget** approved\nnext line"}).content == (
        "**Budget** approved\nnext line")


class Server:
    """The recorded answers, and every request body the adapter sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.sent.append((request.method, request.url.path, body))
        if request.method == "GET" and request.url.path == f"/api/v1/notes/{NOTE_ID}":
            return by_name("WEBSHAPE_GET_note_tiptap").response()
        if request.method == "PATCH":
            return by_name("WEBSHAPE_PATCH_note_tiptap").response()
        if request.method == "POST":
            return by_name("WEBSHAPE_POST_note_empty").response()
        return httpx.Response(404, json={"error": {"code": "NOT_FOUND", "message": request.url.path}})

    def backend(self) -> Any:
        return connect_aria("https://aria.test", TOKEN, http_transport=httpx.MockTransport(self))


def test_a_content_edit_sends_the_web_apps_patch_body() -> None:
    server = Server()
    updated = server.backend().update_note(NOTE_ID, parent=None, title="Call with Acme", content=CANONICAL)
    patches = [body for method, _path, body in server.sent if method == "PATCH"]
    assert patches == [_sent(by_name("WEBSHAPE_PATCH_note_tiptap"))]
    assert updated.content == CANONICAL


def test_a_title_edit_sends_no_content() -> None:
    server = Server()
    server.backend().update_note(NOTE_ID, parent=None, title="Call with Acme, again")
    assert server.sent == [("PATCH", f"/api/v1/notes/{NOTE_ID}", {"title": "Call with Acme, again"})]


def test_notes_crmdesk_creates_are_tiptap_documents() -> None:
    server = Server()
    client = server.backend()
    client.create_note("deals", DEAL_ID, "Plan", "## Next\n\n- call **Ada**")
    client.create_note("deals", DEAL_ID, "Empty", "")
    posts = [body for method, _path, body in server.sent if method == "POST"]
    assert posts[0] == {"title": "Plan", "content": {"type": "doc", "content": [
        {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Next"}]},
        {"type": "bulletList", "content": [{"type": "listItem", "content": [{"type": "paragraph", "content": [
            {"type": "text", "text": "call "}, {"type": "text", "text": "Ada", "marks": [{"type": "bold"}]}]}]}]},
    ]}}
    # Never null for a note crmdesk writes: an empty note is TipTap's empty document.
    assert posts[1] == {"title": "Empty", "content": {"type": "doc", "content": [{"type": "paragraph"}]}}


def test_a_note_whose_content_cannot_be_read_shows_its_words(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(_content: Any) -> str:
        raise RuntimeError("a reader bug")

    monkeypatch.setattr(tiptap, "markdown_of", broken)  # whatever fails: it must not stop the sync
    (row,) = _rows(by_name("WEBSHAPE_GET_note_tiptap"))
    with caplog.at_level(logging.ERROR, logger=wire.__name__):
        note = wire.note(row)
    assert note.content.splitlines() == ["Agenda", "Pricing for 50 seats", "Quote seen here",
                                         "Follow up on 2026-12-01", "Send contract", "We need it by Friday",
                                         "seats = 50", "old price", "new line"]
    assert (note.id, note.title) == (NOTE_ID, "Call with Acme")
    assert [record.getMessage() for record in caplog.records] == [
        f"Note {NOTE_ID}: its content could not be read as a document; showing its plain text"]
    caplog.clear()  # seen: the one error this test provokes


#: Blocks of a web-app note that crmdesk cannot show as they are, with keys in the server's order.
UNUSUAL = [
    {"type": "taskList", "content": [{"type": "taskItem", "attrs": {"checked": True}, "content": [
        {"type": "paragraph", "content": [{"text": "Call Ada", "type": "text"}]}]}]},
    {"type": "heading", "attrs": {"id": "agenda-1", "level": 2}, "content": [{"text": "Agenda", "type": "text"}]},
    {"type": "paragraph", "attrs": {"textAlign": "center"}, "content": [{"text": "Centred", "type": "text"}]},
    {"type": "paragraph", "content": [{"text": "Old line", "type": "text"}]},
]


class UnusualServer(Server):
    """The recorded note, holding ``UNUSUAL`` as the server's current document."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == f"/api/v1/notes/{NOTE_ID}":
            self.sent.append((request.method, request.url.path, None))
            (row,) = _rows(by_name("WEBSHAPE_GET_note_tiptap"))
            return httpx.Response(200, json={"data": {**row, "content": {"type": "doc", "content": UNUSUAL}}})
        return super().__call__(request)


def test_a_content_edit_sends_the_blocks_it_did_not_touch_back_byte_for_byte() -> None:
    server = UnusualServer()
    shown = tiptap.markdown_of({"type": "doc", "content": UNUSUAL})
    assert shown == "Call Ada\n\n## Agenda\n\nCentred\n\nOld line"  # what the user edits
    server.backend().update_note(NOTE_ID, parent=None, content=shown.replace("Old line", "New line"))
    (patch,) = [body for method, _path, body in server.sent if method == "PATCH"]
    sent = patch["content"]["content"]
    # As the server has them, key order included: rewritten from the tree, each would differ.
    assert [json.dumps(block) for block in sent[:3]] == [json.dumps(block) for block in UNUSUAL[:3]]
    assert sent[3:] == [{"type": "paragraph", "content": [{"type": "text", "text": "New line"}]}]
