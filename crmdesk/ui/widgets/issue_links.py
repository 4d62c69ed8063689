"""The record page's "Linked issues" section, where the server links a record to a tracker's
issue keys (``Capabilities.issue_links``): the keys, each with "Unlink" (which asks first) and
the unsynced mark while the server does not have it (queued, or refused with the server's
reason as its tooltip), and a field to link another key (Enter or "Link").

The server never lists a record's issues, so the section shows the keys linked from crmdesk
and says so. Writes go to the store's edits; a key the store refuses ("not like ABC-123")
stays in the field with the reason under it. A change notice reads the keys again, but a row
that reads the same stays the same widget (and keeps the keyboard focus)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QWidget

from crmdesk.ui.widgets.error_label import error_label, show_error_on
from crmdesk.ui.widgets.linked_section import LinkedRow, LinkedSection, unsent_mark
from crmdesk.ui.widgets.section import muted, question

if TYPE_CHECKING:
    from crmdesk.store import Store
    from crmdesk.store.links import IssueLinkRow

EMPTY = "No linked issues yet."
ONLY_LOCAL = "Issues linked from crmdesk: the server does not list a record's issues, so only these are shown."


def unlink_issue_question(key: str, parent: QWidget | None = None) -> QMessageBox:
    return question("Unlink issue?", f"Unlink {key} from this record?", "Unlink", parent)


class IssueRowView(LinkedRow):
    """One key: the key (selectable), its mark, and "Unlink"."""

    def __init__(self, issue: IssueLinkRow, parent: QWidget | None = None) -> None:
        super().__init__(issue, parent)
        self.issue = issue
        self.key_label = QLabel(issue.key)
        self.key_label.setTextFormat(Qt.TextFormat.PlainText)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unlink_button.setAccessibleName(f"Unlink {issue.key}")
        self._lay_out(self.key_label)
        self.show_read(issue)

    def show_read(self, issue: IssueLinkRow) -> None:
        """The same key as read now (its mark may have changed): in place, so focus stays."""
        assert issue.key == self.issue.key
        self.issue = issue
        self.shown = issue
        self.badge.set_mark(unsent_mark(issue))


class IssueLinksSection(LinkedSection[IssueRowView]):
    """The issue keys linked from one record; a field links another."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(store, EMPTY, row_spacing=0, parent=parent)
        self.note_label = muted(ONLY_LOCAL)
        self.error_label = error_label()
        self.key_edit = QLineEdit()
        self.key_edit.setPlaceholderText("Issue key, e.g. SALES-12")
        self.key_edit.setAccessibleName("Issue key to link")
        self.key_edit.returnPressed.connect(self.link_typed)
        self.key_edit.textEdited.connect(lambda _text: self.error_label.hide())
        self.link_button = QPushButton("Link")
        self.link_button.setToolTip("Link this record to the issue (Enter)")
        self.link_button.clicked.connect(self.link_typed)
        entry = QHBoxLayout()
        entry.addWidget(self.key_edit, 1)
        entry.addWidget(self.link_button)
        self._lay_out("Linked issues", entry, note=self.note_label, below=[self.error_label])

    @property
    def rows(self) -> dict[str, IssueRowView]:
        """key → its row, in the order shown."""
        return self._rows

    def _read(self) -> list[IssueLinkRow]:
        return self.store.issue_links.for_record(self.record_id) if self.record_id else []

    def _key(self, shown: IssueLinkRow) -> str:
        return shown.key

    def _row(self, shown: IssueLinkRow) -> IssueRowView:
        row = IssueRowView(shown, self)
        row.unlink_button.clicked.connect(lambda _=False, key=shown.key: self.unlink(key))
        return row

    def keys(self) -> list[str]:
        return list(self._rows)

    def _show_error(self, message: str) -> None:
        show_error_on(self.error_label, message)

    def link_typed(self) -> None:
        text = self.key_edit.text().strip()
        if not text:
            self._show_error("Type an issue key, such as SALES-12.")
        # Refused: what was typed stays, to be corrected.
        elif self._write(lambda: self.store.edits.link_issue(self.record_id, text), self._show_error):
            self.key_edit.clear()
            self.error_label.hide()
            self._written()

    def unlink(self, key: str) -> None:
        self._unlink(unlink_issue_question(key, self), lambda: self.store.edits.unlink_issue(self.record_id, key),
                     self._show_error)
