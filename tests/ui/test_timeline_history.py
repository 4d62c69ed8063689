"""The record timeline shows the field history: "Stage: Proposal → Won", by whom, when; from an edit
on the page, from a colleague's change pulled from the sandbox, and never twice where the server's
own event already tells the change.

"When" is told by the app's clock (``AppContext.now``), pinned here, in a pinned time zone (UTC),
so the expected words are written out, not worked out by the code under test."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from crmdesk.context import AppContext
from crmdesk.model import TimelineEvent
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.store.field_history import LOCAL, SERVER, FieldChange
from crmdesk.ui.change_feed import ChangeFeed
from crmdesk.ui.navigation import Navigator
from crmdesk.ui.views.history_items import HISTORY_KIND
from crmdesk.ui.views.record_page import RecordPage
from crmdesk.ui.views.timeline_view import TimelineCard
from tests.sync._requests import api_patch

from ._record_links import open_page as open_record_page

pytestmark = pytest.mark.sandbox(records=30, seed=18)

#: The app's clock here, where it matters not what day the machine thinks it is.
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

#: The changes of 5, 4 and 3 January 2026 (14:02, 10:00, 10:00 UTC) as the timeline says them,
#: by the app's "now": the day after (yesterday, then this year's dates with their times), and
#: the next year (dates with their year, no time).
WHEN_SAID = {
    datetime(2026, 1, 6, 9, 0, tzinfo=UTC): ("Yesterday 14:02", "4 Jan 10:00", "3 Jan 10:00"),
    datetime(2027, 2, 1, 9, 0, tzinfo=UTC): ("5 Jan 2026", "4 Jan 2026", "3 Jan 2026"),
}


@pytest.fixture(autouse=True)
def utc_is_local(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The timeline writes times in the user's zone: UTC here, whatever the machine's."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def open_page(store: Store, record_id: str, qtbot: Any, context: AppContext) -> RecordPage:
    page = open_record_page(context, qtbot, record_id)
    # The window's wiring: the store's commits reach the page as change notices.
    feed = ChangeFeed(page, interval_ms=0)
    feed.watch(store)
    feed.dispatched.connect(page.on_changed)
    return page


def history_cards(page: RecordPage) -> list[TimelineCard]:
    return [card for card in page.timeline.cards if card.item.kind == HISTORY_KIND]


def stage_ids(store: Store) -> dict[str, str]:
    stage = store.schema.get_object("deals").attribute("stage")  # type: ignore[union-attr]
    return {option.title: option.id for option in stage.options}  # type: ignore[union-attr]


def a_deal_in(store: Store, stage: str) -> str:
    wanted = stage_ids(store)[stage]
    deals = store.records.rows(store.records.query_ids("deals"))
    deal = next((d for d in deals if d.values.get("stage") == wanted), None)
    if deal is None:  # the seed put none there: move one first (as the server has it)
        deal = deals[0]
        with store.write():
            store.records.set_values(store.schema.get_object("deals"), deal.id,  # type: ignore[arg-type]
                                     {**deal.values, "stage": wanted}, None)
    return deal.id


def test_an_edit_on_the_page_shows_as_mine(server_synced_store: Store, qtbot: Any, ui_context: Any) -> None:
    store = server_synced_store
    deal = a_deal_in(store, "Proposal")
    page = open_page(store, deal, qtbot, ui_context(store, navigator=Navigator(), now=lambda: NOW))
    assert history_cards(page) == []
    # The user tabs into the form's stage field and types W: Won is chosen (and saved) at once.
    combo = page.form.fields["stage"].findChild(QComboBox)
    assert combo is not None and combo.currentText() == "Proposal"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_W)
    qtbot.waitUntil(lambda: len(history_cards(page)) == 1)
    assert combo.currentText() == "Won"
    assert store.records.get(deal).values["stage"] == stage_ids(store)["Won"]  # type: ignore[union-attr]
    card = history_cards(page)[0]
    assert card.title_label.text() == "Stage: Proposal → Won"
    assert card.when_label.text().startswith("by you · ")
    assert page.timeline.cards[0] is card, "the newest item comes first"
    # The edit is stamped when it was made (the store's time); the page tells it against the app's
    # clock. Opened again the same moment, then a day later: today, then yesterday, at that time.
    stamp = store.history.for_record(deal)[0].changed_at
    made = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    for now, day in ((made, "Today"), (made + timedelta(days=1), "Yesterday")):
        again = open_page(store, deal, qtbot, ui_context(store, navigator=Navigator(), now=lambda at=now: at))
        assert history_cards(again)[0].when_label.text() == f"by you · {day} {made:%H:%M}"


def test_a_colleagues_change_pulled_from_the_server(server_synced_store: Store, server: SandboxServer,
                                                    sync_from: Any, qtbot: Any, ui_context: Any) -> None:
    store = server_synced_store
    deal = store.records.rows(store.records.query_ids("deals"))[1]
    titles = {v: k for k, v in stage_ids(store).items()}
    old = titles[deal.values["stage"]]
    new = "Lost" if old != "Lost" else "Won"
    api_patch(server, "deals", deal.id, {"stage": stage_ids(store)[new]})
    page = open_page(store, deal.id, qtbot, ui_context(store, navigator=Navigator()))
    assert sync_from(store, server) == "synced"
    qtbot.waitUntil(lambda: len(history_cards(page)) == 1)
    card = history_cards(page)[0]
    assert card.title_label.text() == f"Stage: {old} → {new}"
    assert card.when_label.text().startswith("on the server · ")


@pytest.mark.parametrize("now", list(WHEN_SAID), ids=["next-day", "next-year"])
@pytest.mark.parametrize("told_by_server", [False, True])
def test_names_empty_values_and_the_servers_own_events(server_synced_store: Store, qtbot: Any, ui_context: Any,
                                                       told_by_server: bool, now: datetime) -> None:
    store = server_synced_store
    ids = stage_ids(store)
    deal = store.records.rows(store.records.query_ids("deals"))[2].id
    colleague, me = store.schema.members()[-1], store.schema.members()[0]
    with store.write():
        store.schema.set_me(me.id)
        store.history.add([
            FieldChange(deal, "deals", "stage", ids["Lead"], ids["Won"], "2026-01-05T14:02:00.000Z",
                        colleague.actor_id, SERVER),
            FieldChange(deal, "deals", "name", None, "<b>Big</b>", "2026-01-04T10:00:00.000Z", me.actor_id, SERVER),
            FieldChange(deal, "deals", "expected_close_date", "2026-02-01", None, "2026-01-03T10:00:00.000Z",
                        None, SERVER),
        ])
        if told_by_server:
            # The server's own account of the stage move (as a dialect with value history stores it).
            store.timeline.put_many([TimelineEvent(
                "ev-1", deal, "attribute_changed", "Stage: Lead → Won", "2026-01-05T14:02:01.000Z", None,
                colleague.actor_id, {"attribute": "stage", "before": [ids["Lead"]], "after": [ids["Won"]]})])
    page = open_page(store, deal, qtbot, ui_context(store, navigator=Navigator(), now=lambda: now))
    QApplication.processEvents()
    shown = [(c.title_label.text(), c.when_label.text()) for c in history_cards(page)]
    fifth, fourth, third = WHEN_SAID[now]
    stage_line = ("Stage: Lead → Won", f"by {colleague.name} · {fifth}")
    rest = [("Name: set to <b>Big</b>", f"by you · {fourth}"),
            ("Expected Close Date: cleared (was Feb 1, 2026)", f"on the server · {third}")]
    assert shown == (rest if told_by_server else [stage_line, *rest])
    server_events = [c.title_label.text() for c in page.timeline.cards if c.item.kind == "attribute_changed"]
    assert server_events == (["Stage: Lead → Won"] if told_by_server else [])


def test_a_stage_moved_twice_shows_twice_beside_one_server_event(tmp_path: Path, server_synced_store: Store,
                                                                  qtbot: Any, ui_context: Any) -> None:
    store = server_synced_store
    ids = stage_ids(store)
    deal = store.records.rows(store.records.query_ids("deals"))[3].id
    with store.write():
        store.history.add([
            FieldChange(deal, "deals", "stage", ids["Lead"], ids["Won"], f"2026-01-0{day}T10:00:00.000Z", None, SERVER)
            for day in (2, 6)])
        store.timeline.put_many([TimelineEvent(
            "ev-2", deal, "attribute_changed", "Stage: Lead → Won", "2026-01-06T10:00:00.000Z", None, None,
            {"attribute": "stage", "before": [ids["Lead"]], "after": [ids["Won"]]})])
    page = open_page(store, deal, qtbot, ui_context(store, navigator=Navigator()))
    # The event tells the nearer move (6 January); the one of 2 January is shown from the history.
    assert [c.item.when for c in history_cards(page)] == ["2026-01-02T10:00:00.000Z"]


def test_an_old_server_event_never_hides_a_new_change_of_the_same_values(server_synced_store: Store, qtbot: Any,
                                                                         ui_context: Any) -> None:
    """Won a year ago (the server's event is cached), reopened, and won again offline: the new move shows."""
    store = server_synced_store
    ids = stage_ids(store)
    deal = store.records.rows(store.records.query_ids("deals"))[4].id
    with store.write():
        store.timeline.put_many([TimelineEvent(
            "ev-old", deal, "attribute_changed", "Stage: Lead → Won", "2025-01-06T10:00:00.000Z", None, None,
            {"attribute": "stage", "before": [ids["Lead"]], "after": [ids["Won"]]})])
        store.history.add([FieldChange(deal, "deals", "stage", ids["Lead"], ids["Won"], "2026-01-06T10:00:00.000Z",
                                       None, LOCAL)])
    page = open_page(store, deal, qtbot, ui_context(store, navigator=Navigator()))
    assert [c.title_label.text() for c in history_cards(page)] == ["Stage: Lead → Won"]
    assert [c.item.when for c in history_cards(page)] == ["2026-01-06T10:00:00.000Z"]
