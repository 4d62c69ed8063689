"""Undo for board moves: a QUndoCommand that sets a card's group value back and forth.

Each redo/undo is itself one store edit (one outbox row), so undoing a move made
before a sync sends the old value to the server like any other edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from crmdesk.ui.models.board_model import BoardModel


class MoveCardCommand(QUndoCommand):
    def __init__(
        self,
        board: BoardModel,
        card_id: str,
        slug: str,
        old_key: str | None,
        old_row: int,
        new_key: str | None,
        new_row: int,
        text: str,
    ) -> None:
        super().__init__(text)
        self.board = board
        self.card_id = card_id
        self.slug = slug
        self.old = (old_key, old_row)
        self.new = (new_key, new_row)
        # The board made the edit before pushing (so a refused edit is never recorded):
        # QUndoStack.push's first redo() must not make it again.
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.board.apply_move(self.card_id, self.new[0], self.new[1], self.slug)

    def undo(self) -> None:
        self.board.apply_move(self.card_id, self.old[0], self.old[1], self.slug)
