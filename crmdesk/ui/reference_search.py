"""The one search behind every reference picker: the cell and record-page editor, the link
dialog and the filter bar's value picker all list what these answer.

Records: those of an object whose title holds every typed word, found offline in SQL over the
whole object (the value index), titles that start with what was typed first, each part by
title. Members: those whose name or email holds what was typed, by name."""

from __future__ import annotations

from collections.abc import Iterable

from crmdesk.model import Condition, FilterGroup, Operator, Sort
from crmdesk.model.filters import ME
from crmdesk.store import Store

#: Rows a picker lists at most: typing narrows.
MAX_SHOWN = 200


class Matches(list[tuple[str, str]]):
    """(id, title) pairs to show, best first; ``total``: how many match in all (more than are
    shown when the search is cut at its limit)."""

    def __init__(self, items: Iterable[tuple[str, str]] = (), total: int | None = None) -> None:
        super().__init__(items)
        self.total = len(self) if total is None else total


def record_matches(store: Store, object_slug: str | None, text: str, limit: int = MAX_SHOWN) -> Matches:
    """Records of ``object_slug`` (of every object, for None) matching ``text``."""
    if object_slug is None:
        return _every_object(store, text, limit)
    obj = store.schema.get_object(object_slug)
    if obj is None:
        return Matches()
    title = obj.title_attribute
    words = text.split()
    if title is None:
        return Matches() if words else _read(store, store.records.query_ids(obj.slug), limit)
    sorts = [Sort(title.slug)]
    if not words:
        return _read(store, store.records.query_ids(obj.slug, None, sorts), limit)
    holds = tuple(Condition(title.slug, Operator.CONTAINS, word) for word in words)
    found = store.records.query_ids(obj.slug, FilterGroup("and", holds), sorts)
    starting = Condition(title.slug, Operator.STARTS_WITH, " ".join(words))
    # (Starting with the whole phrase, a title holds each of its words: no need to ask again.)
    first = store.records.query_ids(obj.slug, FilterGroup("and", (starting,)), sorts)
    ahead = set(first)
    return _read(store, first + [rowid for rowid in found if rowid not in ahead], limit, len(found))


def _read(store: Store, rowids: list[int], limit: int, total: int | None = None) -> Matches:
    rows = store.records.rows(rowids[:limit])
    return Matches([(row.id, row.title or "(untitled)") for row in rows], len(rowids) if total is None else total)


def _every_object(store: Store, text: str, limit: int) -> Matches:
    typed = " ".join(text.split()).casefold()
    found: list[tuple[str, str]] = []
    total = 0
    for slug in store.schema.objects():
        matches = record_matches(store, slug, text, limit)
        found += matches
        total += matches.total
    # Titles starting with what was typed first, then by title, across the objects.
    found.sort(key=lambda pair: (not pair[1].casefold().startswith(typed), pair[1].casefold()))
    return Matches(found[:limit], total)


def member_matches(store: Store, text: str, limit: int = MAX_SHOWN, *, me: str | None = None) -> Matches:
    """Members whose name or email holds ``text``, by name; with ``me`` (its title), the
    current user (``ME``, resolved when a filter runs) first when it matches too."""
    wanted = text.strip().casefold()
    members = [(m.actor_id, m.name or m.email) for m in store.schema.members()
               if not wanted or wanted in m.name.casefold() or wanted in m.email.casefold()]
    members.sort(key=lambda pair: pair[1].casefold())
    if me is not None and (not wanted or wanted in me.casefold()):
        members.insert(0, (ME, me))
    return Matches(members[:limit], len(members))
