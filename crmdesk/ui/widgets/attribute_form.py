"""Every attribute of one record, each editable in place, with the validation message inline.

A typed value reads as the table shows it ("$114,000.00", "Mar 12, 2027": the shared
``ValueFormatter``) until the user goes into the field; there it turns into the text they edit
("114000 USD", "2027-03-12"), and back when they leave it.

The form never writes: it parses what the user typed with the model's codecs (a refused
value stays in the editor with the model's message next to it and never reaches the store)
and hands a canonical value to ``commit``, which the record page turns into a store edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QMouseEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayoutItem,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, ValidationError
from crmdesk.model.values import edit_text, elements, parse_user_text
from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.store.user_text import resolve_references
from crmdesk.ui.formatting import ValueFormatter
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.display_line_edit import DisplayLineEdit
from crmdesk.ui.widgets.elided_label import ElidedLabel
from crmdesk.ui.widgets.error_label import error_label
from crmdesk.ui.widgets.section import section_title

#: commit(slug, value) → None when saved, else the message to show next to the field.
Commit = Callable[[str, Any], str | None]


class LinkLabel(ElidedLabel):
    """A clickable record title: plain text (never markup), keyboard reachable, elided."""

    clicked = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setForegroundRole(QPalette.ColorRole.Link)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # Qt override
        event.accept()  # so the release comes here too (a QLabel lets presses through to its parent)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)

    def enterEvent(self, event: Any) -> None:  # Qt override
        font = self.font()
        font.setUnderline(True)
        self.setFont(font)
        super().enterEvent(event)

    def leaveEvent(self, event: Any) -> None:  # Qt override
        font = self.font()
        font.setUnderline(False)
        self.setFont(font)
        super().leaveEvent(event)


def color_dot(color: str | None, size: int = 10) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    if color:
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(color))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(0, 0, size, size)
        painter.end()
    return QIcon(pixmap)


class Field(QWidget):
    """One attribute's editor. ``submit`` asks the form to parse and save a typed text."""

    def __init__(self, attr: AttributeDef, form: AttributeForm) -> None:
        super().__init__(form)
        self.attr = attr
        self.form = form
        self.value: Any = None

    def set_value(self, value: Any) -> None:
        self.value = value

    def show_saved(self, value: Any) -> None:
        """The value just saved from what the user typed, shown in its normal form."""
        self.set_value(value)

    def submit_text(self, text: str) -> bool:
        return self.form.submit(self, text)


