"""Answering a modal dialog from a test as a user would, without ever hanging on it.

``QDialog.exec()`` blocks the test until the dialog closes, so the answer is queued before the
call: ``answer_modal`` waits for the dialog of the given kind to be shown, acts on it, and closes
it shortly after whatever happened — a failed check fails the test instead of leaving it waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget


def close_if_open(dialog: QWidget) -> None:
    """Close ``dialog`` unanswered, typed text and all (its discard question is answered "Discard")."""
    try:
        if dialog.isVisible():
            guard = getattr(dialog, "discard_guard", None)
            if guard is not None:
                guard.confirm = lambda: True
            if isinstance(dialog, QDialog):
                dialog.reject()
            else:
                dialog.close()
    except RuntimeError:
        pass  # already closed and deleted: the normal case


def answer_modal(qtbot: Any, handle: Callable[[Any], None], kind: type = QWidget) -> None:
    """Act on the next modal dialog of ``kind`` once it is shown (``handle(dialog)``)."""

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible():
            QTimer.singleShot(10, attempt)
            return
        try:
            handle(dialog)
        finally:
            QTimer.singleShot(50, lambda: close_if_open(dialog))

    QTimer.singleShot(0, attempt)
