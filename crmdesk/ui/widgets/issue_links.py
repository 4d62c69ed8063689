"""The record page's "Linked issues" section, where the server links a record to a tracker's
issue keys (``Capabilities.issue_links``): the keys, each with "Unlink" and the unsynced mark
while the server does not have it, and a field to link another key (Enter or "Link").

The server never lists a record's issues, so the section shows the keys linked from crmdesk
and says so. Writes go to the store's edits; a key the store refuses ("not like ABC-123")
stays in the field with the reason under it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QToolButton, QVBoxLayout, QWidget

from crmdesk.model import ValidationError
from crmdesk.store import StoreError
from crmdesk.store.unsynced import QUEUED, Mark
from crmdesk.ui.widgets.error_label import error_label, refusal_text, show_error_on
from crmdesk.ui.widgets.marked_form import MarkBadge
from crmdesk.ui.widgets.section import muted, section_title

if TYPE_CHECKING:
    from crmdesk.store import Store

EMPTY = "No linked issues yet."
ONLY_LOCAL = "Issues linked from crmdesk: the server does not list a record's issues, so only these are shown."
UNSENT = Mark(QUEUED)


class IssueLinksSection(QWidget):
    #: An issue key was linked or unlinked here: the sync worker has something to send.
    edited = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.record_id = ""
        #: key → its row's (label, mark, unlink button), in the order shown.
        self.rows: dict[str, tuple[QLabel, MarkBadge, QToolButton]] = {}
        self._row_widgets: list[QWidget] = []
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
        for old in self._row_widgets:
            self._rows_box.removeWidget(old)
            old.deleteLater()
        self._row_widgets = []
        self.rows = {}
        issues = self.store.issue_links.for_record(self.record_id) if self.record_id else []
        for issue in issues:
            row = QWidget(self)
            key = QLabel(issue.key)
            key.setTextFormat(Qt.TextFormat.PlainText)
            key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            badge = MarkBadge()
            badge.set_mark(UNSENT if issue.unsent else None)
            unlink = QToolButton()
            unlink.setText("Unlink")
            unlink.setAutoRaise(True)
            unlink.setAccessibleName(f"Unlink {issue.key}")
            unlink.clicked.connect(lambda _=False, k=issue.key: self.unlink(k))
            line = QHBoxLayout(row)
            line.setContentsMargins(10, 0, 0, 0)
            line.setSpacing(4)
            line.addWidget(key)
            line.addWidget(badge, 0, Qt.AlignmentFlag.AlignVCenter)
            line.addStretch(1)
            line.addWidget(unlink)
            self._rows_box.addWidget(row)
            self._row_widgets.append(row)
            self.rows[issue.key] = (key, badge, unlink)
        self.empty_label.setVisible(not issues)

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
        try:
            self.store.edits.unlink_issue(self.record_id, key)
        except (ValidationError, StoreError) as error:
            show_error_on(self.error_label, refusal_text(error))
            return
        self.reload()
        self.edited.emit()
