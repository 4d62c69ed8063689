"""One dashboard chart in a frame: its title, the QtCharts view, a line that says why it is empty,
and Export PNG… / Export CSV… of what it shows.

Charts follow the application's palette: backgrounds, text and grid lines are the palette's own
(set again when it changes, e.g. the desktop turns dark), and the series take a few hues that
read on light and dark backgrounds alike. Hovering a bar shows its numbers in a tooltip; the text
is kept in ``last_tooltip`` too (tests read it; a screen reader user gets it from the CSV).

CSV files hold numbers as data (``csv_export.plain_number``: no grouping, no currency symbols),
one column per currency where there are amounts, UTF-8 with a byte-order mark; names a server
sent (stages, members) are guarded against being run as spreadsheet formulas.
"""

from __future__ import annotations

import csv
import html
import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QRect, Qt
from PySide6.QtGui import QColor, QCursor, QFontMetricsF, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from crmdesk.ui.csv_export import plain_number, safe_cell, written_whole
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.theme import scaled_font
from crmdesk.ui.theme_ink import is_dark
from crmdesk.ui.widgets.chart_labels import GAP

#: Hues for series, in order: distinct for most colour-blind readers and legible on white and on
#: the dark palette's near-black (no pale yellow, no navy).
SERIES_COLORS = ("#4f7cff", "#20a36b", "#e5534b", "#d39a1e", "#9a6bd6", "#1aa3b8")

Cell = str | int | float | None
#: Category labels that fit: given the room (pixels per category on a vertical chart, for the
#: label column on a horizontal one) and how wide a text is, one plain label per category.
FitLabels = Callable[[float, Callable[[str], float]], list[str]]
#: (caption, suggested file name, filter) → the path chosen, or "" when the user cancelled.
AskPath = Callable[[QWidget, str, str, str], str]
#: Formats an amount in a currency (None: no code) as the charts' tooltips show it.
Money = Callable[[float, str | None], str]


def by_code(code: str | None) -> str:
    """Sort key for currency codes: alphabetical, amounts without a code last."""
    return code or "~"


def ask_save_path(parent: QWidget, caption: str, suggested: str, name_filter: str) -> str:
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, str(Path.home() / suggested), name_filter)
    return chosen


def axis_label(text: str) -> str:
    """QtCharts reads axis and legend labels as HTML: a stage or member named ``<b>x</b>`` shows
    those characters; a line break in ``text`` starts a second line."""
    return "<br>".join(html.escape(line) for line in text.split("\n"))


def scale_of(highest: float) -> tuple[float, str]:
    """(divisor, word) that keeps an axis's numbers short: millions, thousands or ones."""
    if highest >= 1_000_000:
        return 1_000_000, "millions"
    if highest >= 10_000:
        return 1_000, "thousands"
    return 1, ""


