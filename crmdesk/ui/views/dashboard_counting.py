"""The dashboard's counting, run off the GUI thread.

Over 100,000 deals the grouped counts take half a second or more (longer while a sync writes):
the window must not freeze for it. The count runs on Qt's thread pool with a read-only
connection of its own (SQLite connections belong to the thread that opened them; WAL lets it
read while the GUI or the sync writes), and its answer comes back on the GUI thread through
``ui.background.Background``, which drops it when the dashboard is gone. Only the latest request
counts: the view numbers each one, a job whose number is no longer the latest does not start, one
that is running stops (SQLite asks ``wanted`` every ``ASK_EVERY`` steps of its program and ends the
query when it says no: an owner change or a sync page does not leave a full scan running for
nothing, holding a CPU and the shared thread pool), and an answer to an older request is dropped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from crmdesk.model.pipeline import PipelineShape
from crmdesk.store.changes import ChangeLog
from crmdesk.store.connection import open_connection
from crmdesk.store.pipeline_stats import Activity, ClosedCell, DealCell, DealScope, PipelineStats
from crmdesk.store.schema_repo import SchemaRepo

#: SQLite program steps between two questions "still wanted?" (~1,000 per count over 100,000 deals,
#: i.e. a stop within ~1 ms; each question is one comparison: no measurable cost).
ASK_EVERY = 10_000


@dataclass(frozen=True, slots=True)
class DashboardCounts:
    """What the charts are drawn from (the period and the currency are applied later, in Python)."""

    cells: list[DealCell] = field(default_factory=list)
    closed: list[ClosedCell] = field(default_factory=list)
    activity: list[Activity] = field(default_factory=list)


class Superseded(Exception):
    """A newer request came before this one ended: it was not run, or stopped."""


def count_with(stats: PipelineStats, shape: PipelineShape, scope: DealScope, since: str,
               *, deals: bool = True, zone: tzinfo | None = None) -> DashboardCounts:
    """The dashboard's numbers from ``stats``, closing months in ``zone`` (None: the machine's);
    ``deals=False``: activity only (the owner chosen, "me", is not known: nobody's deals)."""
    cells, closed = stats.cells(shape, scope, zone) if deals else ([], [])
    return DashboardCounts(cells, closed, stats.activity(shape, since))


def count_in_file(path: Path, shape: PipelineShape, scope: DealScope, since: str, *, deals: bool = True,
                  zone: tzinfo | None = None, wanted: Callable[[], bool] = lambda: True) -> DashboardCounts:
    """Count on a connection of this thread's own, opened read-only (this never writes); stop
    (``Superseded``) as soon as ``wanted`` says no."""
    if not wanted():
        raise Superseded()
    conn = open_connection(path, readonly=True)
    try:
        conn.set_progress_handler(lambda: 0 if wanted() else 1, ASK_EVERY)  # (non-zero: interrupt)
        stats = PipelineStats(conn, SchemaRepo(conn, ChangeLog(conn)))
        return count_with(stats, shape, scope, since, deals=deals, zone=zone)
    except sqlite3.OperationalError as error:
        if not wanted():  # ("interrupted": the handler's doing)
            raise Superseded() from error
        raise
    finally:
        conn.close()
