"""The page prefetcher: same pages in the same order, errors in order, early exit stops it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from crmdesk.sync.prefetch import prefetched


def test_pages_arrive_in_order() -> None:
    assert list(prefetched(iter(range(50)), depth=2)) == list(range(50))


def test_an_error_arrives_after_the_pages_before_it() -> None:
    def pages() -> Iterator[int]:
        yield 1
        yield 2
        raise ConnectionError("server went away")

    seen = []
    with pytest.raises(ConnectionError, match="server went away"):
        for page in prefetched(pages()):
            seen.append(page)
    assert seen == [1, 2]


def test_leaving_early_stops_the_producer_before_it_fetches_much_more() -> None:
    fetched = []
    producer_threads = set()

    def pages() -> Iterator[int]:
        for number in range(1000):
            producer_threads.add(threading.current_thread().name)
            fetched.append(number)
            yield number

    for page in prefetched(pages(), depth=2):
        if page == 3:
            break
    # The producer may be a couple of pages ahead, never far, and is finished on return.
    assert len(fetched) <= 3 + 1 + 2 + 1
    assert producer_threads == {"crmdesk-prefetch"}
    assert not any(t.name == "crmdesk-prefetch" for t in threading.enumerate())
