"""The demo's server data reset (its file deleted): the demo workspace starts on the new data,
and the old cache is kept aside instead of being refused by every sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.app import _start_demo
from crmdesk.context import AppContext
from crmdesk.paths import Paths
from crmdesk.remote.aria.adapter import connect_aria
from crmdesk.sandbox.server import start_demo_sandbox
from crmdesk.sync import SyncEngine


def _start_and_sync(paths: Paths) -> str:
    server = start_demo_sandbox(paths.data_dir, records=20)
    context = AppContext(paths)
    try:
        _start_demo(context, server)
        assert context.store is not None
        backend = connect_aria(server.url, server.admin_token)
        try:
            report = SyncEngine(context.store, backend).sync()
        finally:
            backend.close()
        assert report.status.value == "synced", report.summary()
        return str(context.store.schema.get_meta("workspace_id"))
    finally:
        if context.store is not None:
            context.store.close()
        server.stop()


@pytest.mark.allow_log_warnings  # the reset is logged, by design
def test_a_reset_demo_server_gets_a_fresh_demo_workspace_and_the_old_one_is_kept(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path / "data")
    paths.ensure()
    first = _start_and_sync(paths)
    (paths.data_dir / "sandbox" / "demo.sqlite").unlink()

    second = _start_and_sync(paths)

    assert second != first
    kept = list(paths.workspaces_dir.glob("demo.*.bak.sqlite"))
    assert [p.name for p in kept] == [f"demo.{first[:8]}.bak.sqlite"]
