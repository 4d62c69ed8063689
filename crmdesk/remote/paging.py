"""Paging a server's lists without missing or repeating a row while others edit them (every dialect).

Offset paging (``limit``/``offset``; Aria reads newest first) shifts under our feet: a record
created while we page pushes every row one place down (the next page repeats a row),
and a record deleted above our position pulls rows up (the next page would skip one).
So pages are read with an *overlap*: each next window starts a few rows before
the end of the last one, and must contain a row we have already seen. If it holds
none, more rows vanished above us than the overlap covers, and we step back a window
and read again. Rows are de-duplicated by id, so re-reading costs only time.

The overlap only has to make that check possible, so it is small (``OVERLAP`` rows,
not a share of the page: a quiet list pays about 1% extra rows). The server's total
says how the list moved since the last page: growth (creates land above us) skips
ahead, shrinkage steps back by as much, up to half a page, since deletes above us
pull rows up. Only deletes above us that the total does not show yet (it is read a
page late) can cost a step back. A server that sends no total gets a tenth of a page.

Why that is enough: by induction every row older than the newest row and newer than
the oldest row seen so far has been seen (records created meanwhile are newer than
all of them and are the next pull's business). A window is contiguous; if it holds a
seen row, it starts no later than the frontier of what we have seen, so nothing
between the frontier and the window's end is skipped.

Cursor paging (``cursor=``, oldest first) is keyset-based and does not shift, but the
real server repeats the previous page's last row on the next page (with ``limit=1``
it returns the same row forever): de-duplicate, use ``limit >= 2``, and stop at the end.

Bounded against any server (docs/remote.md, "Limits against any server"): a page holding
more rows than asked, a row that is not an object or has no id, is a ``ProtocolError`` —
the whole page is refused before any of its rows is handed on, so no partial page is ever
stored. Paging stops with an error rather than loop: after a number of pages derived from
the server's total (``PagingUnstable``), after ``MAX_PAGES`` when there is no total, and
as soon as a page makes no progress (offset paging: the same rows again at another offset;
cursor paging: the same cursor again, or "more" with nothing new), since stopping quietly
would make an incomplete scan look complete, and a full scan decides what was deleted.

Range paging (``range=[start,end]`` in the request, the window and the total in a
``Content-Range: <unit> <start>-<end>/<total>`` answer header; Atomic CRM) is offset paging
with another spelling, so ``range_pages`` runs the same loop (overlap, seen-row check, bounds)
over it, with newest-first sorting asked by the caller. Servers disagree on the header's end
(the seed document says inclusive, the real server sends start + rows returned), so the end is
never used: the next window starts after the rows received, and the scan ends when a window
reaches the total (its start plus its rows). A short page before it means the server caps its
pages: the scan goes on with windows that size. A window starting elsewhere than asked is
refused (a server ignoring ``range`` would otherwise send the first rows again and again).

Link paging (``_links.next`` and the like, Atlas): follow the server's next address until it
gives none; the same address twice, or a next page with nothing new, is a ``ProtocolError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from crmdesk.remote.errors import PagingUnstable, ProtocolError

Row = Mapping[str, Any]

#: How far back to step (in windows) before giving up on a list that will not hold still.
MAX_STEP_BACKS = 50
#: Rows each window repeats from the last: one makes the seen-row check possible, two
#: lets a single unannounced delete above us go by without a step back.
OVERLAP = 2
#: Pages of one scan when the server gives no total to derive a limit from: a million rows at 200
#: a page, more than a desktop cache is made for.
MAX_PAGES = 5_000


@dataclass(frozen=True, slots=True)
class OffsetPage:
    rows: list[Row]
    total: int | None = None
    #: The limit the server applied (the real one caps at 200 and says so), if it says.
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class CursorPage:
    rows: list[Row]
    next_cursor: str | None
    has_more: bool


@dataclass(frozen=True, slots=True)
class RangePage:
    """The rows of one ``range`` request and the answer's ``Content-Range`` header as sent."""

    rows: list[Row]
    content_range: str | None


@dataclass(frozen=True, slots=True)
class ContentRange:
    start: int
    #: As the server wrote it: exclusive on the real Atomic server, inclusive in its seed document.
    end: int | None
    total: int | None


@dataclass(frozen=True, slots=True)
class LinkPage:
    rows: list[Row]
    #: The address of the next page as the server gave it, None on the last page.
    next_link: str | None


def _checked_ids(rows: list[Row], limit: int, where: str) -> list[str]:
    """The ids of a page's rows, or a ``ProtocolError`` refusing the whole page."""
    if len(rows) > limit:
        raise ProtocolError(f"The server sent {len(rows)} rows for a page of at most {limit} ({where}); refused.")
    ids = []
    for row in rows:
        ident = row.get("id") if isinstance(row, Mapping) else None
        if not isinstance(ident, (str, int)) or isinstance(ident, bool) or ident == "":
            raise ProtocolError(f"A row of a page has no id ({where}); the page is refused.")
        ids.append(str(ident))
    return ids


