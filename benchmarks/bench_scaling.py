"""Issue 19: how the store and the table grow, at 10,000, 100,000 and 1,000,000 records per object.

One contacts object (benchmarks/store_dataset.py: 15 attributes of mixed types) at each size,
built once per size into a temp dir and reused for every figure of that size. Figures, each
beside a baseline measured in the same run:
- store bulk load (put_many in batches of 1,000) vs raw ``executemany`` of the very rows it writes;
- first paint of the table (MainWindow.navigate → rows painted) vs query_ids + rows of the first screen;
- sort (header click → repainted) vs the same query_ids + first screen;
- ``contains`` filter (FilterBar.set_filter → repainted) vs the same query_ids + first screen;
- search p95 over 200 prefix queries vs the bare FTS5 MATCH;
- board open (grouped by stage, built and painted) vs the store queries alone (one per column);
- peak RSS of a child process that has the table open vs a bare PySide6 window's (5 runs each).

``BENCH_SCALING_SIZES=10000,100000`` picks the sizes (default all three). The bulk load is one
run at 100,000 and above (it takes minutes at 1,000,000) and the board open 3 at 1,000,000 (~40 s
each); everything else is a median of 5 or more. The whole module takes ~15 minutes.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

from benchmarks.bench_ui import settled
from benchmarks.report import Figure, Report, percentile
from benchmarks.store_dataset import BENCH_OBJECT, FIRST, LAST, TITLES, WORDS, iter_records
from crmdesk.ui.models.record_table_model import HEAD_ROWS

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES = (10_000, 100_000, 1_000_000)
BATCH = 1_000
WORKSPACE_ID = "bench"
REPEATS = 5

#: A child process: the main window with the table open (or a bare window), then its peak RSS
#: (VmHWM) on stdout. Its own process, so the figure is not this big benchmark's.
TABLE_OPEN = """
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QMainWindow
mode, data_dir, slug = sys.argv[1:]
app = QApplication(sys.argv[:1])
if mode == "bare":
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    window.repaint()
    rows = 0
