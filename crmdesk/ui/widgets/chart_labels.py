"""Category labels that stay whole: QtCharts cuts a label wider than its category to "Qualif…" or
"Oct…" (and drops a second line), so the charts choose labels that fit the room there is.

- Months: every calendar month from the first to the last (a month with nothing in it is an empty
  group: the axis reads as a calendar), the short name ("Oct") with the year where it starts and at
  each January ("Oct 2026", …, "Jan 2027"); over more than twelve months every label has its year,
  short ("Oct ’26": upright, the labels take less of the chart's height) — a name would repeat,
  and QtCharts drops a category it already has, and the bars past the end of the axis with it.
  Where they do not fit side by side the labels stand upright, whole (``ChartPanel._fitted``).
- Names (stages, members) on a horizontal chart's label column: whole where they fit, else cut
  with "…" — keeping what follows the name (a stage's deal count); the tooltip has the full name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, QLocale

#: Room QtCharts wants beside a label before it cuts it, in pixels (seen: "Apr" in 24 px is cut).
GAP = 10.0
Width = Callable[[str], float]


def month_name(month: str, *, year: bool, short_year: bool = False) -> str:
    """"2027-03" → "Mar" (or "Mar 2027", or with ``short_year`` "Mar ’27"), in the user's language."""
    number_year, number = (int(part) for part in month.split("-"))
    shape = ("MMM ’yy" if short_year else "MMM yyyy") if year else "MMM"
    return QLocale().toString(QDate(number_year, number, 1), shape)


def every_month(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` ("2026-11", "2026-12", "2027-01", …), inclusive."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while (found := f"{year:04d}-{month:02d}") <= last:
        months.append(found)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


#: More months than this from the first to the last (ten years: a close date typed as 2206) and
#: the chart keeps to the months that have something, each labelled with its year.
CALENDAR_LIMIT = 120


def calendar(months: Sequence[str]) -> list[str]:
    """The months a chart's axis shows for ``months`` (sorted, those with something in them):
    every month from the first to the last, or only ``months`` past ``CALENDAR_LIMIT``."""
    if not months:
        return []
    every = every_month(months[0], months[-1]) if _span(months[0], months[-1]) <= CALENDAR_LIMIT else []
    return every or list(months)


def _span(first: str, last: str) -> int:
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def month_labels(months: Sequence[str]) -> Callable[[float, Width], list[str]]:
    """The labels for ``months`` ("2026-10", …, in order): short names with the year where it
    changes; over more than twelve months, each with its short year ("Oct ’26": names would repeat). (Where they do
    not fit side by side the chart turns them upright: ``ChartPanel.fit_labels``.)"""
    every_year = bool(months) and _span(months[0], months[-1]) > 12

    def fit(_room: float, _width: Width) -> list[str]:
        labels = []
        last_year = ""
        for month in months:
            labels.append(month_name(month, year=every_year or month[:4] != last_year, short_year=every_year))
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
