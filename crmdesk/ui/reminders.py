"""The reminder scheduler: fires task reminders on the app's clock, and announces new server
notifications when the workspace says so.

One single-shot timer is set to the next reminder's moment, but never further than
``CHECK_EVERY_MS`` away: a laptop that slept through a moment catches up at the next look, and a
clock that jumped is read again soon. It is re-armed after every look, and a look happens when the
workspace opens (after its first sync round, ``window_reminders.py``: missed reminders then come
together, once, without tasks done elsewhere meanwhile), when tasks change (an edit here, a
sync, a snooze), and when the settings change. What fired and when lives in the workspace file
(``store/reminders.py``), so a restart neither repeats nor loses a reminder.

Each look reads ``context.now()`` only: tests step that clock and call ``check()``, no sleeping.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from crmdesk.store import StoreError
from crmdesk.store.reminders import DUE, LEAD, Reminder, parse_utc
from crmdesk.ui.desktop_notifier import DesktopNotifier
from crmdesk.ui.when import format_when

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store import Store
    from crmdesk.store.changes import ChangeSet

log = logging.getLogger(__name__)

#: The longest the scheduler goes without looking (a sleeping laptop catches up within this).
CHECK_EVERY_MS = 60_000
#: A message names at most this many tasks; the rest are counted.
LISTED = 5


def due_clock(deadline: str, now: datetime) -> str:
    """The deadline as a reminder says it, in local time: "14:00" today, "tomorrow 09:00", and
    otherwise as the timeline says a time ("yesterday 17:30", "3 Nov 14:05")."""
    moment = parse_utc(deadline)
    if moment is None:
        return ""
    local, today = moment.astimezone(), now.astimezone()
    clock = local.strftime("%H:%M")
    days = (local.date() - today.date()).days
    if days == 0:
        return clock
    if days == 1:
        return f"tomorrow {clock}"
    words = format_when(deadline, today)
    return words[0].lower() + words[1:] if words.startswith("Yesterday") else words


def reminder_line(reminder: Reminder, now: datetime) -> str:
    """"Due now", "Due in 10 min (14:00)", "Overdue since 13:00": what the reminder says of its time."""
    due = parse_utc(reminder.deadline)
    if due is None:
        return ""
    at = due_clock(reminder.deadline, now)
    left = due - now
    if left > timedelta(seconds=30):
        minutes = round(left.total_seconds() / 60)
        soon = f"{minutes} min" if minutes < 120 else f"{round(minutes / 60)} h"
        return f"Due in {soon} ({at})"
    if left > -timedelta(minutes=1):
        return f"Due now ({at})"
    return f"Overdue since {at}"


def message_for(reminders: list[Reminder], now: datetime, *, missed: bool) -> tuple[str, str]:
    """The desktop message's title and text for what fired at one look: one message for them all."""
    lines = [f"{_one_line(r.content)} — {reminder_line(r, now)}" for r in reminders[:LISTED]]
    if len(reminders) > LISTED:
        lines.append(f"and {len(reminders) - LISTED} more")
    if missed:
        title = ("A reminder" if len(reminders) == 1 else f"{len(reminders)} reminders") + \
            " came while crmdesk was closed"
        return title, "\n".join(lines)
    if len(reminders) == 1:
        [only] = reminders
        title = {LEAD: "Task due soon", DUE: "Task due"}.get(only.kind, "Reminder")
        return title, lines[0]
    return f"{len(reminders)} task reminders", "\n".join(lines)


