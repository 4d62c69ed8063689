"""An object deleted on the server while a sync reads it (a colleague removed it between the
round's schema read and its records) is not a fault: the round reads the other objects, ends
saying so (the worker tries again soon), and the next round reads the workspace without it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine, SyncStatus

from ._requests import api_patch
from ._support import backend, marker


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(records=30, seed=17) as running:
        yield running


class DeletedMidRound:
    """The real backend, except that the server loses ``slug`` just before its records are read."""

    def __init__(self, real: Any, slug: str) -> None:
        self._real = real
        self._slug = slug

    def iter_record_pages(self, object_slug: str, *args: Any, **kwargs: Any) -> Any:
        if object_slug == self._slug:
            self._real.delete_object(object_slug)  # as a colleague's admin session would
        return self._real.iter_record_pages(object_slug, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def test_an_object_deleted_mid_sync_ends_the_round_gently_and_the_next_reads_without_it(
        tmp_path: Any, server: SandboxServer) -> None:
    real = backend(server)
    try:
        with Store.open(tmp_path / "w.sqlite") as store:
            assert SyncEngine(store, real).sync().status is SyncStatus.SYNCED
            person = sorted(store.records.ids("people"))[0]
            renamed = marker()
            api_patch(server, "people", person, {"job_title": renamed})
            report = SyncEngine(store, DeletedMidRound(real, "deals")).sync()  # type: ignore[arg-type]
            assert report.status is SyncStatus.ERROR
            assert report.message == "Deals went from the server during this sync; syncing again."
            row = store.records.get(person)
            assert row is not None and row.values["job_title"] == renamed  # the other objects were read
            again = SyncEngine(store, real).sync()
            assert again.status is SyncStatus.SYNCED
            store.schema.invalidate()
            assert store.schema.get_object("deals") is None
    finally:
        real.close()
