"""Render the README's screenshots: ``python scripts/screenshots.py [--out docs/screenshots]``.

Each picture is ``crmdesk --data-dir D --demo --screenshot FILE --view VIEW`` in its own process,
offscreen: the demo's local sandbox starts, the app syncs with it, shows the view and saves
the window (1280×800). The first run downloads the demo workspace; the others sync the changes.
The dark picture runs the same command with a dark palette set on the application first,
as a desktop in dark mode would (crmdesk has no theme of its own: it follows the system's).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Runs crmdesk's command line in a QApplication that already has Fusion and a dark palette.
DARK = """
import sys
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
app.setStyle("Fusion")
palette = QPalette()
for role, color in {
    "Window": "#2b2d31", "WindowText": "#e6e6e6", "Base": "#1f2023", "AlternateBase": "#26282c",
    "ToolTipBase": "#2b2d31", "ToolTipText": "#e6e6e6", "Text": "#e6e6e6", "Button": "#33363b",
    "ButtonText": "#e6e6e6", "BrightText": "#ff6b6b", "Highlight": "#3b82f6", "HighlightedText": "#ffffff",
    "Link": "#7aa7ff", "LinkVisited": "#b794f6", "PlaceholderText": "#8b8f97", "Mid": "#44474d",
    "Dark": "#18191b", "Light": "#45484e", "Midlight": "#3a3d42", "Shadow": "#0d0d0e",
}.items():
    palette.setColor(getattr(QPalette.ColorRole, role), QColor(color))
for role in ("WindowText", "Text", "ButtonText"):
    palette.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role), QColor("#7b7f87"))
app.setPalette(palette)
from crmdesk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def render(data_dir: Path, out: Path, view: str, *, dark: bool = False, size: str = "1280x800",
           scale: float = 1.0) -> None:
    """One picture; ``size`` is the window's in device-independent pixels, ``scale`` the
    screen's (1.5: a laptop at 150 %, the PNG then 1.5 times as big)."""
    prefix = [sys.executable, "-c", DARK] if dark else [sys.executable, "-m", "crmdesk"]
    env = {k: v for k, v in os.environ.items() if k not in ("CRMDESK_TOKEN", "CRMDESK_DATA_DIR")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), QT_SCALE_FACTOR=str(scale))
    command = [*prefix, "--data-dir", str(data_dir), "--demo", "--screenshot", str(out),
               "--screenshot-size", size, "--view", view]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not out.exists():
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}  ({view}, {out.stat().st_size:,} bytes)")


def deal_with_notes(data_dir: Path) -> str:
    """The deal with the most notes in the synced demo workspace, among those with a note written
    in the web app (a heading, lists, a link: what the timeline shows); ties: the newest."""
    with sqlite3.connect(data_dir / "workspaces" / "demo.sqlite") as conn:
        row = conn.execute(
            "SELECT n.record_id FROM notes n JOIN records r ON r.id = n.record_id WHERE r.object_slug = 'deals'"
            " GROUP BY n.record_id ORDER BY max(n.content LIKE '## %') DESC, count(*) DESC, max(n.created_at) DESC"
            " LIMIT 1").fetchone()
    if row is None:
        raise SystemExit("the demo workspace has no notes on deals")
    return str(row[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="where the PNGs go")
    parser.add_argument("--data-dir", type=Path, help="demo data dir to use (default: a fresh temporary one)")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crmdesk-shots-") as tmp:
        data_dir = options.data_dir or Path(tmp) / "data"
        render(data_dir, options.out / "people.png", "people")  # the first sync happens here
        render(data_dir, options.out / "deals-board.png", "board:deals")
        render(data_dir, options.out / "deal-record.png", f"record:{deal_with_notes(data_dir)}")
        render(data_dir, options.out / "tasks.png", "tasks")
        render(data_dir, options.out / "home.png", "home")
        render(data_dir, options.out / "dashboard.png", "dashboard")
        render(data_dir, options.out / "dashboard-dark.png", "dashboard", dark=True)
        render(data_dir, options.out / "people-dark.png", "people", dark=True)
        # A laptop's window: the tasks and a record page at 1024×700, the people at 150 % in dark.
        deal = deal_with_notes(data_dir)
        render(data_dir, options.out / "tasks-1024.png", "tasks", size="1024x700")
        render(data_dir, options.out / "deal-record-1024.png", f"record:{deal}", size="1024x700")
        render(data_dir, options.out / "people-dark-1.5x.png", "people", dark=True, size="1024x700", scale=1.5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
