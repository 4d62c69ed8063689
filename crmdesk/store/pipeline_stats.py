"""The pipeline dashboard's numbers, counted in SQL over the local store (offline, any dialect).

Deals are read through the value index (``record_values``), not ``values_json``: on SQLite 3.40
every ``json_extract`` parses the whole record again, and four of them over 100,000 deals cost
~600 ms where the index's primary-key lookups cost a third of that. What the index holds per type:
a status's option id (``key``), an amount (``key``) with its code at the end of ``fold``
("31500 eur"; no code: the attribute's default), a date ("2027-03-12", ``key``), an actor id
(``key``). ``tests/store/test_pipeline_stats.py`` checks every figure against plain Python over
``values_json``, so a change of the index's shape shows there.

Amounts are summed per currency only: every row here carries its currency, and nothing adds two.

When a deal was won or lost: its last stage move into a won or lost stage in ``field_history``;
a deal closed before crmdesk saw it move counts in its expected close month, else in the month of
its ``updated_at``, else of its ``created_at`` (Attio keeps no update time and has no close date).
The few grouped rows come back to Python; the small sums that follow (a period, the
probabilities) are pure functions below, so changing the period on the dashboard re-reads nothing.

Months of times are the user's local months (``zone``). The store keeps UTC times, and a fixed
offset passed to SQL would be wrong for half the year wherever clocks change (a time in October is
in summer time, "now" in November is not). So SQL groups a time by its UTC month where no zone can
move it to another month — days 2 to 27 (offsets lie within −12 h … +14 h) — and by its minute on
the days at a month's edges; Python turns those few keys into local months with the zone's own
rules for that instant (``_local_month``), which is right across DST and for half-hour zones.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from crmdesk.model import FilterGroup
from crmdesk.model.pipeline import PipelineShape, stage_outcome
from crmdesk.model.schema import WON
from crmdesk.store.board_totals import currency_reader
from crmdesk.store.query import filter_sql
from crmdesk.store.records import object_resolver
from crmdesk.store.schema_repo import SchemaRepo

#: Periods the dashboard offers, by key: (what the user reads, how it is worked out in ``months_of``).
PERIODS: dict[str, str] = {
    "all": "All time",
    "this_quarter": "This quarter",
    "this_year": "This year",
    "last_12": "Last 12 months",
    "next_12": "Next 12 months",
}
#: How far back "activity" looks.
ACTIVITY_DAYS = 30

Months = tuple[str, str] | None  # first and last month ("2026-01", "2026-03"), inclusive; None: all


@dataclass(frozen=True, slots=True)
class DealScope:
    """Which deals count: one owner's (an actor id) or everyone's, and those a table's filter
    leaves ("me" already resolved to the member), or all."""

    owner: str | None = None
    filter: FilterGroup | None = None


@dataclass(frozen=True, slots=True)
class DealCell:
    """The deals of one stage, one currency and one expected close month."""

    stage_id: str
    #: ISO code; None: no value, or an amount whose currency is not known.
    currency: str | None
    #: "2027-03"; None: no expected close date.
    month: str | None
    count: int
    #: How many of them have an amount, and their total (in ``currency``).
    valued: int
    amount: float


@dataclass(frozen=True, slots=True)
class ClosedCell:
    """Deals won or lost in one month, in one currency."""

    month: str | None
    outcome: str  # WON or LOST
    currency: str | None
    count: int
    amount: float
    #: How many of them have their month from a stage move in the history (the rest: the fallback).
    from_history: int


@dataclass(slots=True)
class Activity:
    """One actor's work over the last ``ACTIVITY_DAYS`` days."""

    actor_id: str | None
    notes: int = 0
    tasks_done: int = 0
    stage_moves: int = 0


