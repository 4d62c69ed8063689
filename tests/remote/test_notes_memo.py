"""The adapter converts a note's TipTap document once per session — but any change in what the
server sends is read again, even when the note's time did not move."""

from __future__ import annotations

from typing import Any

import httpx

from crmdesk.remote.aria import connect_aria

from .conftest import TOKEN


def _doc(text: str) -> dict[str, Any]:
    return {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}


def test_a_changed_note_is_read_again_even_at_the_same_time() -> None:
    rows = [{"id": "n1", "recordId": "r1", "title": "Plan", "content": _doc("First"), "createdBy": "u1",
             "createdAt": "2026-11-30T09:00:00.000Z", "updatedAt": "2026-11-30T09:00:00.000Z"}]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": {"notes": rows, "pagination": {"total": len(rows)}}})

    backend = connect_aria("https://aria.test", TOKEN, http_transport=httpx.MockTransport(answer))
    try:
        first = [note for page in backend.iter_notes() for note in page]
        again = [note for page in backend.iter_notes() for note in page]
        assert first == again and first[0].content == "First"
        rows[0] = {**rows[0], "content": _doc("Second")}  # same updatedAt: a server that did not bump it
        changed = [note for page in backend.iter_notes() for note in page]
        assert changed[0].content == "Second"
        rows[0] = {**rows[0], "title": "Plan B"}
        [renamed] = [note for page in backend.iter_notes() for note in page]
        assert renamed.title == "Plan B"
    finally:
        backend.close()
