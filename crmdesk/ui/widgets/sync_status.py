"""The status bar's sync part: what sync is doing, when it last finished, and what still waits.

The words are ``sync_words``'s; this widget decides *when* to show which:

* **What waits** (right side) is counted from the window's store, refused changes included;
  there is no worker before the sync starts, or at all when signed out. It is counted again
  when a change notice (the window's change feed: a local edit, the worker's writes, another
  process) names the outbox or the conflicts, and as the worker reports sending.
  Counts wait for the next turn of the event loop: a bulk edit of many transactions counts once.
* **No flicker.** An attempt keeps the previous words for its first ``GRACE_MS``: a background
  round that sends or checks in a few milliseconds leaves "Up to date" standing instead of
  flashing another word. After a failure the worker retries by itself; that attempt reads
  "Offline — trying again…" (never "Syncing…" and back) until the server has answered.
* **The retry countdown** is worked out from a clock (injectable for tests) on each tick of a
  one-second timer, so a late tick never shows a wrong number.
* The state label takes the room left and elides; the progress bar takes its room from the
  label. Nothing else moves when the state changes.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from crmdesk.model import MutationState
from crmdesk.store import StoreError
from crmdesk.ui.icons import action_icon, sync_state_icon
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.sync_words import (
    RETRYING_STATES,
    STATE_WORDS,
    Waiting,
    activity_words,
    attempt_words,
    proves_server_answers,
    retry_words,
    state_tooltip,
    state_words,
)

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store import Store
    from crmdesk.store.changes import ChangeSet

log = logging.getLogger(__name__)

#: How long an attempt keeps the words shown before it (the no-flicker rule above).
GRACE_MS = 300
#: The countdown's step.
TICK_MS = 1000
#: The state label never gets narrower than this text: the usual states are never cut.
_NARROWEST = "Offline — retrying in 300 s"


def count_waiting(store: Store) -> Waiting:
    """Every outbox row is something the server does not have: refused ones are told apart
    (they wait for the user), the rest wait for the sync (pending, in flight, held)."""
    refused = store.outbox.count(MutationState.REJECTED)
    return Waiting(waiting=store.outbox.count() - refused, refused=refused, conflicts=store.conflicts.count())


class ElidedLabel(QLabel):
    """A one-line plain-text label painted cut with "…" to the room it is given: however long a
    phase's words, the status bar does not widen and nothing next to it moves. ``text()`` stays
    whole (tests and screen readers read it)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance(_NARROWEST))

    def paintEvent(self, _event: Any) -> None:  # Qt override
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter = QPainter(self)
        self.style().drawItemText(painter, rect, int(self.alignment()), self.palette(), self.isEnabled(),
                                  shown, self.foregroundRole())
        painter.end()


