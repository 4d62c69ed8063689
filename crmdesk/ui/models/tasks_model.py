"""All tasks as a two-level tree: groups (overdue, today, upcoming, no date, done) and their tasks.

A workspace has hundreds of tasks, not hundreds of thousands, so the model holds them all;
what it avoids is a widget per task. Grouping depends on "today" in the user's time zone,
so the clock is injectable and tests can pin it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont

from crmdesk.model import Task
from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.store.my_work import local_day
from crmdesk.ui.text import plain_tooltip

Index = QModelIndex | QPersistentModelIndex
Clock = Callable[[], datetime]

TaskIdRole = Qt.ItemDataRole.UserRole + 1
RecordIdsRole = Qt.ItemDataRole.UserRole + 2
GroupRole = Qt.ItemDataRole.UserRole + 3


class Group(IntEnum):
    OVERDUE = 0
    TODAY = 1
    UPCOMING = 2
    NO_DATE = 3
    DONE = 4


GROUP_TITLES = {
    Group.OVERDUE: "Overdue",
    Group.TODAY: "Today",
    Group.UPCOMING: "Upcoming",
    Group.NO_DATE: "No date",
    Group.DONE: "Done",
}

COLUMNS = ("Task", "Due", "Linked to", "Assigned to")
COL_TASK, COL_DUE, COL_LINKS, COL_ASSIGNEES = range(4)

TASK_ROW_HEIGHT = 26
GROUP_ROW_HEIGHT = 34  # a little air above each group's title

#: Anyone (no filter) and Unassigned, besides a member's set of ids.
ANYONE = "anyone"
UNASSIGNED = "unassigned"


def local_now() -> datetime:
    return datetime.now().astimezone()


#: The user's calendar day of a stored deadline: the one rule Home and the Tasks view share.
deadline_date = local_day


def group_of(task: Task, today: date, tz: tzinfo | None) -> Group:
    if task.done:
        return Group.DONE
    due = deadline_date(task.deadline, tz)
    if due is None:
        return Group.NO_DATE
    if due < today:
        return Group.OVERDUE
    return Group.TODAY if due == today else Group.UPCOMING


def relative_deadline(due: date | None, today: date, *, done: bool = False) -> str:
    """"Today", "Tomorrow", "In 3 days", "2 days overdue"; a plain date far away or once done."""
    if due is None:
        return ""
    days = (due - today).days
    if done or abs(days) > 60:
        # No %-d: it is not portable to Windows.
        return f"{due.day} {due:%b %Y}" if due.year != today.year else f"{due.day} {due:%b}"
    if days == 0:
        return "Today"
    if days == 1:
        return "Tomorrow"
    if days == -1:
        return "1 day overdue"
    if days < 0:
        return f"{-days} days overdue"
    if days < 14:
        return f"In {days} days"
    return f"In {days // 7} weeks"


@dataclass(slots=True)
class TaskRow:
    task: Task
    due: date | None
    due_text: str
    links: str
    assignees: str


class TasksModel(QAbstractItemModel):
    #: The user ticked or unticked a task; the view makes the edit (the model never writes).
    done_toggled = Signal(str, bool)

    def __init__(self, store: Store, clock: Clock = local_now) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self._assignee: str | frozenset[str] = ANYONE
        self._groups: list[tuple[Group, list[TaskRow]]] = []
        self._today = date.today()
        self.reload()

    # -- loading ------------------------------------------------------------------------------

    def set_assignee_filter(self, which: str | frozenset[str]) -> None:
        """``ANYONE``, ``UNASSIGNED`` or the ids one member is known by (member id and user id)."""
        self._assignee = which
        self.reload()

    def _matches(self, task: Task) -> bool:
        if self._assignee == ANYONE:
            return True
        if self._assignee == UNASSIGNED:
            return not task.assignee_ids
        return any(a in self._assignee for a in task.assignee_ids)

    def reload(self) -> None:
        now = self.clock()
        today, tz = now.date(), now.tzinfo
        self._today = today
        tasks = [t for t in self.store.tasks.all() if self._matches(t)]
        # One query for every linked title, not one per task.
        titles = self.store.records.titles({r for t in tasks for r in t.record_ids})
        members = StoreDisplayContext(self.store)
        buckets: dict[Group, list[TaskRow]] = {g: [] for g in Group}
        for task in tasks:
            due = deadline_date(task.deadline, tz)
            row = TaskRow(
                task, due, relative_deadline(due, today, done=task.done),
                ", ".join(titles.get(r, "(record not downloaded)") for r in task.record_ids),
                ", ".join(members.member_name(a) or "Unknown member" for a in task.assignee_ids),
            )
            buckets[group_of(task, today, tz)].append(row)
        # Soonest first; done ones most recently completed first.
        for group, rows in buckets.items():
            if group == Group.DONE:
                rows.sort(key=lambda r: r.task.completed_at or "", reverse=True)
            elif group != Group.NO_DATE:
                rows.sort(key=lambda r: (r.task.deadline or "", r.task.content.lower()))
        self.beginResetModel()
        self._groups = [(g, rows) for g, rows in buckets.items() if rows]
        self.endResetModel()

    # -- queries the view uses ------------------------------------------------------------------

    def groups(self) -> list[Group]:
        return [g for g, _ in self._groups]

    def task_ids_in(self, group: Group) -> list[str]:
        for g, rows in self._groups:
            if g == group:
                return [r.task.id for r in rows]
        return []

    def open_count(self) -> int:
        return sum(len(rows) for g, rows in self._groups if g != Group.DONE)

    def index_of_task(self, task_id: str) -> QModelIndex:
        for group_row, (_, rows) in enumerate(self._groups):
            for row, item in enumerate(rows):
                if item.task.id == task_id:
                    return self.createIndex(row, 0, group_row + 1)
        return QModelIndex()

    # -- the item model -------------------------------------------------------------------------

    def _row(self, index: Index) -> TaskRow | None:
        # Task indexes carry their group's position + 1 as internal id; group headers carry 0.
        group = index.internalId() - 1
        if group < 0:
            return None
        return self._groups[group][1][index.row()]

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, _parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 4:
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == 0:
            return Qt.ItemFlag.ItemIsEnabled  # a group header: shown, never selected
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_TASK:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._row(index)
        if row is None:
            return self._group_data(index, role)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.task.content, row.due_text, row.links, row.assignees)[column]
        if role == Qt.ItemDataRole.CheckStateRole and column == COL_TASK:
            return Qt.CheckState.Checked if row.task.done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            text = (row.task.content, row.due.isoformat() if row.due else "", row.links, row.assignees)[column]
            return plain_tooltip(text)
        overdue = not row.task.done and row.due is not None and row.due < self._today
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_DUE and overdue:
            return QColor("#d9534f")  # readable on light and dark bases alike
        if role == Qt.ItemDataRole.FontRole and column == COL_TASK and row.task.done:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(0, TASK_ROW_HEIGHT)
        if role == TaskIdRole:
            return row.task.id
        if role == RecordIdsRole:
            return list(row.task.record_ids)
        return None

    def _group_data(self, index: Index, role: int) -> Any:
        group, rows = self._groups[index.row()]
        if role == Qt.ItemDataRole.DisplayRole and index.column() == COL_TASK:
            return f"{GROUP_TITLES[group]}  ·  {len(rows)}"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(0, GROUP_ROW_HEIGHT)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            # The extra height goes above the title, so it sits on its group.
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        if role == GroupRole:
            return int(group)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = self._row(index) if index.isValid() else None
        if row is None or role != Qt.ItemDataRole.CheckStateRole or index.column() != COL_TASK:
            return False
        # Qt passes the check state as an int or an enum depending on the caller.
        done = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        if done != row.task.done:
            self.done_toggled.emit(row.task.id, done)
        return True
