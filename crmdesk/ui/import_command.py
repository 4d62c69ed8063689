"""An import as one step of the window's undo history.

The import has already been written (in batches, with a progress bar) when the command is pushed,
so its first ``redo`` does nothing. Undo is not a rollback — the records may be on the server by
then — but new edits: the created records deleted (a create the sync has not sent yet goes with
its delete) and the updated values put back. Redo imports the same rows again, as new records.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from crmdesk.store import Store, StoreError
from crmdesk.store.csv_import import ImportPlan, ImportResult, apply_plan, undo_import


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
        self._done = True
        #: Told after each undo or redo: None when it went through, else the store's message.
        self._changed = changed

    def redo(self) -> None:
        if self._done:
            return  # the import itself wrote the rows
        written = self._plan.first(self._result.rows)  # what the import wrote, a cancelled one too
        self._run(lambda: setattr(self, "_result", apply_plan(self._store, written)))
        self._done = True

    def undo(self) -> None:
        self._run(lambda: undo_import(self._store, self._result))
        self._done = False

    def _run(self, step: Callable[[], None]) -> None:
        failure: str | None = None
        try:
            step()
        except StoreError as error:
            failure = str(error)
        if self._changed is not None:
            self._changed(failure)
