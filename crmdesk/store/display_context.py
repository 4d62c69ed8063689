"""Titles of referenced records and names of members, for formatting values: in the window's
views and in the command line's output alike (so it lives below the UI)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crmdesk.store.store import Store

MAX_CACHED_TITLES = 20_000


class StoreDisplayContext:
    """A ``DisplayContext`` over the store with small caches; ``forget()`` after a sync."""

    def __init__(self, store: Store, tz: tzinfo | None = None) -> None:
        self._store = store
        self._tz = tz
        self._titles: dict[str, str | None] = {}
        self._members: dict[str, str] | None = None
        self._ids_are_names = False

    @property
    def tz(self) -> tzinfo | None:
        return self._tz

    def prefetch(self, record_ids: Iterable[str]) -> None:
        """Fetch many titles in one query (a table block's references)."""
        wanted = [rid for rid in set(record_ids) if rid not in self._titles]
        if not wanted:
            return
        if len(self._titles) > MAX_CACHED_TITLES:
            self._titles.clear()
        found = self._store.records.titles(wanted)
        for record_id in wanted:
            self._titles[record_id] = found.get(record_id)

    def record_title(self, record_id: str) -> str | None:
        if record_id not in self._titles:
            self.prefetch([record_id])
        return self._titles.get(record_id)

    def member_name(self, member_id: str) -> str | None:
        if self._members is None:
            self._members = {}
            for member in self._store.schema.members():
                self._members[member.id] = member.name
                if member.user_id:
                    self._members[member.user_id] = member.name
            # Where the server lists no members (the kept capabilities say so: this layer does
            # not read the dialects), the id is all there is to show, and better than "unknown".
            kept = self._store.schema.capabilities_json() or {}
            self._ids_are_names = kept.get("members_listed") is False
        return self._members.get(member_id) or (member_id if self._ids_are_names else None)

    def forget(self) -> None:
        self._titles.clear()
        self._members = None
