"""What the search palette lists for a query: matching commands, then records, notes and tasks
found offline by the store's full-text index (ranked and typo-tolerant: ``crmdesk.store.search``).

With nothing typed: what can be done on the record on screen, the records opened lately, then
every command."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from crmdesk.model import ObjectDef
from crmdesk.store import SearchHit, Store
from crmdesk.ui.models.notes_model import DetailRole, SubtitleRole, one_line
from crmdesk.ui.text import plain_tooltip

Index = QModelIndex | QPersistentModelIndex

#: The ``PaletteItem`` behind a row.
ItemRole = Qt.ItemDataRole.UserRole + 30

RESULT_LIMIT = 50
#: Recently opened records listed when nothing is typed.
RECENT_SHOWN = 8
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class PaletteItem:
    kind: str  # "command", "record", "note" or "task"
    title: str
    detail: str = ""
    subtitle: str = ""
    #: Where to go (a navigation target), then which action to request, if any.
    target: str | None = None
    action: str | None = None
    #: What the palette does itself on the record on screen: "add_note", "add_task" or "open_web".
    on_record: str | None = None
    #: What typing matches instead of the title ("add note" — not the record's name, which
    #: finds the record itself).
    keywords: str = ""


@dataclass(frozen=True, slots=True)
class CurrentRecord:
    """The record on screen when the palette opened, and what can be done on it."""

    id: str
    title: str
    can_add_note: bool = True
    can_add_task: bool = True
    web_address: str | None = None


def record_commands(record: CurrentRecord | None) -> list[PaletteItem]:
    if record is None:
        return []
    name = one_line(record.title, 60) or "this record"
    found = []
    if record.can_add_note:
        found.append(PaletteItem("command", f"Add note to {name}…", "This record", on_record="add_note",
                                 keywords="add note new note"))
    if record.can_add_task:
        found.append(PaletteItem("command", f"Add task for {name}…", "This record", on_record="add_task",
                                 keywords="add task new task to do"))
    if record.web_address:
        found.append(PaletteItem("command", f"Open {name} on the server", "This record", record.web_address,
                                 on_record="open_web", keywords="open on the server web browser"))
    return found


def commands(objects: Iterable[ObjectDef]) -> list[PaletteItem]:
    """Every command the palette offers, in the order it lists them."""
    found = [
        PaletteItem("command", "Go to Home", "Command", target="home"),
        PaletteItem("command", "Go to Tasks", "Command", target="tasks"),
        PaletteItem("command", "Go to Notes", "Command", target="notes"),
        PaletteItem("command", "Go to Notifications", "Command", target="notifications"),
    ]
    objects = list(objects)
    for obj in objects:
        found.append(PaletteItem("command", f"Go to {obj.plural_name}", "Command", target=f"object:{obj.slug}"))
    for obj in objects:
        found.append(PaletteItem("command", f"New {obj.singular_name}…", "Command",
                                 target=f"object:{obj.slug}", action=f"new_record:{obj.slug}"))
    found.append(PaletteItem("command", "Sync now", "Command", action="sync_now"))
    return found


def command_matches(query: str, title: str) -> bool:
    """Every word typed starts a word of the title ("go dea" → "Go to Deals", "new" → "New Deal…")."""
    typed = _WORD.findall(query.lower())
    words = _WORD.findall(title.lower())
    return bool(typed) and all(any(w.startswith(t) for w in words) for t in typed)


class SearchModel(QAbstractListModel):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._items: list[PaletteItem] = []
        self.query = ""

    def set_query(self, text: str, current: CurrentRecord | None = None) -> None:
        """Commands matching ``text`` (those on ``current`` first), then what the index finds;
        with nothing typed, the commands on ``current``, the recent records, every command."""
        self.query = text
        objects = self.store.schema.objects()
        on_record, everywhere = record_commands(current), commands(objects.values())
        if not text.strip():
            items = on_record + self._recent(objects, current.id if current else None) + everywhere
        else:
            items = [c for c in on_record + everywhere if command_matches(text, c.keywords or c.title)]
            items += self._hits(self.store.search(text, limit=RESULT_LIMIT), objects)
        self.beginResetModel()
        self._items = items
        self.endResetModel()

    def _recent(self, objects: dict[str, ObjectDef], current_id: str | None) -> list[PaletteItem]:
        items = []
        for record in self.store.recent.records(RECENT_SHOWN, leaving_out=current_id):
            obj = objects.get(record.object_slug)
            items.append(PaletteItem("record", one_line(record.title, 200) or "Untitled",
                                     obj.singular_name if obj else record.object_slug, "Opened recently",
                                     target=f"record:{record.id}"))
        return items

    def _hits(self, hits: list[SearchHit], objects: dict[str, ObjectDef]) -> list[PaletteItem]:
        parents = self.store.records.titles({h.record_id for h in hits if h.kind == "note" and h.record_id})
        items = []
        for hit in hits:
            snippet = one_line(hit.snippet)
            if hit.kind == "record":
                obj = objects.get(hit.object_slug or "")
                items.append(PaletteItem("record", one_line(hit.title, 200) or "Untitled",
                                         obj.singular_name if obj else (hit.object_slug or "Record"),
                                         snippet, target=f"record:{hit.id}"))
            elif hit.kind == "note":
                parent = one_line(parents.get(hit.record_id or "", ""), 60)
                items.append(PaletteItem("note", one_line(hit.title, 200) or "Untitled note",
                                         f"Note on {parent}" if parent else "Note", snippet,
                                         target=f"record:{hit.record_id}" if hit.record_id else "notes"))
            elif hit.kind == "task":
                title = one_line(hit.title, 200)
                items.append(PaletteItem("task", title or "Task", "Task",
                                         "" if snippet == title else snippet, target="tasks"))
        return items

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.title
        if role == SubtitleRole:
            return item.subtitle
        if role == DetailRole:
            return item.detail
        if role == ItemRole:
            return item
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip("\n".join(t for t in (item.title, item.detail, item.subtitle) if t))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return ", ".join(t for t in (item.title, item.detail, item.subtitle) if t)
        return None
