"""What every part of the Attio adapter shares: the address, requests, answers, paging, caches.

Attio's REST API v2 (``tests/fixtures/specs/attio-openapi-v2-subset.json``, the referee) lives
under ``/v2``; almost every answer is ``{"data": …}`` (``GET /v2/self`` is bare, a delete answers
``{}``), errors are ``{status_code, type, code, message}`` (``http_errors`` reads them, and
``Retry-After`` as an HTTP date). Lists are paged by ``limit``/``offset`` and answer no total.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from crmdesk.model import ListDef
from crmdesk.remote.attio import ids, scopes
from crmdesk.remote.errors import AuthError, PermissionDenied, ProtocolError
from crmdesk.remote.paging import OffsetPage, Row, offset_pages
from crmdesk.remote.session import ApiSession
from crmdesk.remote.transport import RequestKind, Transport
from crmdesk.remote.urls import server_root

API = "/v2"
#: The most records (and entries, tasks) one query answers (the spec's default and maximum).
MAX_PAGE = 500
#: Notes and threads: "the maximum is 50" (the spec).
MAX_SMALL_PAGE = 50


def normalise_url(url: str) -> str:
    """The server's root from its root or its API base (``https://api.attio.com/v2``)."""
    return server_root(url, API)


def data_of(payload: Any, what: str) -> Any:
    """The ``data`` of an answer; ``ProtocolError`` when there is none."""
    if not isinstance(payload, Mapping) or "data" not in payload:
        raise ProtocolError(f"The server's answer for {what} has no “data”.")
    return payload["data"]


def rows_of(payload: Any, what: str) -> list[Mapping[str, Any]]:
    """A list answer's rows: every one an object, else the whole answer is refused (a page that
    is partly kept would make a full scan look complete)."""
    rows = data_of(payload, what)
    if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
        raise ProtocolError(f"The server's list of {what} is not a list of objects.")
    return rows


def row_of(payload: Any, what: str) -> Mapping[str, Any]:
    row = data_of(payload, what)
    if not isinstance(row, Mapping):
        raise ProtocolError(f"The server's answer for {what} is not an object.")
    return row


