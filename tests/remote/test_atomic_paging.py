"""Range paging (``range=[first,last]`` + ``Content-Range``), shared by every dialect, and the Atomic
adapter's use of it against the real server's paging: the header's end is exclusive, the total
decides, past-end and empty lists, deals "changed since" newest first. Also the next-link pager."""

from __future__ import annotations

from typing import Any

import pytest

from crmdesk.remote.atomic import AtomicBackend
from crmdesk.remote.errors import PagingUnstable, ProtocolError
from crmdesk.remote.paging import ContentRange, LinkPage, RangePage, link_pages, parse_content_range, range_pages

from .atomic_replay import Replay, body_of, listing, recording


def rows(n: int, start: int = 1) -> list[dict[str, Any]]:
    return [{"id": i} for i in range(start, start + n)]


def real_server(data: list[dict[str, Any]], *, inclusive: bool = False):
    """Pages ``data`` as the real server does (exclusive end), or as the seed says (inclusive)."""
    asked: list[tuple[int, int]] = []

    def fetch(first: int, last: int) -> RangePage:
        asked.append((first, last))
        window = data[first:last + 1]
        end = min(first + len(window), len(data)) - (1 if inclusive and window else 0)
        return RangePage(window, f"things {first if data else 0}-{end if data else 0}/{len(data)}")

    return fetch, asked


def test_the_content_range_reads() -> None:
    assert parse_content_range("contacts 0-3/8") == ContentRange(0, 3, 8)
    assert parse_content_range("contacts 100-8/8") == ContentRange(100, 8, 8)
    assert parse_content_range("contacts 0-0/0") == ContentRange(0, 0, 0)
    assert parse_content_range("items */12") == ContentRange(0, None, 12)
    assert parse_content_range("0-3/*") == ContentRange(0, 3, None)
    assert parse_content_range(None) is None
    with pytest.raises(ProtocolError):
        parse_content_range("contacts zero to three")


@pytest.mark.parametrize("inclusive", [False, True], ids=["real-exclusive-end", "seed-inclusive-end"])
def test_pages_by_the_total_not_the_end(inclusive: bool) -> None:
    fetch, asked = real_server(rows(8), inclusive=inclusive)
    got = [row["id"] for page, _total in range_pages(fetch, 3) for row in page]
    assert sorted(got) == list(range(1, 9)) and len(got) == 8
    # Windows of 3 overlapping by 2 rows' worth of check (offset paging's rules), and no request
    # after the page that reaches the total.
    assert asked[0] == (0, 2)
    assert all(last - first == 2 for first, last in asked)
    assert asked[-1][0] + 3 >= 8 and len(asked) == 6


def test_a_list_ending_on_a_full_page_asks_no_empty_page() -> None:
    fetch, asked = real_server(rows(500))
    assert sum(len(page) for page, _t in range_pages(fetch, 500)) == 500
    assert asked == [(0, 499)]


def test_an_empty_list_is_one_request() -> None:
    fetch, asked = real_server([])
    assert list(range_pages(fetch, 500)) == []
    assert asked == [(0, 499)]


def test_a_page_with_more_rows_than_asked_is_refused() -> None:
    def fetch(first: int, last: int) -> RangePage:
        return RangePage(rows(5), "things 0-5/5")

    with pytest.raises(ProtocolError, match="5 rows for a page of at most 3"):
        list(range_pages(fetch, 3))


def test_rows_without_ids_are_refused() -> None:
    with pytest.raises(ProtocolError, match="no id"):
        list(range_pages(lambda a, b: RangePage([{"name": "x"}], "things 0-1/1"), 3))


def test_a_server_ignoring_the_range_is_caught() -> None:
    # A malformed or reversed range becomes [0,24] on the real server (README 2).
    def fetch(first: int, last: int) -> RangePage:
        return RangePage(rows(3), "things 0-3/10")

    with pytest.raises(ProtocolError, match="does not page"):
        list(range_pages(fetch, 3))


def test_a_total_promising_rows_that_never_come_stops() -> None:
    def fetch(first: int, last: int) -> RangePage:
        return RangePage([], f"things {first}-{first}/10") if first else RangePage(rows(3), "things 0-3/10")

    with pytest.raises(PagingUnstable):
        list(range_pages(fetch, 3))


def test_deleted_rows_above_the_window_are_not_skipped() -> None:
    data = rows(10)
    asked = 0

    def fetch(first: int, last: int) -> RangePage:
        nonlocal asked
        asked += 1
        if asked == 2:
            del data[0:3]  # three rows deleted above us after the first page
        window = data[first:last + 1]
        return RangePage(window, f"things {first}-{first + len(window)}/{len(data)}")

    got = {row["id"] for page, _t in range_pages(fetch, 4) for row in page}
    assert got == set(range(1, 11))


