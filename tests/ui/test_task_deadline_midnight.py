"""A time picked in the task dialog that lands on midnight UTC (09:00 in Tokyo, 19:00 in New York
in winter) still reminds: servers keep bare dates as midnight UTC, so it is written a second later."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime

from crmdesk.store.reminders import has_time_of_day
from crmdesk.ui.dialogs.task_dialog import deadline_text


def picked(moment: datetime) -> QDateTime:
    """What the picker holds for ``moment``: the same instant in the machine's own zone."""
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def test_a_time_picked_on_midnight_utc_is_a_moment_that_reminds() -> None:
    text = deadline_text(picked(datetime(2026, 11, 24, 0, 0, tzinfo=UTC)))
    assert text == "2026-11-24T00:00:01.000Z"
    assert has_time_of_day(text)
    assert not has_time_of_day("2026-11-24T00:00:00.000Z")  # a server's bare date stays a day


def test_any_other_time_is_written_as_picked() -> None:
    assert deadline_text(picked(datetime(2026, 11, 24, 14, 30, tzinfo=UTC))) == "2026-11-24T14:30:00.000Z"