class AttioSession(ApiSession):
    """Base of ``AttioBackend``: requests, the caches every part reads.

    Every cache holds frozen values and is only replaced — a whole mapping, or one key's value —
    never changed in place or iterated while in use (the backend is shared by the pusher's
    threads: docs/remote.md, "Threads")."""

    api = API

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        #: Each list's definition as last read (``lists``): entry reads and writes use it.
        self.list_defs: Mapping[str, ListDef] = {}
        #: Object id (UUID) → slug, from the last ``load_objects``: attribute configs, comments
        #: and lists name objects by id.
        self.object_slugs: Mapping[str, str] = {}
        #: Record id → its object's slug, one key set at a time as records are read or made: a
        #: task's linked records and a reference allowing several objects must say the object,
        #: and the model's ids do not.
        self.record_objects: dict[str, str] = {}
        #: Object slug → the template of its records' ``web_url`` (``web.web_url_template``, or
        #: ``UNFILLABLE``), from its records read (``web.relearnt``); replaced whole when one
        #: changes, so a thread reading it sees the old dict or the new one.
        self.web_patterns: Mapping[str, str] = {}
        #: The member who authorised the token (``GET /v2/self``): a comment's author.
        self.me: str | None = None
        #: The token's scopes as ``GET /v2/self`` last told them (None: not asked yet).
        self.scopes: frozenset[str] | None = None

    def query(self, path: str, body: Any) -> Any:
        """A POST that only reads (``…/query``, search): safe to retry."""
        return self.call("POST", path, body=body, kind=RequestKind.READ)

    def scan(
        self, path: str, key: str, page_size: int, *, extra: Mapping[str, Any] | None = None,
        ahead: bool = False, tie_break: bool = True,
    ) -> Iterator[list[Row]]:
        """Every row of a ``…/query`` endpoint, newest first, by offset; rows keyed by ``key``.
        ``tie_break``: ``key`` is also an attribute to sort by (every Attio object has a
        ``record_id`` attribute), so rows made in the same instant keep one order and no tie can
        move a row from one page to another between requests. A list's entries have no such
        attribute that Attio documents: they are sorted by ``created_at`` alone (docs/remote.md)."""
        sorts = [{"direction": "desc", "attribute": "created_at"}]
        if tie_break:
            sorts.append({"direction": "desc", "attribute": key})

        def fetch(offset: int, limit: int) -> OffsetPage:
            # Newest first: rows created while the scan pages land above its window (``offset_pages``).
            body = {**(extra or {}), "limit": limit, "offset": offset, "sorts": sorts}
            return OffsetPage(ids.flat(rows_of(self.query(path, body), path), key))

        for rows, _total in offset_pages(fetch, _clamp(page_size, MAX_PAGE), ahead=ahead):
            yield rows

    def listing(
        self, path: str, key: str, page_size: int, most: int, params: Mapping[str, Any] | None = None,
    ) -> Iterator[list[Row]]:
        """Every row of a ``GET`` list paged by ``limit``/``offset`` (notes, tasks, threads)."""
        def fetch(offset: int, limit: int) -> OffsetPage:
            answer = self.get(path, {**(params or {}), "limit": limit, "offset": offset})
            return OffsetPage(ids.flat(rows_of(answer, path), key))

        for rows, _total in offset_pages(fetch, _clamp(page_size, most)):
            yield rows

    def self_info(self) -> Mapping[str, Any]:
        """``GET /v2/self``: the token's workspace, scopes and member (kept as ``me``). A token
        that is no longer active is an ``AuthError``."""
        answer = self.get("/self")
        if not isinstance(answer, Mapping):
            raise ProtocolError("The server's answer about the token is not an object.", method="GET",
                                path=API + "/self")
        if answer.get("active") is not True:
            raise AuthError("The server says this token is not active (revoked or expired). Sign in again.")
        member = answer.get("authorized_by_workspace_member_id")
        if ids.is_uuid(member):
            self.me = member
        scope = answer.get("scope")
        self.scopes = frozenset(scope.split()) if isinstance(scope, str) else frozenset()
        return answer

    def allows(self, needed: tuple[str, ...]) -> bool:
        """Whether the token's scopes, where already known, allow ``needed`` (unknown: assumed so,
        the server refuses what they do not)."""
        return self.scopes is None or not scopes.lacking(self.scopes, needed)

    def require_scopes(self, write: str, what: str) -> None:
        """Refuse ``what`` (one of ``scopes.WRITES``) before it is sent when the token's scopes lack
        one it needs: a ``PermissionDenied`` naming the scope (no capability says it: reading stays
        on with the read scopes). The scopes are the last ``GET /v2/self``'s (the probe, and each
        round's workspace check); not known yet, the server decides (its 403 is the same error)."""
        lack = [] if self.scopes is None else scopes.lacking(self.scopes, scopes.WRITE_NEEDS[write])
        if lack:
            raise PermissionDenied(scopes.grant(lack, what), code="missing_scopes")

    def my_member_id(self) -> str:
        """The member the token acts for (a comment's author, a private list's one member)."""
        if self.me is None:
            self.self_info()
        if self.me is None:
            raise ProtocolError("The server does not say which member this token acts for.")
        return self.me

    def remember(self, record_id: str, object_slug: str) -> None:
        if self.record_objects.get(record_id) != object_slug:
            self.record_objects[record_id] = object_slug


def _clamp(page_size: int, most: int) -> int:
    return max(2, min(page_size, most))


__all__ = ["API", "MAX_PAGE", "MAX_SMALL_PAGE", "AttioSession", "data_of", "normalise_url", "row_of",
           "rows_of"]
