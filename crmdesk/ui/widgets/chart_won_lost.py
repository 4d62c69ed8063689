"""Won and lost by month, with the win rate (won ÷ closed) per month in the tooltip and overall
in the note. Bars count deals (no currency mixes in a count); amounts won are in the tooltip."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QWidget

from crmdesk.store.pipeline_stats import MonthOutcome, overall_win_rate
from crmdesk.ui.widgets.chart_labels import calendar, month_labels
from crmdesk.ui.widgets.chart_panel import ChartPanel, Money, by_code

#: Won green, lost red (the demo's stage colours), readable on both palettes.
WON_LOST_COLORS = ("#20a36b", "#e5534b")


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{QLocale().toString(round(rate * 100))} %"


class WonLostChart(ChartPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Won and lost by month", "won-and-lost", parent)

    def show_months(self, months: Sequence[MonthOutcome], money: Money, month_label: Callable[[str], str]) -> None:
        codes = sorted({code for m in months for code in m.won_amounts}, key=by_code)
        self.set_table(
            ["Month", "Won", "Lost", "Win rate", *(f"Won value {code or '(no currency)'}" for code in codes)],
            [[m.month, m.won, m.lost, round(m.win_rate, 4) if m.win_rate is not None else None,
              *(m.won_amounts.get(code, 0.0) for code in codes)] for m in months])
        rate = overall_win_rate(months)
        self.title.setText(f"Won and lost by month — win rate {percent(rate)}" if rate is not None
                           else "Won and lost by month")
        if not months:
            self.show_empty("No deals won or lost in this period.")
            return

        # Every month from the first to the last, those with no closings empty.
        by_month = {m.month: m for m in months}
        shown = [by_month.get(month) or MonthOutcome(month) for month in calendar([m.month for m in months])]

        def tip(_set: int, index: int) -> str:
            month = shown[index]
            lines = [f"{month_label(month.month)}: {month.won} won, {month.lost} lost, "
                     f"win rate {percent(month.win_rate)}"]
            lines += [f"Won {money(amount, code)}"
                      for code, amount in sorted(month.won_amounts.items(), key=lambda kv: by_code(kv[0]))]
            return "\n".join(lines)

        self.draw_bars([m.month for m in shown],
                       [("Won", [m.won for m in shown]), ("Lost", [m.lost for m in shown])], tip,
                       value_title="Deals", colors=WON_LOST_COLORS, fit=month_labels([m.month for m in shown]))
