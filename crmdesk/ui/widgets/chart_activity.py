"""Activity per member in the last 30 days: notes written, tasks completed (as assignee) and
stage moves of deals, side by side per member."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from crmdesk.store.pipeline_stats import ACTIVITY_DAYS
from crmdesk.ui.widgets.chart_labels import name_labels
from crmdesk.ui.widgets.chart_panel import ChartPanel

#: (member name, notes, tasks done, stage moves)
ActivityRow = tuple[str, int, int, int]
KINDS = ("Notes", "Tasks done", "Stage moves")


class ActivityChart(ChartPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(f"Activity in the last {ACTIVITY_DAYS} days", "activity", parent)
        self.rows: list[ActivityRow] = []

    def show_activity(self, rows: Sequence[ActivityRow]) -> None:
        # Horizontal bars draw the first category at the bottom: reversed, the list reads top down.
        self.rows = list(reversed(rows))
        self.set_table(["Member", *KINDS], [list(row) for row in rows])
        if not rows:
            self.show_empty(f"No notes, completed tasks or stage moves in the last {ACTIVITY_DAYS} days.")
            return

        def tip(kind: int, index: int) -> str:
            name, *counts = self.rows[index]
            told = (f"{count} {label.lower()}" for label, count in zip(KINDS, counts, strict=True))
            return f"{name}: " + ", ".join(told)

        self.draw_bars([row[0] for row in self.rows],
                       [(label, [row[n + 1] for row in self.rows]) for n, label in enumerate(KINDS)], tip,
                       horizontal=True, fit=name_labels([row[0] for row in self.rows]))
