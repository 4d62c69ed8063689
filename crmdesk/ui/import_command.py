"""An import as one step of the window's undo history.

The import has already been written (in batches, with a progress bar) when the command is pushed,
so its first ``redo`` does nothing. Undo is not a rollback — the records may be on the server by
then — but new edits: the created records deleted (a create the sync has not sent yet goes with
its delete) and the updated values put back. Redo imports the same rows again, as new records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QApplication, QProgressDialog

from crmdesk.model import ValidationError
from crmdesk.store import Store, StoreError
from crmdesk.store.csv_import import BATCH, ImportPlan, ImportResult, apply_plan, undo_import

#: Undo or Redo of more records than this shows its progress (from ~0.5 s of work).
PROGRESS_ABOVE = 2_000


@contextmanager
def _progress(text: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """An application-modal progress dialog (no Cancel: half an undo is not a state anyone asked for)
    for a big Undo or Redo; the callback moves it on and lets the window repaint between batches.
    Small ones show nothing."""
    if total <= PROGRESS_ABOVE:
        yield lambda _done, _total: None
        return
    dialog = QProgressDialog(text, "", 0, total, QApplication.activeWindow())
    dialog.setObjectName("importUndoProgress")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(300)

    def told(done: int, _total: int) -> None:
        dialog.setValue(done)
        # Paints and the sync's notices, never the user's input: a second Ctrl+Z must not start an
        # undo inside this one (the modal dialog shows only after 300 ms).
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    try:
        yield told
    finally:
        dialog.close()
        dialog.deleteLater()


def describe_import(result: ImportResult, noun_one: str, noun_many: str) -> str:
    """“Import 998 people”, “Import 1 person” (the Edit menu's Undo/Redo text)."""
    count = len(result.created) + len(result.updated)
    return f"Import {count:,} {(noun_one if count == 1 else noun_many).lower()}"


class ImportCommand(QUndoCommand):
    def __init__(self, store: Store, plan: ImportPlan, result: ImportResult, text: str,
                 changed: Callable[[str | None], None] | None = None) -> None:
        super().__init__(text)
        self._store = store
        self._plan = plan
        self._result = result
        #: The plan's rows that write which the import wrote (all, or those before a cancel): each Redo writes them.
        self._rows = result.rows
        self._done = True
        #: Told after each undo or redo: None when it went through, else the store's message.
        self._changed = changed

    def redo(self) -> None:
        if self._done:
            return  # the import itself wrote the rows
        written = ImportPlan(self._plan.object_slug, self._plan.match, self._plan.work()[:self._rows])
        result = ImportResult(self._plan.object_slug)  # filled batch by batch: a refused one keeps what went before

        with _progress("Importing again…", self._rows) as told:
            def moving_on(done: int, total: int) -> bool:
                told(done, total)
                return True

            went_through = self._run(lambda: apply_plan(self._store, written, moving_on, batch=BATCH, into=result))
        # What was written (all of it, or the batches before a refusal) is what Undo takes back.
        if went_through or result.rows:
            self._result = result
            self._done = True

    def undo(self) -> None:
        if not self._done:
            return  # the redo was refused: nothing of it to take back
        with _progress("Taking back the import…", len(self._result.created) + len(self._result.updated)) as told:
            if self._run(lambda: undo_import(self._store, self._result, told)):
                self._done = False

    def _run(self, step: Callable[[], None]) -> bool:
        """Run ``step``; whether it went through (a refusal is told, not raised into Qt's stack)."""
        failure: str | None = None
        try:
            step()
        except (StoreError, ValidationError) as error:  # ValidationError: an attribute the sync removed
            failure = str(error)
        if self._changed is not None:
            self._changed(failure)
        return failure is None
