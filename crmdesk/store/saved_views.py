"""Saved views: a named table or board of one object (its filters, sort, columns, grouping).

They live in the workspace file (table ``saved_views``, schema v8), so they move with the
workspace and survive restarts; they are the user's own and never sent to the server. The
state is the window's JSON, kept whole: the store does not read inside it (a filter in it
may hold the "me" placeholder, resolved with ``SchemaRepo.my_actor_id`` when the view is applied),
but for one thing: a filter's operand naming a record made offline follows that record to its
server id (``rewrite_id``, part of ``Store.rewrite_local_id``).

Saved views are not records, so their changes are not in a ``ChangeSet``: whoever shows
them (the sidebar) listens here, and is told after each committed change.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from crmdesk.model import ValidationError
from crmdesk.store.clock import utc_now
from crmdesk.store.errors import NotFound

log = logging.getLogger(__name__)

MODES = ("table", "board")
MAX_NAME = 120
TARGET_KIND = "view"

SavedViewsListener = Callable[[], None]


@dataclass(frozen=True, slots=True)
class SavedView:
    id: str
    object_slug: str
    name: str
    #: Which face opens: ``table`` or ``board``.
    mode: str = "table"
    state: dict[str, Any] = field(default_factory=dict)
    position: int = 0

    @property
    def target(self) -> str:
        """The navigation target that opens it."""
        return f"{TARGET_KIND}:{self.id}"


def clean_name(name: str) -> str:
    """The name as kept: trimmed, on one line; an empty or overlong one is refused."""
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise ValidationError("Name", "a saved view needs a name")
    if len(cleaned) > MAX_NAME:
        raise ValidationError("Name", f"at most {MAX_NAME} characters")
    return cleaned


class SavedViewRepo:
    def __init__(self, conn: sqlite3.Connection, write: Callable[[], AbstractContextManager[None]]) -> None:
        self._conn = conn
        self._write = write
        self._listeners: list[SavedViewsListener] = []

    # -- listening ---------------------------------------------------------------------------

    def add_listener(self, listener: SavedViewsListener) -> None:
        """``listener()`` after each committed change of the saved views (this connection's)."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove_listener(self, listener: SavedViewsListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:  # the change is committed: a listener's bug must not undo it
                log.exception("a saved-views listener failed")

    # -- reading -----------------------------------------------------------------------------

    def _rows(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[SavedView]:
        rows = self._conn.execute(
            "SELECT id, object_slug, name, mode, state_json, position FROM saved_views "
            f"{where} ORDER BY object_slug, position, created_at, id", params
        )
        for view_id, slug, name, mode, state_json, position in rows:
            yield SavedView(view_id, slug, name, mode if mode in MODES else "table", _state(state_json), position)

    def all(self) -> list[SavedView]:
        return list(self._rows())

    def get(self, view_id: str) -> SavedView | None:
        return next(self._rows("WHERE id = ?", (view_id,)), None)

    def _require(self, view_id: str) -> SavedView:
        found = self.get(view_id)
        if found is None:
            raise NotFound(f"There is no saved view {view_id}.")
        return found

    # -- writing -----------------------------------------------------------------------------

    def create(self, object_slug: str, name: str, mode: str, state: dict[str, Any]) -> SavedView:
        """A new view, listed last among the object's."""
        cleaned = clean_name(name)
        view_id = uuid.uuid4().hex
        now = utc_now()
        with self._write():
            last = self._conn.execute(
                "SELECT COALESCE(MAX(position), -1) FROM saved_views WHERE object_slug = ?", (object_slug,)
            ).fetchone()[0]
            self._conn.execute(
                "INSERT INTO saved_views (id, object_slug, name, mode, state_json, position, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (view_id, object_slug, cleaned, _mode(mode), _json(state), last + 1, now, now),
            )
        self._changed()
        return self._require(view_id)

    def update(self, view_id: str, mode: str, state: dict[str, Any]) -> SavedView:
        """What the view shows, replaced by ``state`` (its name stays)."""
        with self._write():
            self._require(view_id)
            self._conn.execute(
                "UPDATE saved_views SET mode = ?, state_json = ?, updated_at = ? WHERE id = ?",
                (_mode(mode), _json(state), utc_now(), view_id),
            )
        self._changed()
        return self._require(view_id)

    def rename(self, view_id: str, name: str) -> SavedView:
        cleaned = clean_name(name)
        with self._write():
            self._require(view_id)
            self._conn.execute(
                "UPDATE saved_views SET name = ?, updated_at = ? WHERE id = ?", (cleaned, utc_now(), view_id)
            )
        self._changed()
        return self._require(view_id)

    def rewrite_id(self, local_id: str, server_id: str) -> None:
        """A record made offline got its server id: a filter naming it (an operand equal to
        ``local_id``, alone or in a list) names ``server_id`` instead. Joins the caller's
        transaction (``Store.rewrite_local_id``); views that do not name it are left as they are."""
        changed = False
        with self._write():
            rows = self._conn.execute("SELECT id, state_json FROM saved_views WHERE instr(state_json, ?) > 0",
                                      (local_id,)).fetchall()
            for view_id, state_json in rows:
                state = _state(state_json)
                node = state.get("filter")
                if not isinstance(node, dict) or not _rewrite_operands(node, local_id, server_id):
                    continue
                self._conn.execute("UPDATE saved_views SET state_json = ?, updated_at = ? WHERE id = ?",
                                   (_json(state), utc_now(), view_id))
                changed = True
        if changed:
            self._changed()

    def delete(self, view_id: str) -> None:
        with self._write():
            self._conn.execute("DELETE FROM saved_views WHERE id = ?", (view_id,))
        self._changed()


def _mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"a saved view is a table or a board, not {mode!r}")
    return mode


def _json(state: dict[str, Any]) -> str:
    return json.dumps(state, sort_keys=True, ensure_ascii=False)


def _rewrite_operands(node: dict[str, Any], old: str, new: str) -> bool:
    """Replace ``old`` by ``new`` among the operands of the filter ``node`` (a group of
    conditions, or one condition), in place; True when one was replaced. Attribute slugs,
    operators and any other text are left alone."""
    changed = False
    children = node.get("conditions")
    if isinstance(children, list):
        for child in children:
            if isinstance(child, dict) and _rewrite_operands(child, old, new):
                changed = True
        return changed
    if "value" in node:
        value, changed = _replaced(node["value"], old, new)
        node["value"] = value
    return changed


def _replaced(value: Any, old: str, new: str) -> tuple[Any, bool]:
    if value == old:
        return new, True
    if isinstance(value, list):
        items = [_replaced(item, old, new) for item in value]
        return [item for item, _ in items], any(hit for _, hit in items)
    return value, False


def _state(text: str) -> dict[str, Any]:
    """A damaged state opens as the plain table, not an error."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}
