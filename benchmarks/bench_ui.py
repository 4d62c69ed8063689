"""Issue 6: the main window over a 100,000-record object (benchmarks/store_dataset.py).

Figures, each beside a baseline measured in this run (medians of repeats; the machine is shared):
- first paint of the table after choosing the object (MainWindow.navigate → rows painted)
  vs the store query alone (query_ids + rows of the first screen);
- sort by a column (header click) and a ``contains`` filter (FilterBar.set_filter), each until
  repainted, vs the same store query alone;
- scroll top to bottom in 100 steps, 5 passes: the slowest and the median step (medians of the
  passes) vs the same steps on a QTableView over a 1,000-row QStandardItemModel;
- palette search as you type, with the palette's own debounce timer and the event loop
  running as in use: keystroke → results painted, p95 (median of 5 passes over the queries), vs
  ``store.search`` alone for the same prefixes on the same thread;
- app start to a painted window on that cache (``python -m crmdesk --data-dir D --screenshot
  out.png --view contacts``) vs a bare PySide6 app (the same Python, a script file) that shows an
  empty QMainWindow, grabs and saves it after the same two timer hops; median of 7 interleaved
  pairs, with every run and the spread in the note (``app_start`` runs it alone);
- RSS: peak of the app subprocess with the table open vs the bare app's; and this process's
  current RSS with the table open.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.report import Figure, Report, percentile
from benchmarks.store_dataset import BENCH_OBJECT, make_records
from crmdesk.ui.models.record_table_model import HEAD_ROWS

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

COUNT = 100_000
BATCH = 1_000
WORKSPACE_ID = "bench"
SCROLL_STEPS = 100
#: Typed one character at a time into the palette.
QUERIES = ("hiro tanaka", "renewal", "müller", "sales engineer", "berlin")

BARE_APP = """
import sys, time
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
class Window(QMainWindow):
    painted_at = None
    def event(self, event):
        handled = super().event(event)
        if event.type() == QEvent.Type.UpdateRequest and self.painted_at is None:
            self.painted_at = time.monotonic()  # as MainWindow.first_painted_at
        return handled
app = QApplication(sys.argv[:1])
window = Window()
window.resize(1280, 800)
window.show()
def grab():
    window.grab().save(sys.argv[1])
    print(f"painted_at={window.painted_at}", flush=True)
    app.quit()
# The same two hops as MainWindow.save_screenshot_when_ready: a 0 ms timer, then 50 ms.
QTimer.singleShot(0, lambda: QTimer.singleShot(50, grab))
sys.exit(app.exec())
"""


def _build_store(data_dir: Path):  # type: ignore[no-untyped-def]
    """The 100k-record workspace at ``D/workspaces/bench.sqlite``, the app's last workspace."""
    from crmdesk.paths import Paths
    from crmdesk.store import Store
    from crmdesk.workspaces import remember_last_workspace

    paths = Paths.resolve(data_dir)
    paths.ensure()
    store = Store.open(paths.workspace_db(WORKSPACE_ID))
    with store.write():
        store.schema.save_object(BENCH_OBJECT)
    obj = store.schema.get_object(BENCH_OBJECT.slug)
    records = make_records(COUNT)
    for offset in range(0, COUNT, BATCH):
        with store.write():
            store.records.put_many(obj, records[offset : offset + BATCH])
    del records
    # The app opens the data dir's last workspace (crmdesk.workspaces.choose_workspace).
    remember_last_workspace(paths, WORKSPACE_ID)
    return paths, store


