"""What ``crmdesk sync`` made opens in the window, end to end: a sandbox over loopback, the sync
and the window as real subprocesses, the token only in ``CRMDESK_TOKEN``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QImage

from crmdesk.sandbox.server import SandboxServer
from crmdesk.sandbox.testing import sandbox_server  # noqa: F401  (the fixture)
from tests.cli_support import run_crmdesk


def test_a_fresh_sync_opens_in_the_window_on_the_view_asked_for(
    sandbox_server: Callable[..., SandboxServer], tmp_path: Path  # noqa: F811
) -> None:
    server = sandbox_server(records=40, seed=4)
    data = tmp_path / "fresh"
    synced = run_crmdesk("sync", "--url", server.url, "--data-dir", str(data), "--quiet", token=server.admin_token)
    assert synced.returncode == 0, synced.stderr

    shot = tmp_path / "deals.png"
    shown = run_crmdesk("--data-dir", str(data), "--screenshot", str(shot), "--view", "deals", token=server.admin_token)
    assert shown.returncode == 0, shown.stderr
    # The window says what it drew: the deals table (not the welcome page, not a placeholder), with
    # the sync attached from the token in the environment (not "Sign-in needed").
    drawn, _, said = shown.stdout.strip().rpartition("; sync: ")
    status, _, painted = said.partition("; painted_at=")
    assert float(painted) > 0, shown.stdout  # when the window was first painted (for the start benchmark)
    assert drawn == f"{shot}: object:deals (ObjectView)", shown.stdout
    assert status in ("syncing", "synced"), shown.stdout  # the first round may already be over
    assert "Traceback" not in shown.stderr and "Signal source has been deleted" not in shown.stderr, shown.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    assert shot.stat().st_size > 40_000, "a table of deals has far more detail than an empty page"
    assert server.admin_token not in shown.stdout + shown.stderr + synced.stdout + synced.stderr


def test_view_or_screenshot_without_a_workspace_fails_with_a_message(tmp_path: Path) -> None:
    shot = tmp_path / "nothing.png"
    for args in (["--screenshot", str(shot)], ["--screenshot", str(shot), "--view", "deals"], ["--view", "deals"]):
        result = run_crmdesk("--data-dir", str(tmp_path / "empty"), *args)
        assert result.returncode == 1
        assert "There is no workspace in" in result.stderr and "crmdesk sync --url" in result.stderr
        assert not shot.exists(), "no picture of the welcome page"
