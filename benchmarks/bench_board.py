"""Issue 7: a board over 10,000 deals in 6 stages (5,000 of them in one column).

Figures, each beside a baseline measured in this run:
- open (build the board and paint it) vs the store queries alone (one per column);
- drag one card to another column, until both columns have repainted, vs the store edit alone;
- scroll the 5,000-card column end to end one viewport at a time (5 passes): the slowest and
  the median step vs the same scroll of a plain QListView (a QStandardItemModel of the same 5,000
  cards' text: title and field lines, rows as tall as the cards) of the same viewport size.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.report import Figure, Report, median_ms

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

COUNT = 10_000
BIG = 5_000
#: Passes over the column, end to end: the worst step varies run to run.
SCROLL_PASSES = 5


def _store(path: Path):  # type: ignore[no-untyped-def]
    from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Option, Record
    from crmdesk.store import Store

    stages = tuple(Option(f"stage-{i}", title, color, i) for i, (title, color) in enumerate(
        (("Lead", "#6366f1"), ("Qualified", "#8b5cf6"), ("Proposal", "#a855f7"), ("Negotiation", "#ec4899"),
         ("Won", "#22c55e"), ("Lost", "#ef4444"))))
    deals = ObjectDef("deals", "Deal", "Deals", attributes=(
        AttributeDef("name", "Name", AttributeType.TEXT),
        AttributeDef("value", "Value", AttributeType.CURRENCY, config={"currency_code": "USD"}),
        AttributeDef("stage", "Stage", AttributeType.STATUS, options=stages),
        AttributeDef("expected_close_date", "Expected close", AttributeType.DATE),
    ))
    rng = random.Random(7)
    store = Store.open(path)
    records = []
    for n in range(COUNT):
        stage = stages[0] if n < BIG else rng.choice(stages[1:])
        records.append(Record(f"deal-{n}", "deals", {
            "name": f"Deal {n} {rng.choice(('pilot', 'renewal', 'rollout', 'expansion'))}",
            "value": {"amount": rng.randrange(1_000, 250_000, 500), "currency": "USD"},
            "stage": stage.id, "expected_close_date": f"2027-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        }, f"2026-01-01T00:00:{n % 60:02d}Z"))
    with store.write():
        store.schema.save_object(deals)
        store.records.put_many(deals, records)
    return store


def _spread(samples: list[float]) -> str:
    return f"{min(samples):.1f}–{max(samples):.1f} ms"


def run(report: Report) -> None:
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QStandardItem, QStandardItemModel, QUndoStack
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QListView

    from crmdesk.context import AppContext
    from crmdesk.model import Condition, FilterGroup, Operator
    from crmdesk.paths import Paths
    from crmdesk.ui.models.board_model import CardRole
    from crmdesk.ui.models.board_source import RecordSource
    from crmdesk.ui.views.board_view import BoardView

    app = QApplication.instance() or QApplication([])
    report.section("Board (issue 7)")
    with tempfile.TemporaryDirectory() as tmp:
        store = _store(Path(tmp) / "board.sqlite")
        context = AppContext(paths=Paths.resolve(tmp), store=store, undo_stack=QUndoStack())
        deals = store.schema.get_object("deals")
        assert deals is not None
        stage_ids = [o.id for o in deals.attribute("stage").options]  # type: ignore[union-attr]

        def queries() -> None:
            for key in stage_ids:
                store.records.query_ids("deals", FilterGroup("and", (Condition("stage", Operator.EQUALS, key),)))
            store.records.query_ids("deals", FilterGroup("and", (Condition("stage", Operator.IS_EMPTY),)))

        def open_board() -> BoardView:
            board = BoardView(context, RecordSource(store, "deals"))
            board.resize(1600, 900)
            board.show()
            board.repaint()
            for widget in board.column_widgets:
                widget.cards.viewport().repaint()
            app.processEvents()
            return board

        boards: list[BoardView] = []
        baseline = median_ms(queries)
        opened = median_ms(lambda: boards.append(open_board()))
        report.add(Figure("board open, 10,000 deals / 6 stages", opened, "ms", baseline, "store queries alone",
                          "≤ 300 ms", "built and painted; sums over every column included"))
        for extra in boards[:-1]:
            extra.deleteLater()
        board = boards[-1]
        app.processEvents()

        lead, qualified = board.column_widgets[0], board.column_widgets[1]
        moves: list[float] = []
        edits: list[float] = []
        for n in range(7):
            source, target = (lead, qualified) if n % 2 == 0 else (qualified, lead)
            model = source.column.model
            mime = model.mimeData([model.index(0)])
            start = time.perf_counter()
            target.column.model.dropMimeData(mime, 2, 0, 0, model.index(-1))  # 2: MoveAction
            source.cards.viewport().repaint()
            target.cards.viewport().repaint()
            moves.append((time.perf_counter() - start) * 1000)
            card = store.records.rows([model.ids[0]])[0] if model.ids else None
            if card is not None:
                start = time.perf_counter()
                store.edits.update_record(card.id, {"name": card.title + "."})
                edits.append((time.perf_counter() - start) * 1000)
        moves.sort()
        edits.sort()
        report.add(Figure("board drag one card (shown)", moves[len(moves) // 2], "ms", edits[len(edits) // 2],
                          "store edit alone", "≤ 50 ms", "median of 7; edit + outbox row + both columns repainted"))

        def scroll_passes(view: QListView, before: Callable[[], None] = lambda: None) -> list[list[float]]:
            """Each pass: from the top to the bottom, one viewport per step, each step repainted."""
            bar = view.verticalScrollBar()
            passes = []
            for _ in range(SCROLL_PASSES):
                bar.setValue(0)
                before()
                view.viewport().repaint()
                app.processEvents()
                steps: list[float] = []
                while bar.value() < bar.maximum():
                    start = time.perf_counter()
                    bar.setValue(bar.value() + view.viewport().height())
                    view.viewport().repaint()
                    steps.append((time.perf_counter() - start) * 1000)
                passes.append(steps)
            return passes

        cards = lead.cards
        model = lead.column.model
        assert model.rowCount() >= BIG - 10, model.rowCount()
        # Each pass reads its cards from the store again, as the first scroll after opening (or
        # after a sync marks the cache stale) does: later passes would otherwise paint cached cards.
        board_passes = scroll_passes(cards, model.forget)
        # The baseline: the same cards' text in a plain list, same size, same kind of steps (a
        # viewport of pixels each) — what painting 5,000 rows of text costs Qt without the app.
        # Rows as tall as the cards, so both scroll the same pixels in the same number of steps.
        card_height = cards.sizeHintForRow(0)
        plain = QListView()
        plain_model = QStandardItemModel(plain)
        for row in range(model.rowCount()):
            card = model.index(row).data(CardRole)
            item = QStandardItem("\n".join([card.title, *(f.text for f in card.fields)]))
            item.setSizeHint(QSize(cards.viewport().width(), card_height))
            plain_model.appendRow(item)
        plain.setModel(plain_model)
        plain.setUniformItemSizes(True)
        plain.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        plain.resize(cards.size())
        plain.show()
        app.processEvents()
        plain_passes = scroll_passes(plain)
        worst, plain_worst = [max(p) for p in board_passes], [max(p) for p in plain_passes]
        medians = [statistics.median(p) for p in board_passes]
        plain_medians = [statistics.median(p) for p in plain_passes]
        report.add(Figure(f"board scroll {BIG:,}-card column, worst step", statistics.median(worst), "ms",
                          statistics.median(plain_worst),
                          f"plain QListView over the same {model.rowCount():,} cards' text, worst step", "≤ 50 ms",
                          f"{len(board_passes[0])} steps of one viewport (plain list: {len(plain_passes[0])}), "
                          f"repaint each; median of {SCROLL_PASSES} passes' worst steps ({_spread(worst)}; "
                          f"plain {_spread(plain_worst)})"))
        report.add(Figure(f"board scroll {BIG:,}-card column, median step", statistics.median(medians), "ms",
                          statistics.median(plain_medians), "same plain QListView, median step", "",
                          f"median of {SCROLL_PASSES} passes' median steps ({_spread(medians)}; "
                          f"plain {_spread(plain_medians)})"))
        plain.deleteLater()
        board.deleteLater()
        app.processEvents()
        store.close()
