"""An attio facade read the way a curl user would: plain httpx and Attio's own shapes (value arrays,
``{"data": …}`` answers), never the client's adapter, so that a test comparing the client's cache
with it catches a mapping bug instead of mirroring it. Every answer passes through
``SpecCheckingTransport``: what the facade says is checked against Attio's spec as it is read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from crmdesk.sandbox import SandboxServer
from tests.attio_spec import SpecCheckingTransport


def paged(fetch: Callable[[int, int], Any], page: int) -> list[dict[str, Any]]:
    """Every row of a limit/offset listing: ``fetch(limit, offset)`` is asked for the next ``page``
    rows until a page comes back short."""
    found: list[dict[str, Any]] = []
    while True:
        got = list(fetch(page, len(found)))
        found += got
        if len(got) < page:
            return found


class AttioReader:
    """Reads ``server``'s ``/v2`` as its admin. Close it (``close()``) when done."""

    def __init__(self, server: SandboxServer) -> None:
        self.transport = SpecCheckingTransport()
        self.client = httpx.Client(base_url=server.url.rstrip("/") + "/v2", transport=self.transport,
                                   headers={"Authorization": f"Bearer {server.admin_token}"})

    def close(self) -> None:
        self.client.close()

    def _data(self, answer: httpx.Response) -> Any:
        answer.raise_for_status()
        return answer.json()["data"]

    def records(self, object_slug: str) -> list[dict[str, Any]]:
        """Every record of the object, oldest first."""
        return paged(lambda limit, offset: self._data(self.client.post(f"/objects/{object_slug}/records/query", json={
            "limit": limit, "offset": offset, "sorts": [{"direction": "asc", "attribute": "created_at"}]})), 500)

    def record(self, object_slug: str, record_id: str) -> httpx.Response:
        return self.client.get(f"/objects/{object_slug}/records/{record_id}")

    def history(self, object_slug: str, record_id: str, attribute: str) -> list[dict[str, Any]]:
        """Every value the attribute has had on the record, replaced ones included."""
        path = f"/objects/{object_slug}/records/{record_id}/attributes/{attribute}/values"
        return list(self._data(self.client.get(path, params={"show_historic": "true"})))

    def statuses(self, object_slug: str, attribute: str) -> list[dict[str, Any]]:
        return list(self._data(self.client.get(f"/objects/{object_slug}/attributes/{attribute}/statuses")))

    def notes(self, object_slug: str, record_id: str) -> list[dict[str, Any]]:
        return paged(lambda limit, offset: self._data(self.client.get("/notes", params={
            "parent_object": object_slug, "parent_record_id": record_id, "limit": limit, "offset": offset})), 50)

    def tasks(self) -> list[dict[str, Any]]:
        return list(self._data(self.client.get("/tasks", params={"limit": 500})))

    def add_task(self, content: str, object_slug: str, record_id: str) -> dict[str, Any]:
        """A colleague's task on the record, made on the server."""
        return dict(self._data(self.client.post("/tasks", json={"data": {
            "content": content, "format": "plaintext", "deadline_at": None, "is_completed": False,
            "linked_records": [{"target_object": object_slug, "target_record_id": record_id}], "assignees": []}})))

    def threads(self, object_slug: str, record_id: str) -> list[dict[str, Any]]:
        """Every comment thread on the record (50 a page, the most the spec allows)."""
        return paged(lambda limit, offset: self._data(self.client.get("/threads", params={
            "object": object_slug, "record_id": record_id, "limit": limit, "offset": offset})), 50)


def active(record: dict[str, Any], slug: str) -> list[dict[str, Any]]:
    """The active values of ``slug`` on a record answer (Attio keeps replaced ones too)."""
    return [value for value in record["values"].get(slug, []) if value.get("active_until") is None]


def full_name(record: dict[str, Any]) -> str:
    names = active(record, "name")
    return str(names[0]["full_name"]) if names else ""
