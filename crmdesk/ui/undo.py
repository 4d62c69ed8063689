"""Undo and redo of record edits: each user action is one QUndoCommand on the window's stack.

Redo applies the new values through ``store.edits`` (one transaction: rows + outbox). Undo is
not a rollback — the first edit may already be on the server — but a new edit that writes the
values the first one replaced, so it syncs like any other change.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from crmdesk.model import Mutation, ValidationError
from crmdesk.store import NotFound, Store, StoreError

#: record id → {attribute slug → canonical value}
Changes = Mapping[str, Mapping[str, Any]]


class EditListener(Protocol):
    def edits_applied(self, record_ids: set[str], mutations: list[Mutation]) -> None: ...

    def edit_failed(self, message: str) -> None: ...


class RecordEditCommand(QUndoCommand):
    """New values for some fields of one or more records (a bulk edit is one command)."""

    def __init__(self, store: Store, changes: Changes, text: str, listener: EditListener | None = None) -> None:
        super().__init__(text)
        self._store = store
        self._after = {rid: dict(fields) for rid, fields in changes.items()}
        self._before: dict[str, dict[str, Any]] | None = None
        # The model may be gone (its view closed) while the command stays in the history.
        self._listener = weakref.ref(listener) if listener is not None else None

    def redo(self) -> None:
        if self._before is None:
            self._before = self._capture()
        self._apply(self._after)

    def undo(self) -> None:
        self._apply(self._before or {})

    def _capture(self) -> dict[str, dict[str, Any]]:
        before: dict[str, dict[str, Any]] = {}
        for rid, fields in self._after.items():
            row = self._store.records.get(rid)
            if row is not None:
                before[rid] = {slug: row.values.get(slug) for slug in fields}
        return before

    def _resolve(self, record_id: str) -> str:
        # A record created offline gets its server id after a sync; the history keeps the old one.
        if self._store.records.get(record_id) is None:
            return self._store.id_map.server_id(record_id) or record_id
        return record_id

    def _apply(self, changes: Mapping[str, Mapping[str, Any]]) -> None:
        mutations: list[Mutation] = []
        touched: set[str] = set()
        failure: str | None = None
        try:
            with self._store.write():
                for rid, fields in changes.items():
                    target = self._resolve(rid)
                    try:
                        mutation = self._store.edits.update_record(target, fields)
                    except NotFound:
                        continue  # deleted meanwhile (here or on the server): nothing to restore
                    touched.add(target)
                    if mutation is not None:
                        mutations.append(mutation)
        except (ValidationError, StoreError) as error:
            # e.g. an option removed from the schema since: the whole step is refused, atomically.
            failure = str(error)
            mutations, touched = [], set()
        listener = self._listener() if self._listener is not None else None
        if listener is None:
            return
        try:
            if failure is not None:
                listener.edit_failed(failure)
            else:
                listener.edits_applied(touched, mutations)
        except RuntimeError:
            pass  # the listener's Qt object was deleted


def describe_edit(attr_title: str, count: int) -> str:
    """The text shown in the Edit menu (“Undo Edit Stage”, “Undo Edit Stage of 12 records”)."""
    return f"Edit {attr_title}" if count == 1 else f"Edit {attr_title} of {count:,} records"
