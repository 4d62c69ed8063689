"""Paging is bounded against any server: pages larger than asked, rows that fail validation, and
servers that never stop or never move on end in an error, never in a partial page or a loop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from crmdesk.remote import paging
from crmdesk.remote.aria import connect_aria
from crmdesk.remote.errors import PagingUnstable, ProtocolError
from crmdesk.remote.paging import CursorPage, OffsetPage, cursor_pages, offset_pages
from crmdesk.sandbox.server import SandboxServer
from tests.hostile.server import HostileServer, serve

#: More fetches than any of these lists needs: a fetcher past it means paging looped.
LOOPED = 60


class Looped(AssertionError):
    pass


def guarded(fetch):
    calls = 0

    def wrapper(*args):
        nonlocal calls
        calls += 1
        if calls > LOOPED:
            raise Looped(f"paging asked {calls} times for a list of a few pages")
        return fetch(*args)

    wrapper.calls = lambda: calls  # type: ignore[attr-defined]
    return wrapper


def rows(start: int, count: int) -> list[dict[str, str]]:
    return [{"id": f"r{i}"} for i in range(start, start + count)]


def drain(pages) -> list[str]:
    ids = []
    for page in pages:
        batch = page[0] if isinstance(page, tuple) else page
        ids.extend(row["id"] for row in batch)
    return ids


# -- pages larger than asked, rows that fail validation -------------------------------------------


@pytest.mark.parametrize("total", [None, 500])
def test_an_offset_page_with_more_rows_than_asked_is_refused(total) -> None:
    fetch = guarded(lambda offset, limit: OffsetPage(rows(offset, limit + 5), total, limit))
    with pytest.raises(ProtocolError, match="55 rows for a page of at most 50"):
        drain(offset_pages(fetch, 50))


def test_a_cursor_page_with_more_rows_than_asked_is_refused() -> None:
    fetch = guarded(lambda cursor, limit: CursorPage(rows(0, limit * 2), "next", True))
    with pytest.raises(ProtocolError, match="rows for a page of at most"):
        drain(cursor_pages(fetch, 20))


@pytest.mark.parametrize("bad", [{"name": "no id"}, {"id": ""}, {"id": None}, {"id": {"nested": 1}}])
def test_a_page_with_a_row_without_an_id_is_refused_whole(bad) -> None:
    kept: list[str] = []

    def fetch(offset: int, limit: int) -> OffsetPage:
        page = rows(offset, limit)
        if offset > 0:
            page[3] = bad  # the second page fails validation
        return OffsetPage(page, 1_000, limit)

    with pytest.raises(ProtocolError, match="has no id"):
        for batch, _total in offset_pages(guarded(fetch), 50):
            kept.extend(row["id"] for row in batch)
    assert kept == [f"r{i}" for i in range(50)], "nothing of the refused page was handed on"


def test_a_row_that_is_not_an_object_refuses_the_page(sandbox: SandboxServer) -> None:
    """Over HTTP: the adapter's page reader does not drop such a row quietly (a full scan that
    leaves a record out would have sync delete it from the cache)."""
    with HostileServer(sandbox) as spoiler:
        def one_string_row(payload):
            payload["data"]["records"][1] = "not a record"
            return payload

        spoiler.rewrite("/api/v1/objects/people/records", one_string_row)
        backend = connect_aria(spoiler.url, sandbox.admin_token)
        try:
            with pytest.raises(ProtocolError, match="not an object; the page is refused"):
                list(backend.iter_record_pages("people"))
        finally:
            backend.close()


def test_a_records_page_longer_than_asked_is_refused_over_http(sandbox: SandboxServer) -> None:
    with HostileServer(sandbox) as spoiler:
        def padded(payload):
            records = payload["data"]["records"]
            records.extend(dict(records[0], id=f"extra-{i}") for i in range(10))
            return payload

        spoiler.rewrite("/api/v1/objects/people/records", padded)
        backend = connect_aria(spoiler.url, sandbox.admin_token)
        try:
            with pytest.raises(ProtocolError, match=r"rows for a page of at most 5\b"):
                list(backend.iter_record_pages("people", page_size=5))
        finally:
            backend.close()


# -- a page limit: from the total, or from no progress ----------------------------------------------


def test_a_server_that_ignores_the_offset_is_caught_on_the_second_page() -> None:
    fetch = guarded(lambda offset, limit: OffsetPage(rows(0, limit), None, limit))
    with pytest.raises(ProtocolError, match="same rows for offset 0 and offset"):
        drain(offset_pages(fetch, 50))
    assert fetch.calls() == 2  # type: ignore[attr-defined]


def test_a_server_without_a_total_that_never_ends_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "MAX_PAGES", 20)
    fetch = guarded(lambda offset, limit: OffsetPage(rows(offset, limit), None, limit))
    with pytest.raises(ProtocolError, match="kept sending pages"):
        drain(offset_pages(fetch, 50))
    assert fetch.calls() == 21  # type: ignore[attr-defined]


def test_a_server_whose_pages_outrun_its_total_is_stopped() -> None:
    fetch = guarded(lambda offset, limit: OffsetPage(rows(offset, limit), 100, limit))
    with pytest.raises(PagingUnstable):
        drain(offset_pages(fetch, 50))


def test_a_cursor_that_does_not_move_is_an_error_not_a_complete_list() -> None:
    fetch = guarded(lambda cursor, limit: CursorPage(rows(0, limit), "same", True))
    with pytest.raises(ProtocolError, match="brings nothing new"):
        drain(cursor_pages(fetch, 10))


def test_a_cursor_server_that_never_ends_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "MAX_PAGES", 20)

    def fetch(cursor: str, limit: int) -> CursorPage:
        start = int(cursor or 0)
        return CursorPage(rows(start, limit), str(start + limit), True)

    guard = guarded(fetch)
    with pytest.raises(ProtocolError, match="kept sending pages"):
        drain(cursor_pages(guard, 10))
    assert guard.calls() == 20  # type: ignore[attr-defined]


def test_a_cursor_list_still_ends_at_its_last_page() -> None:
    def fetch(cursor: str, limit: int) -> CursorPage:
        start = int(cursor or 0)
        page = rows(start, min(limit, 25 - start))
        return CursorPage(page, str(start + len(page)), start + len(page) < 25)

    assert drain(cursor_pages(guarded(fetch), 10)) == [f"r{i}" for i in range(25)]


def test_the_adapter_stops_a_server_repeating_its_first_page() -> None:
    """A foreign server that ignores ``offset`` and answers the same full page for ever."""
    schema = {"data": [{"id": "o1", "slug": "people", "singularName": "Person", "pluralName": "People"}]}
    attributes = {"data": [{"id": "a1", "slug": "job_title", "title": "Job title", "type": "text"}]}
    page = {"data": {"records": [{"id": f"p{i}", "values": {"job_title": f"t{i}"}} for i in range(200)],
                     "pagination": {"limit": 200}}}
    asked = []

    async def answer(request: Request) -> Response:
        path = request.url.path
        if path.endswith("/records"):
            asked.append(request.url.query)
            if len(asked) > LOOPED:
                return Response(status_code=500)
            return JSONResponse(page)
        return JSONResponse(attributes if path.endswith("/attributes") else schema)

    app = Starlette(routes=[Route("/{path:path}", answer)])
    with serve(app) as url:
        backend = connect_aria(url, "oc_sk_test")
        try:
            with pytest.raises(ProtocolError, match="does not page"):
                list(backend.iter_record_pages("people"))
        finally:
            backend.close()
    assert len(asked) == 2


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(records=40, seed=9) as running:
        yield running