def settled(app, model=None) -> None:  # type: ignore[no-untyped-def]
    """Until the background reads are over and ``model`` (a record table's) holds its whole list:
    a table paints its first rows from a head query and reads the rest off the GUI thread, which a
    figure that counts every row, or the next run, must not race."""
    from PySide6.QtCore import QEventLoop, QThreadPool

    while True:
        QThreadPool.globalInstance().waitForDone()
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if (model is None or model.complete) and QThreadPool.globalInstance().activeThreadCount() == 0:
            return


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _type(widget, char: str) -> None:  # type: ignore[no-untyped-def]
    """One key press and release (QTest.keyClick cannot type non-ASCII characters such as “ü”)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    key = ord(char.upper()) if char.isascii() else Qt.Key.Key_unknown
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))


#: Passes top to bottom for the scroll figures: the worst step varies run to run.
SCROLL_PASSES = 5


def _scroll_pass(view) -> list[float]:  # type: ignore[no-untyped-def]
    """ms of each of SCROLL_STEPS scrollbar steps from the top to the bottom, processEvents + repaint."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    scrollbar = view.verticalScrollBar()
    scrollbar.setValue(0)
    app.processEvents()
    steps = []
    for step in range(1, SCROLL_STEPS + 1):
        start = time.perf_counter()
        scrollbar.setValue(round(scrollbar.maximum() * step / SCROLL_STEPS))
        app.processEvents()
        view.viewport().repaint()
        steps.append((time.perf_counter() - start) * 1000)
    return steps


def scroll_figures(report: Report, table, column_count: int) -> None:  # type: ignore[no-untyped-def]
    """``ui.scroll_100_steps_worst`` and ``_median``: SCROLL_PASSES passes over the table, each the
    worst and the median step, beside the same passes over a plain QTableView (1,000 rows)."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    passes = [_scroll_pass(table) for _ in range(SCROLL_PASSES)]
    small = QStandardItemModel(1_000, column_count)
    for row in range(1_000):
        for col in range(column_count):
            small.setItem(row, col, QStandardItem(f"cell {row}:{col}"))
    plain = QTableView()
    plain.setModel(small)
    plain.resize(table.size())
    plain.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
    plain.horizontalHeader().setDefaultSectionSize(table.horizontalHeader().defaultSectionSize())
    plain.show()
    QApplication.instance().processEvents()
    plain_passes = [_scroll_pass(plain) for _ in range(SCROLL_PASSES)]
    worst, plain_worst = [max(p) for p in passes], [max(p) for p in plain_passes]
    medians, plain_medians = [statistics.median(p) for p in passes], [statistics.median(p) for p in plain_passes]

    def spread(samples: list[float]) -> str:
        return f"{min(samples):.1f}–{max(samples):.1f}"

    report.add(Figure("ui.scroll_100_steps_worst", statistics.median(worst), "ms", statistics.median(plain_worst),
                      "QTableView over a 1,000-row QStandardItemModel, worst step", "≤ 50 ms",
                      f"{SCROLL_STEPS} scrollbar steps of {COUNT // SCROLL_STEPS:,} rows, processEvents + repaint "
                      f"each; every step fetches a new block; median of {SCROLL_PASSES} passes' worst steps "
                      f"({spread(worst)}; plain {spread(plain_worst)})"))
    report.add(Figure("ui.scroll_100_steps_median", statistics.median(medians), "ms",
                      statistics.median(plain_medians), "same, median step", "",
                      f"median of {SCROLL_PASSES} passes' median steps ({spread(medians)}; plain "
                      f"{spread(plain_medians)})"))
    plain.deleteLater()


#: Passes over QUERIES for the palette figure: its p95 varies run to run.
PALETTE_PASSES = 5
#: A keystroke whose results have not painted after this long is a failure, not a sample.
PALETTE_TIMEOUT_MS = 5_000


def _keystroke_to_paint(app, palette, char: str) -> float:  # type: ignore[no-untyped-def]
    """ms from one key to the palette's results painted for the new text: the key goes in, then the
    event loop runs as it does in use (the palette's debounce timer fires on its own, the search runs,
    the list is reset and painted) until the results list — or the "nothing matches" label — gets a
    paint event after the model's reset. A nested QEventLoop waits on the events, no sleeping."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    done = QEventLoop()
    state = {"reset": False, "painted": 0.0}

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and state["reset"] and not state["painted"]:
                # Painting happens inside this event: time it once the paint event returns.
                QTimer.singleShot(0, done.quit)
                state["painted"] = 1.0
            return False

    def reset() -> None:
        state["reset"] = True

    watch = PaintWatch()
    targets = (palette.results.viewport(), palette.empty_label)
    for target in targets:
        target.installEventFilter(watch)
    palette.model.modelReset.connect(reset)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(done.quit)
    guard.start(PALETTE_TIMEOUT_MS)
    start = time.perf_counter()
    _type(palette.field, char)
    done.exec()
    elapsed = (time.perf_counter() - start) * 1000
    guard.stop()
    palette.model.modelReset.disconnect(reset)
    for target in targets:
        target.removeEventFilter(watch)
    if not state["painted"]:
        raise RuntimeError(f"the palette painted no results within {PALETTE_TIMEOUT_MS} ms of typing {char!r}")
    assert palette.model.query == palette.field.text()
    return elapsed


