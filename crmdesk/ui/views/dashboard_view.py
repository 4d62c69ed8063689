"""The pipeline dashboard: four charts of the workspace's deals, from the local store (offline).

- Pipeline by stage (count, and value per currency), the weighted forecast by expected close
  month (stage probabilities from the workspace settings: "Stage probabilities…"), won and lost
  by month with the win rate, and each member's activity over the last 30 days.
- Filters: owner (everyone, me, a member), period (whole months around today, by
  ``AppContext.now`` in the user's time zone), and the currency the money charts show (amounts in different currencies
  are never added: each currency is its own chart, and every currency is in the CSV).

Targets: ``dashboard`` (all deals); ``dashboard:view:<saved view id>`` (the deals that saved
view's filter leaves, "me" resolved); ``dashboard:filter:<filter JSON>`` (a table's current
filter, as ``model.filters.filter_to_json`` writes it — what the table's "Charts" button opens).

Numbers come from ``store.pipeline_stats`` (SQL over the value index), counted off the GUI
thread (``dashboard_counting``): the view shows its filters and "Counting N deals…" at once, and
the charts fill when the numbers arrive. Changing the period or the currency re-sums the few
grouped rows already read; an owner change counts again (the latest request wins); store changes
count again after a pause (``RECOUNT_DELAY_MS``: a sync's many pages make one recount), keeping
the charts shown meanwhile.
"""

from __future__ import annotations

import itertools
import json
import logging
from datetime import timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import FilterGroup, InvalidFilter
from crmdesk.model.filters import ME, filter_from_json, resolve_me
from crmdesk.model.pipeline import PipelineShape, deals_pipeline, default_probabilities
from crmdesk.store.pipeline_stats import (
    ACTIVITY_DAYS,
    PERIODS,
    Activity,
    ClosedCell,
    DealCell,
    DealScope,
    PipelineStats,
    currencies,
    fallback_count,
    forecast,
    months_of,
    stage_totals,
    won_lost,
)
from crmdesk.ui.background import Background
from crmdesk.ui.formatting import ValueFormatter
from crmdesk.ui.theme import scaled_font
from crmdesk.ui.views.dashboard_counting import DashboardCounts, Superseded, count_in_file, count_with
from crmdesk.ui.widgets.chart_activity import ActivityChart, ActivityRow
from crmdesk.ui.widgets.chart_forecast import ForecastChart
from crmdesk.ui.widgets.chart_labels import month_name
from crmdesk.ui.widgets.chart_stages import StagesChart
from crmdesk.ui.widgets.chart_won_lost import WonLostChart

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store import Store
    from crmdesk.store.changes import ChangeSet

log = logging.getLogger(__name__)

#: How long store changes settle before the dashboard counts again: a sync's pages arrive closer.
RECOUNT_DELAY_MS = 300

NO_DEALS_OBJECT = (
    "The dashboard charts a workspace's deals: an object with a status attribute for its stages "
    "(and, for amounts, a currency or number attribute; an expected close date and an owner help). "
    "This workspace has no such object yet."
)
NO_DEALS = "No deals yet. Deals you create, or that a sync brings, are charted here."
FOOTNOTE = (
    "Won and lost: a deal counts in the month of its last move into a won or lost stage that crmdesk "
    "saw; a deal closed before that counts in its expected close month, else in the month it was last "
    "updated, else in the month it was created{fallback}. Forecast: open deals with an amount and an expected close "
    "date, their value × their stage's probability. Pipeline and forecast follow the period by "
    "expected close date; deals without one count only in “All time”."
)


def _month_label(month: str) -> str:
    """"2027-03" → "Mar 2027" (tooltips; the axes choose shorter labels that fit)."""
    return month_name(month, year=True)


