"""Searchable pickers for record references (titles of the target object's records, found
offline in the store) and actor references (workspace members)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from crmdesk.model import AttributeDef, Sort
from crmdesk.model.values import elements
from crmdesk.store import Store
from crmdesk.ui.editors.base import ValueRole, problem_of

MAX_RESULTS = 50
LIST_HEIGHT = 200
#: (id, title) pairs for what the user typed.
Source = Callable[[str], list[tuple[str, str]]]
_NAVIGATION = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


def record_source(store: Store, target: str | None) -> Source:
    """Records of ``target`` whose title or text matches, from the full-text index."""

    def search(text: str) -> list[tuple[str, str]]:
        if not text.strip():
            obj = store.schema.get_object(target) if target else None
            if obj is None:
                return []
            title = obj.title_attribute
            rowids = store.records.query_ids(target or "", None, [Sort(title.slug)] if title else [])
            return [(row.id, row.title) for row in store.records.rows(rowids[:MAX_RESULTS])]
        hits = store.search(text, limit=MAX_RESULTS * 4)
        found = [(h.id, h.title) for h in hits if h.kind == "record" and (target is None or h.object_slug == target)]
        return found[:MAX_RESULTS]

    return search


def member_source(store: Store) -> Source:
    def search(text: str) -> list[tuple[str, str]]:
        wanted = text.strip().casefold()
        members = sorted(store.schema.members(), key=lambda m: m.name.casefold())
        return [(m.actor_id, m.name) for m in members
                if not wanted or wanted in m.name.casefold() or wanted in m.email.casefold()][:MAX_RESULTS]

    return search


class ReferencePicker(QFrame):
    """A search field over a result list. Single: Enter or a click picks a row. Multiple:
    chosen ones stay on top with a check; a click or Space toggles; Enter saves.

    ``picked`` fires on each such choice: a table cell saves it at once (and, for a single
    reference, closes the editor — a multiple one stays open for the next)."""

    picked = Signal()

    def __init__(self, attr: AttributeDef, source: Source, title_of: Callable[[str], str | None],
                 noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attr = attr
        self._source = source
        self._title_of = title_of
        self._chosen: list[str] = []
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(f"Search {noun}…")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        self.setFocusProxy(self.search)
        self.setMinimumSize(260, LIST_HEIGHT)
        self.search.textChanged.connect(self.refresh)
        self.search.installEventFilter(self)
        self.results.itemClicked.connect(self._clicked)

    # -- the editor protocol -----------------------------------------------------------------

    @property
    def closes_on_pick(self) -> bool:
        return not self.attr.multiselect

    def set_value(self, value: Any) -> None:
        chosen = [str(v) for v in elements(value)]
        if self.attr.multiselect and self.results.count() and chosen == self._chosen:
            return  # the value just saved from here: keep the list and the search as they are
        self._chosen = chosen
        self.refresh(self.search.text())

    def result(self) -> tuple[int, Any]:
        if self.attr.multiselect:
            return ValueRole, list(self._chosen) or None
        item = self.results.currentItem()
        if item is None:
            return ValueRole, self._chosen[0] if self._chosen else None
        return ValueRole, item.data(Qt.ItemDataRole.UserRole)

    def problem(self) -> str | None:
        return problem_of(self)

    # -- list --------------------------------------------------------------------------------

    def refresh(self, text: str = "") -> None:
        self.results.clear()
        found = self._source(text)
        chosen = [(cid, self._title_of(cid) or "(unknown)") for cid in self._chosen]
        if self.attr.multiselect:
            for cid, title in chosen:
                self._add(cid, title, checked=True)
            for rid, title in found:
                if rid not in self._chosen:
                    self._add(rid, title, checked=False)
            self.results.setCurrentRow(0)
            return
        searching = bool(text.strip())
        if not self.attr.required:
            self._add(None, "— none —", checked=None)
        offset = self.results.count()
        shown = found if searching else chosen + [(rid, title) for rid, title in found if rid not in self._chosen]
        for rid, title in shown:
            self._add(rid, title, checked=None)
        # Typing means “this one”: highlight the best match; otherwise the current value.
        current = offset if searching and found else 0 if searching else offset if chosen else 0
        self.results.setCurrentRow(min(current, self.results.count() - 1))

    def _add(self, rid: str | None, title: str, *, checked: bool | None) -> None:
        # Titles are user text; list items paint them as plain characters.
        item = QListWidgetItem(title, self.results)
        item.setData(Qt.ItemDataRole.UserRole, rid)
        item.setToolTip("")
        if checked is not None:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _clicked(self, item: QListWidgetItem) -> None:
        if self.attr.multiselect:
            self.toggle(item)
        self.picked.emit()

    def toggle(self, item: QListWidgetItem) -> None:
        rid = item.data(Qt.ItemDataRole.UserRole)
        if rid in self._chosen:
            self._chosen.remove(rid)
            item.setCheckState(Qt.CheckState.Unchecked)
        else:
            self._chosen.append(rid)
            item.setCheckState(Qt.CheckState.Checked)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Arrow keys in the search field move through the results, as in a completer.
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in _NAVIGATION:
                self.results.keyPressEvent(event)  # type: ignore[arg-type]
                return True
            if key == Qt.Key.Key_Space and self.attr.multiselect and not self.search.text():
                item = self.results.currentItem()
                if item is not None:
                    self.toggle(item)
                    self.picked.emit()
                    return True
        return super().eventFilter(watched, event)
