"""What every part of the Atlas adapter shares: the address, the credentials, requests, paging.

Atlas CRM's API (seed ``003``: the vendor's API document is the contract; docs/remote.md,
"atlas") lives under ``/api/1.0`` (below the server's root, which may have a path of its own, as
``https://jira.example.com/crm`` has): the token endpoint at ``/api/1.0/oauth/token``, the CRM under
``/api/1.0/workspace/CRM``. Answers are bare JSON (no envelope); errors are ``{"message": …}``
(``http_errors`` reads them). Lists are ``{"items", "total", "_links": {"next": {"href"}}}``, paged
by following ``next`` (``link_pages``) at most 100 items a page.

Every request says ``Content-Type: application/json``, GETs and DELETEs without a body too: the
seed warns that "not using content-type application/json will currently result in an error",
without saying which requests it checks (``TransportConfig.headers``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from itertools import pairwise
from typing import Any

import httpx

from crmdesk.remote.clock import Clock, SystemClock
from crmdesk.remote.errors import PagingUnstable, ProtocolError
from crmdesk.remote.paging import LinkPage, Row, link_pages
from crmdesk.remote.session import ApiSession
from crmdesk.remote.transport import RequestKind, Transport
from crmdesk.remote.urls import server_root

#: Where the API lives under the server's root (the dialect's ``api_base``).
API_BASE = "/api/1.0"
#: The CRM's resources, under the API base.
CRM = API_BASE + "/workspace/CRM"
TOKEN_PATH = API_BASE + "/oauth/token"
#: The most items a list answers (the seed: "can be changed to a maximum of 100").
MAX_PAGE = 100
#: Scans of one list before a list that keeps moving is given up on (``PagingUnstable``).
MAX_PASSES = 3
JSON = "application/json"

log = logging.getLogger(__name__)


def normalise_url(url: str) -> str:
    """The server's root from its root, its API base (``…/api/1.0``) or the CRM's (``…/workspace/CRM``)."""
    return server_root(server_root(url, CRM), API_BASE)


def object_of(payload: Any, what: str) -> Mapping[str, Any]:
    """An answer that must be a JSON object; ``ProtocolError`` otherwise."""
    if not isinstance(payload, Mapping):
        raise ProtocolError(f"The server's answer for {what} is not an object.")
    return payload


def total_of(payload: Mapping[str, Any], what: str) -> int | None:
    total = payload.get("total")
    if total is None:
        return None
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise ProtocolError(f"The server's count of {what} is not a number.")
    return total


def next_href(payload: Mapping[str, Any]) -> str | None:
    """``_links.next.href``, or None on the last page."""
    links = payload.get("_links")
    nxt = links.get("next") if isinstance(links, Mapping) else None
    href = nxt.get("href") if isinstance(nxt, Mapping) else None
    return href if isinstance(href, str) and href else None


class AtlasSession(ApiSession):
    """Base of ``AtlasBackend``: requests under the CRM's path, and paged lists.

    Its caches (the schema) hold frozen values that are only replaced (docs/remote.md, "Threads")."""

    api = CRM

    def __init__(self, transport: Transport, account_id: str | None = None, clock: Clock | None = None) -> None:
        super().__init__(transport)
        #: The Atlassian account comments are written as (None: comments are off).
        self.account_id = account_id
        #: What "now" is (a comment's time: the API's answer carries none).
        self.clock: Clock = clock or SystemClock()

    def write(self, method: str, path: str, body: Any = None) -> Any:
        kind = RequestKind.CREATE if method == "POST" else RequestKind.WRITE
        return self.call(method, path, body=body, kind=kind)

    def page_url(self, path: str) -> httpx.URL:
        """The address of a list's first page (what its page-relative next links resolve against)."""
        return self.transport.url_for(self.api + path)

    def next_url(self, href: str, page: httpx.URL) -> httpx.URL:
        """A next page's address as the server gave it, resolved against the page that carried it
        (absolute, root-relative or page-relative). One outside the API (under the server's base
        path, if it has one) is refused; one on another origin the transport refuses when it is
        sent (``Transport.url_for``): the token goes to this server only."""
        url = page.join(href)
        api = self.transport.base_url.path.rstrip("/") + API_BASE + "/"
        if not url.path.startswith(api):
            raise ProtocolError(f"The server's next page is outside its API ({url.path[:80]}); not followed.")
        return url

    def follow(self, url: httpx.URL) -> Any:
        """``GET`` a next page (``next_url``)."""
        return self.transport.request_json("GET", str(url), kind=RequestKind.READ)

    def _reader(
        self, path: str, params: Mapping[str, Any], size: int, what: str,
        id_of: Callable[[Mapping[str, Any]], Any], totals: list[int | None],
    ) -> Callable[[str | None], LinkPage]:
        """``link_pages``' fetch for one pass over a list; each page's total goes to ``totals``."""
        here = [self.page_url(path)]  # the page read last: its next link resolves against it

        def fetch(link: str | None) -> LinkPage:
            if link is None:
                answer = self.get(path, {**params, "size": size})
            else:
                here[0] = self.next_url(link, here[0])
                answer = self.follow(here[0])
            page = object_of(answer, what)
            items = page.get("items")
            if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
                raise ProtocolError(f"The server's list of {what} is not a list of objects.")
            totals.append(total_of(page, what))
            return LinkPage([{"id": id_of(item), "item": item} for item in items], next_href(page))

        return fetch

    def listing(
        self, path: str, params: Mapping[str, Any], page_size: int, what: str,
        id_of: Callable[[Mapping[str, Any]], Any] = lambda item: item.get("id"),
    ) -> Iterator[tuple[list[Row], int | None]]:
        """Every item of a paged list, each once, as ``{"id": id_of(item), "item": item}`` rows, with
        the server's count of them as of that page.

        The list is sorted by a value anyone may change (an entity's name), and paged by the
        server's next link, not by a position crmdesk can step back from: a record renamed, made or
        deleted while the pages are read can move another one across a page boundary unseen. A
        scan is trusted only when it saw at least as many items as the last page's ``total`` and
        that total never went down; otherwise the list is read again (items seen already are not handed
        on twice), up to ``MAX_PASSES`` times, and then ``PagingUnstable``: a scan that quietly
        missed a record would have the deletion sweep drop it from the cache. A list without a
        ``total`` (the seed shows one, but does not promise it) cannot be checked: that scan is
        trusted as it came (logged once).

        Next links are resolved against the page that carried them (``next_url``), so a server
        under a base path (``https://jira.example.com/crm``) pages as one at the root does."""
        size = max(1, min(page_size, MAX_PAGE))
        handed: set[str] = set()
        for _ in range(MAX_PASSES):
            totals: list[int | None] = []
            seen: set[str] = set()
            for rows in link_pages(self._reader(path, params, size, what, id_of, totals), size):
                seen.update(str(row["id"]) for row in rows)
                fresh = [row for row in rows if str(row["id"]) not in handed]
                handed.update(str(row["id"]) for row in fresh)
                if fresh:
                    yield fresh, totals[-1]
            known = [total for total in totals if total is not None]
            if not known:
                log.info("the server counts no %s (no total): the scan's completeness is not checked", what)
                return
            # Fewer than the total: one was missed (or made meanwhile). A total that went down: a
            # delete may have pulled a record across a page boundary unseen (the count cannot tell).
            shrank = any(later < earlier for earlier, later in pairwise(known))
            if len(seen) >= known[-1] and not shrank:
                return
        raise PagingUnstable(f"The {what} changed while they were read ({MAX_PASSES} times over): some may have "
                             "been missed, so none is taken for deleted. Pull again later.")


__all__ = ["API_BASE", "CRM", "MAX_PAGE", "TOKEN_PATH", "AtlasSession", "normalise_url",
           "object_of", "total_of"]