class TextField(Field):
    """A line edit for any type whose value a user can type (numbers, dates, emails, names…)."""

    def __init__(self, attr: AttributeDef, form: AttributeForm) -> None:
        super().__init__(attr, form)
        self.edit = DisplayLineEdit(self)
        self.edit.setPlaceholderText("Empty")
        self.edit.setFrame(True)
        self.edit.editingFinished.connect(self._finished)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)
        self._shown = ""

    def set_value(self, value: Any) -> None:
        if self.edit.hasFocus() and self.edit.isModified() and self.edit.text() != self._shown:
            # A sync refresh while the user is typing here: their text wins until they commit or Escape.
            self.value = value
            return
        super().set_value(value)
        self._shown = edit_text(self.attr, value, self.form.display)
        shown = self.form.formatter.display(self.attr, value, self.form.display)
        self.edit.show_value(shown, self._shown)
        self.edit.setToolTip(plain_tooltip(shown))

    def show_saved(self, value: Any) -> None:
        # The typed text is saved now: show it as stored ("31,500" → "31500 EUR").
        self.edit.setModified(False)
        self.set_value(value)

    def _finished(self) -> None:
        if self.edit.showing_display() and self.edit.text() != self._shown and not self.form.has_error(self):
            return  # the field shows the value as read (not being edited): nothing was typed
        if self.edit.text() != self._shown or self.form.has_error(self):
            self.submit_text(self.edit.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.edit.setModified(False)
            self.set_value(self.value)  # give up the typed text, keep the stored value
            self.form.clear_error(self)
            return
        super().keyPressEvent(event)


class CheckField(Field):
    def __init__(self, attr: AttributeDef, form: AttributeForm) -> None:
        super().__init__(attr, form)
        self.box = QCheckBox(self)
        self.box.clicked.connect(lambda checked: self.submit_text("true" if checked else "false"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addStretch(1)
        self.setFocusProxy(self.box)

    def set_value(self, value: Any) -> None:
        super().set_value(value)
        self.box.setChecked(bool(value))


class ChoiceField(Field):
    """A single select, status or workspace member, chosen from a list."""

    def __init__(self, attr: AttributeDef, form: AttributeForm) -> None:
        super().__init__(attr, form)
        self.combo = QComboBox(self)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.activated.connect(self._chosen)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        self.setFocusProxy(self.combo)

    def _choices(self) -> list[tuple[str, str, str | None]]:
        """(stored id, title, colour) for each choice."""
        if self.attr.type is AttributeType.ACTOR_REFERENCE:
            return [(m.actor_id, m.name, None) for m in self.form.store.schema.members()]
        options = sorted(self.attr.options, key=lambda o: o.order)
        # A status's "inactive" marks a closed stage (Won, Lost) that must stay choosable;
        # an inactive select option is archived and offered only while a record still holds it.
        keep_all = self.attr.type is AttributeType.STATUS
        return [(o.id, o.title, o.color) for o in options if keep_all or o.active or o.id == self.value]

    def set_value(self, value: Any) -> None:
        super().set_value(value)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem("—", "")
        found = False
        for identifier, title, color in self._choices():
            if color:
                self.combo.addItem(color_dot(color), title, identifier)
            else:
                self.combo.addItem(title, identifier)
            found = found or identifier == value
        if value and not found:
            self.combo.addItem(self.form.formatter.display(self.attr, value, self.form.display), value)
        index = self.combo.findData(value or "")
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)

    def _chosen(self, index: int) -> None:
        identifier = self.combo.itemData(index) or ""
        if identifier != (self.value or ""):
            self.submit_text(identifier)


class ReferenceField(Field):
    """Referenced records as links; "Change" opens a line edit that takes titles (with completion)."""

    def __init__(self, attr: AttributeDef, form: AttributeForm) -> None:
        super().__init__(attr, form)
        self.links = QWidget(self)
        # Several references stack one per line, so each title gets the column's width before eliding.
        self.links_layout: QHBoxLayout | QVBoxLayout = (
            QVBoxLayout(self.links) if attr.multiselect else QHBoxLayout(self.links))
        self.links_layout.setContentsMargins(0, 0, 0, 0)
        self.links_layout.setSpacing(2 if attr.multiselect else 10)
        self.change = QToolButton(self)
        self.change.setText("Change")
        self.change.setAutoRaise(True)
        self.change.clicked.connect(self._start_editing)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Type a name; separate several with “;”" if attr.multiselect else "Type a name")
        self.edit.hide()
        self.edit.returnPressed.connect(lambda: self.submit_text(self.edit.text()))
        self.completions = QStringListModel(self)
        completer = QCompleter(self.completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.edit.setCompleter(completer)
        self.edit.textEdited.connect(self._complete)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.links, 1)
        top.addWidget(self.change, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.edit)
        self.link_labels: list[LinkLabel] = []

    def set_value(self, value: Any) -> None:
        super().set_value(value)
        for label in self.link_labels:
            label.deleteLater()
        self.link_labels = []
        while self.links_layout.count():
            item = self.links_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        ids = [str(i) for i in elements(value)]
        if not ids:
            empty = QLabel("None")
            empty.setTextFormat(Qt.TextFormat.PlainText)
            empty.setEnabled(False)
            self.links_layout.addWidget(empty)
        for record_id in ids:
            title = self.form.display.record_title(record_id) or "(not downloaded yet)"
            link = LinkLabel(title, self.links)
            link.setProperty("record_id", record_id)
            link.clicked.connect(lambda rid=record_id: self.form.navigate_requested.emit(f"record:{rid}"))
            self.link_labels.append(link)
            self.links_layout.addWidget(link)
        self.links_layout.addStretch(1)
        self.edit.hide()
        self.change.show()

    def _start_editing(self) -> None:
        titles = [self.form.display.record_title(str(i)) or str(i) for i in elements(self.value)]
        self.edit.setText("; ".join(titles))
        self.edit.show()
        self.change.hide()
        self.edit.setFocus()
        self.edit.selectAll()

    def _complete(self, text: str) -> None:
        piece = text.split(";")[-1].strip()
        target = self.attr.target_object
        hits = self.form.store.search(piece, limit=20) if piece else []
        titles = [h.title for h in hits if h.kind == "record" and (target is None or h.object_slug == target)]
        self.completions.setStringList(titles[:10])

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.set_value(self.value)
            self.form.clear_error(self)
            return
        super().keyPressEvent(event)

    def resolve(self, text: str) -> str:
        """Titles (or ids) the user typed → ids the codec accepts, or a ValidationError (the
        same look-up as ``crmdesk records``: ``crmdesk.store.user_text``)."""
        return resolve_references(self.form.store, self.attr, text)


def field_for(attr: AttributeDef, form: AttributeForm) -> Field:
    if attr.type is AttributeType.CHECKBOX:
        return CheckField(attr, form)
    if attr.type is AttributeType.RECORD_REFERENCE:
        return ReferenceField(attr, form)
    if not attr.multiselect and (attr.has_options or attr.type is AttributeType.ACTOR_REFERENCE):
        return ChoiceField(attr, form)
    return TextField(attr, form)


#: The heading of attributes without a section, on an object whose other attributes have one.
OTHER_SECTION = "Other"


def sections(attributes: list[AttributeDef]) -> list[tuple[str | None, list[AttributeDef]]]:
    """The attributes grouped under the section the server files them in
    (``config["section"]``), sections in the order their first attribute comes, attributes in
    theirs. One group named None when no attribute has a section: no headings at all."""
    named = [str(a.config.get("section") or "").strip() for a in attributes]
    if not any(named):
        return [(None, list(attributes))]
    groups: dict[str, list[AttributeDef]] = {}
    for attr, name in zip(attributes, named, strict=True):
        groups.setdefault(name or OTHER_SECTION, []).append(attr)
    return [(name, members) for name, members in groups.items()]


def _drop(item: QLayoutItem | None) -> None:
    """Delete a grid item's widgets, those in a nested cell layout too."""
    if item is None:
        return
    widget = item.widget()
    if widget is not None:
        widget.deleteLater()
        return
    nested = item.layout()
    if nested is not None:
        while nested.count():
            _drop(nested.takeAt(0))
        nested.deleteLater()


class AttributeForm(QWidget):
    navigate_requested = Signal(str)

    def __init__(self, store: Store, display: StoreDisplayContext, commit: Commit,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.display = display
        #: Values read as the table shows them (one formatter, the system locale).
        self.formatter = ValueFormatter()
        self._commit = commit
        self.fields: dict[str, Field] = {}
        self.errors: dict[str, QLabel] = {}
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(16)
        self._grid.setVerticalSpacing(6)
        self._grid.setColumnStretch(1, 1)
        self._signature: tuple[Any, ...] = ()

    def show_record(self, obj: ObjectDef, values: dict[str, Any]) -> None:
        """Build the fields for ``obj`` (once per schema) and show ``values``."""
        attributes = sorted(obj.attributes, key=lambda a: a.order)
        signature = tuple(attributes)
        if signature != self._signature:
            self._build(attributes)
            self._signature = signature
        for slug, field in self.fields.items():
            if not self.has_error(field):  # keep what the user typed next to its message
                field.set_value(values.get(slug))

    def _build(self, attributes: list[AttributeDef]) -> None:
        while self._grid.count():
            _drop(self._grid.takeAt(0))
        self.fields.clear()
        self.errors.clear()
        #: The grid row of each attribute (section headings take rows of their own).
        self.rows: dict[str, int] = {}
        self.section_labels: list[QLabel] = []
        row = 0
        for name, members in sections(attributes):
            if name is not None:
                heading = section_title(name)
                self._grid.addWidget(heading, row, 0, 1, -1)
                self.section_labels.append(heading)
                row += 1
            for attr in members:
                self._add_row(attr, row)
                row += 1

    def _add_row(self, attr: AttributeDef, row: int) -> None:
        label = QLabel(attr.title or attr.slug)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setProperty("muted", True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setContentsMargins(0, 5, 0, 0)
        label.setMinimumWidth(110)
        field = field_for(attr, self)
        field.setObjectName(f"field_{attr.slug}")
        label.setBuddy(field)
        error = error_label()
        cell = QVBoxLayout()
        cell.setSpacing(2)
        cell.addWidget(field)
        cell.addWidget(error)
        self._grid.addWidget(label, row, 0)
        self._grid.addLayout(cell, row, 1)
        self.fields[attr.slug] = field
        self.errors[attr.slug] = error
        self.rows[attr.slug] = row

    @property
    def sectioned(self) -> bool:
        """Whether the fields stand under section headings (the server groups its attributes)."""
        return bool(self.section_labels)

    # -- committing --------------------------------------------------------------------------

    def submit(self, field: Field, text: str) -> bool:
        """Parse ``text`` for ``field``; save it, or show why not. True when saved."""
        try:
            if isinstance(field, ReferenceField):
                text = field.resolve(text)
            value = parse_user_text(field.attr, text, field.value)
        except ValidationError as error:
            # "Stage has no option …", "Name is required": the model's message, named.
            self.show_error(field, f"{field.attr.title or error.attribute} {error.message}")
            return False
        message = self._commit(field.attr.slug, value)
        if message:
            self.show_error(field, message)
            return False
        self.clear_error(field)
        field.show_saved(value)
        return True

    def show_error(self, field: Field, message: str) -> None:
        label = self.errors[field.attr.slug]
        label.setText(message)
        label.show()
        field.setProperty("invalid", True)
        field.setToolTip(plain_tooltip(message))

    def clear_error(self, field: Field) -> None:
        self.errors[field.attr.slug].hide()
        self.errors[field.attr.slug].clear()
        field.setProperty("invalid", False)
        field.setToolTip("")

    def has_error(self, field: Field) -> bool:
        return bool(self.errors[field.attr.slug].text())

    def error_text(self, slug: str) -> str:
        return self.errors[slug].text()
