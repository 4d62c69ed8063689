"""Category labels that stay whole: QtCharts cuts a label wider than its category to "Qualif…" or
"Oct…" (and drops a second line), so the charts choose labels that fit the room there is.

- Months: the short name ("Oct"), with the year where it starts and at each January
  ("Oct 2026", …, "Jan 2027"); where they do not fit side by side (a year of months in a narrow
  chart) the labels stand upright, whole.
- Names (stages, members) on a horizontal chart's label column: whole where they fit, else cut
  with "…" — keeping what follows the name (a stage's deal count); the tooltip has the full name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, QLocale

#: Room QtCharts wants beside a label before it cuts it, in pixels (seen: "Apr" in 24 px is cut).
GAP = 10.0
Width = Callable[[str], float]


def month_name(month: str, *, year: bool) -> str:
    """"2027-03" → "Mar" (or "Mar 2027"), in the user's language."""
    number_year, number = (int(part) for part in month.split("-"))
    return QLocale().toString(QDate(number_year, number, 1), "MMM yyyy" if year else "MMM")


def month_labels(months: Sequence[str]) -> Callable[[float, Width], list[str]]:
    """The labels for ``months`` ("2026-10", …): short names, the year where it changes. (Where they
    do not fit side by side the chart turns them upright: ``ChartPanel.fit_labels``.)"""

    def fit(_room: float, _width: Width) -> list[str]:
        labels = []
        last_year = ""
        for month in months:
            labels.append(month_name(month, year=month[:4] != last_year))
            last_year = month[:4]
        return labels

    return fit


def name_labels(names: Sequence[str], suffixes: Sequence[str] = ()) -> Callable[[float, Width], list[str]]:
    """``name`` + its suffix (e.g. " · 12"), the name cut with "…" so the whole fits ``room``."""

    def fit(room: float, width: Width) -> list[str]:
        labels = []
        for index, name in enumerate(names):
            suffix = suffixes[index] if index < len(suffixes) else ""
            labels.append(elide(name, room - width(suffix), width) + suffix)
        return labels

    return fit


def elide(text: str, room: float, width: Width) -> str:
    """``text`` whole if it fits ``room``, else its longest start that fits with "…"."""
    if width(text) <= room:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest start that fits, by halving
        middle = (low + high + 1) // 2
        if width(text[:middle].rstrip() + "…") <= room:
            low = middle
        else:
            high = middle - 1
    return (text[:low].rstrip() or text[:1]) + "…"