def palette_keystrokes(report: Report, context, window) -> None:  # type: ignore[no-untyped-def]
    """``ui.palette_keystroke_p95``: QUERIES typed a key at a time into the real palette (its 50 ms
    debounce included), each key waited on until its results are painted; vs ``store.search`` of the
    same prefixes, the same thread. A user typing faster than the debounce sees fewer searches (the
    timer restarts per key); the figure is the wait after a key when typing pauses."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from crmdesk.ui.widgets import search_palette
    from crmdesk.ui.widgets.search_palette import SearchPalette

    app = QApplication.instance()
    store = context.store
    palette = SearchPalette(context, window)
    palette.open_for_user()
    app.processEvents()
    p95s, alone_p95s, medians, searches = [], [], [], []
    keys: list[float] = []
    for _ in range(PALETTE_PASSES):
        keys, alone, searched = [], [], []
        for query in QUERIES:
            palette.field.clear()
            if palette._timer.isActive():  # let the clear's own search run, unmeasured
                settled = QEventLoop()
                palette._timer.timeout.connect(settled.quit)  # after the palette's own slot
                settled.exec()
                palette._timer.timeout.disconnect(settled.quit)
            app.processEvents()
            for n in range(1, len(query) + 1):
                keys.append(_keystroke_to_paint(app, palette, query[n - 1]))
                searched.append(palette.last_search_seconds * 1000)
                assert palette.field.text() == query[:n]
                alone.append(_ms(lambda p=query[:n]: store.search(p)))  # type: ignore[misc]
        p95s.append(percentile(keys, 95))
        alone_p95s.append(percentile(alone, 95))
        medians.append(statistics.median(keys))
        searches.append(percentile(searched, 95))
    debounce = search_palette.DEBOUNCE_MS
    report.add(Figure("ui.palette_keystroke_p95", statistics.median(p95s), "ms", statistics.median(alone_p95s),
                      "store.search p95, same prefixes, same thread", "≤ 100 ms",
                      f"{len(keys)} keystrokes of {len(QUERIES)} queries, the palette's own {debounce} ms debounce "
                      f"and event loop; key → results painted; median of {PALETTE_PASSES} passes' p95 "
                      f"({min(p95s):.1f}–{max(p95s):.1f}; store.search {min(alone_p95s):.1f}–"
                      f"{max(alone_p95s):.1f}); the wait includes the {debounce} ms debounce, the baseline does "
                      f"not; median keystroke {statistics.median(medians):.1f} ms; the palette's own search "
                      f"(store + model) p95 {statistics.median(searches):.1f} ms"))
    palette.close()
    palette.deleteLater()


def _child(argv: list[str], env: dict[str, str]) -> float:
    """Wall time (ms) of a subprocess, from spawn to exit."""
    return _child_times(argv, env)[0]


def _child_times(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(spawn → exit, spawn → first paint) in ms of a subprocess that prints ``painted_at=`` its
    ``time.monotonic()`` at its window's first paint (CLOCK_MONOTONIC: one clock for all processes)."""
    start = time.monotonic()
    result = subprocess.run(argv, env=env, capture_output=True, timeout=120)
    elapsed = (time.monotonic() - start) * 1000
    if result.returncode != 0:
        raise RuntimeError(f"{argv} failed ({result.returncode}): {result.stderr.decode(errors='replace')}")
    said = result.stdout.decode(errors="replace")
    painted = float(said.split("painted_at=", 1)[1].split()[0]) if "painted_at=" in said else float("nan")
    return elapsed, (painted - start) * 1000


