"""Reminders: the task reminders that fired and wait for the user, with Done, Snooze and Dismiss.

The desktop's notifications cannot carry buttons through Qt, so this list is where a reminder is
acted on; a click on a notification opens it. Done completes the task the way the Tasks view
does (queued for the server); Snooze (10 minutes, 1 hour, tomorrow 9:00) and Dismiss change only
the reminder, kept in the workspace file. Enter opens the task's first linked record.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmdesk.store import StoreError
from crmdesk.store.reminders import DUE, SNOOZE_1_HOUR, SNOOZE_10_MINUTES, SNOOZE_TOMORROW, Reminder, snooze_until
from crmdesk.store.task_owner import my_ids
from crmdesk.ui.record_menu import add_record_openers
from crmdesk.ui.reminders import reminder_line
from crmdesk.ui.task_done import set_task_done
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.views.notes_view import empty_state, heading

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store.changes import ChangeSet

COL_TASK, COL_WHEN, COL_LINKS = range(3)
TaskIdRole = Qt.ItemDataRole.UserRole
RecordIdsRole = Qt.ItemDataRole.UserRole + 1
#: The snooze menu's entries: what the user reads → the store's choice.
SNOOZE_MENU = (("For 10 minutes", SNOOZE_10_MINUTES), ("For 1 hour", SNOOZE_1_HOUR),
               ("Until tomorrow 9:00", SNOOZE_TOMORROW))
#: Reminders are for my tasks only: with "me" unknown there are none, and the view says how to choose.
NO_ME_TEXT = ("Reminders come for your tasks: those assigned to you, and those nobody is assigned that you made.\n\n"
              "Choose who you are first: Workspace ▸ Settings ▸ Members… ▸ This is me.")
EMPTY_TEXT = ("No reminders waiting.\n\nA task with a due time reminds you here, and on the desktop, "
              "{lead}when it is due.\nThe lead time is in Workspace ▸ Settings ▸ Home, history and reminders…")


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class RemindersView(QWidget):
    def __init__(self, context: AppContext, _argument: str = "", parent: QWidget | None = None, *,
                 tz: tzinfo | None = None) -> None:
        super().__init__(parent)
        assert context.store is not None
        self.context = context
        #: The user's zone for "tomorrow 9:00" (None: the machine's; times read in the machine's).
        self.tz = tz
        self._reminders: list[Reminder] = []
        #: The row the user was on, for when its reminder goes (the next one takes its place).
        self._last_row = 0

        self.count_label = _plain_label()
        self.message_label = _plain_label()
        self.message_label.setObjectName("error")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        self.empty_label = empty_state("")
        self.empty_label.setWordWrap(True)
        self.empty_label.setMinimumHeight(96)

        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Reminders")
        self.tree.setHeaderLabels(["Task", "When", "Linked to"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemActivated.connect(lambda _item, _column: self.open_record())
        self.tree.currentItemChanged.connect(lambda *_: self._enable_buttons())
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_TASK, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_WHEN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_LINKS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_LINKS, 200)

        self.done_button = QPushButton("&Done")
        self.done_button.setToolTip("Mark the task done (Ctrl+Enter)")
        self.done_button.clicked.connect(lambda: self.done())
        self.snooze_button = QToolButton()
        self.snooze_button.setText("&Snooze")
        self.snooze_button.setToolTip("Remind me again later")
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.snooze_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.snooze_menu = QMenu(self.snooze_button)
        self.snooze_actions: dict[str, QAction] = {}
        for text, choice in SNOOZE_MENU:
            action = self.snooze_menu.addAction(text)
            action.triggered.connect(lambda _=False, choice=choice: self.snooze(choice))
            self.snooze_actions[choice] = action
        self.snooze_button.setMenu(self.snooze_menu)
        self.dismiss_button = QPushButton("D&ismiss")
        self.dismiss_button.setToolTip("Take the reminder off the list; the task stays open (Delete)")
        self.dismiss_button.clicked.connect(lambda: self.dismiss())
        self.open_button = QPushButton("&Open record")
        self.open_button.setToolTip("Open the task's linked record (Enter)")
        self.open_button.clicked.connect(self.open_record)
        # Keys on the list: Ctrl+Enter completes, Delete dismisses (Enter opens, as in Tasks).
        self.tree.installEventFilter(self)

        top = QHBoxLayout()
        top.addWidget(heading("Reminders"))
        top.addWidget(self.count_label)
        top.addStretch(1)
        # The actions sit under the list, and go with it when nothing waits.
        self.button_row = QWidget()
        buttons = QHBoxLayout(self.button_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.done_button, self.snooze_button, self.dismiss_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.button_row)
        self.setTabOrder(self.tree, self.done_button)
        self.setTabOrder(self.done_button, self.snooze_button)
        self.setTabOrder(self.snooze_button, self.dismiss_button)
        self.setTabOrder(self.dismiss_button, self.open_button)
        self.reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.done()
                return True
            if event.key() == Qt.Key.Key_Delete and not event.modifiers():
                self.dismiss()
                return True
        return super().eventFilter(watched, event)

    def focus_target(self) -> QWidget:
        """Where the keyboard goes when the view is shown: the list (Ctrl+Enter done, Delete dismiss)."""
        return self.tree

    # -- reading -----------------------------------------------------------------------------------

    def reload(self) -> None:
        store = self.context.store
        assert store is not None
        now = self.context.now()
        current = self.selected_task_id()
        self._reminders = store.reminders.active(now)
        tasks = store.tasks.get_many(r.task_id for r in self._reminders)
        linked_ids = [rid for t in tasks.values() if t is not None for rid in t.record_ids]
        titles = store.records.titles(linked_ids) if linked_ids else {}
        self.tree.clear()
        for reminder in self._reminders:
            task = tasks.get(reminder.task_id)
            record_ids = list(task.record_ids) if task is not None else []
            links = ", ".join(titles.get(r, "Unknown record") for r in record_ids)
            content = " ".join(reminder.content.split())
            item = QTreeWidgetItem([content, reminder_line(reminder, now), links])
            item.setData(COL_TASK, TaskIdRole, reminder.task_id)
            item.setData(COL_TASK, RecordIdsRole, record_ids)
            item.setToolTip(COL_TASK, plain_tooltip(reminder.content))
            item.setToolTip(COL_LINKS, plain_tooltip(links))
            if reminder.kind == DUE:  # due or overdue reads first
                font = item.font(COL_WHEN)
                font.setBold(True)
                item.setFont(COL_WHEN, font)
            self.tree.addTopLevelItem(item)
        count = len(self._reminders)
        self.count_label.setText(f"{count} waiting" if count else "")
        lead = store.settings.reminder_lead_minutes
        if my_ids(store.schema):
            self.empty_label.setText(EMPTY_TEXT.format(lead=f"{lead} minutes before and " if lead else ""))
        else:
            self.empty_label.setText(NO_ME_TEXT)
        self.empty_label.setVisible(count == 0)
        self.tree.setVisible(count > 0)
        self.button_row.setVisible(count > 0)
        self._select(current)
        self._enable_buttons()

    def _select(self, task_id: str | None) -> None:
        """Keep the reminder the user was on; when it went, the one now in its place."""
        if not self.tree.topLevelItemCount():
            return
        for row in range(self.tree.topLevelItemCount()):
            if self.tree.topLevelItem(row).data(COL_TASK, TaskIdRole) == task_id:
                self.tree.setCurrentItem(self.tree.topLevelItem(row))
                return
        row = min(max(self._last_row, 0), self.tree.topLevelItemCount() - 1)
        self.tree.setCurrentItem(self.tree.topLevelItem(row))

    def _enable_buttons(self) -> None:
        item = self.tree.currentItem()
        self._last_row = self.tree.indexOfTopLevelItem(item) if item is not None else 0
        for button in (self.done_button, self.snooze_button, self.dismiss_button):
            button.setEnabled(item is not None)
        self.open_button.setEnabled(item is not None and bool(item.data(COL_TASK, RecordIdsRole)))

    def reminder_texts(self) -> list[str]:
        """What the list shows, one "task | when | linked" line per row (for tests and screen readers)."""
        return [" | ".join(self.tree.topLevelItem(r).text(c) for c in range(3))
                for r in range(self.tree.topLevelItemCount())]

    def selected_task_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(COL_TASK, TaskIdRole) if item is not None else None

    def on_changed(self, changes: ChangeSet) -> None:
        if (changes.tasks or changes.reminders or changes.full_reset or changes.record_ids or changes.id_changes
                or changes.members):
            self.reload()

    # -- acting --------------------------------------------------------------------------------------

    def done(self, task_id: str | None = None) -> bool:
        """Complete the task through the edit the Tasks view makes (queued for the server), undoable."""
        task_id = task_id or self.selected_task_id()
        if self.context.store is None or task_id is None:
            return False
        problems: list[str] = []
        # One step on Edit ▸ Undo, as ticking it on Home is (crmdesk.ui.task_done).
        set_task_done(self.context, task_id, True, problems.append)
        if problems:
            return self._failed(problems[0])
        return self._acted()

    def snooze(self, choice: str, task_id: str | None = None) -> bool:
        store = self.context.store
        task_id = task_id or self.selected_task_id()
        if store is None or task_id is None:
            return False
        try:
            with store.write():
                store.reminders.snooze(task_id, snooze_until(choice, self.context.now(), self.tz))
        except StoreError as error:
            return self._failed(error)
        return self._acted()

    def dismiss(self, task_id: str | None = None) -> bool:
        store = self.context.store
        task_id = task_id or self.selected_task_id()
        if store is None or task_id is None:
            return False
        try:
            with store.write():
                store.reminders.dismiss(task_id, self.context.now())
        except StoreError as error:
            return self._failed(error)
        return self._acted()

    def open_record(self) -> None:
        item = self.tree.currentItem()
        record_ids = item.data(COL_TASK, RecordIdsRole) if item is not None else None
        if self.context.navigator is None:
            return
        self.context.navigator.go(f"record:{record_ids[0]}" if record_ids else "tasks")

    def _acted(self) -> bool:
        self.message_label.hide()
        self.reload()
        return True

    def _failed(self, error: Exception | str) -> bool:
        self.message_label.setText(str(error))
        self.message_label.show()
        return False

    def _context_menu(self, point: QPoint) -> None:
        item = self.tree.itemAt(point)
        if item is None:
            return
        self.tree.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction("Mark done").triggered.connect(lambda: self.done())
        snooze = menu.addMenu("Snooze")
        for text, choice in SNOOZE_MENU:
            snooze.addAction(text).triggered.connect(lambda _=False, choice=choice: self.snooze(choice))
        menu.addAction("Dismiss").triggered.connect(lambda: self.dismiss())
        add_record_openers(menu, self.context.store, item.data(COL_TASK, RecordIdsRole) or [], self._go)
        menu.popup(self.tree.viewport().mapToGlobal(point))

    def _go(self, target: str) -> None:
        if self.context.navigator is not None:
            self.context.navigator.go(target)
