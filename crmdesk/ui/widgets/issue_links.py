"""The record page's "Linked issues" section, where the server links a record to a tracker's
issue keys (``Capabilities.issue_links``): the keys, each with "Unlink" (which asks first) and
the unsynced mark while the server does not have it (queued, or refused with the server's
reason as its tooltip), and a field to link another key (Enter or "Link").

The server never lists a record's issues, so the section shows the keys linked from crmdesk
and says so. Writes go to the store's edits; a key the store refuses ("not like ABC-123")
stays in the field with the reason under it. A change notice reads the keys again, but a row
that reads the same stays the same widget (and keeps the keyboard focus)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import ValidationError
from crmdesk.store import StoreError
from crmdesk.store.unsynced import QUEUED, REFUSED, Mark
from crmdesk.ui.widgets.error_label import error_label, refusal_text, show_error_on
from crmdesk.ui.widgets.marked_form import MarkBadge
from crmdesk.ui.widgets.section import ask, muted, question, section_title

if TYPE_CHECKING:
    from crmdesk.store import Store
    from crmdesk.store.links import IssueLinkRow

EMPTY = "No linked issues yet."
ONLY_LOCAL = "Issues linked from crmdesk: the server does not list a record's issues, so only these are shown."
UNSENT = Mark(QUEUED)


def issue_mark(issue: IssueLinkRow) -> Mark | None:
    """Refused (with the server's message) over waiting to be sent, as the other marks rank."""
    if issue.refused is not None:
        return Mark(REFUSED, issue.refused)
    return UNSENT if issue.unsent else None


def unlink_issue_question(key: str, parent: QWidget | None = None) -> QMessageBox:
    return question("Unlink issue?", f"Unlink {key} from this record?", "Unlink", parent)


class IssueRowView(QWidget):
    """One key: the key (selectable), its mark, and "Unlink"."""

    def __init__(self, issue: IssueLinkRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.issue = issue
        self.key_label = QLabel(issue.key)
        self.key_label.setTextFormat(Qt.TextFormat.PlainText)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badge = MarkBadge()
        self.unlink_button = QToolButton()
        self.unlink_button.setText("Unlink")
        self.unlink_button.setAutoRaise(True)
        self.unlink_button.setAccessibleName(f"Unlink {issue.key}")
        line = QHBoxLayout(self)
        line.setContentsMargins(10, 0, 0, 0)
        line.setSpacing(4)
        line.addWidget(self.key_label)
        line.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        line.addStretch(1)
        line.addWidget(self.unlink_button)
        self.show_issue(issue)

    def show_issue(self, issue: IssueLinkRow) -> None:
        """The same key as read now (its mark may have changed): in place, so focus stays."""
        assert issue.key == self.issue.key
        self.issue = issue
        self.badge.set_mark(issue_mark(issue))


class IssueLinksSection(QWidget):
    #: An issue key was linked or unlinked here: the sync worker has something to send.
    edited = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.record_id = ""
        #: key → its row, in the order shown.
        self.rows: dict[str, IssueRowView] = {}
        #: Asks ``unlink_issue_question``'s box before a key goes (True: unlink). Tests answer it
        #: themselves, since a modal question would wait for a click forever offscreen.
        self.confirm_unlink: Callable[[QMessageBox], bool] = ask
        self.note_label = muted(ONLY_LOCAL)
        self.empty_label = muted(EMPTY)
        self.error_label = error_label()
        self.key_edit = QLineEdit()
        self.key_edit.setPlaceholderText("Issue key, e.g. SALES-12")
        self.key_edit.setAccessibleName("Issue key to link")
        self.key_edit.returnPressed.connect(self.link_typed)
        self.key_edit.textEdited.connect(lambda _text: self.error_label.hide())
        self.link_button = QPushButton("Link")
        self.link_button.setToolTip("Link this record to the issue (Enter)")
        self.link_button.clicked.connect(self.link_typed)
        self._rows_box = QVBoxLayout()
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self._rows_box.setSpacing(0)
        entry = QHBoxLayout()
        entry.setContentsMargins(0, 6, 0, 0)
        entry.addWidget(self.key_edit, 1)
        entry.addWidget(self.link_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(section_title("Linked issues"))
        layout.addWidget(self.note_label)
        layout.addWidget(self.empty_label)
        layout.addLayout(self._rows_box)
        layout.addLayout(entry)
        layout.addWidget(self.error_label)

    def show_record(self, record_id: str) -> None:
        """``record_id`` changes only when the server gives a record made offline its id: a key
        being typed stays."""
        self.record_id = record_id
        self.reload()

    def reload(self) -> None:
        """The keys as the store has them now. A key still there keeps its row widget (only its
        mark may change), so the keyboard focus stays on its button."""
        issues = self.store.issue_links.for_record(self.record_id) if self.record_id else []
        if [row.issue for row in self.rows.values()] == issues:
            return
        kept = dict(self.rows)
        rows: dict[str, IssueRowView] = {}
        for issue in issues:
            row = kept.pop(issue.key, None)
            if row is None:
                row = IssueRowView(issue, self)
                row.unlink_button.clicked.connect(lambda _=False, key=issue.key: self.unlink(key))
            else:
                row.show_issue(issue)
            rows[issue.key] = row
        if list(rows) != list(self.rows):
            for row in self.rows.values():
                self._rows_box.removeWidget(row)
            for row in rows.values():
                self._rows_box.addWidget(row)
        for row in kept.values():  # unlinked
            row.hide()
            row.deleteLater()
        self.rows = rows
        self.empty_label.setVisible(not rows)

    def keys(self) -> list[str]:
        return list(self.rows)

    def link_typed(self) -> None:
        text = self.key_edit.text().strip()
        if not text:
            show_error_on(self.error_label, "Type an issue key, such as SALES-12.")
            return
        try:
            self.store.edits.link_issue(self.record_id, text)
        except (ValidationError, StoreError) as error:
            # What was typed stays, to be corrected.
            show_error_on(self.error_label, refusal_text(error))
            return
        self.key_edit.clear()
        self.error_label.hide()
        self.reload()
        self.edited.emit()

    def unlink(self, key: str) -> None:
        box = unlink_issue_question(key, self)
        confirmed = self.confirm_unlink(box)
        box.deleteLater()
        if not confirmed:
            return
        try:
            self.store.edits.unlink_issue(self.record_id, key)
        except (ValidationError, StoreError) as error:
            show_error_on(self.error_label, refusal_text(error))
            return
        self.reload()
        self.edited.emit()
