"""Tasks: every task grouped overdue / today / upcoming / no date / done, tick to complete,
filter by assignee, open a linked record.

The task's words are what the user reads: the task column stretches, and the other columns give
up room (``fit_columns``) so it keeps at least half the width however narrow the window (1024 px
at 1.5× leaves a view about 460 px wide). The check boxes are painted to show in dark palettes too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from crmdesk.ui.models.tasks_model import (
    ANYONE,
    COL_ASSIGNEES,
    COL_DUE,
    COL_LINKS,
    COL_TASK,
    UNASSIGNED,
    Clock,
    RecordIdsRole,
    TaskIdRole,
    TasksModel,
    local_now,
)
from crmdesk.ui.record_menu import add_record_openers
from crmdesk.ui.task_done import set_task_done
from crmdesk.ui.views.notes_view import heading
from crmdesk.ui.widgets.check_delegate import VisibleCheckDelegate

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store.changes import ChangeSet


#: The other columns' widths when there is room; they shrink together when there is not.
OTHER_WIDTHS = {COL_DUE: 130, COL_LINKS: 240, COL_ASSIGNEES: 160}
#: The least share of the width the task column keeps.
TASK_SHARE = 0.5
#: The narrowest the linked records and assignees get (names elide); the due date's is its text's.
OTHER_MIN = {COL_LINKS: 90, COL_ASSIGNEES: 80}
#: The longest usual due text: the due column keeps room for it while others give way.
LONG_DUE = "12 days overdue"


def other_widths(room: int, minimums: dict[int, int]) -> dict[int, int]:
    """The widths of the due, linked and assignee columns in ``room`` px: as wide as usual while the
    task column keeps ``TASK_SHARE`` of the room; when it would not, each gives up a share of what
    it has above its minimum (so the short due date keeps its words and the long names elide)."""
    allowed = max(0, int(room * (1 - TASK_SHARE)))
    if sum(OTHER_WIDTHS.values()) <= allowed:
        return dict(OTHER_WIDTHS)
    floor = {column: min(minimums.get(column, width), width) for column, width in OTHER_WIDTHS.items()}
    if sum(floor.values()) > allowed:  # very narrow: even the minimums give way to the task
        return {c: int(floor[c] * allowed / sum(floor.values())) for c in OTHER_WIDTHS}
    spare = sum(OTHER_WIDTHS[c] - floor[c] for c in OTHER_WIDTHS)
    left = max(0, allowed - sum(floor.values()))
    share = min(1.0, left / spare) if spare else 0.0
    return {c: floor[c] + int((OTHER_WIDTHS[c] - floor[c]) * share) for c in OTHER_WIDTHS}


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class TasksView(QWidget):
    def __init__(
        self, context: AppContext, _argument: str = "", parent: QWidget | None = None, *, clock: Clock = local_now
    ) -> None:
        super().__init__(parent)
        assert context.store is not None
        self.context = context
        self.model = TasksModel(context.store, clock)
        self.model.done_toggled.connect(self._toggle_done)

        title = heading("Tasks")
        self.count_label = _plain_label()
        self.assignee_combo = QComboBox()
        self.assignee_combo.setAccessibleName("Assignee filter")
        self.assignee_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.assignee_combo.currentIndexChanged.connect(self._assignee_chosen)
        assignee_label = _plain_label("Assigned to")
        assignee_label.setBuddy(self.assignee_combo)
        self.message_label = _plain_label()
        self.message_label.setObjectName("error")
        self.message_label.hide()
        self.empty_label = _plain_label("No tasks due — nice.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setProperty("placeholder", True)
        self.empty_label.setMinimumHeight(64)

        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        # After setModel: the tree's own reset handling (which forgets what was expanded and spanned)
        # must run before ours on every reload, or a sync leaves every group collapsed.
        self.model.modelReset.connect(self._after_reset)
        self.tree.setAccessibleName("Tasks")
        self.tree.setUniformRowHeights(False)  # group headers are taller than tasks
        self.tree.setAlternatingRowColors(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)  # groups stay open: a collapsed overdue group hides work
        self.tree.setIndentation(8)
        self.tree.setWordWrap(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.activated.connect(self._open_linked)
        self.tree.setItemDelegateForColumn(COL_TASK, VisibleCheckDelegate(self.tree))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(min(OTHER_MIN.values()) // 2)
        header.setSectionResizeMode(COL_TASK, QHeaderView.ResizeMode.Stretch)
        for column in OTHER_WIDTHS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        # The viewport's width changes with the window and when a scroll bar comes or goes.
        self.tree.viewport().installEventFilter(self)
        self.fit_columns()

        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(assignee_label)
        top.addWidget(self.assignee_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.tree, 1)
        self._fill_assignees()
        self._after_reset()

    def focus_target(self) -> QWidget:
        """Where focus goes when the view is navigated to: the tasks (Space ticks, Enter opens)."""
        return self.tree

    # -- column widths ------------------------------------------------------------------------

    def fit_columns(self) -> None:
        header = self.tree.header()
        minimums = {**OTHER_MIN, COL_DUE: self.tree.fontMetrics().horizontalAdvance(LONG_DUE) + 16}
        for column, width in other_widths(self.tree.viewport().width(), minimums).items():
            header.resizeSection(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tree.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    # -- assignee filter ----------------------------------------------------------------------

    def _fill_assignees(self) -> None:
        assert self.context.store is not None
        current = self.assignee_combo.currentData()
        self.assignee_combo.blockSignals(True)
        self.assignee_combo.clear()
        self.assignee_combo.addItem("Anyone", ANYONE)
        self.assignee_combo.addItem("Unassigned", UNASSIGNED)
        for member in sorted(self.context.store.schema.members(), key=lambda m: m.name.lower()):
            # Tasks name assignees by member id or by user id depending on the server.
            ids = frozenset(i for i in (member.id, member.user_id) if i)
            self.assignee_combo.addItem(member.name, ids)
        found = self.assignee_combo.findData(current) if current is not None else 0
        self.assignee_combo.setCurrentIndex(max(found, 0))
        self.assignee_combo.blockSignals(False)

    def _assignee_chosen(self, _index: int) -> None:
        self.model.set_assignee_filter(self.assignee_combo.currentData() or ANYONE)

    # -- after the model changed ------------------------------------------------------------------

    def _after_reset(self) -> None:
        self.tree.expandAll()
        for row in range(self.model.rowCount()):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        open_count = self.model.open_count()
        self.count_label.setText(f"{open_count} open" if open_count else "")
        self.empty_label.setVisible(open_count == 0)
        self.tree.setVisible(self.model.rowCount() > 0)
        if not self.tree.currentIndex().isValid() and self.model.rowCount():
            # Start keyboard users on the first task, not on a heading they cannot act on.
            self.tree.setCurrentIndex(self.model.index(0, 0, self.model.index(0, 0)))

    # -- toggling done ----------------------------------------------------------------------------

    def _toggle_done(self, task_id: str, done: bool) -> None:
        # One undoable step (Edit ▸ Undo), written and queued for the server as Home's tick is.
        self.message_label.hide()
        set_task_done(self.context, task_id, done, failed=self._toggle_failed)
        # Regroup after the click that caused this has finished with the old index.
        QTimer.singleShot(0, lambda: self._reload_keeping(task_id))

    def _toggle_failed(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.show()

    def _reload_keeping(self, task_id: str) -> None:
        self.model.reload()
        index = self.model.index_of_task(task_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    # -- opening linked records -------------------------------------------------------------------

    def _open_linked(self, index: QModelIndex) -> None:
        record_ids = self.model.data(index, RecordIdsRole)
        if record_ids and self.context.navigator is not None:
            self.context.navigator.go(f"record:{record_ids[0]}")

    def _context_menu(self, point: QPoint) -> None:
        index = self.tree.indexAt(point)
        task_id = self.model.data(index, TaskIdRole)
        if not task_id or self.context.store is None:
            return
        menu = QMenu(self)
        done = self.model.data(index.siblingAtColumn(COL_TASK), Qt.ItemDataRole.CheckStateRole)
        mark = menu.addAction("Mark not done" if done == Qt.CheckState.Checked else "Mark done")
        mark.triggered.connect(lambda: self._toggle_done(task_id, done != Qt.CheckState.Checked))
        add_record_openers(menu, self.context.store, self.model.data(index, RecordIdsRole) or [], self._go)
        menu.popup(self.tree.viewport().mapToGlobal(point))

    def _go(self, target: str) -> None:
        if self.context.navigator is not None:
            self.context.navigator.go(target)

    # -- sync --------------------------------------------------------------------------------------

    def on_changed(self, changes: ChangeSet) -> None:
        if changes.members or changes.full_reset:
            self._fill_assignees()
        if changes.tasks or changes.members or changes.objects or changes.id_changes or changes.full_reset:
            # Linked titles may have changed with the records; tasks are few, so reload them all.
            current = self.model.data(self.tree.currentIndex(), TaskIdRole)
            self.model.reload()
            if current:
                index = self.model.index_of_task(current)
                if index.isValid():
                    self.tree.setCurrentIndex(index)
