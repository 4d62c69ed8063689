"""Real loopback HTTP to the sandbox that writes down every request a backend sends, and can
answer chosen ones with a failure (a 5xx, a broken connection) instead of asking the server."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from crmdesk.remote.aria.adapter import AriaBackend, connect_aria
from crmdesk.sandbox import SandboxServer

from ._support import FAST_RETRY

#: A page of an object's records: the plain list, or a filtered query (an incremental pull).
_PAGE = re.compile(r"^/api/v1/objects/[^/]+/records(/query)?$")
_ONE_RECORD = re.compile(r"^/api/v1/objects/[^/]+/records/[^/]+$")

Fault = Callable[[httpx.Request], "httpx.Response | Exception | None"]


@dataclass(frozen=True, slots=True)
class Sent:
    method: str
    path: str
    query: str

    @property
    def is_page(self) -> bool:
        """A request that lists records (every record read by paging or by a filter)."""
        return bool(_PAGE.match(self.path)) and (self.method == "GET" or self.path.endswith("/query"))

    @property
    def is_one_record(self) -> bool:
        return bool(_ONE_RECORD.match(self.path)) and not self.path.endswith("/query")


class RecordingTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        # A fresh connection per request, as the other sync tests' clients (see _support.backend).
        super().__init__(limits=httpx.Limits(max_keepalive_connections=0))
        self.sent: list[Sent] = []
        #: Called for each request before it is sent: a Response or an exception to answer with
        #: instead, or None to ask the server.
        self.fault: Fault | None = None
        #: Called (in the sending thread) once the server has answered a request.
        self.answered: Callable[[Sent], None] | None = None
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = Sent(request.method, request.url.path, request.url.query.decode())
        with self._lock:
            self.sent.append(sent)
        failure = self.fault(request) if self.fault is not None else None
        if isinstance(failure, Exception):
            raise failure
        if failure is not None:
            return failure
        response = super().handle_request(request)
        if self.answered is not None:
            self.answered(sent)
        return response

    def since(self, mark: int) -> list[Sent]:
        with self._lock:
            return list(self.sent[mark:])

    def mark(self) -> int:
        with self._lock:
            return len(self.sent)


def recording_backend(server: SandboxServer) -> tuple[AriaBackend, RecordingTransport]:
    transport = RecordingTransport()
    client = connect_aria(server.url, server.admin_token, config={"retry": FAST_RETRY}, http_transport=transport)
    return client, transport


def api_patch(server: SandboxServer, slug: str, record_id: str, values: dict[str, object]) -> None:
    """A colleague edits through the API (admin token), outside our client."""
    response = httpx.patch(f"{server.api_url}/objects/{slug}/records/{record_id}", json={"values": values},
                           headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=10)
    assert response.status_code == 200, response.text


def api_delete(server: SandboxServer, slug: str, record_id: str) -> None:
    """A colleague deletes through the API (admin token), outside our client."""
    response = httpx.delete(f"{server.api_url}/objects/{slug}/records/{record_id}",
                            headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=10)
    assert response.status_code < 300, response.text


def api_get(server: SandboxServer, slug: str, record_id: str) -> dict[str, object]:
    response = httpx.get(f"{server.api_url}/objects/{slug}/records/{record_id}",
                         headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=10)
    assert response.status_code == 200, response.text
    values = response.json()["data"]["values"]
    assert isinstance(values, dict)
    return values