@dataclass(frozen=True, slots=True)
class StageTotal:
    stage_id: str
    title: str
    outcome: str | None
    count: int
    #: Currency → total of the stage's deals in it.
    amounts: dict[str | None, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MonthForecast:
    month: str
    currency: str | None
    count: int
    amount: float
    weighted: float


@dataclass(frozen=True, slots=True)
class MonthOutcome:
    month: str
    won: int = 0
    lost: int = 0
    #: Currency → amount won that month.
    won_amounts: dict[str | None, float] = field(default_factory=dict)
    lost_amounts: dict[str | None, float] = field(default_factory=dict)

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return self.won / closed if closed else None


# -- periods -----------------------------------------------------------------------------------


def _month(year: int, month: int) -> str:
    """"2026-03" for (2026, 3); months past 12 or below 1 roll into the next or last years."""
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return f"{year:04d}-{month:02d}"


def months_of(period: str, today: date) -> Months:
    """The months ``period`` (a key of ``PERIODS``) covers around ``today``; None for all time."""
    if period == "this_quarter":
        first = (today.month - 1) // 3 * 3 + 1
        return _month(today.year, first), _month(today.year, first + 2)
    if period == "this_year":
        return _month(today.year, 1), _month(today.year, 12)
    if period == "last_12":
        return _month(today.year, today.month - 11), _month(today.year, today.month)
    if period == "next_12":
        return _month(today.year, today.month), _month(today.year, today.month + 11)
    return None


def in_months(month: str | None, months: Months) -> bool:
    """Whether a deal of ``month`` counts in ``months`` (one with no month only counts in all time)."""
    if months is None:
        return True
    return month is not None and months[0] <= month <= months[1]


# -- reading the store -----------------------------------------------------------------------


def _currency_of(shape: PipelineShape) -> Callable[[str | None], str | None]:
    """How a value's currency is read from the last four characters of its index ``fold``
    (``board_totals.currency_reader``). Done in Python on the few grouped rows: the same CASE in
    SQL cost ~100 ms per 100,000 deals."""
    return currency_reader(shape.value)


def _month_key(column: str) -> str:
    """SQL for a UTC time's grouping key (see the module's note): "2026-03" where the time's month
    is the same in every zone, else "2026-03-31T23:30" (NULL stays NULL)."""
    return (f"CASE WHEN substr({column}, 9, 2) BETWEEN '02' AND '27' THEN substr({column}, 1, 7) "
            f"ELSE substr({column}, 1, 16) END")


def _local_month(zone: tzinfo | None) -> Callable[[str | None], str | None]:
    """A grouping key ("2026-03", "2026-03-31T23:30", or a close date's "2026-03") → the month in
    ``zone`` (None: the machine's zone); the few edge keys are converted once each."""
    seen: dict[str, str] = {}

    def month(key: str | None) -> str | None:
        if key is None or len(key) == 7:
            return key
        if key not in seen:
            try:
                moment = datetime.fromisoformat(key).replace(tzinfo=UTC)
            except ValueError:
                seen[key] = key[:7]  # (not a time this store writes: its UTC month, as before)
            else:
                seen[key] = moment.astimezone(zone).strftime("%Y-%m")
        return seen[key]

    return month


class PipelineStats:
    """Grouped counts of one workspace's deals; build it with ``Store.conn`` and ``Store.schema``."""

    def __init__(self, conn: sqlite3.Connection, schema: SchemaRepo) -> None:
        self._conn = conn
        self._schema = schema

    def _attr_id(self, shape: PipelineShape, slug: str | None) -> int | None:
        return self._schema.attribute_id("object", shape.obj.slug, slug) if slug else None

    def _joins(self, shape: PipelineShape, scope: DealScope, params: list[Any]) -> tuple[str, str]:
        """(joins, extra conditions) shared by the deal queries: the value (``v``), the close
        date (``d``), the record (``r``), the owner and the table's filter; ``s`` is the stage's index
        row."""
        value_id = self._attr_id(shape, shape.value.slug if shape.value else None)
        close_id = self._attr_id(shape, shape.close_date.slug if shape.close_date else None)
        owner_id = self._attr_id(shape, shape.owner.slug if shape.owner else None)
        # (An attribute the schema lacks joins nothing: -1 is no attribute's id.)
        joins = [
            "LEFT JOIN record_values v ON v.attribute_id = ? AND v.record_rowid = s.record_rowid AND v.ord = 0",
            "LEFT JOIN record_values d ON d.attribute_id = ? AND d.record_rowid = s.record_rowid AND d.ord = 0",
        ]
        params += [value_id if value_id is not None else -1, close_id if close_id is not None else -1]
        if scope.owner is not None:
            # An owner nobody can have (no owner attribute) leaves no deals, as it should.
            joins.append("JOIN record_values o ON o.attribute_id = ? AND o.record_rowid = s.record_rowid AND o.key = ?")
            params += [owner_id if owner_id is not None else -1, scope.owner]
        where = ""
        joins.insert(0, "JOIN records r ON r.rowid = s.record_rowid")
        if scope.filter is not None:
            where = " AND (" + filter_sql(scope.filter, object_resolver(self._schema, shape.obj), params) + ")"
        return " ".join(joins), where

    def cells(self, shape: PipelineShape, scope: DealScope = DealScope(),
              zone: tzinfo | None = None) -> tuple[list[DealCell], list[ClosedCell]]:
        """Every deal with a stage grouped by stage, currency and expected close month; and those
        in a won or lost stage now grouped by the month they closed in ``zone`` (None: the
        machine's; see the module's note), outcome and currency — both from one scan of the deals
        (two scans cost ~15 % more)."""
        stage_id = self._attr_id(shape, shape.stage.slug)
        if stage_id is None:
            return [], []
        outcomes = {o.id: stage_outcome(o) for o in shape.stage.options}
        closed = [option_id for option_id, outcome in outcomes.items() if outcome is not None]
        marks = ", ".join("?" * len(closed)) or "NULL"
        params: list[Any] = []
        joins, where = self._joins(shape, scope, params)
        head, tail = _split_filter_params(params, scope)
        # Closed deals get their closing month (and whether the history said it); open ones NULL.
        sql = (
            "WITH moves AS (SELECT record_id, max(changed_at) AS at FROM field_history "
            f"WHERE object_slug = ? AND attribute_slug = ? AND json_extract(new_json, '$') IN ({marks}) "
            "GROUP BY record_id) "
            "SELECT s.key, substr(v.fold, -4), substr(d.key, 1, 7), "
            f"CASE WHEN s.key IN ({marks}) THEN "
            f"coalesce({_month_key('m.at')}, substr(d.key, 1, 7), {_month_key('r.updated_at')}, "
            f"{_month_key('r.created_at')}) END, "
            f"s.key IN ({marks}) AND m.at IS NOT NULL, count(*), count(v.key), total(v.key) "
            f"FROM record_values s {joins} LEFT JOIN moves m ON m.record_id = r.id "
            f"WHERE s.attribute_id = ? AND s.ord = 0{where} GROUP BY 1, 2, 3, 4, 5"
        )
        rows = self._conn.execute(
            sql, (shape.obj.slug, shape.stage.slug, *closed, *closed, *closed, *head, stage_id, *tail))
        currency_of = _currency_of(shape)
        local_month = _local_month(zone)
        deals: dict[tuple[str, str | None, str | None], list[float]] = {}
        closings: dict[tuple[str | None, str, str | None], list[float]] = {}
        for stage, tail_text, month, closed_month, from_history, count, valued, amount in rows:
            currency = currency_of(tail_text) if valued else None
            entry = deals.setdefault((str(stage), currency, month), [0, 0, 0.0])
            entry[0] += count
            entry[1] += valued
            entry[2] += amount
            outcome = outcomes.get(str(stage))
            if outcome is not None:
                closing = closings.setdefault((local_month(closed_month), str(outcome), currency), [0, 0.0, 0])
                closing[0] += count
                closing[1] += amount
                closing[2] += count if from_history else 0
        return ([DealCell(stage, currency, month, int(e[0]), int(e[1]), float(e[2]))
                 for (stage, currency, month), e in deals.items()],
                [ClosedCell(month, outcome, currency, int(e[0]), float(e[1]), int(e[2]))
                 for (month, outcome, currency), e in closings.items()])

    def deal_cells(self, shape: PipelineShape, scope: DealScope = DealScope()) -> list[DealCell]:
        """Every deal with a stage, grouped by stage, currency and expected close month."""
        return self.cells(shape, scope)[0]

    def closed_cells(self, shape: PipelineShape, scope: DealScope = DealScope(),
                     zone: tzinfo | None = None) -> list[ClosedCell]:
        """Deals in a won or lost stage now, grouped by the month they closed (in ``zone``; None:
        the machine's), outcome and currency."""
        return self.cells(shape, scope, zone)[1]

    def activity(self, shape: PipelineShape | None, since: str) -> list[Activity]:
        """Per actor id since ``since`` (canonical UTC time): notes they wrote, tasks assigned to
        them that were completed, and stage moves of the deals they made (by whoever the history
        names; a pulled move whose author the server did not say counts under None)."""
        found: dict[str | None, Activity] = {}

        def row(actor: str | None) -> Activity:
            return found.setdefault(actor, Activity(actor))

        for actor, count in self._conn.execute(
            "SELECT created_by, count(*) FROM notes WHERE created_at >= ? AND created_by IS NOT NULL GROUP BY 1",
            (since,),
        ):
            row(actor).notes += count
        for actor, count in self._conn.execute(
            "SELECT a.member_id, count(*) FROM tasks t JOIN task_assignees a ON a.task_id = t.id "
            "WHERE t.done = 1 AND t.completed_at >= ? GROUP BY 1",
            (since,),
        ):
            row(actor).tasks_done += count
        if shape is not None:
            for actor, count in self._conn.execute(
                "SELECT actor_id, count(*) FROM field_history "
                "WHERE object_slug = ? AND attribute_slug = ? AND changed_at >= ? GROUP BY 1",
                (shape.obj.slug, shape.stage.slug, since),
            ):
                row(actor).stage_moves += count
        return list(found.values())


def _split_filter_params(params: list[Any], scope: DealScope) -> tuple[list[Any], list[Any]]:
    """``_joins`` appends the joins' parameters, then the filter's: split them where the query's
    own parameters go between (after the joins, before the WHERE clause)."""
    joins = 2 + (2 if scope.owner is not None else 0)
    return params[:joins], params[joins:]


# -- the charts' sums (pure) -------------------------------------------------------------------


def stage_totals(shape: PipelineShape, cells: Iterable[DealCell], months: Months = None) -> list[StageTotal]:
    """Per stage in the board's order: how many deals (of every currency) and the total in each
    currency, of the deals whose expected close month is in ``months``."""
    counts: dict[str, int] = defaultdict(int)
    amounts: dict[str, dict[str | None, float]] = defaultdict(lambda: defaultdict(float))
    for cell in cells:
        if not in_months(cell.month, months):
            continue
        counts[cell.stage_id] += cell.count
        if cell.valued:
            amounts[cell.stage_id][cell.currency] += cell.amount
    return [StageTotal(option.id, option.title, stage_outcome(option), counts.get(option.id, 0),
                       dict(amounts.get(option.id, {}))) for option in shape.stages]


def forecast(shape: PipelineShape, cells: Iterable[DealCell], probabilities: Mapping[str, float],
             months: Months = None) -> list[MonthForecast]:
    """Open deals by expected close month and currency: their total, and the total weighted by
    their stage's probability. Deals without a close date or an amount have no place here."""
    outcomes = {o.id: stage_outcome(o) for o in shape.stage.options}
    sums: dict[tuple[str, str | None], list[float]] = {}
    for cell in cells:
        if cell.month is None or not cell.valued or outcomes.get(cell.stage_id) is not None:
            continue
        if not in_months(cell.month, months):
            continue
        entry = sums.setdefault((cell.month, cell.currency), [0, 0.0, 0.0])
        entry[0] += cell.valued
        entry[1] += cell.amount
        entry[2] += cell.amount * probabilities.get(cell.stage_id, 0.0)
    return [MonthForecast(month, currency, int(v[0]), v[1], v[2])
            for (month, currency), v in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))]


