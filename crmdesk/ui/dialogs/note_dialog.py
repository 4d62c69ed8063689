"""Write a note on a record: a title and markdown text, with a safe preview.

Tab goes from the title straight to the text (the Write / Preview tabs switch with a click or
Ctrl+Tab, not as a stop in between where typing would go nowhere); Ctrl+Enter saves; Esc, Cancel
and the close button ask before dropping what was typed (``discard_guard``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crmdesk.ui.dialogs.discard_guard import DiscardGuard, GuardedDialog, TypedText, save_on_ctrl_enter
from crmdesk.ui.dialogs.tab_order import reading_order
from crmdesk.ui.markdown import MarkdownView
from crmdesk.ui.widgets.error_label import error_label, show_error_on


class NoteDialog(GuardedDialog):
    """Emits ``note_ready(title, content)``; the caller saves it and then accepts (or shows an error).

    Editing a note, a field the user did not touch is ``None``: it is not part of the edit, so a
    newer version that reached the cache while the dialog was open is not overwritten with the
    text the dialog opened with.
    """

    note_ready = Signal(object, object)  # str | None, str | None

    def __init__(self, parent: QWidget | None = None, *, title: str = "", content: str = "",
                 editing: bool = False) -> None:
        super().__init__(parent)
        self.editing = editing
        self.setWindowTitle("Edit note" if editing else "New note")
        self.resize(560, 440)
        self.title_edit = QLineEdit(title)
        self.title_edit.setPlaceholderText("Title, e.g. Discovery call")
        self.content_edit = QPlainTextEdit(content)
        self.content_edit.setPlaceholderText("What happened? Markdown works: **bold**, lists, links.")
        self.content_edit.setTabChangesFocus(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.content_edit, "Write")
        self.preview_holder = QWidget()
        # Holds the focus while previewing, so Ctrl+Tab (handled by the tabs) switches back.
        self.preview_holder.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        QVBoxLayout(self.preview_holder)
        self.tabs.addTab(self.preview_holder, "Preview")
        self.tabs.currentChanged.connect(self._tab_changed)
        # Not a Tab stop: the text comes right after the title. Ctrl+Tab still switches.
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.tabBar().setToolTip("Write or preview the note (Ctrl+Tab)")
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton("Save changes" if editing else "Save note")
        self.save_button.setToolTip("Save the note (Ctrl+Enter)")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        # Default once in the box: made default before, Qt 6 left Cancel out of the Tab chain.
        self.save_button.setDefault(True)
        # Accepting is the caller's job once the store has the note: a failed save keeps the text here.
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.title_edit.textChanged.connect(self._update_button)
        self.content_edit.textChanged.connect(self._update_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_edit)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._update_button()
        reading_order(self.title_edit, self.content_edit, self.buttons)
        save_on_ctrl_enter(self, self._submit)
        self.discard_guard = DiscardGuard(
            self, TypedText(self.title_edit, self.content_edit).changed, "changes" if editing else "note",
            message="Your changes to this note have not been saved. Discard them?" if editing else None)

    def _update_button(self) -> None:
        self.save_button.setEnabled(bool(self.title_edit.text().strip() or self.content_edit.toPlainText().strip()))

    def _tab_changed(self, index: int) -> None:
        if index != 1:
            self.content_edit.setFocus()  # back to writing where the text is
            return
        layout = self.preview_holder.layout()
        while layout.count():
            old = layout.takeAt(0).widget()
            if old is not None:
                old.deleteLater()
        self.preview = MarkdownView(self.content_edit.toPlainText(), self.preview_holder)
        layout.addWidget(self.preview)
        layout.addStretch(1)
        self.preview_holder.setFocus()

    def _submit(self) -> None:
        if not self.save_button.isEnabled():
            return
        title = self.title_edit.text().strip()
        if self.editing:
            touched_title = title if self.title_edit.isModified() else None
            touched_content = self._text() if self.content_edit.document().isModified() else None
            self.note_ready.emit(touched_title, touched_content)
        else:
            self.note_ready.emit(title or "Note", self._text())

    def _text(self) -> str:
        # toRawText, not toPlainText: the latter turns no-break spaces into spaces (and line
        # separators into line ends), which would rewrite blocks of the note the user never touched.
        return self.content_edit.document().toRawText().replace("\u2029", "\n")

    def show_error(self, message: str) -> None:
        show_error_on(self.error_label, message)
