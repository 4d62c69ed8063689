"""The reference picker: a search field over a result list, for record references (records of
the target object) and actor references (workspace members), found offline by
``crmdesk.ui.reference_search``. One widget for the table cell and record-page editor, the link
dialog and, laid over the window, the filter bar's value picker (``show_below``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from crmdesk.model import AttributeDef
from crmdesk.model.values import elements
from crmdesk.store import Store
from crmdesk.ui.editors.base import ValueRole, problem_of
from crmdesk.ui.reference_search import MAX_SHOWN, member_matches, record_matches
from crmdesk.ui.widgets.check_delegate import VisibleCheckDelegate

MAX_RESULTS = MAX_SHOWN
LIST_HEIGHT = 200
#: (id, title) pairs for what the user typed: a ``Matches`` (which also says how many match in
#: all) or a plain list.
Source = Callable[[str], list[tuple[str, str]]]
_NAVIGATION = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


def record_source(store: Store, target: str | None) -> Source:
    """Records of ``target`` (of every object, for None) matching what was typed."""
    return lambda text: record_matches(store, target, text)


def member_source(store: Store) -> Source:
    """Workspace members matching what was typed."""
    return lambda text: member_matches(store, text)


class ReferencePicker(QFrame):
    """A search field over a result list, with how many match under it. Single: Enter or a
    click picks a row. Multiple: chosen ones stay on top with a check; a click or Space
    toggles; Enter saves.

    ``picked`` fires on each such choice: a table cell saves it at once (and, for a single
    reference, closes the editor — a multiple one stays open for the next).

    ``popup``: one pick, no “none” row, laid over the window under a field (``show_below``) —
    a child of the window rather than a popup window, so it opens and takes the keys the same on
    every platform. Enter or a click picks (the field gets the focus back); Esc or a click
    elsewhere closes it unchanged."""

    picked = Signal()

    def __init__(self, attr: AttributeDef, source: Source, title_of: Callable[[str], str | None],
                 noun: str, parent: QWidget | None = None, *, popup: bool = False) -> None:
        super().__init__(parent)
        self.attr = attr
        self._source = source
        self._title_of = title_of
        self._noun = noun
        self._popup = popup
        self._multiple = attr.multiselect and not popup
        self._offers_none = not attr.required and not popup
        self._anchor: QWidget | None = None
        self._chosen: list[str] = []
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(f"Search {noun}…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(f"Search {noun}")
        self.results = QListWidget(self)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the field
        self.results.setUniformItemSizes(True)
        self.results.setItemDelegate(VisibleCheckDelegate(self.results))  # ticks that show in dark too
        self.hint = QLabel(self)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.search)
        self.search.textChanged.connect(self.refresh)
        self.search.installEventFilter(self)
        self.results.itemClicked.connect(self._clicked)
        if popup:
            self.hide()
            self.setObjectName("referenceSearch")
            self.search.returnPressed.connect(self._enter)
        else:
            self.setMinimumSize(260, LIST_HEIGHT)

    # -- the editor protocol -----------------------------------------------------------------

    @property
    def closes_on_pick(self) -> bool:
        return not self._multiple

    def set_value(self, value: Any) -> None:
        chosen = [str(v) for v in elements(value)]
        if self._multiple and self.results.count() and chosen == self._chosen:
            return  # the value just saved from here: keep the list and the search as they are
        self._chosen = chosen
        self.refresh(self.search.text())

    def result(self) -> tuple[int, Any]:
        if self._multiple:
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
        self._hint(text, len(found), getattr(found, "total", len(found)))
        chosen = [(cid, self._title_of(cid) or "(unknown)") for cid in self._chosen]
        if self._multiple:
            for cid, title in chosen:
                self._add(cid, title, checked=True)
            for rid, title in found:
                if rid not in self._chosen:
                    self._add(rid, title, checked=False)
            self.results.setCurrentRow(0)
            return
        searching = bool(text.strip())
        if self._offers_none:
            self._add(None, "— none —", checked=None)
        offset = self.results.count()
        shown = found if searching else chosen + [(rid, title) for rid, title in found if rid not in self._chosen]
        for rid, title in shown:
            self._add(rid, title, checked=None)
        # Typing means “this one”: highlight the best match; otherwise the current value.
        current = offset if searching and found else 0 if searching else offset if chosen else 0
        self.results.setCurrentRow(min(current, self.results.count() - 1))

    def _hint(self, text: str, shown: int, total: int) -> None:
        if not shown:
            self.hint.setText(f"No {self._noun} match" if text.strip() else f"No {self._noun} yet")
        elif total > shown:
            self.hint.setText(f"{shown:,} of {total:,} {self._noun} shown: type to narrow")
        else:
            self.hint.setText(f"{total:,} {self._noun}")

    def _add(self, rid: str | None, title: str, *, checked: bool | None) -> None:
        # Titles are user text; list items paint them as plain characters.
        item = QListWidgetItem(title, self.results)
        item.setData(Qt.ItemDataRole.UserRole, rid)
        item.setToolTip("")
        if checked is not None:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _clicked(self, item: QListWidgetItem) -> None:
        if self._multiple:
            self.toggle(item)
        if self._popup:
            self.dismiss(back_to_anchor=True)
        self.picked.emit()

    def toggle(self, item: QListWidgetItem) -> None:
        rid = item.data(Qt.ItemDataRole.UserRole)
        if rid in self._chosen:
            self._chosen.remove(rid)
            item.setCheckState(Qt.CheckState.Unchecked)
        else:
            self._chosen.append(rid)
            item.setCheckState(Qt.CheckState.Checked)

    # -- laid over the window (``popup``) ----------------------------------------------------

    def show_below(self, anchor: QWidget, size: QSize = QSize(320, 340)) -> None:  # noqa: B008
        """Open under ``anchor`` (empty, listing from the start), kept inside the window, with the
        keys in the search field."""
        self._anchor = anchor
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.refresh()
        window = self.parentWidget()
        assert window is not None
        # As tall as a dozen rows at most: a few matches make a small panel.
        rows = max(3, min(12, self.results.count()))
        content = self.search.sizeHint().height() + self.hint.sizeHint().height() + 16
        wanted = content + rows * max(self.results.sizeHintForRow(0), self.fontMetrics().height() + 4)
        width, height = min(size.width(), window.width()), min(size.height(), wanted, window.height())
        spot = anchor.mapTo(window, QPoint(0, anchor.height()))
        x = max(0, min(spot.x(), window.width() - width))
        y = spot.y() if spot.y() + height <= window.height() else max(0, spot.y() - anchor.height() - height)
        self.setGeometry(x, y, width, height)
        self.show()
        self.raise_()
        self.search.setFocus()

    def _enter(self) -> None:
        if self.results.currentItem() is not None:
            self._clicked(self.results.currentItem())

    def dismiss(self, *, back_to_anchor: bool = False) -> None:
        self.hide()
        if back_to_anchor and self._anchor is not None:
            self._anchor.setFocus()

    def _closed_if_unfocused(self) -> None:
        if self.isVisible() and not self.search.hasFocus():
            self.dismiss()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Arrow keys in the search field move through the results, as in a completer.
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in _NAVIGATION:
                self.results.keyPressEvent(event)  # type: ignore[arg-type]
                return True
            if key == Qt.Key.Key_Escape and self._popup:
                self.dismiss(back_to_anchor=True)
                return True
            if key == Qt.Key.Key_Space and self._multiple and not self.search.text():
                item = self.results.currentItem()
                if item is not None:
                    self.toggle(item)
                    self.picked.emit()
                    return True
        elif watched is self.search and event.type() == QEvent.Type.FocusOut and self._popup:
            # A click elsewhere; clicks in the list keep the focus here (it takes none).
            QTimer.singleShot(0, self, self._closed_if_unfocused)
        return super().eventFilter(watched, event)