def _unseen(rows: list[Row], ids: list[str], seen: set[str]) -> list[Row]:
    """The rows (with their ``ids``) not in ``seen``, in order, now added to it: a row that moved
    across a page boundary while the list was paged is handed on once."""
    fresh = []
    for row, ident in zip(rows, ids, strict=True):
        if ident not in seen:
            seen.add(ident)
            fresh.append(row)
    return fresh


class _Ahead:
    """Windows asked for before the paging loop needs them, at most two in flight.

    Without it each request waits for the last answer to be decoded, checked and handed on; with
    it the next window travels meanwhile (and a guess at the one after: a full page, the total
    unchanged). An answer is used only for exactly the window the loop then asks for, so the paging
    rules are the same; a guess that missed is dropped, its error unseen. Fetched a little earlier
    than otherwise, a window is still checked against the rows already seen like any other."""

    def __init__(self, fetch: Callable[[int, int], OffsetPage], enabled: bool) -> None:
        self._fetch = fetch
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="crmdesk-page") if enabled else None
        self._started: dict[tuple[int, int], Future[OffsetPage]] = {}

    def get(self, offset: int, limit: int) -> OffsetPage:
        future = self._started.pop((offset, limit), None)
        return self._fetch(offset, limit) if future is None else future.result()

    def start(self, offsets: tuple[int, ...], limit: int) -> None:
        if self._pool is None:
            return
        wanted = [(offset, limit) for offset in offsets]
        for key in [k for k in self._started if k not in wanted]:
            self._started.pop(key).cancel()  # already running: its answer is dropped
        for key in wanted:
            if key not in self._started:
                self._started[key] = self._pool.submit(self._fetch, *key)

    def close(self) -> None:
        """Stop: nothing more is sent, and what is in flight has ended (the backend is free)."""
        if self._pool is not None:
            self._started.clear()
            self._pool.shutdown(wait=True, cancel_futures=True)


def offset_pages(
    fetch: Callable[[int, int], OffsetPage], page_size: int, *, ahead: bool = False,
    stop_at_total: bool = False,
) -> Iterator[tuple[list[Row], int | None]]:
    """Yield (rows not seen before, server total) until the list is exhausted. ``ahead``: ask for
    the next windows while a page is being handed on (``fetch`` is then called from two threads).
    ``stop_at_total``: a page reaching the server's total is the last (no request for an empty
    page after it), for servers whose total comes with every page."""
    asking = _Ahead(fetch, ahead)
    try:
        yield from _offset_pages(asking, page_size, stop_at_total)
    finally:
        asking.close()