class SyncStatusWidget(QWidget):
    pending_clicked = Signal()
    conflicts_clicked = Signal()

    def __init__(self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._clock = clock
        self._context: AppContext | None = None
        self.status = "idle"
        self._message = ""
        #: When the worker tries again (``clock`` time), while it waits after a failure.
        self._retry_at: float | None = None
        #: "offline"/"error" while the running attempt is the worker's retry and the server has
        #: not answered yet: it keeps that state's words.
        self._retrying_after: str | None = None
        #: The running attempt's latest activity: words, done, total.
        self._activity: tuple[str, int, int] | None = None
        self._build()
        self._grace = QTimer(self)
        self._grace.setSingleShot(True)
        self._grace.setInterval(GRACE_MS)
        self._grace.timeout.connect(self._render)
        self._countdown = QTimer(self)
        self._countdown.setInterval(TICK_MS)
        self._countdown.setTimerType(Qt.TimerType.PreciseTimer)
        self._countdown.timeout.connect(self.tick)
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(0)
        self._recount.timeout.connect(self.refresh_counts)
        self._render()

    def _build(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.state_icon = QLabel()
        self.state_label = ElidedLabel(STATE_WORDS["idle"])
        self.progress = QProgressBar()
        self.progress.setFixedWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.last_sync = QLabel("")
        self.last_sync.setTextFormat(Qt.TextFormat.PlainText)
        self.conflicts_button = self._button("Open the conflicts", self.conflicts_clicked)
        self.conflicts_button.setIcon(action_icon("conflicts"))
        self.refused_button = self._button("Open Pending changes", self.pending_clicked)
        self.refused_button.setIcon(action_icon("refused"))
        self.pending_button = self._button("Open Pending changes", self.pending_clicked)
        layout.addWidget(self.state_icon)
        layout.addWidget(self.state_label, 1)
        for widget in (self.progress, self.last_sync, self.conflicts_button, self.refused_button,
                       self.pending_button):
            layout.addWidget(widget)

    def _button(self, tooltip: str, clicked: Any) -> QPushButton:
        button = QPushButton("")
        button.setFlat(True)
        button.setToolTip(tooltip)
        button.clicked.connect(clicked)
        button.hide()
        return button

    # -- the state ------------------------------------------------------------------------------

    @Slot(str, str)
    def show_state(self, status: str, message: str) -> None:
        previous = self.status
        if status == "syncing":
            if previous == "syncing":
                return  # the window announced the worker's first round; the worker says it again
            self._activity = None
            self._retry_at = None
            self._countdown.stop()
            self._retrying_after = previous if previous in RETRYING_STATES else None
            if self._retrying_after is None:
                self._message = ""
                self._grace.start()
        else:
            self._grace.stop()
            self._retrying_after = None
            self._activity = None
            self._message = message
            if status not in RETRYING_STATES:
                self._retry_at = None
                self._countdown.stop()
        self.status = status
        self._render()

    @Slot(str, int, int)
    def show_progress(self, phase: str, done: int, total: int) -> None:
        if self.status != "syncing":
            return
        if self._retrying_after is not None and proves_server_answers(phase):
            self._retrying_after = None  # back online: say what it does
        if phase == "push":
            self._recount.start()  # each change sent leaves the outbox: "3 changes waiting" goes down
        words = activity_words(phase, done, total, self._plural_name)
        if words is not None:
            self._activity = (words, done, total)
        self._render()

    @Slot(int)
    def show_retry(self, ms: int) -> None:
        """The worker tries again in ``ms`` milliseconds (its ``retry_scheduled`` signal)."""
        self._retry_at = self._clock() + ms / 1000
        self._countdown.start()
        self._render()

    @Slot()
    def tick(self) -> None:
        """One second of the countdown went by (the countdown timer's slot)."""
        if self._retry_at is None or self._retry_at - self._clock() < 0.5:
            self._countdown.stop()  # the attempt is due: its own state comes next
        self._render()

    def _render(self) -> None:
        status = self.status
        shown_activity = None
        if status == "syncing":
            if self._grace.isActive():
                return  # keep the previous words (the no-flicker rule)
            if self._retrying_after is not None:
                text = attempt_words(self._retrying_after)
                tooltip = state_tooltip(self._retrying_after, self._message)
            else:
                shown_activity = self._activity
                text = shown_activity[0] if shown_activity else state_words(status)
                tooltip = ""
        elif status in RETRYING_STATES and self._retry_at is not None:
            text = retry_words(status, self._retry_at - self._clock())
            tooltip = state_tooltip(status, self._message)
        else:
            text = state_words(status)
            tooltip = state_tooltip(status, self._message)
        self.state_label.setText(text)
        self.state_icon.setPixmap(sync_state_icon(self._retrying_after or status).pixmap(16, 16))
        self.state_label.setToolTip(plain_tooltip(tooltip))
        if shown_activity is not None and shown_activity[2] > 0:
            self.progress.setRange(0, shown_activity[2])
            self.progress.setValue(min(shown_activity[1], shown_activity[2]))
            self.progress.show()
        else:
            self.progress.hide()

    def _plural_name(self, slug: str) -> str | None:
        store = self._store()
        obj = store.schema.get_object(slug) if store is not None else None
        return obj.plural_name if obj is not None else None

    def show_last_sync(self, text: str) -> None:
        self.last_sync.setText(text)

    # -- what waits -----------------------------------------------------------------------------

    def watch(self, context: AppContext) -> None:
        """Count what waits in ``context``'s store now; call again when the context gets another
        store (or none). The window calls ``on_changed`` with every change notice after that."""
        self._context = context
        self.refresh_counts()

    def _store(self) -> Store | None:
        # Read from the context each time: the window closes a store and sets None together.
        return self._context.store if self._context is not None else None

    def on_changed(self, changes: ChangeSet) -> None:
        """A change notice from the window's feed (a local edit, the worker's push, another
        process): count again once the event loop turns, if the queue or the conflicts moved."""
        if changes.outbox or changes.conflicts or changes.full_reset:
            self._recount.start()

    @Slot()
    def refresh_counts(self, *_: object) -> None:
        """Count what waits in the store now."""
        store = self._store()
        if store is None:
            self.show_counts(None)
            return
        try:
            counts = count_waiting(store)
        except (sqlite3.Error, StoreError) as error:
            # A locked or damaged file: what to do is said where it was opened or written; keep
            # the last counts rather than show "All saved".
            log.info("could not count the changes waiting: %s", error)
            return
        self.show_counts(counts)

    def show_counts(self, counts: Waiting | None) -> None:
        """``None``: no workspace, nothing to count."""
        if counts is None:
            for button in (self.pending_button, self.refused_button, self.conflicts_button):
                button.hide()
            return
        self.pending_button.setText(counts.waiting_words())
        self.pending_button.setIcon(action_icon("all_saved" if counts.all_saved else "pending"))
        self.pending_button.setVisible(counts.all_saved or counts.waiting > 0)
        self.refused_button.setText(counts.refused_words())
        self.refused_button.setVisible(counts.refused > 0)
        self.conflicts_button.setText(counts.conflicts_words())
        self.conflicts_button.setVisible(counts.conflicts > 0)
