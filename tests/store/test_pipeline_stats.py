"""The dashboard's numbers, counted by the store's SQL, equal a plain Python count over the same
workspace file: several currencies, owners, periods, a table's filter, won and lost dated by the
history's stage moves and, without one, by the close date or the last update."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crmdesk.model import AttributeDef, AttributeType, Condition, FilterGroup, ObjectDef, Operator, Record
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
    STAGES,
    TODAY,
    build_deals,
    reference_activity,
    reference_forecast,
    reference_stages,
    reference_won_lost,
    stage_move,
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


@pytest.mark.parametrize(("owner", "zone"), [(None, UTC), ("user-ada", UTC), (None, ZoneInfo("Pacific/Kiritimati")),
                                             ("user-sam", ZoneInfo("America/Los_Angeles"))])
def test_won_and_lost_by_month_follow_the_history_then_the_fallbacks(deals_store: Store, owner: str | None,
                                                                     zone: ZoneInfo) -> None:
    shape = _shape(deals_store)
    cells = _stats(deals_store).closed_cells(shape, DealScope(owner=owner), zone)
    months = won_lost(cells)
    got = {m.month: (m.won, m.lost, m.won_amounts) for m in months}
    expected = reference_won_lost(deals_store, owner, zone=zone)
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
    # Won, with moves (build_deals: i % 4 != 0) and an expected close date (i % 7 != 3).
    row = deals_store.records.get("deal-22")
    assert isinstance(row, RecordRow) and row.values["stage"] == "st-won"
    close_month = row.values["expected_close_date"][:7]
    one_deal = DealScope(filter=FilterGroup("and", (Condition("name", Operator.EQUALS, "Deal 22"),)))

    def won(scope: DealScope) -> dict[str, int]:
        return {m.month: m.won for m in won_lost(_stats(deals_store).closed_cells(shape, scope, UTC)) if m.won}

    [(was_month, count)] = won(one_deal).items()  # its last move into Won, as build_deals kept it
    assert count == 1
    everyone = won(DealScope())
    moved = NOW - timedelta(days=3)
    assert moved.strftime("%Y-%m") not in (was_month, close_month)  # (each month below tells one way)
    stage_move(deals_store, "deal-22", "st-nego", "st-won", moved, source="server")
    # The newest move dates it: in that month, out of the one it was in, never by its close date.
    assert won(one_deal) == {moved.strftime("%Y-%m"): 1}
    after = won(DealScope())
    assert after[moved.strftime("%Y-%m")] == everyone.get(moved.strftime("%Y-%m"), 0) + 1
    assert after.get(was_month, 0) == everyone[was_month] - 1
    assert after == {m: w for m, (w, _l, _a) in reference_won_lost(deals_store).items() if w}


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
    closed = {m.month: (m.won, m.lost) for m in won_lost(stats.closed_cells(shape, scope, UTC))}
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


def _one_object_store(path: Path, value: AttributeDef, records: list[Record], *, close_date: bool = True) -> Store:
    """A workspace whose deals have ``value`` as their amount (and maybe an expected close date)."""
    store = Store.open(path)
    attributes = [AttributeDef("name", "Name", AttributeType.TEXT, order=0), value,
                  AttributeDef("stage", "Stage", AttributeType.STATUS, order=2, options=STAGES)]
    if close_date:
        attributes.append(AttributeDef("expected_close_date", "Expected close date", AttributeType.DATE, order=3))
    with store.write():
        store.schema.save_object(ObjectDef("deals", "Deal", "Deals", attributes=tuple(attributes)), 0)
    obj = store.schema.get_object("deals")
    assert obj is not None
    with store.write():
        store.records.put_many(obj, records)
    return store


def test_plain_number_amounts_are_summed_as_values_with_no_currency(tmp_path: Path) -> None:
    amounts = [1000 + n * 137 for n in range(12)]
    records = [Record(f"d{n}", "deals", {"name": f"D{n}", "amount": amount, "stage": STAGES[n % 3].id,
                                        "expected_close_date": f"2026-12-{1 + n:02d}"})
               for n, amount in enumerate(amounts)]
    number = AttributeDef("amount", "Amount", AttributeType.NUMBER, order=1)
    with _one_object_store(tmp_path / "n.sqlite", number, records) as store:
        shape = _shape(store)
        cells = _stats(store).deal_cells(shape)
        totals = {t.title: (t.count, t.amounts) for t in stage_totals(shape, cells) if t.count}
        assert totals == {
            title: (4, {None: pytest.approx(sum(amounts[i::3]))})
            for title, i in (("Lead", 0), ("Qualified", 1), ("Proposal", 2))}
        assert currencies(cells) == [None]


def test_a_closed_deal_with_no_move_close_date_or_update_counts_when_it_was_created(tmp_path: Path) -> None:
    # (Attio: no close date attribute, no updated_at on records.)
    records = [Record(f"d{n}", "deals", {"name": f"D{n}", "stage": "st-won" if n % 2 else "st-lost"},
                      f"2026-0{3 + n % 2}-10T10:00:00.000Z", None) for n in range(10)]
    value = AttributeDef("value", "Value", AttributeType.CURRENCY, order=1, config={"currency_code": "USD"})
    with _one_object_store(tmp_path / "a.sqlite", value, records, close_date=False) as store:
        shape = _shape(store)
        closed = _stats(store).closed_cells(shape, DealScope(), UTC)
        assert [(m.month, m.won, m.lost) for m in won_lost(closed)] == [("2026-03", 0, 5), ("2026-04", 5, 0)]
        assert fallback_count(closed) == 10


@pytest.mark.parametrize(("zone", "months"), [
    # Tokyo (+9): the last evening of March in UTC is already April; the DST-free zone moves both.
    ("Asia/Tokyo", ["2026-04", "2026-04", "2026-10", "2026-05", "2026-07"]),
    # Los Angeles: -7 in summer, -8 from 1 November: 1 October 07:30 UTC is 00:30 that day (PDT),
    # though today's offset (PST) would put it in September.
    ("America/Los_Angeles", ["2026-03", "2026-03", "2026-10", "2026-04", "2026-06"]),
    # Kolkata (+5:30): 18:45 UTC on 30 April is a quarter past midnight on 1 May.
    ("Asia/Kolkata", ["2026-04", "2026-04", "2026-10", "2026-05", "2026-07"]),
    ("UTC", ["2026-03", "2026-04", "2026-10", "2026-04", "2026-06"]),
])
def test_closing_months_are_the_users_local_months(tmp_path: Path, zone: str, months: list[str]) -> None:
    moves = ["2026-03-31T23:30:00.000Z", "2026-04-01T03:00:00.000Z", "2026-10-01T07:30:00.000Z",
             "2026-04-30T18:45:00.000Z"]
    records = [Record(f"d{n}", "deals", {"name": f"D{n}", "stage": "st-won"}, "2026-01-05T10:00:00.000Z",
                      "2026-06-30T22:00:00.000Z") for n in range(5)]
    value = AttributeDef("value", "Value", AttributeType.CURRENCY, order=1, config={"currency_code": "USD"})
    with _one_object_store(tmp_path / "z.sqlite", value, records, close_date=False) as store:
        for n, at in enumerate(moves):  # d4: no move, its update (30 June 22:00 UTC)
            stage_move(store, f"d{n}", "st-nego", "st-won", at)
        shape = _shape(store)
        closed = _stats(store).closed_cells(shape, DealScope(), ZoneInfo(zone))
        expected: dict[str, int] = {}
        for month in months:
            expected[month] = expected.get(month, 0) + 1
        assert {m.month: m.won for m in won_lost(closed)} == expected