def won_lost(cells: Iterable[ClosedCell], months: Months = None) -> list[MonthOutcome]:
    """Won and lost deals per month (oldest first), with their amounts per currency."""
    by_month: dict[str, MonthOutcome] = {}
    for cell in cells:
        if cell.month is None or not in_months(cell.month, months):
            continue
        seen = by_month.setdefault(cell.month, MonthOutcome(cell.month))
        won, lost = (cell.count, 0) if cell.outcome == WON else (0, cell.count)
        target = seen.won_amounts if cell.outcome == WON else seen.lost_amounts
        target[cell.currency] = target.get(cell.currency, 0.0) + cell.amount
        by_month[cell.month] = MonthOutcome(cell.month, seen.won + won, seen.lost + lost, seen.won_amounts,
                                            seen.lost_amounts)
    return [by_month[m] for m in sorted(by_month)]


def overall_win_rate(months: Sequence[MonthOutcome]) -> float | None:
    won = sum(m.won for m in months)
    closed = won + sum(m.lost for m in months)
    return won / closed if closed else None


def fallback_count(cells: Iterable[ClosedCell], months: Months = None) -> int:
    """How many closed deals in ``months`` have their month from the fallback (no stage move kept)."""
    return sum(c.count - c.from_history for c in cells if c.month is not None and in_months(c.month, months))


def currencies(cells: Iterable[DealCell]) -> list[str | None]:
    """The currencies the deals have amounts in, most deals first (ties: alphabetical)."""
    counts: dict[str | None, int] = defaultdict(int)
    for cell in cells:
        if cell.valued:
            counts[cell.currency] += cell.valued
    return sorted(counts, key=lambda code: (-counts[code], code or "~"))