class DashboardView(QWidget):
    #: The charts show the numbers of the latest request (after it was counted and drawn).
    counted = Signal()

    def __init__(self, context: AppContext, argument: str = "", parent: QWidget | None = None,
                 *, zone: tzinfo | None = None) -> None:
        """``zone``: the user's time zone (None: the machine's) — "today" for the periods, and the
        month a deal closed in."""
        super().__init__(parent)
        self.context = context
        self.argument = argument
        self.zone = zone
        self.formatter = ValueFormatter()
        self.shape: PipelineShape | None = None
        self.cells: list[DealCell] = []
        self.closed: list[ClosedCell] = []
        self.activity: list[Activity] = []
        self._dirty = False
        #: A count is running whose numbers are wanted; ``has_numbers``: the charts show numbers
        #: (False while they say "Counting…", or the view says why there is nothing to chart).
        self.counting = False
        self.has_numbers = False
        #: How many counts were asked for (a period or currency change asks for none).
        self.counts_started = 0
        self._requests = itertools.count(1)
        self._latest = 0
        self._counter = Background(self)
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(RECOUNT_DELAY_MS)
        self._recount.timeout.connect(lambda: self.refresh(quiet=True))
        self.heading = QLabel("Dashboard")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setFont(scaled_font(self.heading.font(), "title"))
        self.scope_label = QLabel()
        self.scope_label.setTextFormat(Qt.TextFormat.PlainText)
        self.scope_label.setWordWrap(True)
        self.scope_label.setObjectName("dashboardScope")
        self.owner_combo = QComboBox()
        self.owner_combo.setAccessibleName("Owner")
        self.period_combo = QComboBox()
        self.period_combo.setAccessibleName("Period")
        for key, title in PERIODS.items():
            self.period_combo.addItem(title, key)
        self.currency_combo = QComboBox()
        self.currency_combo.setAccessibleName("Currency")
        self.probabilities_button = QPushButton("Stage probabilities…")
        self.probabilities_button.setToolTip("How likely a deal in each stage is to be won, for the weighted forecast")
        self.probabilities_button.clicked.connect(self.edit_probabilities)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        for label, combo in (("Owner", self.owner_combo), ("Period", self.period_combo),
                             ("Currency", self.currency_combo)):
            caption = QLabel(f"{label}:")
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo)
            filters.addSpacing(8)
        filters.addStretch(1)
        filters.addWidget(self.probabilities_button)
        self.stages_chart = StagesChart()
        self.forecast_chart = ForecastChart()
        self.won_lost_chart = WonLostChart()
        self.activity_chart = ActivityChart()
        grid = QGridLayout()
        grid.setSpacing(12)
        grid.addWidget(self.stages_chart, 0, 0)
        grid.addWidget(self.forecast_chart, 0, 1)
        grid.addWidget(self.won_lost_chart, 1, 0)
        grid.addWidget(self.activity_chart, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.footnote = QLabel()
        self.footnote.setTextFormat(Qt.TextFormat.PlainText)
        self.footnote.setWordWrap(True)
        self.footnote.setFont(scaled_font(self.footnote.font(), "caption"))
        self.footnote.setObjectName("dashboardFootnote")
        charts_page = QWidget()
        charts_layout = QVBoxLayout(charts_page)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addLayout(grid, 1)
        charts_layout.addWidget(self.footnote)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.message.setObjectName("dashboardMessage")
        self.pages = QStackedWidget()
        self.pages.addWidget(charts_page)
        self.pages.addWidget(self.message)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addWidget(self.scope_label)
        layout.addLayout(filters)
        layout.addWidget(self.pages, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.filter, self.scope_text = self._read_argument(argument)
        self._fill_owners()
        self.owner_combo.currentIndexChanged.connect(lambda _=0: self.refresh())
        self.period_combo.currentIndexChanged.connect(lambda _=0: self.redraw())
        self.currency_combo.currentIndexChanged.connect(lambda _=0: self.redraw())
        self.refresh()

    # -- what to chart ---------------------------------------------------------------------------

    @property
    def store(self) -> Store | None:
        return self.context.store

    def _read_argument(self, argument: str) -> tuple[FilterGroup | None, str]:
        """The filter the target names, and a line that says what is shown."""
        store = self.store
        kind, _, rest = argument.partition(":")
        if store is None or not kind:
            return None, ""
        raw: object = None
        where = "the table's filter"
        if kind == "view":
            saved = store.saved_views.get(rest)
            if saved is None:
                return None, "That saved view is no longer here: showing all deals."
            shape = deals_pipeline(store.schema.objects())
            if shape is None or saved.object_slug != shape.obj.slug:
                return None, f"“{saved.name}” is not a view of deals: showing all deals."
            raw, where = saved.state.get("filter"), f"the saved view “{saved.name}”"
        elif kind == "filter":
            try:
                raw = json.loads(rest)
            except ValueError:
                raw = "unreadable"
        if raw is None:
            return None, f"Deals of {where} (it has no filter): all deals."
        try:
            if not isinstance(raw, dict):
                raise InvalidFilter("not a filter")
            group = resolve_me(filter_from_json(raw), store.schema.my_actor_id())
        except InvalidFilter as error:
            return None, f"The filter of {where} could not be used ({error}): showing all deals."
        return group, f"Deals that {where} shows."

    def _fill_owners(self) -> None:
        store = self.store
        self.owner_combo.blockSignals(True)
        current = self.owner_combo.currentData()
        self.owner_combo.clear()
        self.owner_combo.addItem("Everyone", None)
        me = store.schema.my_actor_id() if store is not None else None
        self.owner_combo.addItem("Me", ME)
        if me is None:
            item = self.owner_combo.model().item(1)  # type: ignore[attr-defined]
            item.setEnabled(False)
            item.setToolTip("Choose who you are in Workspace ▸ Settings ▸ Members ▸ This is me")
        for member in store.schema.members() if store is not None else []:
            # (A combo's items take no mnemonics: "R&D" is written as it is.)
            self.owner_combo.addItem(member.name or member.email or member.id, member.actor_id)
        found = self.owner_combo.findData(current)
        self.owner_combo.setCurrentIndex(max(0, found))
        self.owner_combo.blockSignals(False)

    def owner(self) -> str | None:
        """The actor id whose deals are shown (None: everyone's)."""
        chosen = self.owner_combo.currentData()
        if chosen == ME:
            return self.store.schema.my_actor_id() if self.store is not None else None
        return chosen if isinstance(chosen, str) else None

    # -- reading and drawing ---------------------------------------------------------------------

    def refresh(self, *, quiet: bool = False) -> None:
        """Count the deals again (off the GUI thread), then draw. ``quiet``: keep the charts shown
        until the new numbers arrive (a store change); else they say "Counting…" meanwhile (the
        numbers shown are another owner's)."""
        self._dirty = False
        self._recount.stop()
        store = self.store
        if store is None:
            self._say("Open a workspace to see its pipeline.")
            return
        self.shape = deals_pipeline(store.schema.objects())
        if self.shape is None:
            self._say(NO_DEALS_OBJECT)
            return
        total = store.records.count(self.shape.obj.slug)
        if total == 0:
            self._say(NO_DEALS)
            return
        self.heading.setText(f"Dashboard — {self.shape.obj.plural_name}")
        self.scope_label.setText(self.scope_text)
        self.scope_label.setVisible(bool(self.scope_text))
        for widget in (self.owner_combo, self.period_combo, self.probabilities_button):
            widget.setEnabled(True)
        self.pages.setCurrentIndex(0)
        if not (quiet and self.has_numbers):
            self.has_numbers = False
            waiting = f"Counting {QLocale().toString(total)} {self.shape.obj.plural_name.lower()}…"
            for panel in self.panels():
                panel.show_waiting(waiting)
            self.currency_combo.setEnabled(False)  # (which currencies there are is being counted)
        self._count(store, self.shape)

    def _count(self, store: Store, shape: PipelineShape) -> None:
        """Start counting for the filters chosen now; the answer to an older request is dropped."""
        scope = DealScope(owner=self.owner(), filter=self.filter)
        deals = not (self.owner_combo.currentData() is not None and scope.owner is None)  # "me", not known
        since = (self.context.now() - timedelta(days=ACTIVITY_DAYS)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        request = self._latest = next(self._requests)
        self.counting = True
        self.counts_started += 1
        if store.path == Path(":memory:"):
            # (A memory store has no file a second connection could read: count here.)
            self._counted(request, count_with(PipelineStats(store.conn, store.schema), shape, scope, since,
                                              deals=deals, zone=self.zone))
            return
        path, zone = store.path, self.zone
        self._counter.run(
            lambda: count_in_file(path, shape, scope, since, deals=deals, zone=zone,
                                  wanted=lambda: request == self._latest),
            lambda counts: self._counted(request, counts),
            lambda error: self._count_failed(request, error))

    def _counted(self, request: int, counts: DashboardCounts) -> None:
        if request != self._latest or self.shape is None:
            return  # a newer request is on its way
        if self.store is None or not self.store.is_open():
            return  # the workspace closed while counting: the window replaces this view
        self.counting = False
        self.has_numbers = True
        self.cells, self.closed, self.activity = counts.cells, counts.closed, counts.activity
        self._fill_currencies()
        self.redraw()
        self.counted.emit()

    def _count_failed(self, request: int, error: Exception) -> None:
        if isinstance(error, Superseded) or request != self._latest:
            return
        self.counting = False
        log.error("the dashboard could not count the deals: %s", error)
        for panel in self.panels():
            panel.show_empty(f"Could not count the deals: {error}")

    def panels(self) -> tuple[StagesChart, ForecastChart, WonLostChart, ActivityChart]:
        return self.stages_chart, self.forecast_chart, self.won_lost_chart, self.activity_chart

    def _say(self, text: str) -> None:
        self._latest = next(self._requests)  # nothing to count: an answer still coming is moot
        self.counting = False
        self.has_numbers = False
        self.message.setText(text)
        self.pages.setCurrentIndex(1)
        self.scope_label.hide()
        for widget in (self.owner_combo, self.period_combo, self.currency_combo, self.probabilities_button):
            widget.setEnabled(False)

    def _fill_currencies(self) -> None:
        codes = currencies(self.cells)
        current = self.currency_combo.currentData()
        self.currency_combo.blockSignals(True)
        self.currency_combo.clear()
        for code in codes:
            self.currency_combo.addItem(code or "No currency", code)
        found = self.currency_combo.findData(current) if current is not None else -1
        self.currency_combo.setCurrentIndex(found if found >= 0 else 0)
        self.currency_combo.setEnabled(bool(codes))
        self.currency_combo.blockSignals(False)

    def probabilities(self) -> dict[str, float]:
        """Each stage's chance: the one the user set, else the default (``default_probabilities``)."""
        assert self.shape is not None and self.store is not None
        return {**default_probabilities(self.shape), **self.store.settings.stage_probabilities(self.shape.obj.slug)}

    def months(self) -> tuple[str, str] | None:
        return months_of(str(self.period_combo.currentData()), self.context.now().astimezone(self.zone).date())

    def redraw(self) -> None:
        """Sum the rows already read for the period and currency chosen, and draw the charts."""
        if self.shape is None or self.pages.currentIndex() != 0 or not self.has_numbers:
            return  # (the numbers are being counted: they are drawn when they arrive)
        months = self.months()
        currency = self.currency_combo.currentData()
        money = self.formatter.money
        self.stages_chart.show_totals(stage_totals(self.shape, self.cells, months), currency, money)
        self.forecast_chart.show_forecast(forecast(self.shape, self.cells, self.probabilities(), months),
                                          currency, money, _month_label)
        self.won_lost_chart.show_months(won_lost(self.closed, months), money, _month_label)
        self.activity_chart.show_activity(self._activity_rows())
        fallback = fallback_count(self.closed, months)
        self.footnote.setText(FOOTNOTE.format(
            fallback=f" ({fallback} of the deals closed in this period)" if fallback else ""))

    def _activity_rows(self) -> list[ActivityRow]:
        """Per member, by name ("you" marked); the owner filter keeps that member's row."""
        store = self.store
        assert store is not None
        names: dict[str, str] = {}
        me = store.schema.my_actor_id()
        for member in store.schema.members():
            name = member.name or member.email or member.id
            label = f"{name} (you)" if me is not None and me in (member.actor_id, member.id) else name
            names[member.id] = label
            names[member.actor_id] = label
        owner = self.owner()
        wanted = {owner, *(k for k, v in names.items() if owner is not None and v == names.get(owner))}
        merged: dict[str, list[int]] = {}
        for row in self.activity:
            if self.owner_combo.currentData() is not None and row.actor_id not in wanted:
                continue
            name = (names.get(row.actor_id) or "Unknown member") if row.actor_id else "Not said by the server"
            counts = merged.setdefault(name, [0, 0, 0])
            counts[0] += row.notes
            counts[1] += row.tasks_done
            counts[2] += row.stage_moves
        ordered = sorted(merged.items(), key=lambda kv: (-sum(kv[1]), kv[0].casefold()))
        return [(name, c[0], c[1], c[2]) for name, c in ordered]

    # -- stage probabilities ---------------------------------------------------------------------

    def edit_probabilities(self) -> QWidget | None:
        """Open the "Stage probabilities" dialog (window-modal, not blocking); returned for tests."""
        if self.shape is None or self.store is None:
            return None
        from crmdesk.ui.dialogs.stage_probabilities_dialog import StageProbabilitiesDialog

        dialog = StageProbabilitiesDialog(self.store, self.shape, self.probabilities(), self)
        dialog.saved.connect(self.redraw)
        dialog.open()
        return dialog

    # -- the window's hooks ----------------------------------------------------------------------

    def on_changed(self, changes: ChangeSet) -> None:
        if changes.settings and not self.counting:
            self.redraw()  # the stage probabilities: the forecast re-sums, nothing is counted again
        slug = self.shape.obj.slug if self.shape is not None else None
        if not (changes.full_reset or changes.schema or changes.members or changes.notes or changes.tasks
                or (slug is not None and slug in changes.objects) or (slug is None and changes.objects)):
            return
        if changes.members or changes.schema or changes.full_reset:
            self._fill_owners()
        if self.isVisible():
            self._recount.start()  # (re)started: many changes in a row count once, when they settle
        else:
            self._dirty = True  # read again when shown: a hidden dashboard costs nothing per sync

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self._dirty:
            self.refresh(quiet=True)

    def is_settled(self) -> bool:
        """Whether the charts show the numbers of the store as it is (no count running or due):
        what ``crmdesk --screenshot`` waits for."""
        return not self.counting and not self._recount.isActive()