#: Runs a module or a script as ``-m``/a file would, then writes the process's peak RSS (VmHWM)
#: to argv[1]. getrusage/wait4 cannot be used: Linux carries ru_maxrss across fork+exec, so a
#: child of this big benchmark process would report this process's size.
PEAK_RSS = """
import atexit, runpy, sys
out, kind, what, *rest = sys.argv[1:]
def peak():
    with open('/proc/self/status') as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))
    open(out, 'w').write(str(kib))
atexit.register(peak)
sys.argv = [what, *rest]
if kind == '-m':
    runpy.run_module(what, run_name='__main__', alter_sys=True)
else:
    runpy.run_path(what, run_name='__main__')
"""


def _peak_rss_mib(argv: list[str], env: dict[str, str], out: Path) -> float:
    """Peak RSS (MiB) of ``python -m X …`` or ``python FILE …`` (argv without the interpreter)."""
    _child([sys.executable, "-c", PEAK_RSS, str(out), *argv], env)
    return int(out.read_text()) / 1024


def run(report: Report) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from crmdesk.context import AppContext
    from crmdesk.model import Condition, FilterGroup, Operator, Sort
    from crmdesk.ui.main_window import MainWindow
    from crmdesk.ui.navigation import Navigator
    from crmdesk.ui.views.object_view import ObjectView

    app = QApplication.instance() or QApplication([])
    report.section("Main window (issue 6)")
    slug = BENCH_OBJECT.slug
    target = f"object:{slug}"
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        started = time.perf_counter()
        paths, store = _build_store(data_dir)
        print(f"# bench_ui: built the {COUNT:,}-record store in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)
        settings = QSettings(str(Path(tmp) / "bench-settings.ini"), QSettings.Format.IniFormat)
        context = AppContext(paths=paths, store=store, navigator=Navigator(), undo_stack=QUndoStack(),
                             settings=settings)
        window = MainWindow(context)
        window.resize(1280, 800)
        window.show()
        app.processEvents()

        # -- 1. first paint after choosing the object ------------------------------------------------
        def forget_view() -> None:
            view = window.views.pop(target, None)
            if view is not None:
                window.stack.removeWidget(view)
                view.deleteLater()
            window.navigate("home")
            settled(app)

        def open_table() -> ObjectView:
            window.navigate(target)
            view = window.views[target]
            assert isinstance(view, ObjectView)
            view.table.table.viewport().repaint()
            app.processEvents()
            return view

        visible_rows = 0

        def first_screen(group: FilterGroup | None = None, sorts: list[Sort] | None = None) -> None:
            # What the table asks before its first paint: the head of the list (the rest it reads
            # in the background), then the rows on screen.
            ids = store.records.query_ids(slug, group, sorts or [], limit=HEAD_ROWS)
            store.records.rows(ids[: visible_rows or 30])

        paints, queries = [], []
        for _ in range(7):
            forget_view()
            paints.append(_ms(open_table))
            queries.append(_ms(first_screen))
        view = window.views[target]
        assert isinstance(view, ObjectView)
        table = view.table.table
        model = view.table.model
        settled(app, model)
        assert model.rowCount() == COUNT
        visible_rows = table.rowAt(table.viewport().height() - 1) + 1
        assert visible_rows > 10, "the table painted rows"
        report.add(Figure("ui.first_paint_100k", statistics.median(paints), "ms", statistics.median(queries),
                          "query_ids + rows of the first screen", "≤ 150 ms",
                          f"navigate → {visible_rows} rows painted; median of 7 "
                          f"(min {min(paints):.0f}, max {max(paints):.0f})"))

        # -- 2. sort by a column (header click) and a contains filter (filter bar) ------------------
        header = table.horizontalHeader()
        columns = [a.slug for a in model.columns]
        for attribute in ("job_title", "employees"):
            column = columns.index(attribute)
            clicks, alone = [], []
            for _ in range(5):

                def click(col: int = column) -> None:
                    header.sectionClicked.emit(col)
                    table.viewport().repaint()

                clicks.append(_ms(click))
                settled(app, model)
                sorts = model.sorts
                alone.append(_ms(lambda s=sorts: first_screen(None, s)))  # type: ignore[misc]
            ui_ms, base_ms = statistics.median(clicks), statistics.median(alone)
            report.add(Figure(f"ui.sort_by_{attribute}", ui_ms, "ms", base_ms, "store query_ids + first screen",
                              "≤ 200 ms, ≤ 2×", f"header click → repainted; median of 5 (asc/desc alternating, "
                              f"max {max(clicks):.0f})"))

        contains = FilterGroup("and", (Condition("job_title", Operator.CONTAINS, "eng"),))
        bar = view.table.filter_bar
        applies, alone = [], []
        for _ in range(5):
            bar.clear()
            app.processEvents()

            def apply_filter() -> None:
                bar.set_filter(contains)
                table.viewport().repaint()

            applies.append(_ms(apply_filter))
            settled(app, model)
            assert model.filter == contains
            alone.append(_ms(lambda: first_screen(contains, model.sorts)))
        matched = model.rowCount()
        report.add(Figure("ui.filter_contains", statistics.median(applies), "ms", statistics.median(alone),
                          "store query_ids + first screen", "≤ 200 ms, ≤ 2×",
                          f"FilterBar.set_filter(job_title contains 'eng', sorted by {model.sorts[0].attribute}) "
                          f"→ repainted, {matched:,} rows; median of 5 (max {max(applies):.0f})"))
        bar.clear()
        model.set_sorts([])
        app.processEvents()

        # -- 3. scroll top to bottom in 100 steps ---------------------------------------------------
        scroll_figures(report, table, len(columns))

        # -- 6. RSS of this process with the table open (the subprocess figure follows below) ------
        rss_here = _rss_mib()

        # -- 4. palette search as you type -----------------------------------------------------------
        palette_keystrokes(report, context, window)
        window.close()
        window.deleteLater()
        app.processEvents()
        store.close()

        # -- 5. app start to a painted window with that cache (and 6., the app's peak RSS) ------------
        app_start(report, data_dir, slug, Path(tmp), rss_here)
    dashboard_open(report)
    home_open(report)


#: Subprocess pairs (app, bare app, interleaved) for ui.app_start_to_painted_table.
APP_START_RUNS = 7


def _spread(values: list[float], fmt: str = ".0f") -> str:
    return f"{', '.join(format(v, fmt) for v in values)} (spread {format(max(values) - min(values), fmt)})"


def app_start(report: Report, data_dir: Path, slug: str, tmp: Path, rss_here: float | None = None,
              runs: int = APP_START_RUNS) -> None:
    """``ui.app_start_to_painted_table`` and ``ui.rss_table_open`` on the workspace in ``data_dir``:
    ``python -m crmdesk --screenshot --view SLUG`` spawned, until its window's first paint (the
    table's rows included: the first view is built with them before the window is shown), vs the
    bare PySide6 app's spawn → first paint; app and bare runs interleaved, so both meet the same
    load. Callable alone (``python -m benchmarks.bench_ui`` runs it inside ``run``)."""
    # An installed app starts from compiled bytecode: let the warm-up run write it, even where
    # the environment says not to (compiling crmdesk's sources is not what a user waits for).
    env = {k: v for k, v in os.environ.items()
           if k not in ("CRMDESK_TOKEN", "CRMDESK_DATA_DIR", "PYTHONDONTWRITEBYTECODE")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    shot = tmp / "out.png"
    app_args = ["-m", "crmdesk", "--data-dir", str(data_dir), "--screenshot", str(shot), "--view", slug]
    bare_script = tmp / "bare_app.py"
    bare_script.write_text(BARE_APP, encoding="utf-8")
    bare_args = [str(bare_script), str(tmp / "bare.png")]
    _child([sys.executable, *app_args], env)  # warm the page cache and check it works
    _child([sys.executable, *bare_args], env)
    assert shot.stat().st_size > 20_000, "the app painted the table"
    starts, bares, app_exits, bare_exits = [], [], [], []
    for _ in range(runs):
        app_exit, app_paint = _child_times([sys.executable, *app_args], env)
        bare_exit, bare_paint = _child_times([sys.executable, *bare_args], env)
        starts.append(app_paint)
        bares.append(bare_paint)
        app_exits.append(app_exit)
        bare_exits.append(bare_exit)
    ratios = [a / b for a, b in zip(starts, bares, strict=True)]
    rss_app = _peak_rss_mib(app_args, env, tmp / "rss-app")
    rss_bare = _peak_rss_mib(["-f", *bare_args], env, tmp / "rss-bare")
    report.add(Figure("ui.app_start_to_painted_table", statistics.median(starts), "ms",
                      statistics.median(bares), "bare PySide6 app: empty QMainWindow, spawn → first paint",
                      "≤ 2×",
                      f"python -m crmdesk --screenshot --view {slug} on the {COUNT:,}-record cache, spawn → the "
                      f"window's first paint (table rows included; the keyring look-up and the sync worker start "
                      f"after it); median of {runs}, app and bare runs interleaved; app runs {_spread(starts)} ms; "
                      f"bare runs {_spread(bares)} ms; per-run ratios {_spread(ratios, '.2f')}× (median "
                      f"{statistics.median(ratios):.2f}×); spawn → exit, which also waits for the keyring look-up: "
                      f"app {statistics.median(app_exits):.0f}, bare {statistics.median(bare_exits):.0f}"))
    here = f"; this benchmark process, table open: {rss_here:.0f} MiB" if rss_here is not None else ""
    report.add(Figure("ui.rss_table_open", rss_app, "MiB", rss_bare, "bare PySide6 app, peak RSS", "",
                      f"peak RSS of the app subprocess with the {COUNT:,}-row table painted{here}"))


# -- issue 18: the pipeline dashboard over 100,000 deals ----------------------------------------------


def _deals_store(path: Path):  # type: ignore[no-untyped-def]
    """100,000 deals: six stages, amounts in three currencies, close dates over two years, five owners,
    and a stage move into Won or Lost in the field history for two thirds of the closed ones."""
    import json
    import random
    from datetime import date, timedelta

    from benchmarks.store_dataset import STAGES
    from crmdesk.model import AttributeDef, AttributeType, Member, ObjectDef, Record
    from crmdesk.store import Store

    deals = ObjectDef("deals", "Deal", "Deals", attributes=(
        AttributeDef("name", "Name", AttributeType.TEXT, order=0),
        AttributeDef("value", "Value", AttributeType.CURRENCY, order=1, config={"currency_code": "USD"}),
        AttributeDef("stage", "Stage", AttributeType.STATUS, order=2, options=STAGES),
        AttributeDef("expected_close_date", "Expected close date", AttributeType.DATE, order=3),
        AttributeDef("owner", "Owner", AttributeType.ACTOR_REFERENCE, order=4),
    ))
    owners = [f"user-{n}" for n in range(5)]
    rng = random.Random(18)
    store = Store.open(path)
    with store.write():
        store.schema.replace_members([Member(f"mem-{n}", f"Member {n}", f"m{n}@example.com", "member", owners[n])
                                      for n in range(5)])
        store.schema.set_me("mem-0")
        store.schema.save_object(deals)
    obj = store.schema.get_object("deals")
    start = date(2026, 1, 1)
    history = []
    for offset in range(0, COUNT, BATCH):
        records = []
        for i in range(offset, offset + BATCH):
            stage = STAGES[rng.randrange(len(STAGES))]
            values = {"name": f"Deal {i}", "stage": stage.id, "owner": rng.choice(owners),
                      "value": {"amount": rng.randrange(1_000, 250_000, 500),
                                "currency": rng.choice(("USD", "EUR", "GBP"))},
                      "expected_close_date": (start + timedelta(days=rng.randrange(730))).isoformat()}
            records.append(Record(f"deal-{i}", "deals", values, "2026-01-01T00:00:00.000Z",
                                  "2026-06-01T00:00:00.000Z"))
            if stage.title in ("Won", "Lost") and i % 3:
                history.append((f"deal-{i}", json.dumps("stage-3"), json.dumps(stage.id),
                                f"2026-{rng.randrange(1, 12):02d}-10T12:00:00.000Z", rng.choice(owners)))
        with store.write():
            store.records.put_many(obj, records)
    with store.write():
        store.conn.executemany(
            "INSERT INTO field_history (record_id, object_slug, attribute_slug, old_json, new_json, changed_at, "
            "actor_id, source) VALUES (?, 'deals', 'stage', ?, ?, ?, ?, 'server')", history)
    return store, len(history)


def dashboard_open(report: Report, repeats: int = 7) -> None:
    """Over 100,000 deals, as the user meets the dashboard, medians of ``repeats``:

    - ``ui.dashboard_open_100k``: DashboardView built, shown and painted (``grab`` renders it: the
      frame, the filters, each chart saying "Counting…"); the counting runs off the GUI thread.
    - ``ui.dashboard_numbers_100k``: from the same start until every chart has painted its numbers
      (the count's answer handed back, drawn, grabbed again).

    Both beside the store's queries alone (the same ones the view's count runs, on the GUI's own
    connection), measured in the same run."""
    from datetime import UTC, datetime

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from crmdesk.context import AppContext
    from crmdesk.model.pipeline import deals_pipeline
    from crmdesk.paths import Paths
    from crmdesk.store.pipeline_stats import DealScope, PipelineStats
    from crmdesk.ui.views.dashboard_counting import count_with
    from crmdesk.ui.views.dashboard_view import DashboardView

    app = QApplication.instance() or QApplication([])
    report.section("Pipeline dashboard (issue 18)")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        store, moves = _deals_store(Path(tmp) / "deals.sqlite")
        print(f"# bench_ui: built the {COUNT:,}-deal store in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)
        shape = deals_pipeline(store.schema.objects())
        assert shape is not None
        stats = PipelineStats(store.conn, store.schema)
        now = datetime(2026, 11, 20, tzinfo=UTC)

        def queries() -> None:
            count_with(stats, shape, DealScope(), "2026-10-21T00:00:00.000Z")

        context = AppContext(paths=Paths.resolve(Path(tmp) / "data"), store=store, now=lambda: now)

        def open_dashboard() -> tuple[float, float]:
            """(ms until shown and painted, ms until the numbers are painted)."""
            begun = time.perf_counter()
            view = DashboardView(context)
            view.resize(1280, 800)
            view.show()
            app.processEvents()
            view.grab()
            shown = (time.perf_counter() - begun) * 1000
            if not view.has_numbers:
                loop = QEventLoop()
                view.counted.connect(loop.quit)
                QTimer.singleShot(60_000, loop.quit)  # (a safety net: a broken count ends the run)
                loop.exec()
            assert view.has_numbers, "the dashboard never showed its numbers"
            view.grab()
            numbers = (time.perf_counter() - begun) * 1000
            view.close()
            view.deleteLater()
            app.processEvents()
            return shown, numbers

        queries()  # warm the page cache for both, alike
        alone = [_ms(queries) for _ in range(repeats)]
        runs = [open_dashboard() for _ in range(repeats)]
        opened, numbers = [r[0] for r in runs], [r[1] for r in runs]
        base = statistics.median(alone)
        spread = f"queries alone {min(alone):.0f}–{max(alone):.0f} ms"
        what = f"{COUNT:,} deals in 3 currencies with {moves:,} stage moves in the history; median of {repeats}"
        report.add(Figure("ui.dashboard_open_100k", statistics.median(opened), "ms", base,
                          "store queries alone (the count's grouped cells + activity)", "≤ 300 ms",
                          f"DashboardView built, shown and painted (grab: frame, filters, \"Counting…\" in each "
                          f"chart; the count runs off the GUI thread) over {what} (open {min(opened):.0f}–"
                          f"{max(opened):.0f} ms, {spread})"))
        report.add(Figure("ui.dashboard_numbers_100k", statistics.median(numbers), "ms", base,
                          "store queries alone (the count's grouped cells + activity)", "≈ queries alone",
                          f"from the start of the open until every chart has painted its numbers, over {what} "
                          f"(numbers {min(numbers):.0f}–{max(numbers):.0f} ms, {spread})"))
        store.close()


# -- issue 18: Home ("My work") over 100,000 deals ---------------------------------------------------


def _work_for_home(store) -> None:  # type: ignore[no-untyped-def]
    """3,000 open tasks (due from a month ago to a month ahead, a fifth of them mine) and 20,000
    notes on random deals, over the dashboard's 100,000-deal store."""
    import random

    from crmdesk.model import Note, Task

    rng = random.Random(18)
    owners = [f"user-{n}" for n in range(5)]
    with store.write():
        for i in range(20_000):
            day = rng.randrange(1, 29)
            store.notes.put(Note(f"note-{i}", f"deal-{rng.randrange(COUNT)}", "Call notes", "Spoke to them",
                                 f"2026-11-{day:02d}T10:00:00.000Z", None, rng.choice(owners)))
        for i in range(3_000):
            due = f"2026-{rng.choice((10, 11, 12))}-{rng.randrange(1, 29):02d}T09:00:00.000Z"
            store.tasks.put(Task(f"task-{i}", f"Task {i}", due, False, None, [f"deal-{rng.randrange(COUNT)}"],
                                 [rng.choice(owners)], "2026-10-01T00:00:00.000Z", "user-1"))


def home_open(report: Report, repeats: int = 7) -> None:
    """``ui.home_open_100k``: HomeView built, shown and painted over 100,000 deals (a fifth of them
    mine), 3,000 tasks and 20,000 notes, vs the store's queries alone (the same four Home runs)."""
    from datetime import UTC, datetime

    from PySide6.QtWidgets import QApplication

    from crmdesk.context import AppContext
    from crmdesk.paths import Paths
    from crmdesk.store.my_work import MyWork
    from crmdesk.ui.views.home_view import HomeView

    app = QApplication.instance() or QApplication([])
    report.section("Home, My work (issue 18)")
    with tempfile.TemporaryDirectory() as tmp:
        store, _moves = _deals_store(Path(tmp) / "home.sqlite")
        _work_for_home(store)
        now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
        work = MyWork(store)

        def queries() -> None:
            work.tasks(now)
            work.deals(now, store.settings.stale_days)
            work.record_counts()
            work.open_task_count()

        context = AppContext(paths=Paths.resolve(Path(tmp) / "data"), store=store, now=lambda: now)

        def open_home() -> None:
            view = HomeView(context, zone=UTC)
            view.resize(1280, 800)
            view.show()
            app.processEvents()
            view.grab()
            view.close()
            view.deleteLater()
            app.processEvents()

        queries()  # warm the page cache for both, alike
        alone = [_ms(queries) for _ in range(repeats)]
        opened = [_ms(open_home) for _ in range(repeats)]
        mine = work.deals(now, store.settings.stale_days).total
        report.add(Figure("ui.home_open_100k", statistics.median(opened), "ms", statistics.median(alone),
                          "store queries alone (my tasks, my open deals with their last activity, counts)",
                          "≤ 300 ms",
                          f"HomeView built, shown and painted (grab) over {COUNT:,} deals ({mine:,} my open ones), "
                          f"3,000 tasks, 20,000 notes; median of {repeats} (view {min(opened):.0f}–{max(opened):.0f}, "
                          f"queries {min(alone):.0f}–{max(alone):.0f})"))
        store.close()
