"""The pipeline dashboard as a user meets it: opened on a deals workspace with a fixed clock, its
charts hold the numbers a plain count gives, the owner and period filters change them, a table's
filter narrows them, exports write a PNG and a CSV that read back, the probabilities dialog moves
the forecast, hovering says the numbers, names stay plain text, and both palettes apply."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import shiboken6
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QHorizontalBarSeries, QValueAxis
from PySide6.QtCore import QPoint, QPointF, QSettings, QThreadPool
from PySide6.QtGui import QFontMetricsF, QImage, QPalette
from PySide6.QtWidgets import QApplication

from crmdesk.context import AppContext
from crmdesk.model import AttributeDef, AttributeType, Condition, FilterGroup, ObjectDef, Operator, Record
from crmdesk.model.filters import filter_to_json
from crmdesk.model.pipeline import deals_pipeline, default_probabilities
from crmdesk.store import Store
from crmdesk.store.pipeline_stats import months_of
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.dashboard_view import NO_DEALS, NO_DEALS_OBJECT, DashboardView
from crmdesk.ui.views.object_view import ObjectView
from crmdesk.ui.widgets.chart_labels import month_name
from tests.store._pipeline_deals import (
    MEMBERS,
    NOW,
    STAGES,
    TODAY,
    build_deals,
    reference_activity,
    reference_forecast,
    reference_stages,
    reference_won_lost,
    stage_move,
)
from tests.ui._theme_palettes import app_palette, dark_palette, light_palette

# Hovering shows a real tooltip, which the offscreen platform cannot raise.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "deals.sqlite") as opened:
        build_deals(opened)
        yield opened


@pytest.fixture
def context(store: Store, tmp_path: Path, ui_context: Any) -> AppContext:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return ui_context(store, settings=settings, now=lambda: NOW, navigator=Navigator())


def _open(qtbot: Any, context: AppContext, argument: str = "", *, wait: bool = True) -> DashboardView:
    view = DashboardView(context, argument)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    if wait:
        _settled(qtbot, view)
    return view


def _settled(qtbot: Any, view: DashboardView) -> None:
    """Wait until the charts show the numbers of the latest request (counted off the GUI thread)."""
    qtbot.waitUntil(lambda: view.has_numbers and not view.counting)


def _rounded(value: Any) -> Any:
    """Floats to the cent, through dicts and tuples: sums in another order differ in the last bits."""
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return tuple(_rounded(v) for v in value)
    return value


def _stage_rows(view: DashboardView) -> dict[str, tuple[int, dict[str, float]]]:
    """The pipeline chart's CSV numbers (floats to the cent): stage title → (deals, {currency: value})."""
    header, rows = view.stages_chart.table()
    codes = [h.removeprefix("Value ") for h in header[2:]]
    return _rounded({str(r[0]): (int(r[1]), {c: float(v) for c, v in zip(codes, r[2:], strict=True) if v})  # type: ignore[arg-type]
                     for r in rows if r[1]})


def _expected_stages(store: Store, **kw: Any) -> dict[str, tuple[int, dict[str, float]]]:
    shape = deals_pipeline(store.schema.objects())
    assert shape is not None
    titles = {o.id: o.title for o in shape.stages}
    return _rounded({titles[s]: (count, {str(c): a for c, a in amounts.items()})
                     for s, (count, amounts) in reference_stages(store, **kw).items()})


def _bar_values(series: QBarSeries) -> list[list[float]]:
    return [[bar_set.at(i) for i in range(bar_set.count())] for bar_set in series.barSets()]


def _drawn_amounts(panel: Any) -> list[list[float]]:
    """The bars' heights in whole money, as the reader takes them: large ones are drawn in the
    thousands or millions the value axis's title names ("Value (USD), millions")."""
    axis = next(a for a in panel.chart.axes() if isinstance(a, QValueAxis))
    unit = {"millions": 1_000_000, "thousands": 1_000}.get(axis.titleText().rsplit(", ", 1)[-1], 1)
    return [[v * unit for v in bars] for bars in _bar_values(panel.series)]


def _expected_money_bars(store: Store, code: str, **kw: Any) -> list[float]:
    """The pipeline chart's value bars in ``code`` alone, as drawn: bottom up, so the last stage first."""
    expected = _expected_stages(store, **kw)
    return [expected.get(stage.title, (0, {}))[1].get(code, 0.0) for stage in reversed(STAGES)]


