"""The comment dialog: Ctrl+Enter posts, and typed text is never dropped without asking."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from crmdesk.ui.dialogs.comment_dialog import CommentDialog


def never_asked() -> bool:
    raise AssertionError("asked whether to discard the comment")


def open_dialog(qtbot: QtBot) -> CommentDialog:
    dialog = CommentDialog("Ada Lovelace")
    dialog.discard_guard.confirm = never_asked  # a modal question would hang an offscreen test
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.text_edit.setFocus()
    return dialog


def test_ctrl_enter_posts_the_trimmed_text(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert dialog.windowTitle() == "Comment on Ada Lovelace"
    assert not dialog.post_button.isEnabled()  # nothing to post yet
    QTest.keyClicks(dialog.text_edit, "  Sent the quote ")
    with qtbot.waitSignal(dialog.comment_ready) as posted:
        QTest.keyClick(dialog.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert posted.args == ["Sent the quote"]
    assert dialog.text_edit.toPlainText() == "  Sent the quote "  # a plain Enter would have added a line
    dialog.accept()  # what the record page does once the store has the comment: no question then
    assert not dialog.isVisible()


def test_escape_asks_before_dropping_typed_text(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    asked: list[bool] = []

    def keep_typing() -> bool:
        asked.append(True)
        return False

    dialog.discard_guard.confirm = keep_typing
    QTest.keyClicks(dialog.text_edit, "Half a thought")
    QTest.keyClick(dialog.text_edit, Qt.Key.Key_Escape)
    assert asked == [True] and dialog.isVisible()
    assert dialog.text_edit.toPlainText() == "Half a thought"
    # The question a user sees says what did not happen: the comment was not posted.
    assert dialog.discard_guard.message == "The comment you typed has not been posted. Discard it?"
    dialog.discard_guard.confirm = lambda: True
    QTest.keyClick(dialog.text_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_escape_closes_an_empty_dialog_without_asking(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    QTest.keyClick(dialog.text_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
