"""Paging never misses or repeats a record while others create and delete records."""

from __future__ import annotations

import random

import pytest

from crmdesk.remote.errors import PagingUnstable
from crmdesk.remote.paging import OVERLAP, CursorPage, OffsetPage, cursor_pages, offset_pages


class ShiftingList:
    """A newest-first list that changes between page requests, like a busy server."""

    def __init__(self, n: int, seed: int = 0) -> None:
        self.rows = [{"id": f"r{i}"} for i in range(n - 1, -1, -1)]  # newest first
        self.next_id = n
        self.rng = random.Random(seed)
        self.created: set[str] = set()
        self.deleted: set[str] = set()
        self.cap = 200

    def create(self, count: int) -> None:
        for _ in range(count):
            row = {"id": f"r{self.next_id}"}
            self.next_id += 1
            self.rows.insert(0, row)
            self.created.add(row["id"])

    def delete(self, count: int) -> None:
        for _ in range(min(count, len(self.rows))):
            row = self.rows.pop(self.rng.randrange(len(self.rows)))
            self.deleted.add(row["id"])

    def page(self, offset: int, limit: int) -> OffsetPage:
        applied = min(limit, self.cap)
        return OffsetPage(self.rows[offset: offset + applied], len(self.rows), applied)


def collect(pages) -> list[str]:
    ids: list[str] = []
    for rows, _total in pages:
        ids.extend(row["id"] for row in rows)
    return ids


@pytest.mark.parametrize(("creates", "deletes"), [(0, 0), (30, 0), (0, 30), (25, 25), (300, 0), (0, 150)])
def test_offset_paging_misses_nothing_and_repeats_nothing(creates: int, deletes: int) -> None:
    server = ShiftingList(2_000, seed=creates + deletes)
    start = {row["id"] for row in server.rows}

    def fetch(offset: int, limit: int) -> OffsetPage:
        page = server.page(offset, limit)
        server.create(creates)
        server.delete(deletes)
        return page

    ids = collect(offset_pages(fetch, 500))
    assert len(ids) == len(set(ids)), "a record came twice"
    survivors = start - server.deleted
    assert survivors <= set(ids), f"missed {len(survivors - set(ids))} records"
    assert set(ids) <= start | server.created


def test_offset_paging_uses_the_limit_the_server_applied() -> None:
    server = ShiftingList(450)
    ids = collect(offset_pages(server.page, 500))  # the server caps at 200 and says so
    assert sorted(ids) == sorted(row["id"] for row in server.rows)


def test_offset_paging_ends_while_the_list_is_emptied() -> None:
    server = ShiftingList(5_000)
    start = {row["id"] for row in server.rows}

    def fetch(offset: int, limit: int) -> OffsetPage:
        page = server.page(offset, limit)
        server.delete(400)
        return page

    ids = collect(offset_pages(fetch, 200))
    assert len(ids) == len(set(ids))
    assert start - server.deleted <= set(ids)


def test_offset_paging_gives_up_instead_of_looping_forever() -> None:
    def fetch(offset: int, limit: int) -> OffsetPage:
        return OffsetPage([{"id": f"new{offset}-{i}"} for i in range(limit)], 10, limit)

    with pytest.raises(PagingUnstable):
        collect(offset_pages(fetch, 50))


def test_cursor_paging_survives_the_repeated_record_and_limit_one() -> None:
    rows = [{"id": f"r{i}"} for i in range(7)]

    def fetch(cursor: str, limit: int) -> CursorPage:
        # Like the real server: the page starts AT the cursor row (repeats it).
        start = int(cursor[1:]) if cursor else 0
        page = rows[start: start + limit]
        last = page[-1]["id"] if page else cursor
        return CursorPage(page, last, start + limit < len(rows))

    seen = [row["id"] for page in cursor_pages(fetch, 1) for row in page]
    assert seen == [f"r{i}" for i in range(7)]


def test_offset_paging_on_a_quiet_list_repeats_only_the_overlap() -> None:
    server = ShiftingList(10_000)
    calls = 0

    def fetch(offset: int, limit: int) -> OffsetPage:
        nonlocal calls
        calls += 1
        return server.page(offset, limit)

    ids = collect(offset_pages(fetch, 200))
    assert sorted(ids) == sorted(row["id"] for row in server.rows)
    # 10,000 rows at 198 new rows a page: 51 pages (a 20-row overlap took 56).
    assert calls == -(-(10_000 - OVERLAP) // (200 - OVERLAP))


@pytest.mark.parametrize(("creates", "deletes"), [(0, 1), (0, 3), (0, 40), (5, 5), (60, 60)])
def test_offset_paging_survives_deletes_above_the_position(creates: int, deletes: int) -> None:
    """Deletes that all pull rows up (the overlap cannot absorb them; the total steers)."""
    server = ShiftingList(8_000, seed=deletes)
    start = {row["id"] for row in server.rows}

    def fetch(offset: int, limit: int) -> OffsetPage:
        page = server.page(offset, limit)
        server.create(creates)
        for _ in range(deletes):
            row = server.rows.pop(server.rng.randrange(max(1, min(offset + len(page.rows), len(server.rows)))))
            server.deleted.add(row["id"])
        return page

    ids = collect(offset_pages(fetch, 200))
    assert len(ids) == len(set(ids)), "a record came twice"
    assert start - server.deleted <= set(ids)
    assert set(ids) <= start | server.created


@pytest.mark.parametrize("deletes", [0, 1, 15])
def test_offset_paging_without_a_total_misses_nothing(deletes: int) -> None:
    server = ShiftingList(3_000, seed=deletes)
    start = {row["id"] for row in server.rows}

    def fetch(offset: int, limit: int) -> OffsetPage:
        page = server.page(offset, limit)
        server.delete(deletes)
        return OffsetPage(page.rows, None, page.limit)

    ids = collect(offset_pages(fetch, 200))
    assert len(ids) == len(set(ids))
    assert start - server.deleted <= set(ids)
