"""All notes, newest first, fetched a page at a time as the list scrolls.

The roles below are shared by every "two-line list" in the UI (notes, notifications, the
search palette), so one delegate (``crmdesk.ui.views.notes_view.TwoLineDelegate``) draws them all.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from crmdesk.model import Note
from crmdesk.model.rich_text import markdown_plain_text
from crmdesk.store import Store
from crmdesk.ui.text import plain_tooltip

Index = QModelIndex | QPersistentModelIndex

#: The smaller second line (a snippet of content).
SubtitleRole = Qt.ItemDataRole.UserRole + 20
#: Right-aligned, muted text on the first line (the parent record and object, a date).
DetailRole = Qt.ItemDataRole.UserRole + 21
#: The record a row opens.
RecordIdRole = Qt.ItemDataRole.UserRole + 22
#: True when the first line should be bold (unread notifications).
EmphasisRole = Qt.ItemDataRole.UserRole + 23

PAGE = 200
SNIPPET_CHARS = 240
_SPACE = re.compile(r"\s+")


def one_line(text: str, limit: int = SNIPPET_CHARS) -> str:
    """Collapse newlines and runs of spaces: a snippet is one line, elided by the painter."""
    return _SPACE.sub(" ", text or "").strip()[:limit]


def short_date(timestamp: str | None) -> str:
    if not timestamp:
        return ""
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return ""
    return f"{moment.day} {moment:%b %Y}"


class NotesModel(QAbstractListModel):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._notes: list[Note] = []
        self._parents: dict[str, tuple[str, str]] = {}  # record id → (title, object name)
        #: Note id → its text without markdown (read once per page, not on every paint).
        self._texts: dict[str, str] = {}
        self._more = True
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._notes = []
        self._parents.clear()
        self._texts.clear()
        self._notes = self._load_page(0)
        self.endResetModel()

    def _load_page(self, offset: int) -> list[Note]:
        page = self.store.notes.all(limit=PAGE, offset=offset)
        self._more = len(page) == PAGE
        objects = self.store.schema.objects()
        self._texts.update((note.id, markdown_plain_text(note.content)) for note in page)
        for record_id in {n.record_id for n in page} - self._parents.keys():
            row = self.store.records.get(record_id)
            if row is None:
                self._parents[record_id] = ("(record not downloaded)", "")
            else:
                obj = objects.get(row.object_slug)
                self._parents[record_id] = (row.title or "Untitled", obj.singular_name if obj else row.object_slug)
        return page

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        start = len(self._notes)
        page = self._load_page(start)
        if not page:
            return
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._notes.extend(page)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._notes)

    def note_at(self, row: int) -> Note:
        return self._notes[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._notes):
            return None
        note = self._notes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(note.title, 200) or "Untitled note"
        text = self._texts.get(note.id, note.content)
        if role == SubtitleRole:
            return one_line(text) or "No text"
        if role == DetailRole:
            title, object_name = self._parents.get(note.record_id, ("", ""))
            parts = [one_line(title, 80), object_name, short_date(note.created_at)]
            return "  ·  ".join(p for p in parts if p)
        if role == RecordIdRole:
            return note.record_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(f"{note.title}\n\n{text[:1000]}")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{note.title}. {one_line(text, 120)}"
        return None
