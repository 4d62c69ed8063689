"""The record page's "Links" section: the records this one is linked to, with the roles each
link plays ("Acme Ltd · Company · Employee, Decision maker"), where the server links records
to records (``Capabilities.record_links``).

Each link opens the other record (click, Enter or Space on its title), and offers "Edit
roles…" and "Unlink" (which asks first). "Link record…" picks another record of the local
copy, offline. A link the server does not have yet carries the unsynced mark. Writes go to the
store's edits; a refusal is shown in the dialog, which keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QToolButton, QVBoxLayout, QWidget

from crmdesk.model import ValidationError
from crmdesk.store import StoreError
from crmdesk.store.unsynced import QUEUED, Mark
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.attribute_form import LinkLabel
from crmdesk.ui.widgets.error_label import refusal_text
from crmdesk.ui.widgets.marked_form import MarkBadge
from crmdesk.ui.widgets.section import muted, section_title

if TYPE_CHECKING:
    from crmdesk.store import Store
    from crmdesk.store.links import LinkRow
    from crmdesk.ui.dialogs.link_dialog import LinkDialog

NOT_CACHED = "(not in the local copy)"
EMPTY = "No linked records yet."
#: The mark of a link the server does not have yet (a link, its roles or its removal queued).
UNSENT = Mark(QUEUED)


class LinkRowView(QWidget):
    """One link: the other record's title (a link) and mark, its object and roles, and buttons."""

    def __init__(self, link: LinkRow, title: str | None, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.title_link = LinkLabel(title if title is not None else NOT_CACHED)
        self.title_link.setProperty("record_id", link.other_id)
        self.title_link.setAccessibleName(f"Open {title or 'the linked record'}")
        self.badge = MarkBadge()
        self.badge.set_mark(UNSENT if link.unsent else None)
        self.edit_button = QToolButton()
        self.edit_button.setText("Edit roles…")
        self.edit_button.setAutoRaise(True)
        self.unlink_button = QToolButton()
        self.unlink_button.setText("Unlink")
        self.unlink_button.setAutoRaise(True)
        for button, what in ((self.edit_button, "Edit the roles of the link to"), (self.unlink_button, "Unlink")):
            button.setAccessibleName(f"{what} {title or 'this record'}")
        detail = " · ".join(part for part in (object_name, ", ".join(link.roles)) if part)
        self.detail_label = muted(detail)
        self.detail_label.setToolTip(plain_tooltip(detail))
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(4)
        # The mark right after the title (as after an issue key); a long title gives way, elided.
        top.addWidget(self.title_link)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addStretch(1)
        top.addWidget(self.edit_button)
        top.addWidget(self.unlink_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 2, 0, 2)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.detail_label)

    def text(self) -> str:
        """What the row says, as one line (for tests and screen readers)."""
        return f"{self.title_link.full_text()} · {self.detail_label.text()}"


class RecordLinksSection(QWidget):
    """Shown for one record at a time (``show_record``); ``reload`` after a change notice."""

    #: A record to open ("record:<id>").
    navigate_requested = Signal(str)
    #: A link was written here: the sync worker has something to send.
    edited = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.record_id = ""
        self.rows: list[LinkRowView] = []
        self.dialog: LinkDialog | None = None
        #: Asked before a link goes (given the other record's title); tests answer it themselves,
        #: since a modal question would wait for a click forever offscreen.
        self.confirm_unlink: Callable[[str], bool] = self._ask_unlink
        self.empty_label = muted(EMPTY)
        self.link_button = QPushButton("Link record…")
        self.link_button.setToolTip("Link this record to another one, with the roles it plays")
        self.link_button.clicked.connect(self.open_link_dialog)
        self._rows_box = QVBoxLayout()
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self._rows_box.setSpacing(2)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 6, 0, 0)
        buttons.addWidget(self.link_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(section_title("Links"))
        layout.addWidget(self.empty_label)
        layout.addLayout(self._rows_box)
        layout.addLayout(buttons)

    # -- reading -------------------------------------------------------------------------------

    def show_record(self, record_id: str) -> None:
        self.record_id = record_id
        self.reload()

    def reload(self) -> None:
        for row in self.rows:
            self._rows_box.removeWidget(row)
            row.deleteLater()
        self.rows = []
        links = self.store.links.for_record(self.record_id) if self.record_id else []
        rowids = [r for r in (self.store.records.rowid_of(link.other_id) for link in links) if r is not None]
        titles = {row.id: row.title for row in self.store.records.rows(rowids)}
        objects = self.store.schema.objects()
        for link in links:
            obj = objects.get(link.other_object)
            row = LinkRowView(link, titles.get(link.other_id), obj.singular_name if obj is not None else "", self)
            row.title_link.clicked.connect(lambda rid=link.other_id: self.navigate_requested.emit(f"record:{rid}"))
            row.edit_button.clicked.connect(lambda _=False, lk=link: self.open_roles_dialog(lk.other_id))
            row.unlink_button.clicked.connect(lambda _=False, lk=link: self.unlink(lk.other_id))
            self._rows_box.addWidget(row)
            self.rows.append(row)
        self.empty_label.setVisible(not links)

    def link_of(self, other_id: str) -> LinkRow | None:
        return next((row.link for row in self.rows if row.link.other_id == other_id), None)

    def known_roles(self) -> list[str]:
        """Roles already used, offered as the user types: those of this record's links and of
        the links of the records it is linked to (a company's "Employee" for its next contact)."""
        found = [role for row in self.rows for role in row.link.roles]
        for row in self.rows:
            found += [role for link in self.store.links.for_record(row.link.other_id) for role in link.roles]
        return list(dict.fromkeys(found))

    # -- writing -------------------------------------------------------------------------------

    def open_link_dialog(self) -> None:
        from crmdesk.ui.dialogs.link_dialog import LinkDialog

        self.dialog = LinkDialog(self.store, self.record_id, known_roles=self.known_roles(), parent=self)
        self.dialog.link_ready.connect(
            lambda other, roles: self._save(lambda: self.store.edits.link_records(self.record_id, other, roles)))
        self.dialog.open()

    def open_roles_dialog(self, other_id: str) -> None:
        from crmdesk.ui.dialogs.link_dialog import LinkDialog

        link = self.link_of(other_id)
        self.dialog = LinkDialog(self.store, self.record_id, other_id=other_id,
                                 roles=link.roles if link is not None else (), known_roles=self.known_roles(),
                                 parent=self)
        self.dialog.link_ready.connect(
            lambda other, roles: self._save(lambda: self.store.edits.set_link_roles(self.record_id, other, roles)))
        self.dialog.open()

    def _save(self, save: Callable[[], object]) -> None:
        """Refused: the dialog says why and stays open, as the user left it."""
        dialog = self.dialog
        assert dialog is not None
        try:
            save()
        except (ValidationError, StoreError) as error:
            dialog.show_error(refusal_text(error))
            return
        dialog.accept()
        self.reload()
        self.edited.emit()

    def unlink(self, other_id: str) -> None:
        row = self.store.records.get(other_id)
        if not self.confirm_unlink(row.title if row is not None else NOT_CACHED):
            return
        try:
            self.store.edits.unlink_records(self.record_id, other_id)
        except (ValidationError, StoreError):
            self.reload()  # already gone (a sync removed it meanwhile): show the links as they are
            return
        self.reload()
        self.edited.emit()

    def _ask_unlink(self, title: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Unlink record?",
                          f"Unlink {title} from this record? The roles of the link go with it.",
                          QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # a title is user text, never markup
        unlink = box.addButton("Unlink", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is unlink