class ChartPanel(QFrame):
    """A chart with a title and its exports. Subclasses fill ``chart`` and call ``set_table``."""

    def __init__(self, title: str, file_stem: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.file_stem = file_stem
        #: Where a file dialog would ask; tests hand in a path instead.
        self.ask_path: AskPath = ask_save_path
        self.last_tooltip = ""
        self._header: list[str] = []
        self._rows: list[list[Cell]] = []
        self.title = QLabel(title)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setFont(scaled_font(self.title.font(), "heading"))
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setWordWrap(True)  # a narrow window: a second line, not a cut title
        self.png_button = self._tool("PNG…", f"Save this chart as a picture (PNG): {title}", self.export_png)
        self.csv_button = self._tool("CSV…", f"Save this chart's numbers as CSV: {title}", self.export_csv)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title, 1)
        header.addWidget(self.png_button)
        header.addWidget(self.csv_button)
        self.chart = QChart()
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(0)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self._fit: FitLabels | None = None
        self._horizontal = False
        self.category_axis: QBarCategoryAxis | None = None
        # Labels are fitted to the room the plot leaves them, again when that changes (a resize).
        self.chart.plotAreaChanged.connect(lambda _area: self.fit_labels())
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(220)
        self.empty = QLabel()
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("chartEmpty")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.setFont(scaled_font(self.note.font(), "caption"))
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note)
        self.apply_palette()

    def _tool(self, text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(plain_tooltip(tip))
        button.setAccessibleName(tip)
        button.setAutoRaise(True)
        button.clicked.connect(lambda _=False: slot())
        return button

    # -- content -------------------------------------------------------------------------------

    def clear(self) -> None:
        self.category_axis = None
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)

    def show_empty(self, text: str) -> None:
        """No numbers to draw: say why, and offer nothing to export."""
        self.clear()
        self.empty.setText(text)
        self.empty.setEnabled(True)
        self.stack.setCurrentWidget(self.empty)
        self.set_table([], [])

    def show_waiting(self, text: str) -> None:
        """The numbers are being counted: ``text`` quietly (the palette's disabled text colour)."""
        self.show_empty(text)
        self.empty.setEnabled(False)

    def show_chart(self) -> None:
        self.stack.setCurrentWidget(self.view)
        self.apply_palette()

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def set_table(self, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
        """What Export CSV… writes: the chart's numbers, a header and one row per bar group."""
        self._header = list(header)
        self._rows = [list(row) for row in rows]
        self.csv_button.setEnabled(bool(self._rows))
        self.png_button.setEnabled(bool(self._rows))

    def table(self) -> tuple[list[str], list[list[Cell]]]:
        return list(self._header), [list(row) for row in self._rows]

    def draw_bars(self, categories: Sequence[str], sets: Sequence[tuple[str, Sequence[float]]],
                  tip: Callable[[int, int], str], *, horizontal: bool = False, value_title: str = "",
                  colors: Sequence[str] = SERIES_COLORS, fit: FitLabels | None = None) -> None:
        """Grouped bars: one bar set per ``(label, values)`` over ``categories`` (plain text); hovering
        bar ``index`` of set ``number`` shows ``tip(number, index)``. Large values are drawn in
        thousands or millions, said in the axis title (the tooltip and the CSV keep them whole).
        ``fit``: the labels to show instead of ``categories``, chosen for the room there is (QtCharts
        itself cuts a label that does not fit to "Qualif…", and drops its second line)."""
        self.clear()
        series = QHorizontalBarSeries() if horizontal else QBarSeries()
        highest = max((float(v) for _label, values in sets for v in values), default=0.0)
        divisor, unit = scale_of(highest)
        for number, (label, values) in enumerate(sets):
            bar_set = self.colored_set(label, number, colors)
            bar_set.append([float(v) / divisor for v in values])
            self.hover(bar_set, lambda index, number=number: tip(number, index))
            series.append(bar_set)
        self.chart.addSeries(series)
        category_axis = QBarCategoryAxis()
        category_axis.setLabelsFont(scaled_font(self.font(), "caption"))
        self._fit = fit
        self._horizontal = horizontal
        self._count = len(categories)
        category_axis.append(self._fitted(category_axis, self._room()) if fit else [axis_label(c) for c in categories])
        value_axis = QValueAxis()
        value_axis.setLabelFormat("%.0f" if divisor == 1 or highest / divisor >= 10 else "%.1f")
        value_axis.setRange(0, highest / divisor or 1)
        value_axis.applyNiceNumbers()
        title = ", ".join(part for part in (value_title, unit) if part)
        if title:
            value_axis.setTitleText(axis_label(title))
        self.chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(category_axis)
        series.attachAxis(value_axis)
        self.chart.legend().setVisible(len(sets) > 1)
        # (The chart owns them; the references keep Python from collecting the wrappers early.)
        self.series = series
        self.category_axis = category_axis
        self.show_chart()

    def _room(self) -> float:
        """Pixels per category (vertical bars), or for the label column (horizontal bars): from the
        plot area once the chart is laid out, else guessed from the view's width."""
        if self._horizontal:
            return max(60.0, self.view.width() * 0.4)
        width = self.chart.plotArea().width() if self.chart.plotArea().width() > 0 else self.view.width() - 70
        return max(1.0, width / max(1, self._count))

    def _fitted(self, axis: QBarCategoryAxis, room: float) -> list[str]:
        """The labels ``fit`` chooses for ``room``; on vertical bars, labels wider than their
        category stand upright, else lie flat. Upright, QtCharts would still cut a label whose line
        height plus its padding exceeds the category ("⋮", seen below ~22 px): such labels are drawn
        uncut (they are narrower than their category), and where even a line is wider than a
        category (years of months in a narrow chart) only every n-th category keeps its label."""
        assert self._fit is not None
        metrics = QFontMetricsF(axis.labelsFont())
        plain = self._fit(room, metrics.horizontalAdvance)
        if not self._horizontal:
            widest = max((metrics.horizontalAdvance(text) for text in plain), default=0.0)
            upright = -90 if widest + GAP > room else 0
            if axis.labelsAngle() != upright:
                axis.setLabelsAngle(upright)
            axis.setTruncateLabels(upright == 0)
            step = math.ceil((metrics.height() + 2) / room) if upright else 1
            if step > 1:
                # (Categories must differ: the unlabelled ones get invisible texts of their own. Not
                # the first: QtCharts hides an upright label at the axis's very start.)
                plain = [text if index % step == step // 2 else "\u200b" * (index + 1)
                         for index, text in enumerate(plain)]
        return [axis_label(text) for text in plain]

    def fit_labels(self) -> None:
        """Fit the category labels to the room there is now (after a resize, or the first layout)."""
        axis = self.category_axis
        if axis is None or self._fit is None:
            return
        labels = self._fitted(axis, self._room())
        if labels != axis.categories():  # (unchanged: no relayout, no loop)
            axis.setCategories(labels)

    def colored_set(self, label: str, number: int, colors: Sequence[str] = SERIES_COLORS) -> QBarSet:
        bar_set = QBarSet(axis_label(label))
        color = QColor(colors[number % len(colors)])
        bar_set.setColor(color)
        bar_set.setBorderColor(color)
        return bar_set

    def hover(self, bar_set: QBarSet, tip: Callable[[int], str]) -> None:
        """Hovering a bar of ``bar_set`` shows ``tip(index)``."""
        bar_set.hovered.connect(lambda on, index: self.show_tip(tip(index)) if on else QToolTip.hideText())

    def show_tip(self, text: str) -> None:
        self.last_tooltip = text
        QToolTip.showText(QCursor.pos(), plain_tooltip(text), self.view)

    # -- palette -------------------------------------------------------------------------------

    def apply_palette(self) -> None:
        palette = self.palette()
        dark = is_dark(palette)
        text = palette.color(QPalette.ColorRole.WindowText)
        grid = palette.color(QPalette.ColorRole.Mid)
        base = palette.color(QPalette.ColorRole.Base)
        self.chart.setBackgroundBrush(base)
        self.chart.setBackgroundPen(Qt.PenStyle.NoPen)
        self.chart.setPlotAreaBackgroundVisible(False)
        self.chart.setTitleBrush(text)
        self.chart.legend().setLabelColor(text)
        self.view.setBackgroundBrush(base)
        for axis in self.chart.axes():
            self._paint_axis(axis, text, grid if not dark else grid.lighter(130))

    @staticmethod
    def _paint_axis(axis: QAbstractAxis, text: QColor, grid: QColor) -> None:
        axis.setLabelsColor(text)
        axis.setTitleBrush(text)
        axis.setLinePenColor(grid)
        axis.setGridLineColor(grid)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.apply_palette()

    # -- exports -------------------------------------------------------------------------------

    def picture(self) -> QPixmap:
        """The chart as it shows (its view, grabbed) under its title (a label outside the view: the
        won/lost chart's says the win rate), on the chart's background; no export buttons."""
        chart = self.view.grab()
        ratio = chart.devicePixelRatio()
        width = round(chart.width() / ratio)
        margin = 8
        metrics = self.title.fontMetrics()
        text_rect = metrics.boundingRect(QRect(0, 0, width - 2 * margin, 10_000), Qt.TextFlag.TextWordWrap,
                                         self.title.text())
        band = text_rect.height() + 2 * margin
        picture = QPixmap(chart.width(), chart.height() + round(band * ratio))
        picture.setDevicePixelRatio(ratio)
        picture.fill(self.palette().color(QPalette.ColorRole.Base))
        painter = QPainter(picture)
        try:
            painter.setFont(self.title.font())
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            painter.drawText(QRect(margin, margin, width - 2 * margin, text_rect.height()),
                             int(Qt.TextFlag.TextWordWrap), self.title.text())
            painter.drawPixmap(0, band, chart)
        finally:
            painter.end()
        return picture

    def export_png(self) -> Path | None:
        """Ask where, save the chart as it shows under its title (``picture``); the path, or None."""
        chosen = self.ask_path(self, "Export chart as PNG", f"{self.file_stem}.png", "PNG images (*.png)")
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        if not self.picture().save(str(path), "PNG"):
            self.set_note(f"Could not write {path}.")
            return None
        return path

    def export_csv(self) -> Path | None:
        """Ask where, write the chart's numbers; the path, or None."""
        chosen = self.ask_path(self, "Export chart data as CSV", f"{self.file_stem}.csv", "CSV files (*.csv)")
        if not chosen:
            return None
        path = Path(chosen)
        try:
            write_csv(path, self._header, self._rows)
        except OSError as error:
            self.set_note(f"Could not write {path}: {error.strerror or error}")
            return None
        return path


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    """Numbers as plain numbers, text guarded; through a temporary file (``written_whole``) so a failure leaves none."""
    with written_whole(path) as handle:
        writer = csv.writer(handle)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([_cell(c) for c in row])


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return plain_number(round(value, 6) if isinstance(value, float) else value)
    return safe_cell(str(value))
