"""Workspace ▸ Settings ▸ Home, history and reminders…: the workspace's reminder lead time, whether
server notifications reach the desktop, when a deal is stale, and how long field history is kept.

The numbers are typed in plain boxes and read on Save (and as they are typed), so a wrong entry is
said in words next to its box ("Type a whole number of days from 1 to 36500") rather than silently
put back as a spin box would. The settings live in the workspace file (``store.settings``), written
in one transaction; ``saved`` tells the window (the reminder scheduler re-arms on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crmdesk.store import StoreError
from crmdesk.store.settings import MAX_DAYS, MAX_LEAD_MINUTES
from crmdesk.ui.widgets.error_label import error_label, show_error_on

if TYPE_CHECKING:
    from crmdesk.context import AppContext

#: The ranges ``store.settings`` accepts (it refuses anything else, and says so too).
# The store's own limits: the dialog never accepts a number the store would refuse.
LEAD_RANGE = (0, MAX_LEAD_MINUTES)
DAYS_RANGE = (1, MAX_DAYS)


@dataclass(frozen=True, slots=True)
class NumberField:
    label: str
    unit: str
    low: int
    high: int


LEAD_FIELD = NumberField("Remind me before a task is due", "minutes (0: only when it is due)", *LEAD_RANGE)
STALE_FIELD = NumberField("A deal is stale after", "days without a note, task or change", *DAYS_RANGE)
HISTORY_FIELD = NumberField("Keep field history for", "days", *DAYS_RANGE)


def read_number(text: str, field: NumberField) -> tuple[int | None, str]:
    """(the number, "") or (None, what is wrong, in words)."""
    words = field.unit.split(" ")[0]
    wanted = f"Type a whole number of {words} from {field.low} to {field.high}"
    stripped = text.strip().replace("\u202f", "").replace(",", "").replace("_", "")
    if not stripped:
        return None, f"{wanted}."
    try:
        value = int(stripped)
    except ValueError:
        return None, f"{wanted}: “{text.strip()[:20]}” is not one."
    if not field.low <= value <= field.high:
        return None, f"{wanted}: {value} is {'too many' if value > field.high else 'too few'}."
    return value, ""


class PreferencesDialog(QDialog):
    #: The settings were written.
    saved = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Home, history and reminders")
        self.setMinimumWidth(600)
        intro = QLabel("These settings belong to this workspace and stay with its file.")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        intro.setEnabled(False)  # muted
        self.lead_edit, self.lead_error, lead_row = self._number_row(LEAD_FIELD, "Reminder lead time in minutes")
        self.notify_box = QCheckBox("Show new server notifications on the desktop")
        self.notify_box.setToolTip("When a sync brings notifications you have not read, the desktop says so, once each")
        self.stale_edit, self.stale_error, stale_row = self._number_row(STALE_FIELD, "Days before a deal is stale")
        self.history_edit, self.history_error, history_row = self._number_row(
            HISTORY_FIELD, "Days of field history kept")
        history_note = QLabel("Older history is dropped when the workspace opens.")
        history_note.setTextFormat(Qt.TextFormat.PlainText)
        history_note.setEnabled(False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self._caption(LEAD_FIELD, self.lead_edit), lead_row)
        form.addRow("", self.lead_error)
        form.addRow("", self.notify_box)
        form.addRow(self._caption(STALE_FIELD, self.stale_edit), stale_row)
        form.addRow("", self.stale_error)
        form.addRow(self._caption(HISTORY_FIELD, self.history_edit), history_row)
        form.addRow("", self.history_error)
        form.addRow("", history_note)
        self.status = error_label(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        # A message appearing under a box makes the dialog taller rather than squeezing it.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for edit in (self.lead_edit, self.stale_edit, self.history_edit):
            edit.textChanged.connect(self._check_typed)
        self.load()

    def _number_row(self, field: NumberField, accessible: str) -> tuple[QLineEdit, QLabel, QWidget]:
        edit = QLineEdit()
        edit.setAccessibleName(accessible)
        edit.setMaximumWidth(90)
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        unit = QLabel(field.unit)
        unit.setTextFormat(Qt.TextFormat.PlainText)
        unit.setBuddy(edit)
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(edit)
        box.addWidget(unit, 1)
        message = error_label(self)
        message.setWordWrap(False)  # one line under its box; the dialog grows to hold it
        return edit, message, row

    @staticmethod
    def _caption(field: NumberField, buddy: QWidget) -> QLabel:
        label = QLabel(field.label)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setBuddy(buddy)
        return label

    def _fields(self) -> list[tuple[QLineEdit, QLabel, NumberField]]:
        return [(self.lead_edit, self.lead_error, LEAD_FIELD), (self.stale_edit, self.stale_error, STALE_FIELD),
                (self.history_edit, self.history_error, HISTORY_FIELD)]

    def load(self) -> None:
        """Show what the workspace holds now (the dialog is kept between openings)."""
        store = self.context.store
        if store is None:
            return
        settings = store.settings
        self.lead_edit.setText(str(settings.reminder_lead_minutes))
        self.notify_box.setChecked(settings.notify_server_notifications)
        self.stale_edit.setText(str(settings.stale_days))
        self.history_edit.setText(str(settings.history_retention_days))
        self.status.hide()
        self._check_typed()

    def open_for_user(self) -> None:
        """Workspace ▸ Settings ▸ Home, history and reminders… (the window keeps one dialog)."""
        self.load()
        self.show()
        self.raise_()
        self.activateWindow()
        self.lead_edit.setFocus()
        self.lead_edit.selectAll()

    def _check_typed(self) -> bool:
        """Say what is wrong with each box as it is typed; Save waits until all read."""
        fine = True
        for edit, message, field in self._fields():
            _value, problem = read_number(edit.text(), field)
            if problem:
                show_error_on(message, problem)
                fine = False
            else:
                message.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(fine and self.context.store is not None)
        return fine

    def save(self) -> bool:
        """Write the four settings in one transaction; False (and the reason shown) when it could not."""
        store = self.context.store
        if store is None or not self._check_typed():
            for edit, message, _field in self._fields():
                if message.isVisibleTo(self):
                    edit.setFocus()
                    break
            return False
        lead, _ = read_number(self.lead_edit.text(), LEAD_FIELD)
        stale, _ = read_number(self.stale_edit.text(), STALE_FIELD)
        kept, _ = read_number(self.history_edit.text(), HISTORY_FIELD)
        assert lead is not None and stale is not None and kept is not None
        try:
            with store.write():
                store.settings.set_reminder_lead_minutes(lead)
                store.settings.set_notify_server_notifications(self.notify_box.isChecked())
                store.settings.set_stale_days(stale)
                store.settings.set_history_retention_days(kept)
        except (ValueError, StoreError) as error:
            show_error_on(self.status, f"The settings were not saved: {error}")
            return False
        self.saved.emit()
        self.accept()
        return True