def test_dashboard_shows_the_stores_numbers_and_filters_change_them(qtbot: Any, context: AppContext,
                                                                    store: Store) -> None:
    view = _open(qtbot, context)
    assert view.pages.currentIndex() == 0 and view.heading.text() == "Dashboard — Deals"
    everyone = _stage_rows(view)
    assert everyone == _rounded(_expected_stages(store))
    # The money chart shows one currency, the one with most deals, and nothing added across them.
    assert view.currency_combo.currentData() == "USD"
    assert _drawn_amounts(view.stages_chart) == [pytest.approx(_expected_money_bars(store, "USD"), abs=0.01)]

    view.owner_combo.setCurrentIndex(view.owner_combo.findData("user-sam"))
    _settled(qtbot, view)
    sams = _stage_rows(view)
    assert sams == _rounded(_expected_stages(store, owner="user-sam"))
    assert sum(c for c, _ in sams.values()) < sum(c for c, _ in everyone.values())

    view.period_combo.setCurrentIndex(view.period_combo.findData("this_quarter"))
    quarter = months_of("this_quarter", TODAY)
    assert _stage_rows(view) == _rounded(_expected_stages(store, owner="user-sam", months=quarter))

    view.currency_combo.setCurrentIndex(view.currency_combo.findData("EUR"))
    eur_bars = _expected_money_bars(store, "EUR", owner="user-sam", months=quarter)
    assert _drawn_amounts(view.stages_chart) == [pytest.approx(eur_bars, abs=0.01)]
    assert sum(eur_bars) > 0  # (some of Sam's deals closing this quarter are in euros)


def test_me_is_the_member_the_workspace_knows(qtbot: Any, context: AppContext, store: Store) -> None:
    view = _open(qtbot, context)
    view.owner_combo.setCurrentIndex(view.owner_combo.findText("Me"))
    _settled(qtbot, view)
    assert _stage_rows(view) == _rounded(_expected_stages(store, owner="user-ada"))
    names = [row[0] for row in view.activity_chart.table()[1]]
    assert "Ada Admin (you)" in names and len(names) == 1


def test_forecast_and_won_lost_match_the_plain_count(qtbot: Any, context: AppContext, store: Store) -> None:
    view = _open(qtbot, context)
    shape = deals_pipeline(store.schema.objects())
    assert shape is not None
    _header, rows = view.forecast_chart.table()
    got = {(r[0], r[1] or None): (r[3], r[4]) for r in rows}
    assert _rounded(got) == _rounded(reference_forecast(store, default_probabilities(shape)))
    _header, rows = view.won_lost_chart.table()
    assert {r[0]: (r[1], r[2]) for r in rows} == {m: (w, lost) for m, (w, lost, _) in reference_won_lost(store).items()}
    assert "win rate" in view.won_lost_chart.title.text()
    # The footnote says how closed deals without a stage move are dated, down to the last fallback.
    assert "expected close month" in view.footnote.text() and "of the deals closed" in view.footnote.text()
    assert "last updated, else in the month it was created" in view.footnote.text()


def test_stage_probabilities_dialog_moves_the_weighted_forecast(qtbot: Any, context: AppContext,
                                                                 store: Store) -> None:
    view = _open(qtbot, context)
    before = sum(float(r[4]) for r in view.forecast_chart.table()[1])  # type: ignore[arg-type]
    dialog = view.edit_probabilities()
    assert dialog is not None
    for box in dialog.boxes.values():  # type: ignore[attr-defined]
        box.setValue(100)
    dialog.accept()  # type: ignore[attr-defined]
    after = view.forecast_chart.table()[1]
    assert sum(float(r[4]) for r in after) > before  # type: ignore[arg-type]
    assert all(r[3] == pytest.approx(r[4]) for r in after)  # 100 %: weighted is the whole value
    assert store.settings.stage_probabilities("deals")["st-lead"] == 1.0


def test_a_tables_filter_narrows_the_charts(qtbot: Any, context: AppContext, store: Store) -> None:
    table_page = ObjectView(context, "deals")
    qtbot.addWidget(table_page)
    assert table_page.charts_target() == "dashboard"
    group = FilterGroup("and", (Condition("owner", Operator.EQUALS, "user-zoe"),))
    table_page.table.filter_bar.set_filter(group)
    table_page.table.filter_bar.apply()
    target = table_page.charts_target()
    assert target.startswith("dashboard:filter:")
    with qtbot.waitSignal(context.navigator.navigate_requested) as asked:  # type: ignore[union-attr]
        table_page.charts_button.click()
    assert asked.args == [target]
    view = _open(qtbot, context, target.removeprefix("dashboard:"))
    assert "table's filter" in view.scope_label.text()
    assert _stage_rows(view) == _rounded(_expected_stages(store, owner="user-zoe"))


