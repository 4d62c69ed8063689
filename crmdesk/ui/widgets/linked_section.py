"""What the record page's "Links" and "Linked issues" sections share: a titled section of rows,
one a link, each with the unsynced mark while the server does not have it (queued while it waits
to be sent, refused with the server's reason as its tooltip) and "Unlink", which asks first; a
quiet line while there are none; and writes that go to the store's edits.

A change notice reads the links again, but a row that reads the same stays the same widget (and
keeps the keyboard focus and hover): only new or changed links are shown again (DESIGN §5.11)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLayout, QMessageBox, QToolButton, QVBoxLayout, QWidget

from crmdesk.model import ValidationError
from crmdesk.store import StoreError
from crmdesk.store.unsynced import QUEUED, REFUSED, Mark
from crmdesk.ui.widgets.error_label import refusal_text
from crmdesk.ui.widgets.marked_form import MarkBadge
from crmdesk.ui.widgets.section import ask, muted, section_title

if TYPE_CHECKING:
    from crmdesk.store import Store

#: The mark of a link the server does not have yet (a link, its roles or its removal queued).
UNSENT = Mark(QUEUED)


class Unsynced(Protocol):
    """A link as the store reads it (``LinkRow``, ``IssueLinkRow``): whether it waits to be sent."""

    @property
    def unsent(self) -> bool: ...

    @property
    def refused(self) -> str | None: ...


def unsent_mark(link: Unsynced) -> Mark | None:
    """Refused (with the server's message) over waiting to be sent, as the other marks rank."""
    if link.refused is not None:
        return Mark(REFUSED, link.refused)
    return UNSENT if link.unsent else None


def row_button(text: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setAutoRaise(True)
    return button


class LinkedRow(QWidget):
    """One link: what it links to, its mark right after it, buttons ending with "Unlink".
    ``show_read`` tells it what a fresh read says (``shown``), in place."""

    def __init__(self, shown: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: What the row shows (``show_read``), to tell whether a fresh read says anything else.
        self.shown = shown
        self.badge = MarkBadge()
        self.unlink_button = row_button("Unlink")
        self.box = QVBoxLayout(self)
        self.box.setSpacing(0)

    def _lay_out(self, lead: QWidget, *buttons: QToolButton, margin: int = 0) -> None:
        """The row's line: ``lead`` and the mark (a long title gives way, elided), then ``buttons``
        and "Unlink"; ``margin`` above and below the row."""
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(4)
        line.addWidget(lead)
        line.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        line.addStretch(1)
        for button in (*buttons, self.unlink_button):
            line.addWidget(button)
        self.box.setContentsMargins(10, margin, 0, margin)
        self.box.insertLayout(0, line)

    def show_read(self, shown: Any) -> None:
        raise NotImplementedError


RowT = TypeVar("RowT", bound=LinkedRow)


class LinkedSection(QWidget, Generic[RowT]):
    """Shown for one record at a time (``show_record``); ``reload`` after a change notice. A
    section says how it reads its links (``_read``), the key of each (``_key``) and builds a row
    for a new one (``_row``)."""

    #: A link was written here: the sync worker has something to send.
    edited = Signal()

    def __init__(self, store: Store, empty: str, row_spacing: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.record_id = ""
        #: key → its row, in the order shown.
        self._rows: dict[str, RowT] = {}
        #: Asks the unlink question's box before a link goes (True: unlink). Tests answer it
        #: themselves, since a modal question would wait for a click forever offscreen.
        self.confirm_unlink: Callable[[QMessageBox], bool] = ask
        self.empty_label = muted(empty)
        self._rows_box = QVBoxLayout()
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self._rows_box.setSpacing(row_spacing)

    def _lay_out(self, title: str, entry: QLayout, *, note: QWidget | None = None,
                 below: Sequence[QWidget] = ()) -> None:
        """The title, ``note``, the empty line, the rows, then ``entry`` (where a link is made) and
        ``below`` it."""
        entry.setContentsMargins(0, 6, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(section_title(title))
        if note is not None:
            layout.addWidget(note)
        layout.addWidget(self.empty_label)
        layout.addLayout(self._rows_box)
        layout.addLayout(entry)
        for widget in below:
            layout.addWidget(widget)

    # -- reading -------------------------------------------------------------------------------

    def show_record(self, record_id: str) -> None:
        self.record_id = record_id
        self.reload()

    def reload(self) -> None:
        """The links as the store has them now. A link still there keeps its row widget, told
        what changed (its mark, or its roles or title), so the keyboard focus and hover stay on it."""
        wanted = self._read()
        if [row.shown for row in self._rows.values()] == wanted:
            return
        kept = dict(self._rows)
        rows: dict[str, RowT] = {}
        for shown in wanted:
            key = self._key(shown)
            row = kept.pop(key, None)
            if row is None:
                row = self._row(shown)
            elif row.shown != shown:
                row.show_read(shown)
            rows[key] = row
        if list(rows) != list(self._rows):
            for row in self._rows.values():
                self._rows_box.removeWidget(row)
            for row in rows.values():
                self._rows_box.addWidget(row)
        for row in kept.values():  # unlinked
            row.hide()
            row.deleteLater()
        self._rows = rows
        self.empty_label.setVisible(not rows)

    def _read(self) -> Sequence[Any]:
        """What each row shows, as the store has it now, in order."""
        raise NotImplementedError

    def _key(self, shown: Any) -> str:
        raise NotImplementedError

    def _row(self, shown: Any) -> RowT:
        raise NotImplementedError

    # -- writing -------------------------------------------------------------------------------

    def _write(self, write: Callable[[], object], refused: Callable[[str], object]) -> bool:
        """``write`` to the store's edits (True: written); refused, ``refused`` gets the reason."""
        try:
            write()
        except (ValidationError, StoreError) as error:
            refused(refusal_text(error))
            return False
        return True

    def _written(self) -> None:
        self.reload()
        self.edited.emit()

    def _unlink(self, question: QMessageBox, unlink: Callable[[], object], refused: Callable[[str], object]) -> None:
        """Ask ``question`` (``confirm_unlink``), then ``unlink`` as ``_write`` does."""
        confirmed = self.confirm_unlink(question)
        question.deleteLater()
        if confirmed and self._write(unlink, refused):
            self._written()
