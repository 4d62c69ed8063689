"""The outbox as a table: what each queued edit is, when it was made, its state, and the
server's message for refused ones. Small (an outbox holds tens of rows), so a refresh is
a reset rather than a diff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from crmdesk.model import Mutation, MutationState
from crmdesk.store import Store
from crmdesk.ui.pending_actions import describe
from crmdesk.ui.text import plain_tooltip

COL_WHAT, COL_WHEN, COL_STATE, COL_MESSAGE = range(4)
HEADERS = ("Change", "Made", "State", "Server's message")
STATE_TEXT = {
    MutationState.PENDING: "Waiting to sync",
    MutationState.IN_FLIGHT: "Sending…",
    MutationState.REJECTED: "Refused by the server",
    MutationState.CONFLICT: "In conflict",
}
MutationRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


def when_text(iso: str) -> str:
    """Stored times are UTC ISO strings; users read them in local time."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class PendingModel(QAbstractTableModel):
    def __init__(self, store: Store | None = None) -> None:
        super().__init__()
        self._store = store
        self._rows: list[tuple[Mutation, str]] = []

    def set_store(self, store: Store | None) -> None:
        self._store = store
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = []
        if self._store is not None:
            self._rows = [(m, describe(self._store, m).what) for m in self._store.outbox.all()]
        self.endResetModel()

    def mutation(self, row: int) -> Mutation | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def row_of(self, op_id: int) -> int:
        for row, (mutation, _) in enumerate(self._rows):
            if mutation.op_id == op_id:
                return row
        return -1

    def rejected_count(self) -> int:
        return sum(1 for m, _ in self._rows if m.state is MutationState.REJECTED)

    # -- Qt model API ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 4:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        mutation, what = self._rows[index.row()]
        column = index.column()
        if role == MutationRole:
            return mutation.op_id
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_WHAT:
                return what
            if column == COL_WHEN:
                return when_text(mutation.created_at)
            if column == COL_STATE:
                return STATE_TEXT.get(mutation.state, mutation.state.value)
            if column == COL_MESSAGE:
                # One line in the table; the whole message is in the tooltip and the detail label.
                return (mutation.error or "").replace("\n", " ") if mutation.state is MutationState.REJECTED else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            text = what if column == COL_WHAT else (mutation.error or "") if column == COL_MESSAGE else ""
            return plain_tooltip(text) or None
        return None
