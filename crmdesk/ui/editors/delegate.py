"""The table's delegate: one editor per attribute type, chips, check marks and stars.

Enter on an editor whose contents are invalid keeps the editor open and shows the model's
message; leaving the cell any other way commits through the model, which refuses invalid
values (``edit_refused``) before they reach the undo stack or the store.

Choices are one gesture: a select's list opens with its editor, and an editor that reports a
``picked`` choice (select, status, reference; each toggle of a multiselect) is saved at once —
and closed, unless it keeps picking (``closes_on_pick``). A select's list closed without a
choice ends the edit with the value unchanged.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from crmdesk.model import AttributeDef, AttributeType, ValidationError
from crmdesk.model.values import elements
from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.ui.editors.base import mark_invalid
from crmdesk.ui.editors.choice import ChoiceEditor
from crmdesk.ui.editors.colors import option_color, paint_chips
from crmdesk.ui.editors.factory import create_editor
from crmdesk.ui.editors.rating import paint_stars
from crmdesk.ui.models.record_table_model import AttributeRole, ValueRole

Index = QModelIndex | QPersistentModelIndex
_PAINTED = frozenset({AttributeType.SELECT, AttributeType.STATUS, AttributeType.CHECKBOX, AttributeType.RATING})
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class AttributeDelegate(QStyledItemDelegate):
    def __init__(self, store: Store, ctx: StoreDisplayContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._ctx = ctx

    # -- editing -------------------------------------------------------------------------------

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        attr: AttributeDef = index.data(AttributeRole)
        editor = create_editor(attr, self._store, self._ctx, parent)
        editor.setObjectName(f"editor_{attr.slug}")
        picked = getattr(editor, "picked", None)
        if picked is not None:
            picked.connect(lambda: self._picked(editor))
        if isinstance(editor, ChoiceEditor):
            editor.dismissed.connect(lambda: self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint))
            editor.open_list()
        return editor

    def _picked(self, editor: QWidget) -> None:
        """A choice made in the editor: saved now; the editor closes unless it keeps picking."""
        self.commitData.emit(editor)
        if getattr(editor, "closes_on_pick", True):
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        editor.set_value(index.data(ValueRole))  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        try:
            role, value = editor.result()  # type: ignore[attr-defined]
        except ValidationError as error:
            refuse = getattr(model, "edit_refused", None)
            if refuse is not None:
                refuse.emit(str(error))
            return
        model.setData(index, value, role)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:
        # Forms and pickers are taller than a row: they open over the rows below (or above,
        # near the bottom), never squeezed into the cell.
        rect = QRect(option.rect)  # type: ignore[attr-defined]
        hint = editor.sizeHint()
        minimum = editor.minimumSize()
        width = max(rect.width(), minimum.width())
        height = max(rect.height(), minimum.height(), hint.height() if hint.height() > rect.height() + 8 else 0)
        viewport = editor.parentWidget()
        top = rect.top()
        left = rect.left()
        if viewport is not None:
            if top + height > viewport.height():
                top = max(0, rect.bottom() - height)
            if left + width > viewport.width():
                left = max(0, viewport.width() - width)
        editor.setGeometry(left, top, width, height)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in _ENTER:  # type: ignore[attr-defined]
            problem = getattr(editor, "problem", None)
            message = problem() if problem is not None else None
            if message is not None:
                # Keep what the user typed on screen with the reason, instead of throwing it away.
                mark_invalid(editor, message)  # type: ignore[arg-type]
                view = self.parent()
                model = getattr(view, "model", lambda: None)()
                if model is not None and hasattr(model, "edit_refused"):
                    model.edit_refused.emit(message)
                return True
        return super().eventFilter(editor, event)

    # -- painting ------------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        attr: AttributeDef | None = index.data(AttributeRole)
        if attr is None or attr.type not in _PAINTED:
            super().paint(painter, option, index)
            return
        value = index.data(ValueRole)
        # Background, selection and focus as the style draws them, then our own contents.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # type: ignore[attr-defined]
        style = opt.widget.style() if opt.widget is not None else QApplication.style()  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)  # type: ignore[attr-defined]
        rect: QRect = opt.rect  # type: ignore[attr-defined]
        palette: QPalette = opt.palette  # type: ignore[attr-defined]
        if attr.type is AttributeType.CHECKBOX:
            if value:
                painter.save()
                painter.setPen(palette.color(QPalette.ColorRole.Text))
                painter.drawText(rect.adjusted(6, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, "✓")
                painter.restore()
        elif attr.type is AttributeType.RATING:
            if isinstance(value, (int, float)) and value:
                paint_stars(painter, rect, float(value), palette)
        else:
            chips = []
            for element in elements(value):
                found = attr.option_by_id(element)
                chips.append((found.title if found else "(unknown option)", option_color(found)))
            paint_chips(painter, rect, chips, palette)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> Any:
        return super().sizeHint(option, index)