def test_a_saved_views_filter_opens_as_dashboard_view_id(qtbot: Any, context: AppContext, store: Store) -> None:
    group = FilterGroup("and", (Condition("owner", Operator.EQUALS, "@me"),))
    saved = store.saved_views.create("deals", "My deals", "table", {"filter": filter_to_json(group)})
    view = _open(qtbot, context, f"view:{saved.id}")
    assert "My deals" in view.scope_label.text()
    assert _stage_rows(view) == _rounded(_expected_stages(store, owner="user-ada"))
    ids = {r[0] for r in store.conn.execute("SELECT id FROM records WHERE values_json LIKE '%user-ada%'")}
    _header, rows = view.won_lost_chart.table()
    assert {r[0]: (r[1], r[2]) for r in rows} == {
        m: (w, lost) for m, (w, lost, _) in reference_won_lost(store, "user-ada", ids).items()}


def test_export_png_and_csv_write_files_that_read_back(qtbot: Any, context: AppContext, tmp_path: Path) -> None:
    view = _open(qtbot, context)
    panel = view.stages_chart
    panel.ask_path = lambda _parent, _caption, suggested, _filter: str(tmp_path / suggested)
    png = panel.export_png()
    assert png == tmp_path / "pipeline-by-stage.png"
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 200 and image.height() > 150
    # The picture carries the chart's title above the chart (a picture alone says nothing of what
    # it counts): a band with text in it.
    band = image.height() - panel.view.height()
    assert image.width() == panel.view.width() and band >= panel.title.fontMetrics().height()
    corner = image.pixel(0, 0)
    assert sum(image.pixel(x, y) != corner for x in range(image.width()) for y in range(band)) > 50
    written = panel.export_csv()
    assert written is not None
    with written.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, data = panel.table()
    assert rows[0] == header
    assert [r[0] for r in rows[1:]] == [str(r[0]) for r in data]
    assert [int(r[1]) for r in rows[1:]] == [r[1] for r in data]
    usd = header.index("Value USD")
    assert [float(r[usd]) for r in rows[1:]] == pytest.approx([float(r[usd]) for r in data])  # type: ignore[arg-type]
    # Cancelled: nothing written.
    panel.ask_path = lambda *_args: ""
    assert panel.export_csv() is None


def _hover_bar(qtbot: Any, panel: Any, set_number: int, index: int) -> None:
    """Move the mouse onto the middle of bar ``index`` of bar set ``set_number`` (horizontal bars)."""
    series = panel.series
    assert isinstance(series, QHorizontalBarSeries)
    sets = series.barSets()
    # Within its category, each set's bar takes its share of the group's width, first set lowest.
    across = index - series.barWidth() / 2 + (set_number + 0.5) * series.barWidth() / len(sets)
    middle = panel.chart.mapToPosition(QPointF(sets[set_number].at(index) / 2, across), series)
    where = panel.view.mapFromScene(panel.chart.mapToScene(middle))
    qtbot.mouseMove(panel.view.viewport(), QPoint(where.x(), where.y() - 300))  # from off the bars
    qtbot.mouseMove(panel.view.viewport(), where)


def test_hover_says_the_numbers_and_names_stay_plain_text(qtbot: Any, context: AppContext) -> None:
    view = _open(qtbot, context)
    view.activateWindow()
    QApplication.processEvents()  # (the charts laid out where the mouse will go)
    _hover_bar(qtbot, view.stages_chart, 0, 4)  # the second bar from the top: the second stage
    qtbot.waitUntil(lambda: view.stages_chart.last_tooltip.startswith("Qualified: "))
    _hover_bar(qtbot, view.stages_chart, 0, 5)  # the top bar: the first stage
    qtbot.waitUntil(lambda: view.stages_chart.last_tooltip.startswith("Lead: "))
    assert "deals" in view.stages_chart.last_tooltip and "$" in view.stages_chart.last_tooltip
    activity = view.activity_chart.series
    assert isinstance(activity, QHorizontalBarSeries)
    axis = next(a for a in view.activity_chart.chart.axes() if isinstance(a, QBarCategoryAxis))
    # QtCharts reads labels as HTML: the member "Sam <b>Seller</b>" shows his name's characters.
    assert "Sam &lt;b&gt;Seller&lt;/b&gt;" in axis.categories()
    index = [row[0] for row in view.activity_chart.rows].index("Sam <b>Seller</b>")
    _hover_bar(qtbot, view.activity_chart, 1, index)
    qtbot.waitUntil(lambda: view.activity_chart.last_tooltip.startswith("Sam <b>Seller</b>: "))


