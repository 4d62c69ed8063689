"""The dashboard's counting, run off the GUI thread.

Over 100,000 deals the grouped counts take half a second or more (longer while a sync writes):
the window must not freeze for it. The count runs on Qt's thread pool with a read-only
connection of its own (SQLite connections belong to the thread that opened them; WAL lets it
read while the GUI or the sync writes), and its answer comes back on the GUI thread through
``ui.background.Background``, which drops it when the dashboard is gone. Only the latest request
counts: the view numbers each one, a job whose number is no longer the latest does not start,
and an answer to an older request is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crmdesk.model.pipeline import PipelineShape
from crmdesk.store.changes import ChangeLog
from crmdesk.store.connection import open_connection
from crmdesk.store.pipeline_stats import Activity, ClosedCell, DealCell, DealScope, PipelineStats
from crmdesk.store.schema_repo import SchemaRepo


@dataclass(frozen=True, slots=True)
class DashboardCounts:
    """What the charts are drawn from (the period and the currency are applied later, in Python)."""

    cells: list[DealCell] = field(default_factory=list)
    closed: list[ClosedCell] = field(default_factory=list)
    activity: list[Activity] = field(default_factory=list)


class Superseded(Exception):
    """A newer request came before this one started: it was not run."""


def count_with(stats: PipelineStats, shape: PipelineShape, scope: DealScope, since: str,
               *, deals: bool = True) -> DashboardCounts:
    """The dashboard's numbers from ``stats``; ``deals=False``: activity only (the owner chosen,
    "me", is not known: nobody's deals)."""
    cells, closed = stats.cells(shape, scope) if deals else ([], [])
    return DashboardCounts(cells, closed, stats.activity(shape, since))


def count_in_file(path: Path, shape: PipelineShape, scope: DealScope, since: str, *, deals: bool = True,
                  wanted: Callable[[], bool] = lambda: True) -> DashboardCounts:
    """Count on a connection of this thread's own, opened read-only (this never writes)."""
    if not wanted():
        raise Superseded()
    conn = open_connection(path, readonly=True)
    try:
        stats = PipelineStats(conn, SchemaRepo(conn, ChangeLog(conn)))
        return count_with(stats, shape, scope, since, deals=deals)
    finally:
        conn.close()
