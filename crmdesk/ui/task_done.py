"""Ticking a task done (or not done) as one undoable step: ``store.edits.update_task`` writes the
task and queues the change for the server in one transaction (as the Tasks view does), the sync
is told there is a local edit, and Edit ▸ Undo writes the opposite the same way.

Undo is not a rollback — the first change may be on the server already — but a new change,
synced like any other (as ``crmdesk.ui.undo`` does for record edits).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from crmdesk.model import ValidationError
from crmdesk.store import NotFound, StoreError
from crmdesk.ui.text import action_text

if TYPE_CHECKING:
    from crmdesk.context import AppContext

#: Told the store's message when a step could not be written (a full disk, a locked file).
Failed = Callable[[str], None]


class TaskDoneCommand(QUndoCommand):
    def __init__(self, context: AppContext, task_id: str, done: bool, failed: Failed | None = None) -> None:
        words = f"Mark “{_short(context, task_id)}” {'done' if done else 'not done'}"
        # Qt splits the text at a newline: before it ``text()``, the plain words (for anything listing
        # the history); after it ``actionText()``, what the Edit menu's "Undo …" shows — through
        # ``action_text``, so a task "Call R&D" does not underline the D.
        super().__init__(f"{words}\n{action_text(words)}")
        self._context = context
        self._task_id = task_id
        self._done = done
        self._failed = failed

    def redo(self) -> None:
        if not self._write(self._done):
            # Nothing was written: the step leaves the history rather than undo nothing later.
            self.setObsolete(True)

    def undo(self) -> None:
        self._write(not self._done)

    def _write(self, done: bool) -> bool:
        store = self._context.store
        if store is None:
            return False
        # A task made offline gets its server id after a sync; the history keeps the old one.
        task_id = self._task_id
        if store.tasks.get(task_id) is None:
            task_id = store.id_map.server_id(task_id) or task_id
        try:
            mutation = store.edits.update_task(task_id, done=done)
        except NotFound:
            return False  # deleted meanwhile (here or on the server): nothing to mark
        except (ValidationError, StoreError) as error:
            if self._failed is not None:
                self._failed(str(error))
            return False
        if mutation is not None and self._context.sync is not None:
            self._context.sync.local_edit()
        return mutation is not None


def set_task_done(context: AppContext, task_id: str, done: bool, failed: Failed | None = None) -> None:
    """Mark ``task_id`` done or not: on the window's undo history when it has one, else directly."""
    command = TaskDoneCommand(context, task_id, done, failed)
    if context.undo_stack is not None:
        context.undo_stack.push(command)  # push() runs redo()
    else:
        command.redo()


def _short(context: AppContext, task_id: str) -> str:
    task = context.store.tasks.get(task_id) if context.store is not None else None
    words = task.content.strip().splitlines()[0] if task is not None and task.content.strip() else "task"
    return words if len(words) <= 40 else words[:39] + "…"