def _one_line(text: str, limit: int = 120) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class ReminderScheduler(QObject):
    #: How many reminders wait in the in-app list.
    active_count_changed = Signal(int)

    def __init__(self, context: AppContext, notifier: DesktopNotifier, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.notifier = notifier
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        # A coarse timer may come 5 % early: a minute's wait would look before the moment.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.check)
        self._running = False
        self._first_look = True
        #: Server notifications already known (in the cache when the workspace opened, or announced).
        self._known_notifications: set[str] = set()
        #: Whether ``_known_notifications`` was taken for the open workspace (before its first sync).
        self._notifications_noted = False
        self._active_count = -1
        #: When the next look is due on the app's clock (None: not armed); the timer counts it down.
        self.next_look_at: datetime | None = None

    # -- with the workspace ----------------------------------------------------------------------

    def _open_store(self) -> Store | None:
        """The workspace's store, None when there is none or it was closed under us (a workspace
        switch or the app quitting ends it before this object hears)."""
        store = self.context.store
        return store if store is not None and store.is_open() else None

    def start(self) -> None:
        """The workspace opened: look now (what was missed comes together), then keep looking."""
        store = self._open_store()
        if store is None:
            return
        self._running = True
        self._first_look = True
        if not self._notifications_noted:
            self.note_known_notifications()
        self.check()
        # What the session's first sync brought before this look (notices then found it not running).
        self.announce_notifications()

    def note_known_notifications(self) -> None:
        """What the cache holds now was there before: only what a sync brings later is new. Called
        when the workspace opens, before its first sync (which may bring the night's mentions)."""
        store = self._open_store()
        if store is None:
            return
        self._known_notifications = {n.id for n in store.notifications.all()}
        self._notifications_noted = True

    def stop(self) -> None:
        self._running = False
        self._timer.stop()
        self.next_look_at = None
        self._known_notifications = set()
        self._notifications_noted = False
        # The next workspace's count is told even when it is the same number.
        self._active_count = -1

    @property
    def running(self) -> bool:
        return self._running

    # -- looking -------------------------------------------------------------------------------------

    @Slot()
    def check(self) -> list[Reminder]:
        """Fire what is due now, tell the desktop and the window, and set the timer for the next."""
        store = self._open_store()
        if not self._running or store is None:
            return []
        now = self.context.now()
        lead = store.settings.reminder_lead_minutes
        fired: list[Reminder] = []
        try:
            # Not durable: after a power cut, at worst a reminder comes once more.
            if store.reminders.look_needs_write(now, lead):
                with store.write(durable=False):
                    fired = store.reminders.fire_due(now, lead)
        except StoreError as error:  # locked by a long sync page, a full disk: the next look tries again
            log.info("reminders not checked this time: %s", error)
        missed, self._first_look = self._first_look and bool(fired), False
        if fired:
            title, text = message_for(fired, now, missed=missed)
            self.notifier.notify(title, text)
        self._arm(now, lead)
        self._count_active(now)
        return fired

    def _arm(self, now: datetime, lead: int) -> None:
        store = self.context.store
        assert store is not None
        soonest = store.reminders.next_moment(now, lead)
        wait = CHECK_EVERY_MS
        if soonest is not None:
            wait = max(0, min(CHECK_EVERY_MS, int((soonest - now).total_seconds() * 1000) + 1))
        self.next_look_at = now + timedelta(milliseconds=wait)
        self._timer.start(wait)

    def _count_active(self, now: datetime) -> None:
        store = self.context.store
        count = len(store.reminders.active(now)) if store is not None else 0
        if count != self._active_count:
            self._active_count = count
            self.active_count_changed.emit(count)

    # -- what changed -----------------------------------------------------------------------------------

    @Slot(object)
    def on_changed(self, changes: ChangeSet) -> None:
        """Tasks changed (an edit, a sync, a snooze): look again; notifications came: announce them."""
        if not self._running:
            return
        if changes.tasks or changes.full_reset or changes.members or changes.settings:
            self.check()
        if changes.notifications or changes.full_reset:
            self.announce_notifications()

    def settings_changed(self) -> None:
        """The lead time (or another setting) changed: the next moment may be another."""
        self.check()

    def announce_notifications(self) -> int:
        """New unread server notifications raise a desktop message when the workspace says so
        (each once); how many were announced. Known ones are remembered either way, so turning
        the setting on later does not announce the old ones."""
        store = self._open_store()
        if store is None or not self._running:
            return 0
        every = store.notifications.all()
        unread = [n for n in every if not n.read and n.id not in self._known_notifications]
        self._known_notifications.update(n.id for n in every)
        if not unread or not store.settings.notify_server_notifications:
            return 0
        if len(unread) == 1:
            [only] = unread
            self.notifier.notify(_one_line(only.title) or "New notification", _one_line(only.body, 200),
                                 "notifications")
        else:
            lines = [_one_line(n.title) for n in unread[:LISTED]]
            if len(unread) > LISTED:
                lines.append(f"and {len(unread) - LISTED} more")
            self.notifier.notify(f"{len(unread)} new notifications", "\n".join(lines), "notifications")
        return len(unread)
