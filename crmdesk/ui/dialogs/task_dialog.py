"""Create a task from a record page: what to do, by when, for whom, about which records.

Tab goes down the form in reading order, the deadline one stop; Ctrl+Enter saves; Esc, Cancel
and the close button ask before dropping what was typed (``discard_guard``)."""

from __future__ import annotations

from datetime import UTC, timedelta

from PySide6.QtCore import QDateTime, QEvent, QObject, QStringListModel, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.store import Store
from crmdesk.ui.dialogs.discard_guard import DiscardGuard, GuardedDialog, TypedText, save_on_ctrl_enter
from crmdesk.ui.dialogs.tab_order import reading_order
from crmdesk.ui.editors.temporal import OneStopDateTimeEdit
from crmdesk.ui.widgets.check_delegate import VisibleCheckDelegate
from crmdesk.ui.widgets.error_label import error_label, show_error_on

IdRole = Qt.ItemDataRole.UserRole


def deadline_text(moment: QDateTime) -> str:
    """A local date-time from the picker → the model's UTC timestamp text.

    Servers keep a bare date as midnight UTC, so a deadline at exactly 00:00:00 UTC reads as a day
    and never reminds. A time picked here that lands there (09:00 in Tokyo, 19:00 in New York in
    winter) is a moment: it is written one second later, which no one sees (times show minutes)
    and every server keeps."""
    utc = moment.toPython().astimezone(UTC)
    if (utc.hour, utc.minute, utc.second) == (0, 0, 0):
        utc += timedelta(seconds=1)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class TaskDialog(GuardedDialog):
    """Emits ``task_ready(content, deadline or None, record ids, assignee ids)``; the caller saves."""

    task_ready = Signal(str, object, list, list)

    def __init__(self, store: Store, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("New task")
        self.resize(520, 520)
        self.content_edit = QPlainTextEdit()
        self.content_edit.setPlaceholderText("What needs doing? e.g. Send the proposal")
        self.content_edit.setTabChangesFocus(True)
        self.content_edit.setFixedHeight(72)
        self.deadline_box = QCheckBox("Due")
        self.deadline_edit = OneStopDateTimeEdit()
        self.deadline_edit.setAccessibleName("Deadline")
        self.deadline_edit.setCalendarPopup(True)
        self.deadline_edit.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        tomorrow = QDateTime.currentDateTime().addDays(1)
        tomorrow.setTime(QTime(9, 0))
        self.deadline_edit.setDateTime(tomorrow)
        self.deadline_edit.setEnabled(False)
        self.deadline_box.toggled.connect(self.deadline_edit.setEnabled)
        due = QHBoxLayout()
        due.addWidget(self.deadline_box)
        due.addWidget(self.deadline_edit, 1)
        self.assignees = QListWidget()
        self.assignees.setItemDelegate(VisibleCheckDelegate(self.assignees))  # boxes seen in dark too
        self.assignees.setMaximumHeight(120)
        for member in store.schema.members():
            item = QListWidgetItem(f"{member.name}  <{member.email}>" if member.email else member.name)
            item.setData(IdRole, member.user_id or member.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.assignees.addItem(item)
        self.records = QListWidget()
        self.records.setItemDelegate(VisibleCheckDelegate(self.records))
        self.records.setMaximumHeight(120)
        self._add_record(record_id, store.records.titles([record_id]).get(record_id, record_id))
        self.link_edit = QLineEdit()
        self.link_edit.setPlaceholderText("Also link… (type a name)")
        self._completions = QStringListModel(self)
        self._hits: dict[str, str] = {}
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated.connect(self._link_chosen)
        self.link_edit.setCompleter(completer)
        self.link_edit.textEdited.connect(self._search)
        # Enter here adds the record; it must not also press the dialog's Save button.
        self.link_edit.installEventFilter(self)
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton("Save task")
        self.save_button.setToolTip("Save the task (Ctrl+Enter)")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.content_edit.textChanged.connect(
            lambda: self.save_button.setEnabled(bool(self.content_edit.toPlainText().strip())))
        self.save_button.setEnabled(False)
        form = QFormLayout()
        form.addRow("Task", self.content_edit)
        form.addRow("Deadline", due)
        form.addRow("Assignees", self.assignees)
        records = QVBoxLayout()
        records.addWidget(self.records)
        records.addWidget(self.link_edit)
        form.addRow("Records", records)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        reading_order(self.content_edit, self.deadline_box, self.deadline_edit, self.assignees, self.records,
                      self.link_edit, self.buttons)
        save_on_ctrl_enter(self, self._submit)
        self.content_edit.setFocus()  # the dialog opens ready to type the task
        self.discard_guard = DiscardGuard(self, TypedText(self.content_edit, self.link_edit).changed, "task")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if (watched is self.link_edit and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):  # type: ignore[attr-defined]
            self._link_chosen(self.link_edit.text())
            return True
        return super().eventFilter(watched, event)

    def _add_record(self, record_id: str, title: str) -> None:
        for row in range(self.records.count()):
            if self.records.item(row).data(IdRole) == record_id:
                self.records.item(row).setCheckState(Qt.CheckState.Checked)
                return
        item = QListWidgetItem(title)  # list items show text as typed, never as markup
        item.setData(IdRole, record_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        self.records.addItem(item)

    def _search(self, text: str) -> None:
        hits = [h for h in self.store.search(text, limit=20) if h.kind == "record"] if text.strip() else []
        self._hits = {h.title: h.id for h in hits}
        self._completions.setStringList(list(self._hits)[:10])

    def _link_chosen(self, title: str) -> None:
        record_id = self._hits.get(title)
        if record_id is None:
            self._search(title)
            record_id = self._hits.get(title)
        if record_id is not None:
            self._add_record(record_id, title)
            self.link_edit.clear()

    def _checked(self, widget: QListWidget) -> list[str]:
        return [widget.item(i).data(IdRole) for i in range(widget.count())
                if widget.item(i).checkState() == Qt.CheckState.Checked]

    def _submit(self) -> None:
        content = self.content_edit.toPlainText().strip()
        if not content:
            return
        deadline = deadline_text(self.deadline_edit.dateTime()) if self.deadline_box.isChecked() else None
        self.task_ready.emit(content, deadline, self._checked(self.records), self._checked(self.assignees))

    def show_error(self, message: str) -> None:
        show_error_on(self.error_label, message)
