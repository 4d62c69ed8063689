"""Pipeline by stage: a bar per stage with the value of its deals in the chosen currency, and how
many deals each stage holds beside its name ("Qualified · 87"; every currency counts there: a
count mixes no money)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QWidget

from crmdesk.store.pipeline_stats import StageTotal
from crmdesk.ui.widgets.chart_labels import name_labels
from crmdesk.ui.widgets.chart_panel import ChartPanel, Money, by_code


class StagesChart(ChartPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Pipeline by stage", "pipeline-by-stage", parent)

    def show_totals(self, totals: Sequence[StageTotal], currency: str | None, money: Money) -> None:
        codes = sorted({code for t in totals for code in t.amounts}, key=by_code)
        self.set_table(["Stage", "Deals", *(f"Value {code or '(no currency)'}" for code in codes)],
                       [[t.title, t.count, *(t.amounts.get(code, 0.0) for code in codes)] for t in totals])
        if not any(t.count for t in totals):
            self.show_empty("No deals here for this owner and period.")
            return

        # Horizontal bars (names of any length read whole on the left; the first stage on top: the
        # axis draws its first category at the bottom, so the stages go in reversed).
        shown = list(reversed(totals))

        def tip(_set: int, index: int) -> str:
            stage = shown[index]
            lines = [f"{stage.title}: {stage.count} deal{'' if stage.count == 1 else 's'}"]
            amounts = sorted(stage.amounts.items(), key=lambda kv: by_code(kv[0]))
            lines += [money(amount, code) for code, amount in amounts]
            return "\n".join(lines)

        titles = [t.title for t in shown]
        if not any(currency in t.amounts for t in totals):
            # No amounts at all: the bars are the counts.
            self.draw_bars(titles, [("Deals", [t.count for t in shown])], tip, horizontal=True,
                           value_title="Deals", fit=name_labels(titles))
        else:
            # (``currency`` None: plain-number amounts, or amounts whose currency is not known.)
            label = f"Value ({currency})" if currency else "Value"
            self.draw_bars(titles, [(label, [t.amounts.get(currency, 0.0) for t in shown])], tip,
                           horizontal=True, value_title=currency or "Value",
                           fit=name_labels(titles, [f" · {QLocale().toString(t.count)}" for t in shown]))
