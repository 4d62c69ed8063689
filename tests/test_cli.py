"""Entry points: ``python -m crmdesk`` with --data-dir / CRMDESK_DATA_DIR and --screenshot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from crmdesk import __version__
from crmdesk.paths import DATA_DIR_ENV, Paths

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "crmdesk", *args], capture_output=True, text=True, env=full_env, timeout=120
    )


def test_screenshot_uses_the_chosen_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "profile"
    shot = tmp_path / "window.png"
    result = _run("--data-dir", str(data), "--screenshot", str(shot))
    # An empty data dir has nothing to picture: it says so (tests/test_open_synced.py draws a synced one).
    assert result.returncode == 1 and str(data) in result.stderr, result.stderr
    assert (data / "workspaces").is_dir()


def test_data_dir_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env-data"))
    paths = Paths.resolve()
    assert paths.data_dir == (tmp_path / "env-data").resolve()
    assert paths.workspace_db("demo") == (tmp_path / "env-data").resolve() / "workspaces" / "demo.sqlite"


def test_command_line_data_dir_wins_over_the_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env-data"))
    assert Paths.resolve(tmp_path / "flag").data_dir == (tmp_path / "flag").resolve()


def test_workspace_ids_cannot_escape_the_data_dir(tmp_path: Path) -> None:
    paths = Paths.resolve(tmp_path)
    for bad in ("../outside", "a/b", "", "x" * 200):
        try:
            paths.workspace_db(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")


def test_version_flag() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout
