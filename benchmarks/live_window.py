"""The main window, its views open, while the real sync worker brings changes in.

Run in its own process (``python -m benchmarks.live_window MODE URL STORE IDLE_S TIMEOUT_S``, the
token in CRMDESK_BENCH_TOKEN), so Qt, the window and the worker thread are the app's own:

- ``first_pull``: an empty workspace file; the window opens the people table as soon as the
  schema arrives and stays on it while the worker pulls every record (the end-of-sync reloads
  and every in-between change notice are in the measurement);
- ``changes``: a synced workspace; the people table is open with three rows selected and
  scrolled down; the worker's sync brings the server-side changes made before it started.

Both report the GUI thread's lateness (a 1 ms timer) while busy and while idle for the same
window, and for ``changes`` whether the selection and the top visible record survived.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SELECTED_ROWS = (2000, 2001, 2002)
TOP_ROW = 1995
#: After the sync ends, how long the window may still be applying what it was told.
SETTLE_MS = 600


def _window(store_path: Path, data: Path) -> Any:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QUndoStack

    from crmdesk.context import AppContext
    from crmdesk.paths import Paths
    from crmdesk.store import Store
    from crmdesk.ui.main_window import MainWindow
    from crmdesk.ui.navigation import Navigator

    settings = QSettings(str(data / "settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(paths=Paths.resolve(data), store=Store.open(store_path, create=False),
                         navigator=Navigator(), undo_stack=QUndoStack(), settings=settings)
    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    return window


def _attach_worker(window: Any, store_path: Path, url: str, token: str) -> Any:
    from crmdesk.remote.dialects import open_backend
    from crmdesk.sync.worker import SyncController

    controller = SyncController(store_path, lambda: open_backend("aria", url, token), interval_ms=3_600_000)
    controller.worker_thread.finished.connect(controller.worker.deleteLater)
    window.context.sync = controller
    window._connect_sync()
    return controller


def _table_state(window: Any) -> dict[str, Any]:
    from crmdesk.ui.models.record_table_model import RecordIdRole

    view = window.current_view().table
    table, model = view.table, view.model
    top = table.rowAt(0)
    return {
        "selected": sorted(model.index(i.row(), 0).data(RecordIdRole) for i in table.selectionModel().selectedRows()),
        "top": model.index(top, 0).data(RecordIdRole) if top >= 0 else None,
        "rows": model.rowCount(),
    }


def measure(mode: str, url: str, token: str, store_path: Path, idle_seconds: float, timeout_s: float
            ) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QAbstractItemView, QApplication

    from benchmarks.sync_support import _lateness
    from crmdesk.store import Store

    app = QApplication.instance() or QApplication([])
    assert app is not None
    data = store_path.parent / "window-data"
    data.mkdir(exist_ok=True)
    if mode == "first_pull":
        Store.open(store_path).close()  # created here, as the app does before starting the worker
    window = _window(store_path, data)
    before: dict[str, Any] = {}
    if mode == "changes":
        window.navigate("object:people")
        view = window.current_view().table
        for row in SELECTED_ROWS:
            view.table.selectionModel().select(
                view.model.index(row, 0),
                view.table.selectionModel().SelectionFlag.Select | view.table.selectionModel().SelectionFlag.Rows)
        view.table.scrollTo(view.model.index(TOP_ROW, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        app.processEvents()
        before = _table_state(window)
    else:
        def open_people(_: Any) -> None:
            store = window.context.store
            if window.current_target != "object:people" and store.schema.get_object("people") is not None:
                window.navigate("object:people")

        window.change_feed.dispatched.connect(open_people)
    idle = _lateness(lambda quit_: QTimer.singleShot(int(idle_seconds * 1000), quit_))
    controller = _attach_worker(window, store_path, url, token)
    reports: list[Any] = []
    started = [0.0]

    def start(quit_: Callable[[], None]) -> None:
        def finished(report: Any) -> None:
            reports.append(report)
            QTimer.singleShot(SETTLE_MS, quit_)  # the feed's last dispatch and the views' work on it

        controller.worker.finished.connect(finished)
        QTimer.singleShot(int(timeout_s * 1000), quit_)
        started[0] = time.perf_counter()
        controller.start()

    busy = _lateness(start)
    elapsed = time.perf_counter() - started[0]
    controller.stop(10_000)
    after = _table_state(window) if window.current_target == "object:people" else {}
    return {
        "idle": idle, "busy": busy, "elapsed": elapsed, "before": before, "after": after,
        "status": reports[0].status.value if reports else None, "pulled": reports[0].pulled if reports else None,
    }


def run_measure(mode: str, url: str, token: str, store_path: Path, idle_seconds: float, timeout_s: float
                ) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.live_window", mode, url, str(store_path), str(idle_seconds),
         str(timeout_s)],
        cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=timeout_s + 120,
        env={**os.environ, "CRMDESK_BENCH_TOKEN": token, "QT_QPA_PLATFORM": "offscreen"},
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"the live window run failed ({proc.returncode}): {proc.stderr[-3000:]}")
    return dict(json.loads(lines[-1]))


def _main() -> None:
    mode, url, store, idle_s, timeout_s = sys.argv[1:6]
    result = measure(mode, url, os.environ["CRMDESK_BENCH_TOKEN"], Path(store), float(idle_s), float(timeout_s))
    print(json.dumps(result), flush=True)
    # Skip interpreter teardown: PySide6 can crash while finalising Qt objects at exit.
    os._exit(0)


if __name__ == "__main__":
    _main()
