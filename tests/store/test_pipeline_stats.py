"""The dashboard's numbers, counted by the store's SQL, equal a plain Python count over the same
workspace file: several currencies, owners, periods, a table's filter, won and lost dated by the
history's stage moves and, without one, by the close date or the last update."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from crmdesk.model import Condition, FilterGroup, Operator
from crmdesk.model.pipeline import PipelineShape, deals_pipeline, default_probabilities
from crmdesk.store import Store
from crmdesk.store.pipeline_stats import (
    ACTIVITY_DAYS,
    DealScope,
    PipelineStats,
    currencies,
    fallback_count,
    forecast,
    months_of,
    overall_win_rate,
    stage_totals,
    won_lost,
)
from crmdesk.store.records import RecordRow

from ._pipeline_deals import (
    NOW,
    TODAY,
    build_deals,
    reference_activity,
    reference_forecast,
    reference_stages,
    reference_won_lost,
    stamp,
)


@pytest.fixture
def deals_store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "deals.sqlite") as store:
        build_deals(store)
        yield store


def _shape(store: Store) -> PipelineShape:
    shape = deals_pipeline(store.schema.objects())
    assert shape is not None
    return shape


def _stats(store: Store) -> PipelineStats:
    return PipelineStats(store.conn, store.schema)


@pytest.mark.parametrize("owner", [None, "user-sam"])
@pytest.mark.parametrize("period", ["all", "this_quarter", "last_12", "next_12"])
def test_pipeline_by_stage_equals_a_plain_count(deals_store: Store, owner: str | None, period: str) -> None:
    shape = _shape(deals_store)
    months = months_of(period, TODAY)
    cells = _stats(deals_store).deal_cells(shape, DealScope(owner=owner))
    got = {t.stage_id: (t.count, t.amounts) for t in stage_totals(shape, cells, months) if t.count}
    expected = reference_stages(deals_store, owner, months)
    assert got.keys() == expected.keys()
    for stage, (count, amounts) in expected.items():
        assert got[stage][0] == count
        assert got[stage][1] == pytest.approx(amounts)
    # Three currencies and the attribute's default (USD) for amounts without a code; never one sum.
    if period == "all" and owner is None:
        assert set(currencies(cells)) == {"USD", "EUR", "GBP", "JPY"}


def test_stages_come_in_board_order_with_empty_ones(deals_store: Store) -> None:
    shape = _shape(deals_store)
    totals = stage_totals(shape, _stats(deals_store).deal_cells(shape, DealScope(owner="nobody")))
    assert [t.title for t in totals] == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    assert all(t.count == 0 and not t.amounts for t in totals)


@pytest.mark.parametrize("owner", [None, "user-zoe"])
@pytest.mark.parametrize("period", ["all", "next_12"])
def test_weighted_forecast_equals_a_plain_sum(deals_store: Store, owner: str | None, period: str) -> None:
    shape = _shape(deals_store)
    probabilities = {**default_probabilities(shape), "st-prop": 0.5}
    months = months_of(period, TODAY)
    rows = forecast(shape, _stats(deals_store).deal_cells(shape, DealScope(owner=owner)), probabilities, months)
    got = {(r.month, r.currency): (r.amount, r.weighted) for r in rows}
    expected = reference_forecast(deals_store, probabilities, owner, months)
    assert got.keys() == expected.keys()
    for key, (amount, weighted) in expected.items():
        assert got[key] == pytest.approx((amount, weighted))
    assert [r.month for r in rows] == sorted(r.month for r in rows)


@pytest.mark.parametrize("owner", [None, "user-ada"])
def test_won_and_lost_by_month_follow_the_history_then_the_fallbacks(deals_store: Store, owner: str | None) -> None:
    shape = _shape(deals_store)
    cells = _stats(deals_store).closed_cells(shape, DealScope(owner=owner))
    months = won_lost(cells)
    got = {m.month: (m.won, m.lost, m.won_amounts) for m in months}
    expected = reference_won_lost(deals_store, owner)
    assert got.keys() == expected.keys()
    for month, (won, lost, amounts) in expected.items():
        assert got[month][:2] == (won, lost)
        assert got[month][2] == pytest.approx(amounts)
    # Both ways of dating a closed deal are in this workspace, and the counts say which is which.
    closed = sum(w + lost for w, lost, _ in expected.values())
    assert 0 < fallback_count(cells) < closed
    rate = overall_win_rate(months)
    assert rate == pytest.approx(sum(w for w, _, _ in expected.values()) / closed)


def test_a_deal_closed_by_a_move_counts_in_the_moves_month_not_its_close_date(deals_store: Store) -> None:
    shape = _shape(deals_store)
    row = deals_store.records.get("deal-10")  # Won, with moves (see build_deals: i % 4 != 0)
    assert isinstance(row, RecordRow) and row.values["stage"] == "st-won"
    moved = NOW - timedelta(days=3)
    with deals_store.write():
        deals_store.conn.execute(
            "INSERT INTO field_history (record_id, object_slug, attribute_slug, old_json, new_json, changed_at,"
            " actor_id, source) VALUES ('deal-10', 'deals', 'stage', '\"st-nego\"', '\"st-won\"', ?, NULL, 'server')",
            (stamp(moved),))
    before = {m.month: m.won for m in won_lost(_stats(deals_store).closed_cells(shape, DealScope()))}
    assert before == {m: w for m, (w, _l, _a) in reference_won_lost(deals_store).items()}
    assert before[moved.strftime("%Y-%m")] >= 1


def test_a_tables_filter_narrows_every_figure(deals_store: Store) -> None:
    shape = _shape(deals_store)
    group = FilterGroup("and", (Condition("name", Operator.CONTAINS, "1"),))
    ids = {r[0] for r in deals_store.conn.execute("SELECT id FROM records WHERE title LIKE '%1%'")}
    scope = DealScope(owner="user-sam", filter=group)
    stats = _stats(deals_store)
    got = {t.stage_id: (t.count, t.amounts) for t in stage_totals(shape, stats.deal_cells(shape, scope)) if t.count}
    expected = reference_stages(deals_store, "user-sam", None, ids)
    assert got.keys() == expected.keys()
    assert all(got[s][0] == c and got[s][1] == pytest.approx(a) for s, (c, a) in expected.items())
    closed = {m.month: (m.won, m.lost) for m in won_lost(stats.closed_cells(shape, scope))}
    assert closed == {m: (w, lost) for m, (w, lost, _) in reference_won_lost(deals_store, "user-sam", ids).items()}


def test_activity_per_actor_in_the_last_30_days(deals_store: Store) -> None:
    shape = _shape(deals_store)
    since = NOW - timedelta(days=ACTIVITY_DAYS)
    rows = _stats(deals_store).activity(shape, stamp(since))
    got = {a.actor_id: (a.notes, a.tasks_done, a.stage_moves) for a in rows}
    assert got == reference_activity(deals_store, since)
    assert sum(n for n, _, _ in got.values()) > 0 and sum(t for _, t, _ in got.values()) > 0
    assert sum(m for _, _, m in got.values()) > 0


def test_periods_are_whole_months_around_today() -> None:
    from datetime import date

    assert months_of("this_quarter", date(2026, 11, 20)) == ("2026-10", "2026-12")
    assert months_of("this_year", date(2026, 11, 20)) == ("2026-01", "2026-12")
    assert months_of("last_12", date(2026, 3, 5)) == ("2025-04", "2026-03")
    assert months_of("next_12", date(2026, 3, 5)) == ("2026-03", "2027-02")
    assert months_of("all", date(2026, 3, 5)) is None


def test_no_stage_attribute_in_the_index_reads_as_no_deals(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.sqlite") as store:
        build_deals(store, count=0)
        shape = _shape(store)
        stats = _stats(store)
        assert stats.deal_cells(shape) == []
        assert stats.closed_cells(shape) == []
        assert [t.count for t in stage_totals(shape, [])] == [0] * 6
