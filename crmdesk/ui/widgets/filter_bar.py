"""The filter bar: nested AND/OR groups of conditions, applied through the table model.

Incomplete conditions (no operand yet) are left out rather than reported, so the table
follows the user as they build a filter; a filter the store cannot run (``InvalidFilter``,
e.g. “abc” for a number) shows its message and the table keeps the previous filter.

A condition may name "me" (an owner is me): the bar keeps the placeholder (``current_filter``,
what a saved view keeps) and the table gets the workspace's member in its place.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from crmdesk.model import AttributeDef, Condition, FilterGroup, InvalidFilter, Operator
from crmdesk.model.filters import resolve_me
from crmdesk.store import Store
from crmdesk.ui.models.record_table_model import RecordTableModel
from crmdesk.ui.widgets.filter_operands import Operand, filter_operators, make_operand

TYPING_PAUSE_MS = 300
MAX_DEPTH = 3


class ConditionRow(QWidget):
    changed = Signal()
    submitted = Signal()
    remove_requested = Signal(QWidget)

    def __init__(self, attributes: list[AttributeDef], store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._by_slug = {a.slug: a for a in attributes}
        self.attribute = QComboBox(self)
        for attr in attributes:
            self.attribute.addItem(attr.title, attr.slug)
        self.attribute.setMinimumContentsLength(10)
        self.operator = QComboBox(self)
        self.operator.setMinimumContentsLength(12)
        self.operand: Operand | None = None
        self.remove = QToolButton(self)
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.setToolTip("Remove this condition")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.attribute)
        self._layout.addWidget(self.operator)
        self._layout.addStretch(1)
        self._layout.addWidget(self.remove)
        self.attribute.currentIndexChanged.connect(self._attribute_changed)
        self.operator.currentIndexChanged.connect(self._operator_changed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self._attribute_changed()

    def current_attribute(self) -> AttributeDef:
        return self._by_slug[self.attribute.currentData()]

    def _attribute_changed(self, *_: object) -> None:
        self.operator.blockSignals(True)
        self.operator.clear()
        for op in filter_operators(self.current_attribute()):
            self.operator.addItem(op.label, op.value)
        self.operator.blockSignals(False)
        self._operator_changed()

    def _operator_changed(self, *_: object) -> None:
        if self.operand is not None:
            self._layout.removeWidget(self.operand)
            self.operand.deleteLater()
        self.operand = make_operand(self.current_attribute(), self.current_operator(), self._store)
        if self.operand is not None:
            self._layout.insertWidget(2, self.operand, 1)
            # Tab goes attribute → operator → value → remove, as they read (the value is newer).
            QWidget.setTabOrder(self.operator, self.operand.field)
            QWidget.setTabOrder(self.operand.field, self.remove)
            self.operand.changed.connect(self.changed)
            self.operand.submitted.connect(self.submitted)
        self.changed.emit()

    def current_operator(self) -> Operator:
        return Operator(self.operator.currentData())

    def set_condition(self, condition: Condition) -> None:
        self.attribute.setCurrentIndex(max(0, self.attribute.findData(condition.attribute)))
        self.operator.setCurrentIndex(max(0, self.operator.findData(Operator(condition.operator).value)))
        if self.operand is not None and condition.value is not None:
            self.operand.set_value(condition.value)

    def condition(self) -> Condition | None:
        """None while the condition lacks its operand."""
        op = self.current_operator()
        if self.operand is None:
            return Condition(self.current_attribute().slug, op)
        value = self.operand.value()
        return None if value is None else Condition(self.current_attribute().slug, op, value)


class GroupBox(QFrame):
    """“All of” / “Any of” a list of conditions and groups."""

    changed = Signal()
    submitted = Signal()
    remove_requested = Signal(QWidget)

    def __init__(self, attributes: list[AttributeDef], store: Store, depth: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._attributes = attributes
        self._store = store
        self.depth = depth
        if depth:
            self.setFrameShape(QFrame.Shape.StyledPanel)
        self.conjunction = QComboBox(self)
        self.conjunction.addItem("All of these", "and")
        self.conjunction.addItem("Any of these", "or")
        self.add_condition_button = QPushButton("+ Condition", self)
        self.add_group_button = QPushButton("+ Group", self)
        self.add_group_button.setEnabled(depth + 1 < MAX_DEPTH)
        self.remove = QToolButton(self)
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.setToolTip("Remove this group")
        self.remove.setVisible(depth > 0)
        head = QHBoxLayout()
        head.setSpacing(4)
        head.addWidget(self.conjunction)
        head.addWidget(self.add_condition_button)
        head.addWidget(self.add_group_button)
        head.addStretch(1)
        head.addWidget(self.remove)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(3)
        self.rows.setContentsMargins(16 if depth else 0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*((6, 4, 6, 4) if depth else (0, 0, 0, 0)))
        layout.setSpacing(3)
        layout.addLayout(head)
        layout.addLayout(self.rows)
        self.conjunction.currentIndexChanged.connect(self.changed)
        self.add_condition_button.clicked.connect(lambda: self.add_condition())
        self.add_group_button.clicked.connect(lambda: self.add_group())
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))

    def children_widgets(self) -> list[ConditionRow | GroupBox]:
        items = (self.rows.itemAt(i).widget() for i in range(self.rows.count()))
        return [w for w in items if isinstance(w, (ConditionRow, GroupBox))]

    def _adopt(self, child: ConditionRow | GroupBox) -> None:
        self.rows.addWidget(child)
        child.changed.connect(self.changed)
        child.submitted.connect(self.submitted)
        child.remove_requested.connect(self._remove_child)
        self.changed.emit()

    def add_condition(self, condition: Condition | None = None) -> ConditionRow:
        row = ConditionRow(self._attributes, self._store, self)
        if condition is not None:
            row.set_condition(condition)
        self._adopt(row)
        row.attribute.setFocus()
        return row

    def add_group(self, group: FilterGroup | None = None) -> GroupBox:
        box = GroupBox(self._attributes, self._store, self.depth + 1, self)
        box.set_group(group or FilterGroup("and", ()))
        if not box.children_widgets():
            box.add_condition()
        self._adopt(box)
        return box

    def _remove_child(self, child: QWidget) -> None:
        self.rows.removeWidget(child)
        child.hide()
        child.deleteLater()
        self.changed.emit()

    def clear(self) -> None:
        for child in self.children_widgets():
            self.rows.removeWidget(child)
            child.hide()
            child.deleteLater()

    def set_group(self, group: FilterGroup) -> None:
        self.clear()
        self.conjunction.setCurrentIndex(0 if group.conjunction == "and" else 1)
        for node in group.children:
            if isinstance(node, Condition):
                self.add_condition(node)
            else:
                self.add_group(node)

    def group(self) -> FilterGroup:
        parts: list[Condition | FilterGroup] = []
        for child in self.children_widgets():
            node = child.condition() if isinstance(child, ConditionRow) else child.group()
            if node is not None and not (isinstance(node, FilterGroup) and node.is_empty()):
                parts.append(node)
        return FilterGroup(self.conjunction.currentData(), tuple(parts))


class FilterBar(QFrame):
    """A “Filter” row above the table. ``applied`` says how many conditions are active."""

    applied = Signal(int)

    def __init__(self, model: RecordTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("filterBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        attributes = list(model.object_def.attributes)
        self.root = GroupBox(attributes, model.store, 0, self)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setToolTip("Remove every condition")
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setObjectName("error")
        self.message.setStyleSheet("color: #b91c1c;")
        self.message.setWordWrap(True)
        self.message.hide()
        head = QHBoxLayout()
        head.addWidget(self.root, 1)
        head.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.message)
        # Typing pauses before the query runs; combos and Enter apply at once.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.apply)
        self.root.changed.connect(self._timer.start)
        self.root.submitted.connect(self.apply)
        self.clear_button.clicked.connect(self.clear)

    def current_filter(self) -> FilterGroup | None:
        group = self.root.group()
        return None if group.is_empty() else group

    def apply(self) -> bool:
        self._timer.stop()
        group = self.current_filter()
        try:
            if group is not None:
                group = resolve_me(group, self.model.store.schema.my_actor_id())
            if group == self.model.filter:
                self.message.hide()
                return True
            self.model.set_filter(group)
        except InvalidFilter as error:
            self.message.setText(f"This filter cannot be applied: {error}. The table still shows the previous one.")
            self.message.show()
            return False
        self.message.hide()
        self.applied.emit(_count(group))
        return True

    def set_filter(self, group: FilterGroup | None) -> None:
        self.root.set_group(group or FilterGroup("and", ()))
        self.apply()

    def clear(self) -> None:
        self.root.clear()
        self.apply()


def _count(group: FilterGroup | None) -> int:
    if group is None:
        return 0
    return sum(_count(c) if isinstance(c, FilterGroup) else 1 for c in group.children)
