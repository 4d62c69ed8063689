"""The item data role of an unsynced-change mark, shared by the record table, the list entry
table and the board.

A cell (on a table's vertical header, a row; on the board, a card) answers it with the state of
its change the server does not have yet — "queued", "refused", "conflict" — or None. Painters
read the models' ``mark_at``/``row_mark``/``card_mark`` directly; the role is for tests and
anything else that asks through Qt.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

#: Above every other role the three models define (UserRole + 1 … + 4).
MarkRole = Qt.ItemDataRole.UserRole + 5
