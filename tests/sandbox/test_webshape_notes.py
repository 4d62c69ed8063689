"""The sandbox keeps note content exactly as sent, as the real server does: the web app's
``WEBSHAPE_*note*`` sequence (create empty with ``null``, then PATCH a TipTap document) is
answered as the real server answered it, and a string or ``null`` comes back as itself."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.remote.recorded import by_name
from tests.sandbox.test_contract import data


def _recorded(name: str) -> tuple[Any, Any]:
    """(body sent, note answered) of a recorded web-app request."""
    rec = by_name(name)
    assert rec.body is not None
    return json.loads(rec.body), json.loads(rec.content)["data"]


def test_the_web_apps_note_sequence_is_answered_as_the_real_server_answered_it(empty_api: httpx.Client) -> None:
    person = data(empty_api.post("/objects/people/records", json={"values": {"job_title": "noted"}}), 201)
    sent, answered = _recorded("WEBSHAPE_POST_note_empty")
    created = data(empty_api.post(f"/objects/people/records/{person['id']}/notes", json=sent), 201)
    assert (created["title"], created["content"]) == (answered["title"], answered["content"]) == ("", None)
    sent, answered = _recorded("WEBSHAPE_PATCH_note_tiptap")
    patched = data(empty_api.patch(f"/notes/{created['id']}", json=sent))
    assert (patched["title"], patched["content"]) == (answered["title"], answered["content"])
    assert data(empty_api.get(f"/notes/{created['id']}"))["content"] == answered["content"]
    (listed,) = data(empty_api.get(f"/objects/people/records/{person['id']}/notes"))
    assert listed["content"] == json.loads(by_name("WEBSHAPE_GET_record_notes_tiptap").content)["data"][0]["content"]


@pytest.mark.parametrize("content", ["plain text from the API", None, {"type": "doc", "content": []}])
def test_any_content_comes_back_as_sent(empty_api: httpx.Client, content: Any) -> None:
    person = data(empty_api.post("/objects/people/records", json={"values": {"job_title": "noted"}}), 201)
    note = data(empty_api.post(f"/objects/people/records/{person['id']}/notes",
                               json={"title": "t", "content": "x"}), 201)
    assert data(empty_api.patch(f"/notes/{note['id']}", json={"content": content}))["content"] == content
    assert data(empty_api.get(f"/notes/{note['id']}"))["content"] == content
