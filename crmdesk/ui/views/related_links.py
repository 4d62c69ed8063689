"""The record page's "Links" section: the records this one is linked to, with the roles each
link plays ("Acme Ltd · Company · Employee, Decision maker"), where the server links records
to records (``Capabilities.record_links``).

Each link opens the other record (click, Enter or Space on its title), and offers "Edit
roles…" and "Unlink" (which asks first). "Link record…" picks another record of the local
copy, offline. A link whose change the server does not have yet carries the unsynced mark:
queued while it waits to be sent, refused (with the server's reason as its tooltip) once the
server said no. Writes go to the store's edits; a refusal of the edit itself is shown in the
dialog, which keeps what was typed.

A change notice reads the links again, but rows that read the same stay the same widgets (and
keep the keyboard focus): only new or changed links are built again (DESIGN §5.11)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QToolButton, QVBoxLayout, QWidget

from crmdesk.model import ValidationError
from crmdesk.store import StoreError
from crmdesk.store.unsynced import QUEUED, REFUSED, Mark
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.attribute_form import LinkLabel
from crmdesk.ui.widgets.error_label import refusal_text
from crmdesk.ui.widgets.marked_form import MarkBadge
from crmdesk.ui.widgets.section import ask, muted, question, section_title

if TYPE_CHECKING:
    from crmdesk.store import Store
    from crmdesk.store.links import LinkRow
    from crmdesk.ui.dialogs.link_dialog import LinkDialog

NOT_CACHED = "(not in the local copy)"
EMPTY = "No linked records yet."
#: The mark of a link the server does not have yet (a link, its roles or its removal queued).
UNSENT = Mark(QUEUED)


def link_mark(link: LinkRow) -> Mark | None:
    """Refused (with the server's message) over waiting to be sent, as the other marks rank."""
    if link.refused is not None:
        return Mark(REFUSED, link.refused)
    return UNSENT if link.unsent else None


def unlink_question(title: str | None, parent: QWidget | None = None) -> QMessageBox:
    """The question "Unlink" asks (``title``: the other record's; None: not in the local copy)."""
    if title is None:
        text = f"Unlink this record {NOT_CACHED}? The roles of the link go with it."
    else:
        text = f"Unlink {title or 'the untitled record'} from this record? The roles of the link go with it."
    return question("Unlink record?", text, "Unlink", parent)


class LinkRowView(QWidget):
    """One link: the other record's title (a link) and mark, its object and roles, and buttons."""

    def __init__(self, link: LinkRow, title: str | None, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        #: What the row shows (``show_link``), to tell whether a fresh read says anything else.
        self.shown: tuple[LinkRow, str | None, str] | None = None
        self.title_link = LinkLabel("")
        self.title_link.setProperty("record_id", link.other_id)
        self.badge = MarkBadge()
        self.edit_button = QToolButton()
        self.edit_button.setText("Edit roles…")
        self.edit_button.setAutoRaise(True)
        self.unlink_button = QToolButton()
        self.unlink_button.setText("Unlink")
        self.unlink_button.setAutoRaise(True)
        self.detail_label = muted("")
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
        self.show_link(link, title, object_name)

    def show_link(self, link: LinkRow, title: str | None, object_name: str) -> None:
        """Show the link (to the same record) as read now: in place, so focus and hover stay."""
        assert link.other_id == self.link.other_id
        self.link = link
        self.shown = (link, title, object_name)
        self.title_link.set_full_text(title if title is not None else NOT_CACHED)
        self.title_link.setAccessibleName(f"Open {title or 'the linked record'}")
        self.badge.set_mark(link_mark(link))
        for button, what in ((self.edit_button, "Edit the roles of the link to"), (self.unlink_button, "Unlink")):
            button.setAccessibleName(f"{what} {title or 'this record'}")
        detail = " · ".join(part for part in (object_name, ", ".join(link.roles)) if part)
        self.detail_label.setText(detail)
        self.detail_label.setToolTip(plain_tooltip(detail))

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
        #: Asks ``unlink_question``'s box before a link goes (True: unlink). Tests answer it
        #: themselves, since a modal question would wait for a click forever offscreen.
        self.confirm_unlink: Callable[[QMessageBox], bool] = ask
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
        """The links as the store has them now. A link still there keeps its row widget, told
        what changed (its roles, mark or title), so the keyboard focus and hover stay on it."""
        wanted = self._read()
        if [row.shown for row in self.rows] == wanted:
            return
        kept = {row.link.other_id: row for row in self.rows}
        rows: list[LinkRowView] = []
        for link, title, object_name in wanted:
            row = kept.pop(link.other_id, None)
            if row is None:
                row = self._row(link, title, object_name)
            elif row.shown != (link, title, object_name):
                row.show_link(link, title, object_name)
            rows.append(row)
        if [row.link.other_id for row in rows] != [row.link.other_id for row in self.rows]:
            for row in self.rows:
                self._rows_box.removeWidget(row)
            for row in rows:
                self._rows_box.addWidget(row)
        for row in kept.values():  # unlinked
            row.hide()
            row.deleteLater()
        self.rows = rows
        self.empty_label.setVisible(not rows)

    def _read(self) -> list[tuple[LinkRow, str | None, str]]:
        """Each link with the other record's title (None: not in the local copy) and object name."""
        links = self.store.links.for_record(self.record_id) if self.record_id else []
        rowids = [r for r in (self.store.records.rowid_of(link.other_id) for link in links) if r is not None]
        titles = {row.id: row.title for row in self.store.records.rows(rowids)}
        objects = self.store.schema.objects()
        found: list[tuple[LinkRow, str | None, str]] = []
        for link in links:
            obj = objects.get(link.other_object)
            found.append((link, titles.get(link.other_id), obj.singular_name if obj is not None else ""))
        return found

    def _row(self, link: LinkRow, title: str | None, object_name: str) -> LinkRowView:
        row = LinkRowView(link, title, object_name, self)
        other_id = link.other_id
        row.title_link.clicked.connect(lambda: self.navigate_requested.emit(f"record:{other_id}"))
        row.edit_button.clicked.connect(lambda _=False: self.open_roles_dialog(other_id))
        row.unlink_button.clicked.connect(lambda _=False: self.unlink(other_id))
        return row

    def other_ids(self) -> set[str]:
        """The records the rows shown link to."""
        return {row.link.other_id for row in self.rows}

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
        box = unlink_question(row.title if row is not None else None, self)
        confirmed = self.confirm_unlink(box)
        box.deleteLater()
        if not confirmed:
            return
        try:
            self.store.edits.unlink_records(self.record_id, other_id)
        except (ValidationError, StoreError):
            self.reload()  # already gone (a sync removed it meanwhile): show the links as they are
            return
        self.reload()
        self.edited.emit()