def test_link_pages_follow_next_until_none() -> None:
    pages = {None: LinkPage(rows(2), "/p2"), "/p2": LinkPage(rows(2, 3), "/p3"), "/p3": LinkPage(rows(1, 5), None)}
    assert [r["id"] for page in link_pages(lambda link: pages[link], 20) for r in page] == [1, 2, 3, 4, 5]


def test_link_pages_stop_when_a_next_link_brings_nothing_new() -> None:
    with pytest.raises(ProtocolError, match="nothing new"):
        list(link_pages(lambda link: LinkPage(rows(2), "/again"), 20))
    with pytest.raises(ProtocolError, match="at most 1"):
        list(link_pages(lambda link: LinkPage(rows(2), None), 1))


# -- the adapter over loopback HTTP ------------------------------------------------------------


def test_a_scan_always_sends_a_sort_and_a_valid_range(replay: Replay, backend: AtomicBackend) -> None:
    replay.on("GET", "/api/contacts", listing("contacts", body_of("019")))
    ids = [r.id for page in backend.iter_record_pages("people", page_size=3) for r in page.records]
    assert sorted(ids) == sorted(f"contacts/{n}" for n in range(1, 9))
    asked = replay.requests("GET", "/api/contacts")
    assert all(s.query["sort"] == "id" and s.query["order"] == "DESC" for s in asked)
    assert asked[0].query["range"] == "[0,2]"
    assert backend.record_ids("people") == {f"contacts/{n}" for n in range(1, 9)}


def test_the_recorded_empty_answer_ends_a_scan_and_a_past_end_one_is_not_believed_at_the_start(
    replay: Replay, backend: AtomicBackend
) -> None:
    assert recording("024")["response"]["headers"]["content-range"] == "contacts 100-8/8"
    replay.on("GET", "/api/contacts", "024")  # past the end: [] with 100-8/8, though asked from 0
    # No rows where the total says there are 8: believed, the sweep would drop every cached contact.
    with pytest.raises(ProtocolError, match="no rows at 0 although its total says 8"):
        list(backend.iter_record_pages("people"))
    replay.on("GET", "/api/contacts", "123")  # an empty resource: [] with 0-0/0
    assert recording("123")["response"]["headers"]["content-range"] == "automation_rules 0-0/0"
    assert list(backend.iter_record_pages("people")) == []


def test_a_recorded_page_from_elsewhere_than_asked_is_refused(replay: Replay, backend: AtomicBackend) -> None:
    # 018 answered range [3,5]: asked for rows from 0, the adapter refuses rows from 3.
    replay.on("GET", "/api/contacts", "018")
    with pytest.raises(ProtocolError, match="from 3 when asked for rows from 0"):
        list(backend.iter_record_pages("people"))


def test_deals_are_read_whole_even_when_asked_what_changed_since(replay: Replay, backend: AtomicBackend) -> None:
    # A deal's updatedAt does not move when it is edited (recordings 088, 181): a pull that stopped
    # at the last sync's mark would miss every edit, so "changed since" is not honoured.
    replay.on("GET", "/api/deals", listing("deals", body_of("081")))
    pages = list(backend.iter_record_pages("deals", changed_since="2999-01-01T00:00:00.000Z", page_size=2))
    assert len([r for page in pages for r in page.records]) == len(body_of("081"))
    asked = replay.requests("GET", "/api/deals")
    assert all(s.query["sort"] == "id" for s in asked)
    # Never a filter on updated_at: the real server answers it with a 500.
    assert not any("filter" in s.query or "filters" in s.query for s in asked)


def test_a_server_that_caps_its_pages_is_read_to_its_total() -> None:
    # A deployment (or a proxy) sending at most 100 rows whatever the range asks: the total says
    # there is more, and a scan that stopped at the short page would sweep the rest away.
    data = rows(300)
    asked: list[tuple[int, int]] = []

    def fetch(first: int, last: int) -> RangePage:
        asked.append((first, last))
        window = data[first:min(last + 1, first + 100)]
        return RangePage(window, f"things {first}-{first + len(window)}/{len(data)}")

    got = [row["id"] for page, _total in range_pages(fetch, 500) for row in page]
    assert sorted(got) == list(range(1, 301)) and len(got) == 300
    assert all(last - first + 1 <= 100 for first, last in asked[1:])  # it asks for what the server sends
