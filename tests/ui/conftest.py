"""Shared fixtures for the UI tests: stores the sandbox server filled, and the AppContext views take.

Two ways to get a filled store:

* ``synced_store(records=..., seed=...)`` copies a template synced once per test session (per
  xdist worker) from a throwaway sandbox server; for tests that only read or edit locally.
* ``server_synced_store`` syncs a fresh store from the module's own ``server`` (sized by the
  module's ``pytest.mark.sandbox(records=..., seed=...)``); for tests that sync again after an
  edit or check what the server got. Each module keeps its own server, since those tests change it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QDesktopServices, QUndoStack

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.ui.views.record_table_view import RecordTableView
from tests.ui._desktop import OpenedUrls

SyncFrom = Callable[..., str]
StoreFactory = Callable[..., Store]
ContextFactory = Callable[..., AppContext]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sandbox(records, seed): the module's sandbox server (the `server` fixture)")


class FakeSync:
    """Stands in for SyncController where a view only reports local edits: counts them."""

    def __init__(self) -> None:
        self.local_edits = 0

    def local_edit(self) -> None:
        self.local_edits += 1


@pytest.fixture
def fake_sync() -> FakeSync:
    return FakeSync()


def _sync(store: Store, server: SandboxServer, token: str | None = None) -> str:
    backend = open_backend("aria", server.url, token or server.admin_token)
    try:
        return SyncEngine(store, backend).sync().status.value
    finally:
        backend.close()


@pytest.fixture(scope="session")
def sync_from() -> SyncFrom:
    """``sync_from(store, server, token=None)`` runs one sync and returns its status ("synced", ...)."""
    return _sync


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    """The module's sandbox server, sized by its ``pytestmark = pytest.mark.sandbox(records=..., seed=...)``."""
    marker = request.node.get_closest_marker("sandbox")
    if marker is None:
        raise pytest.UsageError(f"{request.node.nodeid}: the `server` fixture needs pytest.mark.sandbox(records, seed)")
    with SandboxServer(*marker.args, **marker.kwargs) as running:
        yield running


@pytest.fixture
def server_synced_store(tmp_path: Path, server: SandboxServer) -> Iterator[Store]:
    """A new store synced from the module's server for this test."""
    with Store.open(tmp_path / "w.sqlite") as opened:
        assert _sync(opened, server) == "synced"
        yield opened


@pytest.fixture(scope="session")
def synced_template(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, int], Path]:
    """``synced_template(records, seed)``: a store file synced from such a sandbox, built once per session."""
    built: dict[tuple[int, int], Path] = {}

    def template(records: int, seed: int) -> Path:
        if (records, seed) not in built:
            path = tmp_path_factory.mktemp(f"synced-{records}-{seed}") / "w.sqlite"
            with SandboxServer(records=records, seed=seed) as sandbox, Store.open(path) as store:
                _sync(store, sandbox)
            built[records, seed] = path
        return built[records, seed]

    return template


@pytest.fixture
def synced_store(synced_template: Callable[[int, int], Path], tmp_path: Path) -> Iterator[StoreFactory]:
    """``synced_store(records=200, seed=1)``: this test's own copy of the synced template, closed afterwards."""
    opened: list[Store] = []

    def make(records: int = 200, seed: int = 1) -> Store:
        copy = tmp_path / ("w.sqlite" if not opened else f"w{len(opened)}.sqlite")
        shutil.copy(synced_template(records, seed), copy)
        opened.append(Store.open(copy))
        return opened[-1]

    yield make
    for store in reversed(opened):
        store.close()


@pytest.fixture
def ui_context(tmp_path: Path) -> ContextFactory:
    """``ui_context(store, data=tmp_path / "data", undo_stack=QUndoStack(), **fields)``: an AppContext for views.

    Pass ``undo_stack=None`` for a context without an undo history; other AppContext fields pass through."""

    def build(store: Store | None, data: Path | None = None, **fields: Any) -> AppContext:
        fields.setdefault("undo_stack", QUndoStack())
        return AppContext(paths=Paths.resolve(data or tmp_path / "data"), store=store, **fields)

    return build


@pytest.fixture
def server_side(store: Store) -> Iterator[Store]:
    """The sync worker's connection: another connection to the same file as the module's ``store``."""
    with Store.open(store.path) as other:
        yield other


# -- a record table over the synced 200-record store (the table, in-place and marks tests) ------


@pytest.fixture
def store(synced_store: Callable[..., Store]) -> Store:
    """Modules that need another store define their own ``store``."""
    return synced_store(records=200, seed=1)


@pytest.fixture
def context(store: Store, tmp_path: Path, ui_context: ContextFactory, fake_sync: Any) -> AppContext:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return ui_context(store, sync=fake_sync, settings=settings)


@pytest.fixture
def open_view(qtbot: Any, context: AppContext) -> Callable[[str], RecordTableView]:
    """``open_view(slug)``: the object's table view, shown at 1200×700."""

    def make(slug: str) -> RecordTableView:
        view = RecordTableView(context, slug)
        qtbot.addWidget(view)
        view.resize(1200, 700)
        view.show()
        qtbot.waitExposed(view)
        return view

    return make


# -- what would reach the desktop's file manager ---------------------------------------------


@pytest.fixture
def opened_urls() -> Iterator[OpenedUrls]:
    """The ``file:`` URLs the test opened (Open log folder…), instead of a file manager."""
    receiver = OpenedUrls()
    QDesktopServices.setUrlHandler("file", receiver, "open")
    yield receiver
    QDesktopServices.unsetUrlHandler("file")