else:
    from pathlib import Path
    from PySide6.QtCore import QSettings, QThreadPool
    from PySide6.QtGui import QUndoStack
    from crmdesk.context import AppContext
    from crmdesk.paths import Paths
    from crmdesk.store import Store
    from crmdesk.ui.main_window import MainWindow
    from crmdesk.ui.navigation import Navigator
    paths = Paths.resolve(Path(data_dir))
    store = Store.open(paths.workspace_db("bench"))
    settings = QSettings(str(Path(data_dir) / "rss-settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(paths=paths, store=store, navigator=Navigator(), undo_stack=QUndoStack(),
                         settings=settings)
    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    window.navigate(f"object:{slug}")
    view = window.views[f"object:{slug}"]
    view.table.table.viewport().repaint()
    app.processEvents()
    # The whole id list is read after the first paint: RSS counts it.
    while not view.table.model.complete:
        QThreadPool.globalInstance().waitForDone()
        app.processEvents()
    rows = view.table.model.rowCount()
with open("/proc/self/status") as status:
    kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(f"rows={rows} peak_kib={kib}", flush=True)
"""


def sizes() -> list[int]:
    chosen = os.environ.get("BENCH_SCALING_SIZES")
    return [int(n) for n in chosen.split(",")] if chosen else list(SIZES)


def label(count: int) -> str:
    return f"{count // 1_000_000}m" if count >= 1_000_000 and count % 1_000_000 == 0 else f"{count // 1_000}k"


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _spread(samples: list[float], unit: str = "ms") -> str:
    digits = 1 if unit == "s" else 0
    return f"{min(samples):,.{digits}f}–{max(samples):,.{digits}f} {unit}"


def _batches(count: int) -> Iterator[list]:  # type: ignore[type-arg]
    records = iter_records(count)
    while batch := list(islice(records, BATCH)):
        yield batch


def _raw_batch(obj, attr_ids, first_rowid: int, records: list) -> tuple[list, list, list]:  # type: ignore[no-untyped-def,type-arg]
    """The exact rows put_many writes for this batch (as bench_store's baseline), built untimed."""
    from crmdesk.model import record_title
    from crmdesk.store.value_index import index_rows, search_body

    record_rows, value_rows, search_rows = [], [], []
    for rowid, record in enumerate(records, start=first_rowid):
        title = record_title(obj, record.values)
        record_rows.append((rowid, record.id, obj.slug, title, title.lower(), json.dumps(record.values),
                            record.created_at, record.updated_at, None, record.updated_at))
        for attr, attr_id in attr_ids:
            if record.values.get(attr.slug) is not None:
                value_rows.extend(index_rows(attr_id, attr, rowid, record.values[attr.slug]))
        search_rows.append((rowid, title, search_body(obj.attributes, record.values, "name")))
    return record_rows, value_rows, search_rows


def _open_store(path: Path):  # type: ignore[no-untyped-def]
    from crmdesk.store import Store

    store = Store.open(path)
    with store.write():
        store.schema.save_object(BENCH_OBJECT)
    return store


def bulk_load(count: int, path: Path, raw_path: Path) -> tuple[float, float]:
    """(put_many seconds, raw executemany seconds), the two interleaved batch by batch so both
    meet the same machine load; the store at ``path`` is kept for the other figures."""
    store, raw = _open_store(path), _open_store(raw_path)
    obj = store.schema.get_object(BENCH_OBJECT.slug)
    assert obj is not None
    attr_ids = [(a, raw.schema.attribute_id("object", obj.slug, a.slug)) for a in obj.attributes]
    conn = raw.conn
    app_s = raw_s = 0.0
    rowid = 1
    for records in _batches(count):
        record_rows, value_rows, search_rows = _raw_batch(obj, attr_ids, rowid, records)
        rowid += len(records)
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO records (rowid, id, object_slug, title, title_fold, values_json,"
                         " created_at, updated_at, created_by, server_updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         record_rows)
        conn.executemany("INSERT INTO record_values VALUES (?,?,?,?,?,?)", value_rows)
        conn.executemany("INSERT INTO search_index (rowid, title, body) VALUES (?,?,?)", search_rows)
        conn.execute("COMMIT")
        raw_s += time.perf_counter() - start
        start = time.perf_counter()
        with store.write():
            store.records.put_many(obj, records)
        app_s += time.perf_counter() - start
    raw.close()
    store.close()
    return app_s, raw_s


def run(report: Report) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    report.section("Scaling (issue 19)")
    for count in sizes():
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            one_size(report, app, count, Path(tmp))
            print(f"# bench_scaling: {count:,} records done in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr, flush=True)


def one_size(report: Report, app, count: int, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    from crmdesk.paths import Paths
    from crmdesk.workspaces import remember_last_workspace

    name = label(count)
    data_dir = tmp / "data"
    paths = Paths.resolve(data_dir)
    paths.ensure()
    db = paths.workspace_db(WORKSPACE_ID)
    # -- store bulk load: once at 100k and 1M (minutes at 1M), a median of 5 below that ----------
    loads: list[tuple[float, float]] = []
    for n in range(REPEATS if count <= 10_000 else 1):
        target, raw = (db, tmp / "raw.sqlite") if n == 0 else (tmp / f"again-{n}.sqlite", tmp / f"raw-{n}.sqlite")
        loads.append(bulk_load(count, target, raw))
        raw.unlink()
        if n:
            target.unlink()
    app_s, raw_s = statistics.median(x[0] for x in loads), statistics.median(x[1] for x in loads)
    spread = (f"; median of {len(loads)} (store {_spread([x[0] for x in loads], 's')}, raw "
              f"{_spread([x[1] for x in loads], 's')})" if len(loads) > 1 else "; one run (minutes at this size)")
    report.add(Figure(f"scaling.bulk_load_{name}", app_s, "s", raw_s, "raw executemany of the same rows", "",
                      f"{count:,} records × 15 attributes, put_many in batches of {BATCH:,}{spread}"))
    remember_last_workspace(paths, WORKSPACE_ID)
    table_figures(report, app, count, paths, data_dir)
    rss(report, count, data_dir)


def table_figures(report: Report, app, count: int, paths, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QUndoStack

    from crmdesk.context import AppContext
    from crmdesk.model import Condition, FilterGroup, Operator, Sort
    from crmdesk.store import Store
    from crmdesk.ui.main_window import MainWindow
    from crmdesk.ui.navigation import Navigator
    from crmdesk.ui.views.object_view import ObjectView

    name = label(count)
    big = count >= 1_000_000
    slug = BENCH_OBJECT.slug
    target = f"object:{slug}"
    store = Store.open(paths.workspace_db(WORKSPACE_ID))
    settings = QSettings(str(data_dir / "bench-settings.ini"), QSettings.Format.IniFormat)
    context = AppContext(paths=paths, store=store, navigator=Navigator(), undo_stack=QUndoStack(),
                         settings=settings)
    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    app.processEvents()

    def forget_view() -> None:
        view = window.views.pop(target, None)
        if view is not None:
            window.stack.removeWidget(view)
            view.deleteLater()
        window.navigate("home")
        settled(app)

    def open_table() -> None:
        window.navigate(target)
        window.views[target].table.table.viewport().repaint()
        app.processEvents()

    visible = 30

    def first_screen(group: FilterGroup | None = None, sorts: list[Sort] | None = None) -> None:
        # What the table asks before its first paint: the head of the list (the rest it reads in
        # the background), then the rows on screen.
        ids = store.records.query_ids(slug, group, sorts or [], limit=HEAD_ROWS)
        store.records.rows(ids[:visible])

    first_screen()  # warm the page cache for both alike
    paints, queries = [], []
    for _ in range(REPEATS if big else 7):
        forget_view()
        paints.append(_ms(open_table))
        queries.append(_ms(first_screen))
    view = window.views[target]
    assert isinstance(view, ObjectView)
    table, model = view.table.table, view.table.model
    settled(app, model)
    assert model.rowCount() == count
    visible = table.rowAt(table.viewport().height() - 1) + 1
    assert visible > 10, "the table painted rows"
    report.add(Figure(f"scaling.first_paint_{name}", statistics.median(paints), "ms", statistics.median(queries),
                      "query_ids + rows of the first screen", "≤ 150 ms at 1M",
                      f"navigate → {visible} rows painted; median of {len(paints)} (app {_spread(paints)}, "
                      f"query {_spread(queries)})"))

    header = table.horizontalHeader()
    column = [a.slug for a in model.columns].index("job_title")
    clicks, alone = [], []
    for _ in range(REPEATS):
        def click() -> None:
            header.sectionClicked.emit(column)
            table.viewport().repaint()

        clicks.append(_ms(click))
        settled(app, model)
        sorts = model.sorts
        alone.append(_ms(lambda s=sorts: first_screen(None, s)))  # type: ignore[misc]
    report.add(Figure(f"scaling.sort_{name}", statistics.median(clicks), "ms", statistics.median(alone),
                      "store query_ids + first screen", "≤ 1 s at 1M",
                      f"header click on Job title → repainted (asc/desc alternating); median of {REPEATS} "
                      f"(app {_spread(clicks)}, query {_spread(alone)})"))
    model.set_sorts([])
    app.processEvents()

    contains = FilterGroup("and", (Condition("job_title", Operator.CONTAINS, "eng"),))
    bar = view.table.filter_bar
    applies, alone = [], []
    for _ in range(REPEATS):
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
    report.add(Figure(f"scaling.contains_filter_{name}", statistics.median(applies), "ms", statistics.median(alone),
                      "store query_ids + first screen", "≤ 500 ms at 1M",
                      f"FilterBar.set_filter(job_title contains 'eng') → repainted, {matched:,} rows; median of "
                      f"{REPEATS} (app {_spread(applies)}, query {_spread(alone)})"))
    bar.clear()
    app.processEvents()
    window.close()
    window.deleteLater()
    app.processEvents()

    search(report, store, name)
    board(report, app, context, name, big)
    store.close()


def search(report: Report, store, name: str) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    vocabulary = FIRST + LAST + TITLES + WORDS
    queries = []
    for _ in range(200):
        word = rng.choice(vocabulary).lower().split()[0]
        queries.append(word[: rng.randint(2, len(word))])
    store.search(queries[0])  # warm alike
    samples, raw_samples = [], []
    for query in queries:
        samples.append(_ms(lambda q=query: store.search(q)))  # type: ignore[misc]
        raw_samples.append(_ms(lambda q=query: store.conn.execute(  # type: ignore[misc]
            "SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT 50", (f'"{q}"*',)).fetchall()))
    report.add(Figure(f"scaling.search_p95_{name}", percentile(samples, 95), "ms", percentile(raw_samples, 95),
                      "bare FTS5 MATCH, unranked, LIMIT 50", "≤ 30 ms at 1M",
                      f"200 prefix queries of 2+ characters; median {statistics.median(samples):.1f} ms "
                      f"(bare {statistics.median(raw_samples):.1f} ms)"))


def board(report: Report, app, context, name: str, big: bool) -> None:  # type: ignore[no-untyped-def]
    from crmdesk.model import Condition, FilterGroup, Operator
    from crmdesk.ui.models.board_source import RecordSource
    from crmdesk.ui.views.board_view import BoardView

    store = context.store
    slug = BENCH_OBJECT.slug
    stages = [o.id for o in BENCH_OBJECT.attribute("stage").options]  # type: ignore[union-attr]

    def queries() -> None:
        for key in stages:
            store.records.query_ids(slug, FilterGroup("and", (Condition("stage", Operator.EQUALS, key),)))
        store.records.query_ids(slug, FilterGroup("and", (Condition("stage", Operator.IS_EMPTY),)))

    def open_board() -> None:
        board = BoardView(context, RecordSource(store, slug))
        board.resize(1600, 900)
        board.show()
        board.repaint()
        for widget in board.column_widgets:
            widget.cards.viewport().repaint()
        app.processEvents()
        assert len(board.column_widgets) >= len(stages), "the board is grouped by stage"
        board.close()
        board.deleteLater()
        app.processEvents()

    # At 1M one open takes ~40 s (issue 19 notes): 3 runs there keep the module under ~15 minutes.
    repeats = 3 if big else REPEATS
    queries()  # warm alike
    alone = [_ms(queries) for _ in range(repeats)]
    opened = [_ms(open_board) for _ in range(repeats)]
    report.add(Figure(f"scaling.board_open_{name}", statistics.median(opened), "ms", statistics.median(alone),
                      "store queries alone (one per column)", "",
                      f"BoardView grouped by stage (6 columns), built and painted; median of {repeats} "
                      f"(app {_spread(opened)}, queries {_spread(alone)})"))


def _child_peak(mode: str, data_dir: Path) -> tuple[int, float]:
    result = subprocess.run([sys.executable, "-c", TABLE_OPEN, mode, str(data_dir), BENCH_OBJECT.slug],
                            capture_output=True, timeout=600, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"the {mode} child failed: {result.stderr.decode(errors='replace')}")
    said = dict(part.split("=") for part in result.stdout.decode().split())
    return int(said["rows"]), int(said["peak_kib"]) / 1024


def rss(report: Report, count: int, data_dir: Path) -> None:
    # Interleaved, so the app and the bare window meet the same machine load.
    tables, bares = [], []
    for _ in range(REPEATS):
        rows, table = _child_peak("table", data_dir)
        assert rows == count, rows
        tables.append(table)
        bares.append(_child_peak("bare", data_dir)[1])
    report.add(Figure(f"scaling.rss_table_open_{label(count)}", statistics.median(tables), "MiB",
                      statistics.median(bares), "bare PySide6 window, peak RSS", "≤ 300 MiB at 1M",
                      f"peak RSS (VmHWM) of a child process with the main window and the {count:,}-row table "
                      f"painted and its whole id list read; median of {REPEATS} (app {_spread(tables, 'MiB')}, "
                      f"bare {_spread(bares, 'MiB')})"))
