"""Workspace settings: defaults, what is kept, and what a damaged value reads as."""

from __future__ import annotations

import pytest

from crmdesk.store import Store
from crmdesk.store.changes import ChangeSet
from crmdesk.store.settings import (
    DEFAULT_HISTORY_RETENTION_DAYS,
    DEFAULT_REMINDER_LEAD_MINUTES,
    DEFAULT_STALE_DAYS,
    STAGE_PROBABILITIES_KEY,
    STALE_DAYS_KEY,
)


def test_a_new_workspace_has_the_defaults(store: Store) -> None:
    settings = store.settings
    assert settings.stale_days == DEFAULT_STALE_DAYS == 14
    assert settings.history_retention_days == DEFAULT_HISTORY_RETENTION_DAYS == 365
    assert settings.reminder_lead_minutes == DEFAULT_REMINDER_LEAD_MINUTES
    assert settings.notify_server_notifications is False
    assert settings.stage_probabilities("deals") == {}


def test_settings_survive_reopening_the_file(store: Store) -> None:
    with store.write():
        store.settings.set_stale_days(30)
        store.settings.set_history_retention_days(90)
        store.settings.set_reminder_lead_minutes(0)
        store.settings.set_notify_server_notifications(True)
        store.settings.set_stage_probabilities("deals", {"s-lead": 0.1, "s-won": 1})
        store.settings.set_stage_probabilities("sale", {"open": 0.5})
    path = store.path
    store.close()
    with Store.open(path) as again:
        assert again.settings.stale_days == 30
        assert again.settings.history_retention_days == 90
        assert again.settings.reminder_lead_minutes == 0
        assert again.settings.notify_server_notifications is True
        assert again.settings.stage_probabilities("deals") == {"s-lead": 0.1, "s-won": 1.0}
        assert again.settings.stage_probabilities("sale") == {"open": 0.5}


@pytest.mark.parametrize("bad", [0, -3, 100_000, True])
def test_an_out_of_range_number_is_refused_with_what_is_allowed(store: Store, bad: int) -> None:
    with pytest.raises(ValueError, match="whole number from 1 to 36500"), store.write():
        store.settings.set_stale_days(bad)
    assert store.settings.stale_days == 14


def test_a_probability_outside_0_and_1_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="from 0 to 100 %"), store.write():
        store.settings.set_stage_probabilities("deals", {"s-lead": 1.5})
    assert store.settings.stage_probabilities("deals") == {}


def test_damaged_values_read_as_the_defaults(store: Store) -> None:
    with store.write():
        store.schema.set_meta(STALE_DAYS_KEY, "fortnight")
        store.schema.set_meta(STAGE_PROBABILITIES_KEY, '{"deals": {"s-lead": "high", "s-won": 1, "s-x": 7}}')
    assert store.settings.stale_days == 14
    # What reads is kept; what does not is left out (its stage takes the default).
    assert store.settings.stage_probabilities("deals") == {"s-won": 1.0}
    with store.write():
        store.schema.set_meta(STAGE_PROBABILITIES_KEY, "[[[")
    assert store.settings.stage_probabilities("deals") == {}


def test_clearing_an_objects_probabilities_keeps_the_others(store: Store) -> None:
    with store.write():
        store.settings.set_stage_probabilities("deals", {"a": 0.5})
        store.settings.set_stage_probabilities("sale", {"b": 0.25})
        store.settings.set_stage_probabilities("deals", {})
    assert store.settings.stage_probabilities("deals") == {}
    assert store.settings.stage_probabilities("sale") == {"b": 0.25}


def test_a_setting_written_is_told_to_the_listeners(store: Store) -> None:
    """Home's stale marks (and whatever else shows a setting) read again when one is saved."""
    heard: list[ChangeSet] = []
    store.add_change_listener(heard.append)
    with store.write():
        store.settings.set_stale_days(30)
        store.settings.set_reminder_lead_minutes(5)
    store.settings.set_stage_probabilities("deals", {"a": 0.5})  # outside a transaction: told at once
    assert [c.settings for c in heard] == [True, True]
    # Only a setting: tables and boards (which reset on a schema change) are left alone.
    assert not any(c.schema for c in heard)
    # Refused: nothing written, nobody told.
    with pytest.raises(ValueError), store.write():
        store.settings.set_stale_days(0)
    assert len(heard) == 2
