"""Weighted forecast: open deals by expected close month, their value and that value × their
stage's probability, in the chosen currency (other currencies are in the CSV and the tooltip)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QWidget

from crmdesk.store.pipeline_stats import MonthForecast
from crmdesk.ui.widgets.chart_labels import calendar, month_labels
from crmdesk.ui.widgets.chart_panel import ChartPanel, Money, by_code


class ForecastChart(ChartPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Weighted forecast by close month", "weighted-forecast", parent)
        self.title.setToolTip("Open deals by expected close month: their value, and their value × their stage's "
                              "probability (Stage probabilities…)")

    def show_forecast(self, rows: Sequence[MonthForecast], currency: str | None, money: Money,
                      month_label: Callable[[str], str]) -> None:
        self.set_table(["Month", "Currency", "Open deals", "Open value", "Weighted value"],
                       [[r.month, r.currency or "", r.count, r.amount, r.weighted] for r in rows])
        found = {r.month: r for r in rows if r.currency == currency}
        if not found:
            self.show_empty("No open deals with an amount and an expected close date in this period"
                            + (f" in {currency}." if currency else "."))
            return
        others = {(r.month, r.currency): r for r in rows if r.currency != currency}
        # Every month from the first to the last, those with no deals closing empty.
        shown = [found.get(month) or MonthForecast(month, currency, 0, 0.0, 0.0)
                 for month in calendar(sorted(found))]

        def tip(_set: int, index: int) -> str:
            row = shown[index]
            deals = f"{row.count} open deal{'' if row.count == 1 else 's'}"
            lines = [f"{month_label(row.month)}: {deals}",
                     f"Open value {money(row.amount, row.currency)}",
                     f"Weighted {money(row.weighted, row.currency)}"]
            lines += [f"Also {money(o.weighted, o.currency)} weighted ({o.count} in {o.currency or 'no currency'})"
                      for (month, _code), o in sorted(others.items(), key=lambda kv: by_code(kv[0][1]))
                      if month == row.month]
            return "\n".join(lines)

        self.draw_bars([r.month for r in shown],
                       [("Open value", [r.amount for r in shown]), ("Weighted", [r.weighted for r in shown])],
                       tip, value_title=currency or "", fit=month_labels([r.month for r in shown]))
