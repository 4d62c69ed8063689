"""Home's "My tasks": my open tasks under Overdue, Today and Next 7 days, each with the record it
is for and when it is due. The check box (a click, or Space on the current row) ticks a task
done; Enter opens the record it links (the first), or the Tasks view when it links none.

The rows look like the Tasks view's: its row height, its check boxes, and its group titles
("Overdue  ·  2", bold, a little air above). The titles are rows the keyboard passes over
(disabled, so the arrows skip them), drawn in the text colour so they do not read as greyed out.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QTreeWidgetItem, QWidget

from crmdesk.store.my_work import Bucket, MyTask, MyTasks
from crmdesk.ui.models.tasks_model import relative_deadline
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.home_section import OVERDUE_INK, HomeList, HomeSection, KeyRole, TitleRole, title_words

BUCKET_TITLES = {Bucket.OVERDUE: "Overdue", Bucket.TODAY: "Today", Bucket.WEEK: "Next 7 days"}
COL_TASK, COL_RECORD, COL_DUE = range(3)
#: What a task row's ``TargetRole`` holds: where Enter goes.
TargetRole = Qt.ItemDataRole.UserRole + 2
NO_ME = ("Home shows your tasks once crmdesk knows which member you are: choose yourself in "
         "Workspace ▸ Settings ▸ Members… ▸ This is me.")
NOTHING_DUE = ("No tasks due in the next 7 days. Open a record and choose Add task (or press Ctrl+K and "
               "type “Add task”) to plan the next step.")


def first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else "(no words)"


class TasksSection(HomeSection):
    #: (task id, done) — the user ticked or unticked a task; the view writes it.
    toggled = Signal(str, bool)
    #: A navigation target: the task's record, or "tasks".
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("My tasks", HomeList("My tasks", ("Task", "For", "Due"), shares={COL_RECORD: 0.35},
                                              grouped=True), parent)
        self.list.itemChanged.connect(self._changed)
        self.list.itemActivated.connect(self._activated)
        self._filling = False

    def fill(self, work: MyTasks | None, today: date) -> None:
        """``work`` None: nobody said who "me" is."""
        key, row = self.list.current_key(), self.list.current_row()
        self._filling = True
        self.list.clear()
        try:
            if work is None:
                self.show_empty(NO_ME)
                return
            if not work.tasks:
                self.show_empty(NOTHING_DUE)
                return
            for bucket in Bucket:
                rows = [row for row in work.tasks if row.bucket is bucket]
                if rows:
                    self._add_title(bucket, len(rows))
                    for task_row in rows:
                        self._add_task(task_row, today)
            # Counted over all my tasks, not the rows read: past the limit only the newest overdue are listed.
            parts = [f"{work.overdue} overdue"] if work.overdue else []
            if work.more:
                parts.append(f"{work.more} more in Tasks")
            self.show_list(" · ".join(parts))
        finally:
            self._filling = False
        self.list.put_back(key, max(row, 0))

    def _add_title(self, bucket: Bucket, count: int) -> None:
        item = QTreeWidgetItem([title_words(BUCKET_TITLES[bucket], count)])
        item.setFlags(Qt.ItemFlag.NoItemFlags)  # the arrows pass over it
        item.setData(COL_TASK, TitleRole, True)
        font = QFont(self.list.font())
        font.setBold(True)
        item.setFont(COL_TASK, font)
        item.setForeground(COL_TASK, QBrush(self.palette().color(QPalette.ColorRole.Text)))
        # The extra height goes above the words, so the title sits on its group.
        item.setTextAlignment(COL_TASK, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.list.addTopLevelItem(item)
        item.setFirstColumnSpanned(True)

    def _add_task(self, row: MyTask, today: date) -> None:
        task = row.task
        due = relative_deadline(row.due, today)
        item = QTreeWidgetItem([first_line(task.content), row.record_title or "", due])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(COL_TASK, Qt.CheckState.Checked if task.done else Qt.CheckState.Unchecked)
        item.setData(COL_TASK, KeyRole, task.id)
        item.setData(COL_TASK, TargetRole, f"record:{row.record_id}" if row.record_id else "tasks")
        item.setToolTip(COL_TASK, plain_tooltip(task.content))
        if row.record_title:
            item.setToolTip(COL_RECORD, plain_tooltip(f"Enter opens {row.record_title}"))
        if task.done:
            font = QFont(self.list.font())
            font.setStrikeOut(True)
            item.setFont(COL_TASK, font)
        if row.bucket is Bucket.OVERDUE and not task.done:
            item.setForeground(COL_DUE, QBrush(OVERDUE_INK))
        item.setTextAlignment(COL_DUE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.list.addTopLevelItem(item)

    def _changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != COL_TASK:
            return
        task_id = item.data(COL_TASK, KeyRole)
        if isinstance(task_id, str):
            self.toggled.emit(task_id, item.checkState(COL_TASK) == Qt.CheckState.Checked)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        target = item.data(COL_TASK, TargetRole)
        if isinstance(target, str):
            self.open_requested.emit(target)
