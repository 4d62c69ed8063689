"""Home, "My work": what a salesperson opening the laptop should do today.

Four sections, each one list (Tab goes from list to list, the arrows move within one): my tasks
due (overdue, today, the next 7 days), my open deals by close date with the quiet ones marked
stale, the records I viewed lately, and how many records each object holds. Wide windows show
them two by two; middling ones (a 1024 px window beside the sidebar) put the work one above the
other with the short lists in a column aside, so all four fit a 1024×700 window; narrow ones
show them one under another, scrolled.

"Today" and "stale" are measured against ``context.now()`` (tests pin it) read in the user's
time zone. Everything comes from the local store in a few limited SQL queries
(``store/my_work.py``), so Home opens as fast over 100,000 deals as over 50, offline too.

A change notice reads again only the sections it can touch (an edit to a person leaves the task
and deal lists alone; the cheap recent and count lists are re-read and refilled only when they
differ), and a refill keeps each list's chosen row and scroll. A new day is noticed by a check of
``context.now()`` once a minute and whenever the application becomes active again: a QTimer set
for midnight would not do, as its countdown stops while the laptop sleeps.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QLocale, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.store.my_work import MyWork
from crmdesk.store.task_owner import my_ids
from crmdesk.ui.formatting import ValueFormatter
from crmdesk.ui.recent_visits import watch_visits
from crmdesk.ui.task_done import set_task_done
from crmdesk.ui.theme import scaled_font
from crmdesk.ui.widgets.home_counts import CountsSection
from crmdesk.ui.widgets.home_deals import DealsSection
from crmdesk.ui.widgets.home_recent import RecentSection
from crmdesk.ui.widgets.home_section import HomeSection, plain_label
from crmdesk.ui.widgets.home_tasks import TasksSection
from crmdesk.ui.widgets.section import muted

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store.changes import ChangeSet

#: From this width the sections sit two by two.
TWO_COLUMNS_FROM = 900
#: From this width (and below ``TWO_COLUMNS_FROM``) tasks and deals are one above the other, the
#: recent records and counts in a narrower column beside them; below it, everything in one column.
ASIDE_FROM = 640
#: The aside column's least width: the record counts' names and numbers side by side.
ASIDE_MIN_WIDTH = 210
#: How the sections are arranged, by the view's width.
TWO_BY_TWO, WORK_AND_ASIDE, ONE_COLUMN = "two by two", "work and aside", "one column"
RECENT_SHOWN = 8
SECTION_GAP = 24
#: How often the day is looked at again (a sleeping laptop's timers do not run: see the docstring).
DAY_CHECK_MS = 60_000
#: What a refresh reads: each section's own part.
TASKS, DEALS, RECENT, COUNTS = "tasks", "deals", "recent", "counts"
EVERYTHING = frozenset({TASKS, DEALS, RECENT, COUNTS})


class HomeView(QWidget):
    def __init__(self, context: AppContext, _argument: str = "", parent: QWidget | None = None,
                 *, zone: tzinfo | None = None) -> None:
        """``zone``: the user's time zone (None: the machine's)."""
        super().__init__(parent)
        self.context = context
        self.zone = zone
        # Home is usually the first view built: from here on, opened records are kept for the palette.
        watch_visits(context)
        self.formatter = ValueFormatter()
        #: Tasks ticked done here since Home was last shown: they stay, ticked, until it is left.
        self._ticked: set[str] = set()
        #: The sections a waiting refresh will read again (notices merged).
        self._pending: set[str] = set()
        #: Hidden since the sections were last read: shown again, they are read again.
        self._hidden_since_read = False
        self._refresh_soon = QTimer(self)
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(0)  # one refresh for a burst of notices
        self._refresh_soon.timeout.connect(self._read_pending)
        #: The day the sections were read for; another day (midnight passed, the laptop woke up)
        #: and today's tasks are overdue, next week's come into view.
        self._shown_day: date | None = None
        self._day_check = QTimer(self)
        self._day_check.setInterval(DAY_CHECK_MS)
        self._day_check.timeout.connect(self.check_day)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._application_state_changed)
        #: What the last refresh found, so a notice reads again only what it can touch.
        self._task_records: set[str] = set()
        self._deals_object: str | None = None
        self._recent_shown: list[tuple[str, str, str]] | None = None
        self._counts_shown: list[tuple[str, str, int]] | None = None

        self.heading = plain_label()
        self.heading.setFont(scaled_font(self.heading.font(), "title"))
        self.today_label = muted("")
        self.message = plain_label()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.message.hide()

        self.tasks = TasksSection()
        self.deals = DealsSection(self.formatter)
        self.recent = RecentSection()
        self.counts = CountsSection()
        self.tasks.toggled.connect(self._tick)
        for section in self.sections():
            section.open_requested.connect(self._go)  # type: ignore[attr-defined]

        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(SECTION_GAP)
        self.grid.setVerticalSpacing(SECTION_GAP // 2)
        self._arrangement = ""
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(32, 24, 32, 24)
        page_layout.setSpacing(2)
        page_layout.addWidget(self.heading)
        page_layout.addWidget(self.today_label)
        page_layout.addSpacing(8)
        page_layout.addWidget(self.message)
        page_layout.addLayout(self.grid, 1)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroller.setWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroller)
        self._arrange(TWO_BY_TWO)
        # Section by section whatever the arrangement (all are in this window now).
        QWidget.setTabOrder(self.tasks.list, self.deals.list)
        QWidget.setTabOrder(self.deals.list, self.recent.list)
        QWidget.setTabOrder(self.recent.list, self.counts.list)
        self.refresh()

    def sections(self) -> tuple[HomeSection, ...]:
        return (self.tasks, self.deals, self.recent, self.counts)

    def focus_target(self) -> QWidget | None:
        """Where focus goes when Home is navigated to: the first section with a list; None while
        every section shows its empty state (the scroller would only draw a focus ring around the
        whole page)."""
        return next((s.list for s in self.sections() if s.showing_list()), None)

    # -- layout -----------------------------------------------------------------------------------

    def _arrange(self, arrangement: str) -> None:
        if arrangement == self._arrangement:
            return
        self._arrangement = arrangement
        for section in self.sections():
            self.grid.removeWidget(section)
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 0)
            self.grid.setColumnMinimumWidth(column, 0)
        top = Qt.AlignmentFlag.AlignTop
        if arrangement == TWO_BY_TWO:
            # The work first, side by side; where to go next below it.
            for section, (row, column) in zip(self.sections(), ((0, 0), (0, 1), (1, 0), (1, 1)), strict=True):
                # The short lists below hang from one line, whatever their lengths.
                self.grid.addWidget(section, row, column, alignment=top if row else Qt.AlignmentFlag(0))
            # Deals carry five columns, tasks three: the deals get the wider half.
            self.grid.setColumnStretch(0, 2)
            self.grid.setColumnStretch(1, 3)
            self.grid.setRowStretch(0, 1)  # the work takes the height; the short lists below fit theirs
        elif arrangement == WORK_AND_ASIDE:
            # The deals' five columns need the width: the work on the left, one above the other;
            # the short lists hang beside it.
            self.grid.addWidget(self.tasks, 0, 0)
            self.grid.addWidget(self.deals, 1, 0)
            self.grid.addWidget(self.recent, 0, 1, alignment=top)
            self.grid.addWidget(self.counts, 1, 1, alignment=top)
            self.grid.setColumnStretch(0, 3)
            self.grid.setColumnStretch(1, 1)
            self.grid.setColumnMinimumWidth(1, ASIDE_MIN_WIDTH)
            self.grid.setRowStretch(0, 2)
            self.grid.setRowStretch(1, 3)
        else:
            for row, section in enumerate(self.sections()):
                self.grid.addWidget(section, row, 0)
                self.grid.setRowStretch(row, 1 if section in (self.tasks, self.deals) else 0)
            self.grid.setColumnStretch(0, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        width = event.size().width()
        self._arrange(TWO_BY_TWO if width >= TWO_COLUMNS_FROM else WORK_AND_ASIDE if width >= ASIDE_FROM
                      else ONE_COLUMN)
        super().resizeEvent(event)

    # -- reading the store ------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.context.now().astimezone(self.zone)

    def refresh(self) -> None:
        """Read every section again now."""
        self._pending.update(EVERYTHING)
        self._read_pending()

    def _read_pending(self) -> None:
        self._refresh_soon.stop()
        self._hidden_since_read = False
        parts, self._pending = self._pending, set()
        store = self.context.store
        if store is not None and not store.is_open():
            return  # the workspace closed while a refresh waited: the window replaces this view
        if store is None:
            self.heading.setText("Welcome to crmdesk")
            self.today_label.setText("")
            for section in self.sections():
                section.hide()
            return
        now = self.now()
        day = now.date()
        self._shown_day = day
        workspace = store.schema.workspace()
        self.heading.setText(workspace.name if workspace else "Your workspace")
        self.today_label.setText(QLocale().toString(QDate(day.year, day.month, day.day),
                                                    QLocale.FormatType.LongFormat))
        work = MyWork(store)
        known = bool(my_ids(store.schema))
        if TASKS in parts:
            tasks = work.tasks(now, keep=self._ticked) if known else None
            self.tasks.fill(tasks, day)
            self._task_records = {row.record_id for row in tasks.tasks if row.record_id} if tasks else set()
        if DEALS in parts:
            stale_days = store.settings.stale_days
            deals = work.deals(now, stale_days) if known else None
            self.deals.fill(deals, stale_days, StoreDisplayContext(store, self.zone or now.tzinfo))
            self._deals_object = deals.shape.obj.slug if deals is not None and deals.shape is not None else None
        objects = store.schema.objects()
        if RECENT in parts:
            records = store.recent.records(RECENT_SHOWN)
            shown = [(r.id, r.title, r.object_slug) for r in records]
            if shown != self._recent_shown:  # 8 rows are cheap to read; a refill is what the user sees
                self.recent.fill(records, {slug: obj.singular_name for slug, obj in objects.items()})
                self._recent_shown = shown
        if COUNTS in parts:
            counts = [(f"object:{slug}", name, count) for slug, name, count in work.record_counts()]
            if counts:
                counts += [("tasks", "Open tasks", work.open_task_count()),
                           ("notifications", "Unread notifications", store.notifications.unread_count())]
            if counts != self._counts_shown:
                self.counts.fill(counts)
                self._counts_shown = counts

    def on_changed(self, changes: ChangeSet) -> None:
        if changes.id_changes:
            self._ticked = {changes.id_changes.get(t, t) for t in self._ticked}
        parts = self._parts_touched(changes)
        if parts:
            self._pending.update(parts)
            self._refresh_soon.start()

    def _parts_touched(self, changes: ChangeSet) -> set[str]:
        """The sections ``changes`` can alter. Who "me" is (members), the workspace's schema and
        settings, new ids or a reset: all of them."""
        if changes.full_reset or changes.schema or changes.members or changes.id_changes:
            return set(EVERYTHING)
        if changes.settings:  # the days before a deal is stale
            return {DEALS}
        parts = set()
        if changes.tasks or changes.record_ids & self._task_records:  # a task, or the record it is for
            parts.add(TASKS)
        # A deal, or a note or task that makes one fresh again.
        if changes.notes or changes.tasks or (self._deals_object is not None and self._deals_object in changes.objects):
            parts.add(DEALS)
        if changes.objects:
            parts.update((RECENT, COUNTS))  # a title among the recent, a record added or gone
        if changes.tasks or changes.notifications:
            parts.add(COUNTS)
        return parts

    def check_day(self) -> None:
        """Read everything again when the user's day is no longer the one shown (midnight passed,
        perhaps while the laptop slept)."""
        if self.isVisible() and self._shown_day is not None and self.now().date() != self._shown_day:
            self.refresh()

    def _application_state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check_day()  # back from sleep or from another application

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._hidden_since_read:
            # Shown again: records visited elsewhere since, and perhaps a new day. (Not when first
            # shown: the view was read as it was built, and a second read would double its opening.)
            self._pending.update(EVERYTHING)
            self._refresh_soon.start()
        self._day_check.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._hidden_since_read = True
        self._refresh_soon.stop()  # out of sight, notices are held for it until shown again
        self._day_check.stop()  # the day is read again when it is shown
        self._ticked.clear()  # ticked tasks leave Home once the user has moved on

    # -- acting -------------------------------------------------------------------------------------

    def _tick(self, task_id: str, done: bool) -> None:
        self.message.hide()
        if done:
            self._ticked.add(task_id)
        set_task_done(self.context, task_id, done, failed=self._failed)
        # After the click or key that ticked it has finished with the row.
        self._pending.add(TASKS)
        self._refresh_soon.start()

    def _failed(self, message: str) -> None:
        self.message.setText(f"The task could not be changed: {message}")
        self.message.show()

    def _go(self, target: str) -> None:
        if self.context.navigator is not None:
            self.context.navigator.go(target)
