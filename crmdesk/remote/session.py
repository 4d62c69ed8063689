"""What every dialect's session base does alike: JSON requests through the shared transport to
paths under the dialect's API base, the schema cache, and the ``Backend`` calls that only reach
the transport.

A dialect says where its API lives (``api``) and, where its server differs, how an answer is
unwrapped (``answer``: Aria's ``{"data": …}`` envelope) and how a refusal reads (``refused``:
Atomic names the field its message is about).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from crmdesk.model import ObjectDef
from crmdesk.remote.errors import NotFound, ServerRejected
from crmdesk.remote.schema_cache import SchemaCache
from crmdesk.remote.transport import RequestKind, Transport


def seg(value: str | int) -> str:
    """One path segment, escaped: ids and slugs come from servers and users."""
    return quote(str(value), safe="")


class ApiSession:
    """Base of a dialect's session: the transport, requests under ``api``, ``get``, and the
    schema cache (``load_objects`` is the dialect's)."""

    #: The path every request's path is under (``/api/v1``, ``/api``).
    api: ClassVar[str]

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.schema = SchemaCache()

    def load_objects(self) -> list[ObjectDef]:
        """Every object with its attributes, read from the server; refreshes ``schema``."""
        raise NotImplementedError

    def object_def(self, slug: str) -> ObjectDef:
        """The cached object, loading the schema once if it is not there yet."""
        obj = self.schema.get(slug)
        if obj is None:
            self.load_objects()
            obj = self.schema.get(slug)
        if obj is None:
            raise NotFound(f"The server has no object “{slug}”.")
        return obj

    def close(self) -> None:
        self.transport.close()

    def record_web_url_templates(self) -> dict[str, str]:
        """No web address for records: the dialects whose servers have one say otherwise."""
        return {}

    def interrupt_waits_on(self, cancel: threading.Event | None) -> None:
        """Waits before a retry (``Retry-After``, backoff) or for a turn under the server's request
        limit end with ``RequestCancelled`` as soon as ``cancel`` is set: the sync engine passes
        the event its Cancel and Quit set."""
        self.transport.interrupt_on(cancel)

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        kind: RequestKind | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """One request to ``api`` + ``path``; its JSON answer as ``answer`` reads it."""
        full = self.api + path
        try:
            payload = self.transport.request_json(
                method, full, params=params, json_body=body, kind=kind, idempotency_key=idempotency_key
            )
        except ServerRejected as error:
            raise self.refused(error) from None
        return self.answer(payload, method, full)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.call("GET", path, params=params)

    def get_with_headers(self, path: str, params: Mapping[str, Any] | None = None) -> tuple[Any, httpx.Headers]:
        """``get``, with the answer's headers (a page's ``Content-Range``)."""
        full = self.api + path
        try:
            payload, headers = self.transport.request_json_and_headers("GET", full, params=params,
                                                                     kind=RequestKind.READ)
        except ServerRejected as error:
            raise self.refused(error) from None
        return self.answer(payload, "GET", full), headers

    def answer(self, payload: Any, method: str, path: str) -> Any:
        """What a call returns of the decoded answer to ``method`` ``path``: all of it, here."""
        return payload

    def refused(self, error: ServerRejected) -> ServerRejected:
        """The error a refusal is raised as: the transport's, here."""
        return error
