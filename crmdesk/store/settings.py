"""Workspace settings kept in the workspace file (``meta``): they travel with the workspace and
hold no secrets. Each has a sensible default; a value that does not read (damaged, written by
something else, out of range) reads as the default, never as an error — a setting must not stop
the window opening.

Writes go inside ``Store.write()`` (a caller's transaction). Each write is told to the store's
change listeners as a ``schema`` change (see ``WorkspaceSettings.__init__``)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from crmdesk.store.changes import ChangeLog
from crmdesk.store.schema_repo import SchemaRepo

#: A deal with no note, task or value change for this many days is marked stale on Home.
STALE_DAYS_KEY = "setting_stale_days"
DEFAULT_STALE_DAYS = 14
#: Field history older than this many days is dropped when the workspace opens.
HISTORY_RETENTION_KEY = "setting_history_retention_days"
DEFAULT_HISTORY_RETENTION_DAYS = 365
#: How long before a task's due time its first reminder comes (0: only at the due time).
REMINDER_LEAD_KEY = "setting_reminder_lead_minutes"
DEFAULT_REMINDER_LEAD_MINUTES = 10
#: Whether new server notifications also raise a desktop notification (off until chosen).
NOTIFY_SERVER_KEY = "setting_notify_server_notifications"
#: ``{"<object slug>": {"<status option id>": probability 0..1}}`` for the weighted forecast.
STAGE_PROBABILITIES_KEY = "setting_stage_probabilities"

MAX_DAYS = 36_500
MAX_LEAD_MINUTES = 7 * 24 * 60


class WorkspaceSettings:
    def __init__(self, schema: SchemaRepo, changes: ChangeLog) -> None:
        """``changes``: the store's change log. A setting written is told as a ``settings`` change,
        so what shows it (Home's stale marks, the forecast, the reminders) reads again — and only
        that: tables and boards are not reset by it."""
        self._schema = schema
        self._changes = changes

    def _set(self, key: str, value: str | None) -> None:
        self._schema.set_meta(key, value)
        self._changes.flag("settings")

    # -- whole numbers -------------------------------------------------------------------

    def _int(self, key: str, default: int, low: int, high: int) -> int:
        text = self._schema.get_meta(key)
        try:
            value = int(text) if text is not None else default
        except ValueError:
            return default
        return value if low <= value <= high else default

    def _set_int(self, key: str, value: int, low: int, high: int, what: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{what} is a whole number from {low} to {high}, not {value!r}")
        self._set(key, str(value))

    @property
    def stale_days(self) -> int:
        return self._int(STALE_DAYS_KEY, DEFAULT_STALE_DAYS, 1, MAX_DAYS)

    def set_stale_days(self, days: int) -> None:
        self._set_int(STALE_DAYS_KEY, days, 1, MAX_DAYS, "Days before a deal is stale")

    @property
    def history_retention_days(self) -> int:
        return self._int(HISTORY_RETENTION_KEY, DEFAULT_HISTORY_RETENTION_DAYS, 1, MAX_DAYS)

    def set_history_retention_days(self, days: int) -> None:
        self._set_int(HISTORY_RETENTION_KEY, days, 1, MAX_DAYS, "Days of field history kept")

    @property
    def reminder_lead_minutes(self) -> int:
        return self._int(REMINDER_LEAD_KEY, DEFAULT_REMINDER_LEAD_MINUTES, 0, MAX_LEAD_MINUTES)

    def set_reminder_lead_minutes(self, minutes: int) -> None:
        self._set_int(REMINDER_LEAD_KEY, minutes, 0, MAX_LEAD_MINUTES, "Minutes of reminder lead time")

    @property
    def notify_server_notifications(self) -> bool:
        return self._schema.get_meta(NOTIFY_SERVER_KEY) == "1"

    def set_notify_server_notifications(self, on: bool) -> None:
        self._set(NOTIFY_SERVER_KEY, "1" if on else None)

    # -- stage probabilities --------------------------------------------------------------

    def stage_probabilities(self, object_slug: str) -> dict[str, float]:
        """The probabilities the user set for ``object_slug``'s stages (option id → 0..1); the
        stages not set take ``model.pipeline.default_probabilities``. Unreadable entries are
        left out."""
        text = self._schema.get_meta(STAGE_PROBABILITIES_KEY)
        try:
            data = json.loads(text) if text else {}
        except (ValueError, RecursionError):
            return {}
        chosen = data.get(object_slug) if isinstance(data, dict) else None
        if not isinstance(chosen, dict):
            return {}
        return {
            str(stage): float(p) for stage, p in chosen.items()
            if isinstance(p, (int, float)) and not isinstance(p, bool) and 0 <= p <= 1
        }

    def set_stage_probabilities(self, object_slug: str, probabilities: Mapping[str, float]) -> None:
        for stage, p in probabilities.items():
            if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
                raise ValueError(f"A stage's probability is from 0 to 100 %, not {p!r} (stage {stage})")
        text = self._schema.get_meta(STAGE_PROBABILITIES_KEY)
        try:
            data = json.loads(text) if text else {}
        except (ValueError, RecursionError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        if probabilities:
            data[object_slug] = {stage: float(p) for stage, p in probabilities.items()}
        else:
            data.pop(object_slug, None)
        self._set(STAGE_PROBABILITIES_KEY, json.dumps(data) if data else None)
