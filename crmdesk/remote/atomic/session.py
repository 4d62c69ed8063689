"""What every part of the Atomic adapter shares: the address, requests, the server's errors, rows.

The real server (BasicsOS, a fork of Marmelab's Atomic CRM; ``tests/fixtures/atomic-real/``)
answers a bare JSON array for a list, with ``Content-Range: <resource> <start>-<end>/<total>``,
and a bare object for everything else. Its errors are ``{"error": "<text>"}``, sometimes with a
``code`` (the transport's ``http_errors`` reads both), and text/plain for unrouted paths. Times
come as ``2026-11-30T09:36:24.058Z`` (built-in resources) or ``2026-11-30 09:47:06.065074+00``
(custom objects); ``rows.timestamp`` reads both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from crmdesk.remote.atomic import ids
from crmdesk.remote.atomic.resources import Resource
from crmdesk.remote.clock import Clock, SystemClock
from crmdesk.remote.errors import PermissionDenied, PoisonedRow, ProtocolError, ServerRejected
from crmdesk.remote.errors import unsupported as unsupported  # the shared refusal, as this dialect's modules import it
from crmdesk.remote.paging import RangePage, Row, range_pages
from crmdesk.remote.rows import usable_identity
from crmdesk.remote.session import ApiSession, seg
from crmdesk.remote.transport import Transport
from crmdesk.remote.urls import server_root

API = "/api"
#: The real server has no upper bound on a page (README 2; 027 asked for 10,000 rows). 500 rows
#: (about 150 KB) keep a full scan of 50,000 contacts at 100 requests, well under the 180 a
#: minute the server allows (README 17).
MAX_PAGE = 500

#: "Invalid firstName: Expected string, received date": the field a validation message is about.
_FIELD_MESSAGE = re.compile(r"Invalid ([A-Za-z][A-Za-z0-9_]*): (.+)")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_QUOTED = re.compile(r"'([^']{1,100})'")


def normalise_url(url: str) -> str:
    """The server's root from its root or its API base (``https://crm.example.com/api``)."""
    return server_root(url, API)


def camel(name: str) -> str:
    """``contact_id`` → ``contactId``: how the server answers the field it takes as snake_case."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def snake(name: str) -> str:
    """``firstName`` → ``first_name``: the server answers camelCase and names fields so in errors."""
    return _CAMEL.sub("_", name).lower()


def identity(row: Any, name: str, what: str) -> str:
    """An item's id as text: ``ProtocolError`` when missing, ``PoisonedRow`` when unusable."""
    value = row.get(name) if isinstance(row, Mapping) else None
    if value is None or value == "" or isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ProtocolError(f"{what} from the server has no {name}.")
    return usable_identity(str(value), name, what)


def row_id(row: Any, resource: str, what: str) -> str:
    """A row's id qualified by its resource (``contacts/12``, see ``ids``): ``ProtocolError`` when
    missing, ``PoisonedRow`` when unusable or not an integer."""
    ident = identity(row, "id", what)
    try:
        return ids.qualified(resource, row.get("id"))
    except ValueError:
        raise PoisonedRow(f"{what} from the server has an id that is not a number: {ident[:40]!r}") from None


def rows_of(data: Any, what: str) -> list[Mapping[str, Any]]:
    """A list answer's rows (a bare array): every row an object, else the answer is refused."""
    if not isinstance(data, list) or not all(isinstance(row, Mapping) for row in data):
        raise ProtocolError(f"The server's list of {what} is not a list of objects.")
    return data


def _rejection(error: ServerRejected) -> ServerRejected:
    """The server's refusal, with the field it names (``Invalid firstName: …`` → ``first_name``).

    The real server reads every string of a write that starts like a date (``2026-01-01 …``) as
    a date before checking it (README 7; recordings 179, 180), so text such as "2026-01-01
    kickoff notes" is refused with "Expected string, received date": that is said in words."""
    message = error.message
    fields: dict[str, str] = dict(error.field_errors)
    match = _FIELD_MESSAGE.fullmatch(message.strip())
    if match is not None and match.group(1) == "payload":
        # "Invalid payload: Unrecognized key(s) in object: 'phone', 'fax'" (050): each key named.
        for key in _QUOTED.findall(match.group(2)):
            fields.setdefault(key, "The server does not take this field.")
    elif match is not None:
        fields.setdefault(snake(match.group(1)), match.group(2))
    if "received date" in message:
        message += (
            " (this server reads text that begins with a date, such as 2026-01-01, as a date and refuses "
            "it in a text field: put a word before the date)"
        )
    if message == error.message and fields == dict(error.field_errors):
        return error
    return ServerRejected(message, field_errors=fields, status=error.status, code=error.code,
                          method=error.method, path=error.path)


class AtomicSession(ApiSession):
    """Base of ``AtomicBackend``: requests answering bare JSON, the schema cache, the clock for
    "done" dates."""

    api = API

    def __init__(self, transport: Transport, *, clock: Clock | None = None) -> None:
        super().__init__(transport)
        self.clock: Clock = clock or SystemClock()
        #: Custom objects by slug, as ``load_objects`` last read them from object-config.
        self.custom: dict[str, Resource] = {}

    def refused(self, error: ServerRejected) -> ServerRejected:
        return _rejection(error)

    def configuration(self) -> Mapping[str, Any] | None:
        """``configuration``'s settings (deal stages, the CRM's title); None when this account may
        not read them. Every id of ``configuration`` is its one row (README 13)."""
        try:
            rows = self.get("/configuration", {"range": "[0,0]"})
        except PermissionDenied:
            return None
        config = rows[0].get("config") if isinstance(rows, list) and rows and isinstance(rows[0], Mapping) else None
        return config if isinstance(config, Mapping) else None

    def get_object_row(self, path: str, what: str) -> Mapping[str, Any]:
        data = self.get(path)
        if not isinstance(data, Mapping):
            raise ProtocolError(f"The server's answer for {what} is not an object.", method="GET", path=API + path)
        return data

    def list_page(self, resource: str, first: int, last: int, params: Mapping[str, Any]) -> RangePage:
        """Rows ``first``..``last`` (both included, as ``range`` means on every server) of a list,
        with the answer's ``Content-Range``."""
        data, headers = self.get_with_headers(f"/{seg(resource)}", {**params, "range": f"[{first},{last}]"})
        return RangePage(rows_of(data, resource), headers.get("content-range"))

    def raw_pages(
        self, resource: str, sort: str, page_size: int, *, ahead: bool = False,
        extra: Mapping[str, Any] | None = None,
    ) -> Iterator[tuple[list[Row], int | None]]:
        """Every row of ``resource``, newest first by ``sort`` — always sent: without it the real
        server has no stable order (README 3), and newest first is what ``range_pages`` expects
        (``order`` must be exactly ``DESC``: lowercase sorts ascending)."""
        params = {"sort": sort, "order": "DESC", **(extra or {})}

        def fetch(first: int, last: int) -> RangePage:
            return self.list_page(resource, first, last, params)

        return range_pages(fetch, max(2, min(page_size, MAX_PAGE)), ahead=ahead)