@pytest.mark.parametrize("palette", [light_palette, dark_palette])
def test_charts_follow_the_palette(qtbot: Any, context: AppContext, palette: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    with app_palette(app, palette()):
        view = _open(qtbot, context)
        base = view.palette().color(QPalette.ColorRole.Base)
        text = view.palette().color(QPalette.ColorRole.WindowText)
        for panel in (view.stages_chart, view.won_lost_chart):
            assert panel.chart.backgroundBrush().color() == base
            axis = panel.chart.axes()[0]
            assert axis.labelsColor() == text


def test_empty_states_say_what_the_dashboard_needs(qtbot: Any, tmp_path: Path, ui_context: Any) -> None:
    with Store.open(tmp_path / "none.sqlite") as bare:
        view = _open(qtbot, ui_context(bare, now=lambda: NOW), wait=False)
        assert view.pages.currentIndex() == 1 and view.message.text() == NO_DEALS_OBJECT
        assert not view.owner_combo.isEnabled()
    with Store.open(tmp_path / "empty.sqlite") as empty:
        build_deals(empty, count=0)
        view = _open(qtbot, ui_context(empty, now=lambda: NOW), wait=False)
        assert view.message.text() == NO_DEALS
        # A deal arrives (as a sync would bring it): the charts appear.
        obj = empty.schema.get_object("deals")
        assert obj is not None
        from crmdesk.model import Record

        changes: list[Any] = []
        empty.add_change_listener(changes.append)
        with empty.write():
            empty.records.put_many(obj, [Record("d1", "deals", {"name": "First", "stage": "st-lead"})])
        view.on_changed(changes[-1])
        _settled(qtbot, view)
        assert view.pages.currentIndex() == 0
        assert _stage_rows(view) == {"Lead": (1, {})}


def test_activity_counts_the_last_30_days_by_the_injected_clock(qtbot: Any, context: AppContext,
                                                                 store: Store) -> None:
    view = _open(qtbot, context)
    counted = {row[0]: tuple(row[1:]) for row in view.activity_chart.table()[1]}
    # Per person, by name (me marked), the moves nobody was named for on a line of their own.
    names = {m.actor_id: m.name + (" (you)" if m.actor_id == "user-ada" else "") for m in MEMBERS}
    names[None] = "Not said by the server"  # type: ignore[index]
    expected = {names[actor]: counts for actor, counts in reference_activity(store, NOW - timedelta(days=30)).items()}
    assert counted == expected
    # Every kind is counted for someone here, so a kind dropped or swapped would show.
    assert all(sum(row[kind] for row in expected.values()) > 0 for kind in range(3))
    # Sixty days later, the same notes are out of the window.
    later = DashboardView(AppContext(paths=context.paths, store=store, now=lambda: NOW + timedelta(days=60)))
    qtbot.addWidget(later)
    _settled(qtbot, later)
    assert later.activity_chart.table()[1] == []
    assert later.activity_chart.stack.currentWidget() is later.activity_chart.empty
    assert later.activity_chart.empty.text() == "No notes, completed tasks or stage moves in the last 30 days."


# -- counting off the GUI thread -------------------------------------------------------------------


def _idle(qtbot: Any) -> None:
    """Every count started has ended and its answer was handed to the GUI thread."""
    assert QThreadPool.globalInstance().waitForDone(10_000)
    QApplication.processEvents()


def test_a_count_answered_after_the_workspace_closed_is_dropped(qtbot: Any, context: AppContext,
                                                                store: Store) -> None:
    """A workspace switch closes the store while the dashboard counts: the answer that arrives
    then is dropped, not drawn from a closed file (an exception there would fail this test)."""
    view = _open(qtbot, context, wait=False)
    assert view.counting
    store.close()
    _idle(qtbot)
    assert view.counting and not view.has_numbers  # nothing drawn; the window replaces the view


def test_the_view_shows_at_once_and_the_numbers_follow(qtbot: Any, context: AppContext, store: Store) -> None:
    view = DashboardView(context)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    # Built and shown with no event handled yet: the filters are there, each chart says it counts.
    assert view.owner_combo.isEnabled() and view.period_combo.isEnabled()
    for panel in view.panels():
        assert panel.stack.currentWidget() is panel.empty
        assert panel.empty.text() == "Counting 240 deals…"
        assert not panel.csv_button.isEnabled()
    assert not view.grab().isNull()
    with qtbot.waitSignal(view.counted):
        pass
    assert view.stages_chart.stack.currentWidget() is view.stages_chart.view
    assert _stage_rows(view) == _rounded(_expected_stages(store))
    # Period and currency re-sum what was counted: no new count.
    view.period_combo.setCurrentIndex(view.period_combo.findData("this_quarter"))
    view.currency_combo.setCurrentIndex(view.currency_combo.findData("EUR"))
    assert view.counts_started == 1
    assert _stage_rows(view) == _rounded(_expected_stages(store, months=months_of("this_quarter", TODAY)))


def test_the_latest_owner_wins_and_older_counts_are_dropped(qtbot: Any, context: AppContext,
                                                            store: Store) -> None:
    view = _open(qtbot, context)
    drawn: list[Any] = []
    view.counted.connect(lambda: drawn.append(_stage_rows(view)))
    view.owner_combo.setCurrentIndex(view.owner_combo.findData("user-sam"))
    assert view.stages_chart.empty.text() == "Counting 240 deals…"  # not Everyone's numbers any more
    view.owner_combo.setCurrentIndex(view.owner_combo.findData("user-zoe"))
    _settled(qtbot, view)
    _idle(qtbot)
    assert drawn == [_rounded(_expected_stages(store, owner="user-zoe"))]
    assert _stage_rows(view) == drawn[0]


def test_store_changes_recount_once_when_they_settle(qtbot: Any, context: AppContext, store: Store) -> None:
    view = _open(qtbot, context)
    before = _stage_rows(view)
    obj = store.schema.get_object("deals")
    assert obj is not None
    from crmdesk.model import Record

    changes: list[Any] = []
    store.add_change_listener(changes.append)
    for n in range(5):  # a sync's pages, one after the other
        with store.write():
            store.records.put_many(obj, [Record(f"new-{n}", "deals", {"name": "New", "stage": "st-lead"})])
        view.on_changed(changes[-1])
        # The charts keep what they show until the new numbers are in.
        assert view.stages_chart.stack.currentWidget() is view.stages_chart.view
        assert _stage_rows(view) == before
    with qtbot.waitSignal(view.counted):
        pass
    _idle(qtbot)
    assert view.counts_started == 2  # the first, and one for the five changes
    assert _stage_rows(view) == _rounded(_expected_stages(store))
    assert _stage_rows(view)["Lead"][0] == before["Lead"][0] + 5


def test_a_view_closed_while_counting_is_left_alone(qtbot: Any, context: AppContext) -> None:
    view = DashboardView(context)
    view.show()
    assert view.counting
    view.close()
    shiboken6.delete(view)  # gone (the window closed the view) before its count answers
    _idle(qtbot)  # the answer reaches no one: no crash, nothing logged
    later = _open(qtbot, context)
    assert later.has_numbers


def test_labels_stay_whole_in_a_small_window(qtbot: Any, context: AppContext, store: Store) -> None:
    view = _open(qtbot, context)
    view.resize(800, 640)  # the dashboard's part of a 1024 × 700 window
    qtbot.waitUntil(lambda: view.stages_chart.view.width() < 380)
    QApplication.processEvents()
    totals = {title: count for title, (count, _amounts) in _stage_rows(view).items()}
    axis = view.stages_chart.category_axis
    assert axis is not None
    # Every stage by its whole name, with its count; the first stage on top (last category).
    assert axis.categories() == [f"{t} · {totals.get(t, 0)}" for t in reversed(
        ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"])]
    # Twelve months: short month names, the year where the months start and at January.
    view.period_combo.setCurrentIndex(view.period_combo.findData("last_12"))
    QApplication.processEvents()
    months = view.won_lost_chart.category_axis
    assert months is not None
    labels = months.categories()
    rows = view.won_lost_chart.table()[1]
    assert len(labels) == len(_every_month(str(rows[0][0]), str(rows[-1][0]))) > 6
    assert not any("…" in label for label in labels)
    assert labels[0].endswith(str(rows[0][0])[:4]) and all(len(label) <= 3 or label[-4:].isdigit() for label in labels)
    assert sum(label[-4:].isdigit() for label in labels) == len({str(r[0])[:4] for r in rows}) == 2
    # QtCharts would cut a label wider than its bar group: such labels stand upright instead.
    room = view.won_lost_chart.chart.plotArea().width() / len(labels)
    widest = max(QFontMetricsF(months.labelsFont()).horizontalAdvance(label) for label in labels)
    assert widest < room or months.labelsAngle() == -90


def _every_month(first: str, last: str) -> list[str]:
    """"2026-11", "2026-12", "2027-01", … from ``first`` to ``last``, none skipped."""
    year, month = int(first[:4]), int(first[5:])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def test_every_month_has_its_own_labelled_bar_group_over_more_than_a_year(qtbot: Any, context: AppContext) -> None:
    view = _open(qtbot, context)  # All time: closings over more than twelve months
    for panel, rows in ((view.won_lost_chart, view.won_lost_chart.table()[1]),
                        (view.forecast_chart, [r for r in view.forecast_chart.table()[1] if r[1] == "USD"])):
        months = _every_month(str(rows[0][0]), str(rows[-1][0]))
        assert len(months) > 12
        axis = panel.category_axis
        assert axis is not None
        labels = axis.categories()
        # One label per calendar month (months with nothing closed too), each saying its year.
        assert len(labels) == len(months) == len(set(labels))
        assert labels[0].endswith(f"’{months[0][2:4]}") and labels[-1].endswith(f"’{months[-1][2:4]}")
        assert all(label[-3:] == f"’{month[2:4]}" for label, month in zip(labels, months, strict=True))
        for bar_set in panel.series.barSets():
            assert bar_set.count() == len(months)
    # A month with nothing closed is drawn empty, between its neighbours.
    counted = {str(r[0]): (r[1], r[2]) for r in view.won_lost_chart.table()[1]}
    months = _every_month(min(counted), max(counted))
    won, lost = view.won_lost_chart.series.barSets()
    assert [(won.at(i), lost.at(i)) for i in range(len(months))] == [counted.get(m, (0, 0)) for m in months]


def test_periods_and_closing_months_are_in_the_users_time_zone(qtbot: Any, store: Store, tmp_path: Path,
                                                               ui_context: Any) -> None:
    # New Year's Eve, 20:00 UTC: already 1 January 2027, 05:00, in Tokyo.
    new_year = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
    tokyo = ZoneInfo("Asia/Tokyo")
    stage_move(store, "deal-10", "st-nego", "st-won", "2026-03-31T23:30:00.000Z")  # 1 April in Tokyo
    context = ui_context(store, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                         now=lambda: new_year, navigator=Navigator())
    view = DashboardView(context, zone=tokyo)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    _settled(qtbot, view)
    view.period_combo.setCurrentIndex(view.period_combo.findData("this_year"))
    assert view.months() == ("2027-01", "2027-12")
    view.period_combo.setCurrentIndex(view.period_combo.findData("all"))
    rows = {r[0]: (r[1], r[2]) for r in view.won_lost_chart.table()[1]}
    expected = reference_won_lost(store, zone=tokyo)
    assert rows == {m: (w, lost) for m, (w, lost, _) in expected.items()}
    assert expected != reference_won_lost(store, zone=UTC)  # (the zone matters in this workspace)


def test_plain_number_amounts_show_their_value_per_stage(qtbot: Any, tmp_path: Path, ui_context: Any) -> None:
    # (Atomic's deals: the amount is a NUMBER, no currency.)
    amounts = [1000 + n * 137 for n in range(12)]
    with Store.open(tmp_path / "numbers.sqlite") as numbers:
        with numbers.write():
            numbers.schema.save_object(ObjectDef("deals", "Deal", "Deals", attributes=(
                AttributeDef("name", "Name", AttributeType.TEXT, order=0),
                AttributeDef("amount", "Amount", AttributeType.NUMBER, order=1),
                AttributeDef("stage", "Stage", AttributeType.STATUS, order=2, options=STAGES))), 0)
        obj = numbers.schema.get_object("deals")
        assert obj is not None
        with numbers.write():
            numbers.records.put_many(obj, [Record(f"d{n}", "deals", {"name": f"D{n}", "amount": amount,
                                                                    "stage": STAGES[n % 3].id})
                                           for n, amount in enumerate(amounts)])
        view = _open(qtbot, ui_context(numbers, now=lambda: NOW))
        (bars,) = view.stages_chart.series.barSets()
        assert bars.label() == "Value"
        # Top down: Lead, Qualified, Proposal, then the empty stages; the bars are drawn bottom up.
        values = [bars.at(i) for i in reversed(range(bars.count()))]
        assert values == pytest.approx([sum(amounts[0::3]), sum(amounts[1::3]), sum(amounts[2::3]), 0, 0, 0])
        axis = view.stages_chart.category_axis
        assert axis is not None and axis.categories()[-1] == "Lead · 4"  # the count beside the name


def test_the_dashboard_counts_in_a_data_folder_named_with_uri_characters(qtbot: Any, tmp_path: Path,
                                                                         ui_context: Any) -> None:
    folder = tmp_path / "a #b?c%41d"
    folder.mkdir()
    with Store.open(folder / "deals.sqlite") as odd:
        build_deals(odd)
        view = _open(qtbot, ui_context(odd, now=lambda: NOW))
        assert _stage_rows(view) == _rounded(_expected_stages(odd))
    assert [p.name for p in tmp_path.iterdir()] == ["a #b?c%41d"]  # no stray file beside it


def test_a_count_no_longer_wanted_stops_while_it_runs(store: Store) -> None:
    # (What an owner change or a sync page does to the count already running: it ends early instead
    # of scanning every deal for numbers nobody will see.)
    from crmdesk.store.pipeline_stats import DealScope
    from crmdesk.ui.views.dashboard_counting import Superseded, count_in_file

    shape = deals_pipeline(store.schema.objects())
    assert shape is not None
    asked: list[bool] = []

    def wanted() -> bool:  # wanted when it starts, no longer once it runs
        asked.append(not asked)
        return asked[-1]

    with pytest.raises(Superseded):
        count_in_file(store.path, shape, DealScope(), "2026-10-21T00:00:00.000Z", wanted=wanted)
    assert len(asked) >= 2  # it was asked again while counting
    # Still wanted throughout: the whole count.
    counts = count_in_file(store.path, shape, DealScope(), "2026-10-21T00:00:00.000Z")
    assert sum(c.count for c in counts.cells) == 240


def test_a_close_date_centuries_away_does_not_draw_every_month_between() -> None:
    from crmdesk.ui.widgets.chart_labels import calendar, month_labels

    assert calendar(["2026-11", "2027-02"]) == ["2026-11", "2026-12", "2027-01", "2027-02"]
    typo = calendar(["2026-01", "2026-03", "2027-01", "2027-03", "2206-01"])  # a close date typed as 2206
    assert typo == ["2026-01", "2026-03", "2027-01", "2027-03", "2206-01"]
    labels = month_labels(typo)(100, len)
    assert len(set(labels)) == 5 and all(label[-2:].isdigit() for label in labels)  # no "Mar" twice


def test_years_of_months_in_a_narrow_chart_keep_whole_labels_on_every_few_months(qtbot: Any) -> None:
    from crmdesk.store.pipeline_stats import MonthOutcome
    from crmdesk.ui.widgets.chart_labels import every_month
    from crmdesk.ui.widgets.chart_won_lost import WonLostChart

    months = every_month("2023-01", "2026-12")
    chart = WonLostChart()
    qtbot.addWidget(chart)
    chart.resize(380, 330)
    chart.show()
    qtbot.waitExposed(chart)
    chart.show_months([MonthOutcome(m, 1, 2) for m in months], lambda amount, _code: str(amount), lambda m: m)
    QApplication.processEvents()
    axis = chart.category_axis
    assert axis is not None and len(axis.categories()) == 48 == chart.series.barSets()[0].count()
    shown = [(index, label) for index, label in enumerate(axis.categories()) if label.strip("\u200b")]
    # Upright and uncut ("May ’24", not QtCharts' "⋮"), a label every few months, none skipped longer.
    assert axis.labelsAngle() == -90 and not axis.truncateLabels()
    assert 6 <= len(shown) < 48
    assert all(label == month_name(months[index], year=True, short_year=True) for index, label in shown)
    gaps = {b - a for (a, _), (b, _) in itertools.pairwise(shown)}
    assert len(gaps) == 1 and shown[0][0] < next(iter(gaps))
