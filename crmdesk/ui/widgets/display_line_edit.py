"""A line edit that reads like a table cell until the user goes into it (the record page's
typed fields): "$114,000.00" while the focus is elsewhere, "114000 USD" to edit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class DisplayLineEdit(QLineEdit):
    """A line edit that reads like the table while the user is elsewhere: the value's display
    text when it has no focus, the text to edit when it has. Text the user typed, or text a
    refusal left to fix, stays as it is either way."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.display_text = ""
        self.editing_text = ""

    def show_value(self, display: str, editing: str) -> None:
        self.display_text, self.editing_text = display, editing
        self.setText(editing if self.hasFocus() else display)
        self.setModified(False)
        self.setCursorPosition(0)

    def showing_display(self) -> bool:
        return not self.isModified() and self.text() == self.display_text

    def focusInEvent(self, event: QFocusEvent) -> None:  # Qt override
        if self.showing_display():
            self.setText(self.editing_text)  # before Qt selects it all for a Tab
        super().focusInEvent(event)
        if event.reason() in (Qt.FocusReason.OtherFocusReason, Qt.FocusReason.ActiveWindowFocusReason) \
                and not self.isModified():
            # Focus given by the window (a page just opened), not by the user: show the start of
            # the text, not its end as setText leaves it ("nan and Cain onboarding").
            self.setCursorPosition(0)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # Qt override
        super().focusOutEvent(event)  # commits (editingFinished) with the edited text first
        # A menu or popup of the field's own (the context menu, a completer) is not leaving it.
        left = event.reason() is not Qt.FocusReason.PopupFocusReason
        if left and not self.isModified() and self.text() == self.editing_text:
            self.setText(self.display_text)
            self.setCursorPosition(0)
