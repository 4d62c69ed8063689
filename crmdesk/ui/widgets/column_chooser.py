"""Columns of a record table: choose, reorder, hide — and remember them per object.

The model keeps every attribute as a column; the header shows, hides and orders them, so
changing columns never refetches rows. The layout is saved as JSON under
``columns/<workspace>/<object>`` by attribute slug (not by position), so it survives new
or removed attributes.

Widths: each column's entry has its ``width`` and whether the user set it (``sized``). Only the
user's widths are applied again; the others are fitted to the rows when the view opens
(crmdesk.ui.widgets.column_widths). Layouts saved before ``sized`` existed kept every width;
there a width other than the old default of 170 px was the user's.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import Sort
from crmdesk.store import Store
from crmdesk.ui.models.record_table_model import RecordTableModel
from crmdesk.ui.widgets.check_delegate import VisibleCheckDelegate

MIN_WIDTH = 40
#: Every column's width before widths were fitted: in an old layout, this one was not the user's.
OLD_DEFAULT_WIDTH = 170


def settings_key(store: Store, object_slug: str) -> str:
    workspace = store.schema.workspace()
    return f"columns/{workspace.id if workspace else store.path.stem}/{object_slug}"


def header_layout(header: QHeaderView, model: RecordTableModel) -> list[dict[str, Any]]:
    """Columns in the order the user sees them, with width and hidden flag."""
    columns = model.columns
    # A plain header cannot tell the user's widths from others: all of them count as the user's.
    user_sized = getattr(header, "user_sized", None)
    out = []
    for visual in range(header.count()):
        logical = header.logicalIndex(visual)
        out.append({"slug": columns[logical].slug, "width": header.sectionSize(logical),
                    "sized": user_sized is None or logical in user_sized,
                    "hidden": header.isSectionHidden(logical)})
    return out


def _sized_by_user(entry: dict[str, Any]) -> bool:
    width = entry.get("width")
    sized = entry.get("sized")
    if sized is None:  # a layout saved before widths were fitted
        return isinstance(width, int) and width != OLD_DEFAULT_WIDTH
    return bool(sized)


def apply_layout(header: QHeaderView, model: RecordTableModel, layout: list[dict[str, Any]]) -> None:
    logical_of = {attr.slug: i for i, attr in enumerate(model.columns)}
    user_sized = getattr(header, "user_sized", None)
    visual = 0
    for entry in layout:
        logical = logical_of.get(str(entry.get("slug")))
        if logical is None:
            continue  # an attribute removed from the schema since
        header.moveSection(header.visualIndex(logical), visual)
        visual += 1
        width = entry.get("width")
        if _sized_by_user(entry) and isinstance(width, int) and width >= MIN_WIDTH:
            header.resizeSection(logical, width)
            if user_sized is not None:
                user_sized.add(logical)
        header.setSectionHidden(logical, bool(entry.get("hidden")))
    if header.hiddenSectionCount() >= header.count() and header.count():
        header.setSectionHidden(header.logicalIndex(0), False)  # never a table without columns


def save_state(settings: Any, key: str, header: QHeaderView, model: RecordTableModel) -> None:
    if settings is None:
        return
    sorts = [{"attribute": s.attribute, "descending": s.descending} for s in model.sorts]
    settings.setValue(key, json.dumps({"columns": header_layout(header, model), "sorts": sorts}))


def load_state(settings: Any, key: str) -> tuple[list[dict[str, Any]], list[Sort]]:
    raw = settings.value(key) if settings is not None else None
    try:
        data = json.loads(raw) if isinstance(raw, str) else {}
        columns = [c for c in data.get("columns", []) if isinstance(c, dict)]
        sorts = [Sort(str(s["attribute"]), bool(s.get("descending"))) for s in data.get("sorts", [])]
    except (ValueError, TypeError, KeyError, AttributeError):
        return [], []  # a damaged setting is forgotten, not an error
    return columns, sorts


class ColumnChooser(QDialog):
    """Tick the columns to show; drag (or Move up/down) to order them."""

    def __init__(self, header: QHeaderView, model: RecordTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Columns — {model.object_def.plural_name}")
        self._header = header
        self._model = model
        self.list = QListWidget(self)
        self.list.setItemDelegate(VisibleCheckDelegate(self.list))  # boxes that show in dark too
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        titles = {a.slug: a.title for a in model.columns}
        for entry in header_layout(header, model):
            item = QListWidgetItem(titles[entry["slug"]], self.list)
            item.setData(Qt.ItemDataRole.UserRole, entry["slug"])
            item.setData(Qt.ItemDataRole.UserRole + 1, entry["width"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsDragEnabled)
            item.setCheckState(Qt.CheckState.Unchecked if entry["hidden"] else Qt.CheckState.Checked)
        up = QPushButton("Move up", self)
        down = QPushButton("Move down", self)
        show_all = QPushButton("Show all", self)
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        show_all.clicked.connect(self._show_all)
        side = QVBoxLayout()
        for button in (up, down, show_all):
            side.addWidget(button)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(side)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        hint = QLabel("Tick the columns to show; drag to reorder.", self)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(body)
        layout.addWidget(buttons)
        self.list.setCurrentRow(0)

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def _show_all(self) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Checked)

    def chosen_layout(self) -> list[dict[str, Any]]:
        items = [self.list.item(i) for i in range(self.list.count())]
        return [{"slug": i.data(Qt.ItemDataRole.UserRole), "width": i.data(Qt.ItemDataRole.UserRole + 1),
                 "hidden": i.checkState() != Qt.CheckState.Checked} for i in items]

    def accept(self) -> None:
        apply_layout(self._header, self._model, self.chosen_layout())
        super().accept()
