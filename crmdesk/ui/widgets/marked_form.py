"""The record page's form: ``AttributeForm`` with each field's unsynced-change mark, and
refreshed in place without taking an open edit from the user.

Each row gets a small badge after its editor: the glyph of the field's queued, refused or
conflicting change, with the state as its tooltip (nothing, and no tooltip, otherwise). The
badge keeps its room when empty, so a mark coming or going never shifts the form.

A change notice shows the record's new values in every field but one being edited: a text
field keeps what the user typed on its own; a reference being changed (its line edit open)
and a choice whose list is open are left alone here until the user is done.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from crmdesk.model import AttributeDef, ObjectDef
from crmdesk.store.unsynced import Mark
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.attribute_form import AttributeForm, ChoiceField, Field, ReferenceField
from crmdesk.ui.widgets.unsynced_glyph import GUTTER, mark_text, paint_mark

#: A line edit's height: the badge's glyph sits level with a field's first line.
BADGE_HEIGHT = 26


class MarkBadge(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mark: Mark | None = None
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(GUTTER, BADGE_HEIGHT)

    def set_mark(self, mark: Mark | None) -> None:
        if mark == self.mark:
            return
        self.mark = mark
        self.setToolTip(plain_tooltip(mark_text(mark)) if mark is not None else "")
        self.setAccessibleName(mark_text(mark) if mark is not None else "")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt override
        if self.mark is not None:
            painter = QPainter(self)
            paint_mark(painter, self.rect(), self.mark, self.palette())
            painter.end()


def being_edited(field: Field) -> bool:
    """A field whose editor the user has open and a refresh would close."""
    if isinstance(field, ReferenceField):
        return field.edit.isVisible()
    if isinstance(field, ChoiceField):
        return field.combo.view().isVisible()
    return False  # a text field keeps typed text itself (TextField.set_value)


class MarkedForm(AttributeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.badges: dict[str, MarkBadge] = {}
        self._marks: Mapping[str, Mark] = {}

    def _build(self, attributes: list[AttributeDef]) -> None:
        super()._build(attributes)  # the grid's old widgets, badges included, go
        self.badges = {}
        grid = self.layout()
        for attr in attributes:
            badge = MarkBadge(self)
            badge.setObjectName(f"mark_{attr.slug}")
            grid.addWidget(badge, self.rows[attr.slug], 2, Qt.AlignmentFlag.AlignTop)  # type: ignore[call-arg]
            self.badges[attr.slug] = badge
        self.set_marks(self._marks)

    def show_record(self, obj: ObjectDef, values: dict[str, Any]) -> None:
        held = {slug for slug, field in self.fields.items() if being_edited(field)}
        attributes = tuple(sorted(obj.attributes, key=lambda a: a.order))
        if not held or attributes != self._signature:
            super().show_record(obj, values)  # (a new schema builds the form again anyway)
            return
        # As AttributeForm.show_record, but a field being edited keeps its editor open: only the
        # value a later commit or Escape starts from becomes the newest.
        for slug, field in self.fields.items():
            if slug in held:
                field.value = values.get(slug)
            elif not self.has_error(field):
                field.set_value(values.get(slug))

    def set_marks(self, marks: Mapping[str, Mark]) -> None:
        """Each field's mark by slug (fields not named have none)."""
        self._marks = marks
        for slug, badge in self.badges.items():
            badge.set_mark(marks.get(slug))

    def mark_of(self, slug: str) -> Mark | None:
        badge = self.badges.get(slug)
        return badge.mark if badge is not None else None
