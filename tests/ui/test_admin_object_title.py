"""A new object gets a Name attribute; a server that makes its own (after its create answer, so
crmdesk's own is refused as a slug that already exists) leaves nothing to complain about. The
sandbox over loopback; the server's own Name is made by a transport that sends it just before
crmdesk's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QApplication

from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.aria import connect_aria
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.ui.admin.objects_dialog import ObjectsDialog
from tests.ui.test_admin_schema import save, wait_for


class MakesItsOwnName(httpx.BaseTransport):
    """Loopback HTTP to the sandbox; when crmdesk adds ``name`` to an object, the server has made
    one itself a moment before (its request goes first, with its own title)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/attributes"):
            body = json.loads(request.read())
            if body.get("slug") == "name":
                own = httpx.Request("POST", request.url, headers={
                    k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "idempotency-key")},
                    json={**body, "title": "Title", "isRequired": False})
                self.inner.handle_request(own).read()
        return self.inner.handle_request(request)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[AppContext, SandboxServer]]:
    with SandboxServer(records=0) as server:
        store = Store.open(tmp_path / "w.sqlite")
        backend = open_backend("aria", server.url, server.admin_token)
        try:
            SyncEngine(store, backend).sync()
        finally:
            backend.close()
        context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store,
                             settings=QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                             backend_factory=lambda: connect_aria(server.url, server.admin_token,
                                                                  http_transport=MakesItsOwnName()))
        yield context, server
        assert QThreadPool.globalInstance().waitForDone(30_000)
        QApplication.processEvents()
        store.close()


def test_a_server_that_made_its_own_name_is_no_problem(
    qtbot: Any, served: tuple[AppContext, SandboxServer]
) -> None:
    context, server = served
    objects = ObjectsDialog(context)
    qtbot.addWidget(objects)
    objects.open_for_user()
    wait_for(qtbot, lambda: objects.editable)
    form = objects.new_object()
    qtbot.keyClicks(form.singular, "Partner")
    save(qtbot, form)
    wait_for(qtbot, lambda: "was saved on the server" in objects.status_line.text())
    assert "could not be added" not in objects.status_line.text()
    assert form.title_problem is None
    backend = open_backend("aria", server.url, server.admin_token)
    try:
        name = backend.get_object("partners").attribute("name")
    finally:
        backend.close()
    assert name is not None and name.title == "Title"  # the server's own, kept

