"""``crmdesk --data-dir D --screenshot FILE.png --view …`` renders each view of a synced data dir.

D is made the way a user gets one: a sync from a server (the sandbox, 100 records) into the
data dir's workspace file, its only one. The app opens it offline (no token: "Sign-in needed"),
shows the view, saves the PNG and exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox.server import SandboxServer
from crmdesk.sync.engine import SyncEngine
from crmdesk.workspaces import open_workspace_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def synced_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A data dir holding one synced workspace, and the id of a deal with notes."""
    data = tmp_path_factory.mktemp("screens") / "data"
    with SandboxServer(records=100, seed=1) as server:
        backend = open_backend("aria", server.url, server.admin_token)
        with open_workspace_store(Paths.resolve(data), backend, "aria", server.url) as store:
            assert SyncEngine(store, backend).sync().complete
            row = store.conn.execute(
                "SELECT n.record_id FROM notes n JOIN records r ON r.id = n.record_id WHERE r.object_slug = 'deals'"
                " GROUP BY n.record_id ORDER BY count(*) DESC, n.record_id LIMIT 1").fetchone()
            workspace = store.path.stem
        backend.close()
    assert row is not None, "the sandbox has notes on deals"
    assert [p.stem for p in (data / "workspaces").glob("*.sqlite")] == [workspace]
    return data, row[0]


def test_every_view_renders_a_picture_of_the_synced_data(synced_dir: tuple[Path, str], tmp_path: Path) -> None:
    data, deal_id = synced_dir
    views = ["people", "deals", "board:deals", f"record:{deal_id}", "tasks"]
    env = {k: v for k, v in os.environ.items() if k not in ("CRMDESK_TOKEN", "CRMDESK_DATA_DIR")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    shots = {view: tmp_path / f"{view.replace(':', '-')}.png" for view in views}
    # One at a time: the views share the data dir's settings.ini (board:deals writes the Table | Board mode).
    for view in views:
        result = subprocess.run([sys.executable, "-m", "crmdesk", "--data-dir", str(data), "--screenshot",
                                 str(shots[view]), "--view", view], env=env, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, f"--view {view}: {result.stderr}"
    pictures = {}
    for view, shot in shots.items():
        assert shot.read_bytes().startswith(b"\x89PNG"), view
        image = QImage(str(shot))
        assert (image.width(), image.height()) == (1280, 800), view
        # A table, board, record page or task list has far more detail than an empty view or a placeholder.
        assert shot.stat().st_size > 40_000, f"--view {view} drew little ({shot.stat().st_size} bytes)"
        pictures[view] = shot.read_bytes()
    assert len(set(pictures.values())) == len(views), "each view looks different"


def test_a_screenshot_can_be_taken_at_a_laptops_size(synced_dir: tuple[Path, str], tmp_path: Path) -> None:
    data, _deal_id = synced_dir
    env = {k: v for k, v in os.environ.items() if k not in ("CRMDESK_TOKEN", "CRMDESK_DATA_DIR")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    shot = tmp_path / "tasks.png"
    result = subprocess.run([sys.executable, "-m", "crmdesk", "--data-dir", str(data), "--screenshot", str(shot),
                             "--screenshot-size", "1024x700", "--view", "tasks"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1024, 700)
    refused = subprocess.run([sys.executable, "-m", "crmdesk", "--data-dir", str(data), "--screenshot", str(shot),
                              "--screenshot-size", "wide", "--view", "tasks"], env=env, capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode == 2 and "'wide' is not a size like 1024x700" in refused.stderr
