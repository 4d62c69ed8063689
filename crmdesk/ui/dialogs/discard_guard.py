"""Typed text is never dropped without asking, and Ctrl+Enter saves: shared by every dialog
where the user types.

A ``GuardedDialog`` keeps a ``DiscardGuard`` and asks it in ``reject()`` — the one place Esc,
the Cancel button and the window's close button all end up (``QDialog.closeEvent`` calls
``reject`` and keeps the window open when it is still visible afterwards)::

    class NoteDialog(GuardedDialog):
        ...
        self.discard_guard = DiscardGuard(self, TypedText(self.title_edit, self.body_edit).changed, "note")

The question is a window-modal message box opened with ``open()``, never ``exec()``: it does not
block the event loop, so a dialog closed by a test or at quit can never hang on it. A caller (or a
test) that wants to answer itself sets ``confirm`` — a callback returning True to discard.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox, QPlainTextEdit, QTextEdit, QWidget

#: Asked before typed text is dropped: True discards it, False keeps the dialog open.
Confirm = Callable[[], bool]
TextWidget = QLineEdit | QPlainTextEdit | QTextEdit
DISCARD_TEXT = "Discard"
KEEP_TEXT = "Keep editing"


def _text_of(widget: TextWidget) -> str:
    return widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()


class TypedText:
    """What the text fields held when the dialog opened; ``changed()`` says whether the user
    has typed something since (text set by the program before this is made is not "typed")."""

    def __init__(self, *widgets: TextWidget) -> None:
        self._widgets = widgets
        self._initial = [_text_of(w) for w in widgets]

    def changed(self) -> bool:
        return any(_text_of(w).strip() != initial.strip() for w, initial in zip(self._widgets, self._initial,
                                                                                 strict=True))


class DiscardGuard(QObject):
    """Asks "Discard / Keep editing" before ``dialog`` closes with typed text in it."""

    def __init__(self, dialog: QDialog, has_typed_text: Callable[[], bool], noun: str = "text",
                 confirm: Confirm | None = None, *, message: str | None = None) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.has_typed_text = has_typed_text
        self.noun = noun
        #: The question's text; by default "The <noun> you typed has not been saved. Discard it?"
        self.message = message or f"The {noun} you typed has not been saved. Discard it?"
        #: None: ask with a message box (non-blocking); a callback answers instead (a test, a caller).
        self.confirm: Confirm | None = confirm
        #: The open question, while there is one.
        self.question: QMessageBox | None = None
        self._discarding = False

    def allows_reject(self) -> bool:
        """True when the dialog may close now. False keeps it open — and, without a ``confirm``
        callback, opens the question, whose Discard closes the dialog afterwards."""
        if (self._discarding or self.dialog.result() == QDialog.DialogCode.Accepted
                or not self.dialog.isVisible() or not self.has_typed_text()):
            return True
        if self.confirm is not None:
            return self.confirm()
        self._ask()
        return False

    def _ask(self) -> None:
        if self.question is not None and self.question.isVisible():
            return
        box = QMessageBox(self.dialog)
        box.setIcon(QMessageBox.Icon.Question)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowTitle(f"Discard {self.noun}?")
        box.setText(self.message)
        discard = box.addButton(DISCARD_TEXT, QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(KEEP_TEXT, QMessageBox.ButtonRole.RejectRole)
        # Enter and Esc both keep the text: losing work takes a deliberate click (or Alt+D).
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        discard.setText("&Discard")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.buttonClicked.connect(lambda button: self._answered(button is discard))
        self.question = box
        box.open()

    def _answered(self, discard: bool) -> None:
        self.question = None
        if discard:
            self._discarding = True
            self.dialog.reject()
            self._discarding = False


class _SaveOnCtrlEnter(QObject):
    def __init__(self, dialog: QWidget, save: Callable[[], object]) -> None:
        super().__init__(dialog)
        self._save = save
        dialog.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        # A key press no child used travels up to the dialog (a text field ignores Ctrl+Enter).
        if (isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self._save()
            return True
        return super().eventFilter(watched, event)


def save_on_ctrl_enter(dialog: QWidget, save: Callable[[], object]) -> QObject:
    """Ctrl+Enter and Ctrl+Return run ``save`` from anywhere in ``dialog`` — also from a text
    field where a plain Enter starts a new line. (A key filter rather than a QShortcut: it works
    whichever window the system thinks is active, and a list or button in the dialog that has
    the focus lets the key through to it.)"""
    return _SaveOnCtrlEnter(dialog, save)


class GuardedDialog(QDialog):
    """A dialog whose Esc, Cancel and close button ask its ``discard_guard`` (set in the
    subclass's ``__init__``) before typed text goes."""

    discard_guard: DiscardGuard

    def reject(self) -> None:  # Qt override: Esc, Cancel and the close button all come here
        if self.discard_guard.allows_reject():
            super().reject()
