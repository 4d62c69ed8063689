"""Ctrl+N on any view: a new record of the object the view is about, from the quick create form.

One window-wide shortcut, so it works wherever the focus is (a table, a board, a record page,
Home): an object's table or board, or a list's, creates there (its own ``create_record``; a list
adds the new record of its parent object as an entry); a record page
creates another record of its object and opens it; a view about no object (Home, Tasks, Notes)
asks which object first, in a menu under the cursor that the keyboard drives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QMenu, QWidget

from crmdesk.ui.dialogs.quick_create_dialog import quick_create
from crmdesk.ui.text import action_text

if TYPE_CHECKING:
    from crmdesk.context import AppContext


def object_of_view(context: AppContext, view: QWidget | None) -> str | None:
    """The slug of the object ``view`` shows a record of (a record page), else None."""
    record_id = getattr(view, "record_id", None)
    store = context.store
    if not isinstance(record_id, str) or store is None:
        return None
    row = store.records.get(record_id)
    return row.object_slug if row is not None else None


def create_and_open(context: AppContext, object_slug: str, parent: QWidget) -> None:
    """The quick create form for ``object_slug``; the new record's page opens when it is made."""
    record_id = quick_create(context, object_slug, parent)
    if record_id is not None and context.navigator is not None:
        context.navigator.go(f"record:{record_id}")


def new_record_from(context: AppContext, view: QWidget | None, parent: QWidget) -> QMenu | None:
    """What Ctrl+N does in ``view``; returns the object menu when one was opened (tests answer it)."""
    own = getattr(view, "create_record", None)
    if callable(own):
        own()
        return None
    slug = object_of_view(context, view)
    if slug is not None:
        create_and_open(context, slug, parent)
        return None
    store = context.store
    if store is None:
        return None
    menu = QMenu(parent)
    menu.setObjectName("newRecordMenu")
    menu.setTitle("New record")
    for obj in store.schema.objects().values():
        action = menu.addAction(action_text(f"New {obj.singular_name.lower()}…"))
        # After the menu has closed (and gone): the form runs its own modal loop.
        action.triggered.connect(lambda _=False, slug=obj.slug: QTimer.singleShot(
            0, lambda: create_and_open(context, slug, parent)))
    # Deleted when closed: each Ctrl+N builds the menu afresh from the schema.
    menu.aboutToHide.connect(menu.deleteLater)
    menu.popup(QCursor.pos() if parent.rect().contains(parent.mapFromGlobal(QCursor.pos()))
               else parent.mapToGlobal(parent.rect().center()))
    return menu
