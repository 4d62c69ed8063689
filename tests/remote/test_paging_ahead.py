"""Offset paging with the next windows asked for ahead (``ahead=True``, a full scan's paging): the
same guarantees — nothing missed, nothing twice — while the list changes under it, and what was
asked for ahead has ended when paging stops."""

from __future__ import annotations

import threading

import pytest

from crmdesk.remote.errors import ServerError
from crmdesk.remote.paging import OVERLAP, OffsetPage, offset_pages

from .test_paging import ShiftingList, collect


class Locked:
    """A ShiftingList that changes after every request, asked from several threads."""

    def __init__(self, server: ShiftingList, creates: int, deletes: int) -> None:
        self.server = server
        self.creates = creates
        self.deletes = deletes
        self.lock = threading.Lock()
        self.asked: list[int] = []
        self.threads: set[str] = set()

    def fetch(self, offset: int, limit: int) -> OffsetPage:
        with self.lock:
            self.asked.append(offset)
            self.threads.add(threading.current_thread().name)
            page = self.server.page(offset, limit)
            self.server.create(self.creates)
            self.server.delete(self.deletes)
            return page


@pytest.mark.parametrize(("creates", "deletes"), [(0, 0), (30, 0), (0, 30), (25, 25), (300, 0), (0, 150)])
def test_asking_ahead_misses_nothing_and_repeats_nothing(creates: int, deletes: int) -> None:
    server = ShiftingList(2_000, seed=creates + deletes)
    start = {row["id"] for row in server.rows}
    source = Locked(server, creates, deletes)
    ids = collect(offset_pages(source.fetch, 500, ahead=True))
    assert len(ids) == len(set(ids)), "a record came twice"
    survivors = start - server.deleted
    assert survivors <= set(ids), f"missed {len(survivors - set(ids))} records"
    assert set(ids) <= start | server.created
    assert any(name.startswith("crmdesk-page") for name in source.threads), "nothing was asked for ahead"


def test_on_a_quiet_list_asking_ahead_costs_one_request_at_most() -> None:
    server = ShiftingList(10_000)
    source = Locked(server, 0, 0)
    ids = collect(offset_pages(source.fetch, 200, ahead=True))
    assert sorted(ids) == sorted(row["id"] for row in server.rows)
    pages = -(-(10_000 - OVERLAP) // (200 - OVERLAP))
    # Every window once; the guess past the last page is the only extra request.
    assert len(set(source.asked)) == len(source.asked)
    assert pages <= len(source.asked) <= pages + 1


def test_a_missed_guess_fails_unseen_and_stopping_early_waits_for_what_is_in_flight() -> None:
    in_flight = 0
    most = 0
    failed = 0
    lock = threading.Lock()
    guessed = threading.Event()

    def fetch(offset: int, limit: int) -> OffsetPage:
        nonlocal in_flight, most, failed
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        try:
            if offset > 600:  # only ever asked for as a guess (past the last page)
                with lock:
                    failed += 1
                guessed.set()
                raise ServerError("past the end")
            if offset == 594:  # the last page: answered once the guess past it has been asked
                assert guessed.wait(10)
            rows = [{"id": f"r{i}"} for i in range(offset, min(offset + limit, 600))]
            return OffsetPage(rows, 600, limit)
        finally:
            with lock:
                in_flight -= 1

    assert len(collect(offset_pages(fetch, 200, ahead=True))) == 600
    assert failed == 1, "the guess past the end was not asked for"
    guessed.clear()
    pages = offset_pages(fetch, 200, ahead=True)
    next(pages)
    pages.close()  # type: ignore[attr-defined]  (a generator)
    assert in_flight == 0, "a request asked for ahead outlived the paging"
    assert most <= 2
