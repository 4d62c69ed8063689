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

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QWidget

from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.widgets.attribute_form import LinkLabel
from crmdesk.ui.widgets.linked_section import LinkedRow, LinkedSection, row_button, unsent_mark
from crmdesk.ui.widgets.section import muted, question

if TYPE_CHECKING:
    from crmdesk.store import Store
    from crmdesk.store.links import LinkRow
    from crmdesk.ui.dialogs.link_dialog import LinkDialog

    #: A link, the other record's title (None: not in the local copy) and its object's name.
    Shown = tuple[LinkRow, str | None, str]

NOT_CACHED = "(not in the local copy)"
EMPTY = "No linked records yet."
#: Empty, and the server's links of the record were never read (it was not opened online).
NOT_READ = "No links known here yet: a record's links are read from the server when its page is opened online."


def unlink_question(title: str | None, parent: QWidget | None = None) -> QMessageBox:
    """The question "Unlink" asks (``title``: the other record's; None: not in the local copy)."""
    if title is None:
        text = f"Unlink this record {NOT_CACHED}? The roles of the link go with it."
    else:
        text = f"Unlink {title or 'the untitled record'} from this record? The roles of the link go with it."
    return question("Unlink record?", text, "Unlink", parent)


class LinkRowView(LinkedRow):
    """One link: the other record's title (a link) and mark, its object and roles, and buttons."""

    def __init__(self, shown: Shown, parent: QWidget | None = None) -> None:
        super().__init__(shown, parent)
        link = shown[0]
        self.link = link
        self.title_link = LinkLabel("")
        self.title_link.setProperty("record_id", link.other_id)
        self.edit_button = row_button("Edit roles…")
        self.detail_label = muted("")
        # The mark right after the title (as after an issue key).
        self._lay_out(self.title_link, self.edit_button, margin=2)
        self.box.addWidget(self.detail_label)
        self.show_read(shown)

    def show_read(self, shown: Shown) -> None:
        """Show the link (to the same record) as read now: in place, so focus and hover stay."""
        link, title, object_name = shown
        assert link.other_id == self.link.other_id
        self.link = link
        self.shown = shown
        self.title_link.set_full_text(title if title is not None else NOT_CACHED)
        self.title_link.setAccessibleName(f"Open {title or 'the linked record'}")
        self.badge.set_mark(unsent_mark(link))
        for button, what in ((self.edit_button, "Edit the roles of the link to"), (self.unlink_button, "Unlink")):
            button.setAccessibleName(f"{what} {title or 'this record'}")
        detail = " · ".join(part for part in (object_name, ", ".join(link.roles)) if part)
        self.detail_label.setText(detail)
        self.detail_label.setToolTip(plain_tooltip(detail))

    def text(self) -> str:
        """What the row says, as one line (for tests and screen readers)."""
        return f"{self.title_link.full_text()} · {self.detail_label.text()}"


class RecordLinksSection(LinkedSection[LinkRowView]):
    """The links of one record; "Link record…" makes another."""

    #: A record to open ("record:<id>").
    navigate_requested = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(store, EMPTY, row_spacing=2, parent=parent)
        self.dialog: LinkDialog | None = None
        self.link_button = QPushButton("Link record…")
        self.link_button.setToolTip("Link this record to another one, with the roles it plays")
        self.link_button.clicked.connect(self.open_link_dialog)
        buttons = QHBoxLayout()
        buttons.addWidget(self.link_button)
        buttons.addStretch(1)
        self._lay_out("Links", buttons)

    # -- reading -------------------------------------------------------------------------------

    @property
    def rows(self) -> list[LinkRowView]:
        """The rows, in the order shown."""
        return list(self._rows.values())

    def _read(self) -> list[Shown]:
        """Each link with the other record's title (None: not in the local copy) and object name."""
        links = self.store.links.for_record(self.record_id) if self.record_id else []
        titles = self.store.records.titles(link.other_id for link in links)
        objects = self.store.schema.objects()
        found: list[Shown] = []
        for link in links:
            obj = objects.get(link.other_object)
            found.append((link, titles.get(link.other_id), obj.singular_name if obj is not None else ""))
        return found

    def _key(self, shown: Shown) -> str:
        return shown[0].other_id

    def reload(self) -> None:
        # "None" only once the server was asked; before, say when it will be.
        known = not self.record_id or self.store.links.were_read(self.record_id)
        self.empty_label.setText(EMPTY if known else NOT_READ)
        super().reload()

    def _row(self, shown: Shown) -> LinkRowView:
        row = LinkRowView(shown, self)
        other_id = row.link.other_id
        row.title_link.clicked.connect(lambda: self.navigate_requested.emit(f"record:{other_id}"))
        row.edit_button.clicked.connect(lambda _=False: self.open_roles_dialog(other_id))
        row.unlink_button.clicked.connect(lambda _=False: self.unlink(other_id))
        return row

    def other_ids(self) -> set[str]:
        """The records the rows shown link to."""
        return set(self._rows)

    def link_of(self, other_id: str) -> LinkRow | None:
        row = self._rows.get(other_id)
        return row.link if row is not None else None

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
        if self._write(save, dialog.show_error):
            dialog.accept()
            self._written()

    def unlink(self, other_id: str) -> None:
        row = self.store.records.get(other_id)
        # Refused: already gone (a sync removed it meanwhile), so show the links as they are.
        self._unlink(unlink_question(row.title if row is not None else None, self),
                     lambda: self.store.edits.unlink_records(self.record_id, other_id), lambda _why: self.reload())
