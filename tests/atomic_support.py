"""An atomic facade read the way a curl user would: plain httpx and the server's own shapes
(camelCase rows, ``Content-Range`` totals), never the client's adapter, so that a test comparing
the client's cache with it catches a mapping bug instead of mirroring it."""

from __future__ import annotations

import json
from typing import Any

import httpx

from crmdesk.sandbox import SandboxServer


class FacadeReader:
    """Reads ``server``'s ``/api`` as its admin. Close it (``client.close()``) when done."""

    def __init__(self, server: SandboxServer) -> None:
        self.client = httpx.Client(base_url=server.url.rstrip("/") + "/api",
                                   headers={"Authorization": f"Bearer {server.admin_token}"})

    def total(self, resource: str) -> int:
        answer = self.client.get(f"/{resource}", params={"range": "[0,0]", "sort": "id"})
        answer.raise_for_status()
        return int(answer.headers["content-range"].rsplit("/", 1)[1])

    def rows(self, resource: str, **filters: Any) -> list[dict[str, Any]]:
        """Every row of ``resource`` (as many as a test server holds), oldest id first."""
        params = {"range": "[0,9999]", "sort": "id", "order": "ASC"}
        if filters:
            params["filter"] = json.dumps(filters)
        answer = self.client.get(f"/{resource}", params=params)
        answer.raise_for_status()
        return list(answer.json())

    def get(self, resource: str, number: int) -> httpx.Response:
        return self.client.get(f"/{resource}/{number}")

    def deal_stages(self) -> list[dict[str, str]]:
        answer = self.client.get("/configuration", params={"range": "[0,0]"})
        answer.raise_for_status()
        return list(answer.json()[0]["config"]["dealStages"])
