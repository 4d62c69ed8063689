"""The part every admin form shares: one call to the server, the form kept open (and what
was typed kept) until it succeeds, a refusal shown next to the field it concerns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel

from crmdesk.ui.admin.common import describe, field_of, show_error


class ServerForm(QDialog):
    """Subclasses set ``buttons``, ``message``, ``errors`` (field → label), ``access`` and
    ``error_fields``, define a ``saved`` signal, and call ``send_to_server(call)``."""

    error_fields: tuple[str, ...] = ()
    buttons: QDialogButtonBox
    message: QLabel
    errors: dict[str, QLabel]
    access: Any

    def send_to_server(self, call: Callable[[Any], Any]) -> None:
        self.buttons.setEnabled(False)
        self.message.setText("Saving on the server…")
        self.access.run(call, self._done, self._failed)

    def _done(self, result: Any) -> None:
        self.buttons.setEnabled(True)
        self.message.setText("")
        self.saved.emit(result.slug)  # type: ignore[attr-defined]
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        text = describe(error)
        where = field_of(error, self.error_fields)
        if where is not None:
            show_error(self.errors[where], text)
            self.message.setText("")
        else:
            self.message.setText(text)