def _offset_pages(
    asking: _Ahead, page_size: int, stop_at_total: bool = False
) -> Iterator[tuple[list[Row], int | None]]:
    limit = max(2, page_size)
    seen: set[str] = set()
    offset = 0
    step_backs = 0
    pages = 0
    max_pages: int | None = None
    last_total: int | None = None
    previous: tuple[int, list[str], int | None] | None = None
    while True:
        page = asking.get(offset, limit)
        pages += 1
        ids = _checked_ids(page.rows, limit, f"offset {offset}")
        # The same rows at another offset, the list unchanged: the server ignores the offset. (A
        # list that grew meanwhile can shift the very rows asked before into the next window.)
        if (previous is not None and previous[0] != offset and ids and previous[1] == ids
                and previous[2] == page.total):
            raise ProtocolError(
                f"The server sent the same rows for offset {previous[0]} and offset {offset}: it does not "
                "page, so the list cannot be read whole."
            )
        previous = (offset, ids, page.total)
        if page.total is None and pages > MAX_PAGES:
            raise ProtocolError(f"The server kept sending pages (more than {MAX_PAGES:,}) without a total; stopped.")
        applied = page.limit if page.limit and 0 < page.limit <= limit else limit
        # Without a total there is nothing to steer by: keep a tenth of a page of slack.
        default_gap = OVERLAP if page.total is not None else applied // 10
        gap = max(1, default_gap)
        gap = min(gap, applied - 1)
        if max_pages is None and page.total is not None:
            # Generous: records created meanwhile make a pull longer, never endless.
            max_pages = 4 * (page.total // max(1, applied - gap)) + 20
        if offset > 0 and not any(ident in seen for ident in ids):
            # More rows vanished above us than the overlap covers (or the list shrank
            # below our offset): step back and read again, never skip.
            step_backs += 1
            if step_backs > MAX_STEP_BACKS:
                raise PagingUnstable("Records changed too fast to page through them; pull again later.")
            offset = max(0, offset - applied)
            last_total = page.total
            continue
        fresh = _unseen(page.rows, ids, seen)
        if stop_at_total and page.total is not None:
            # The total is trusted, not the page's length: a short page before it means the server
            # (or a proxy) caps its pages, and the rest must still be read — a scan that ended
            # here would have the deletion sweep drop every record after it.
            last = offset + len(page.rows) >= page.total
            if not last and len(page.rows) < applied:
                if not page.rows:
                    raise ProtocolError(f"The server sent no rows at {offset} although its total says "
                                        f"{page.total:,}: the list cannot be read whole.")
                limit = applied = max(2, len(page.rows))
                gap = min(gap, applied - 1)
        else:
            last = len(page.rows) < applied
        if not last:
            # Records created since the last page pushed everything down by about as many
            # rows as the total grew: skip ahead by that much, or a busy server would keep
            # us re-reading the same rows. Records deleted since may have pulled rows up by
            # as many as the total shrank: step back by that much (at most half a page, so a
            # list emptied below us still moves on). Either way a miss is caught by the
            # seen-row check.
            growth = page.total - last_total if page.total is not None and last_total is not None else 0
            last_total = page.total
            offset += len(page.rows) - gap + max(growth, -(applied // 2))
            # Known before this page is handed on: the next windows can be on their way meanwhile.
            asking.start((offset, offset + applied - gap), limit)
        if fresh:
            yield fresh, page.total
        if last:
            return
        if max_pages is not None and pages > max_pages:
            raise PagingUnstable("Records are being created faster than they can be pulled; pull again later.")


def cursor_pages(
    fetch: Callable[[str, int], CursorPage], page_size: int
) -> Iterator[list[Row]]:
    """Yield rows not seen before, oldest first, until the server says there are no more."""
    limit = max(2, page_size)  # limit=1 would repeat the same row forever
    seen: set[str] = set()
    cursor = ""
    pages = 0
    while True:
        page = fetch(cursor, limit)
        pages += 1
        ids = _checked_ids(page.rows, limit, f"page {pages}")
        fresh = _unseen(page.rows, ids, seen)
        if fresh:
            yield fresh
        if not page.has_more or not page.next_cursor:
            return
        if not fresh or page.next_cursor == cursor:
            raise ProtocolError(
                "The server says there are more rows, but its next page brings nothing new: it does not "
                "page, so the list cannot be read whole."
            )
        if pages >= MAX_PAGES:
            raise ProtocolError(f"The server kept sending pages (more than {MAX_PAGES:,}); stopped.")
        cursor = page.next_cursor


_CONTENT_RANGE = re.compile(r"\s*(?:[A-Za-z0-9_.-]+\s+)?(?:(\d{1,18})-(\d{1,18})|\*)/(\d{1,18}|\*)\s*")


def parse_content_range(header: str | None) -> ContentRange | None:
    """``contacts 0-3/8`` → (0, 3, 8); ``*/8`` and ``0-3/*`` too. None when there is no header;
    ``ProtocolError`` when there is one that does not read."""
    if header is None:
        return None
    match = _CONTENT_RANGE.fullmatch(header)
    if match is None:
        raise ProtocolError(f"The server's Content-Range header does not read: {header[:80]!r}.")
    start, end, total = match.groups()
    return ContentRange(
        start=int(start) if start is not None else 0,
        end=int(end) if end is not None else None,
        total=None if total == "*" else int(total),
    )


def range_pages(
    fetch: Callable[[int, int], RangePage], page_size: int, *, ahead: bool = False
) -> Iterator[tuple[list[Row], int | None]]:
    """Yield (rows not seen before, server total) over ``range=[first,last]`` requests.

    ``fetch(first, last)`` asks for rows ``first`` to ``last``, both included (what the request's
    ``range`` says on every server), sorted newest first by the caller (records created meanwhile
    then land above the window, as ``offset_pages`` expects). Paged by the rows received and the
    total, never by the header's end (see the module's notes)."""

    def by_offset(offset: int, limit: int) -> OffsetPage:
        page = fetch(offset, offset + limit - 1)
        header = parse_content_range(page.content_range)
        if header is not None and page.rows and header.start != offset:
            raise ProtocolError(
                f"The server sent rows from {header.start} when asked for rows from {offset}: it does not "
                "page, so the list cannot be read whole."
            )
        return OffsetPage(page.rows, header.total if header is not None else None, None)

    yield from offset_pages(by_offset, page_size, ahead=ahead, stop_at_total=True)


def link_pages(fetch: Callable[[str | None], LinkPage], page_size: int) -> Iterator[list[Row]]:
    """Yield rows not seen before, following the server's next link from ``fetch(None)`` (the
    first page) until a page has none. ``page_size``: the most rows a page may hold."""
    limit = max(1, page_size)
    seen: set[str] = set()
    followed: set[str] = set()
    link: str | None = None
    pages = 0
    while True:
        page = fetch(link)
        pages += 1
        ids = _checked_ids(page.rows, limit, f"page {pages}")
        fresh = _unseen(page.rows, ids, seen)
        if fresh:
            yield fresh
        if not page.next_link:
            return
        if not fresh or page.next_link in followed:
            raise ProtocolError(
                "The server gives a next page that brings nothing new (or the same address again): it does "
                "not page, so the list cannot be read whole."
            )
        if pages >= MAX_PAGES:
            raise ProtocolError(f"The server kept sending pages (more than {MAX_PAGES:,}); stopped.")
        followed.add(page.next_link)
        link = page.next_link
