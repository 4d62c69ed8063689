"""Shared builders for the store tests: a small CRM schema, records, and a display context
that reads titles and member names from the store (as the store's SQL does with joins)."""

from __future__ import annotations

import itertools
from datetime import tzinfo
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, ListDef, Member, ObjectDef, Option, Record
from crmdesk.store import Store

T = AttributeType

STAGES = (
    Option("st-lead", "Lead", "#6366f1", order=0),
    Option("st-qual", "Qualified", "#8b5cf6", order=1),
    Option("st-won", "Won", "#22c55e", order=2, active=False),
)
STATUSES = (
    Option("s-todo", "To do", "#aaaaaa", order=0),
    Option("s-doing", "Doing", None, order=1),
    Option("s-done", "Done", "#00ff00", order=2),
)
MEMBERS = (
    Member("mem-ada", "Ada Lovelace", "ada@example.com", "admin", "user-ada"),
    Member("mem-emile", "Émile Ÿlva", "emile@example.com"),
    Member("mem-bob", "bob builder", "bob@example.com", "member", None),
)


def attr(
    slug: str, type_: AttributeType, *, multiselect: bool = False, required: bool = False, order: int = 0, **kw: Any
) -> AttributeDef:
    return AttributeDef(slug, slug.replace("_", " ").title(), type_, multiselect=multiselect, required=required,
                        order=order, **kw)


COMPANIES = ObjectDef(
    "companies",
    "Company",
    "Companies",
    icon="building",
    id="obj-companies",
    attributes=(
        attr("name", T.TEXT, required=True, id="a-c-name"),
        attr("domains", T.DOMAIN, multiselect=True, order=1),
        attr("description", T.TEXT, order=2),
    ),
)

PEOPLE = ObjectDef(
    "people",
    "Person",
    "People",
    icon="user",
    id="obj-people",
    attributes=(
        attr("name", T.PERSONAL_NAME, id="a-p-name"),
        attr("emails", T.EMAIL_ADDRESS, multiselect=True, order=1),
        attr("job_title", T.TEXT, order=2),
        attr("tags", T.TEXT, multiselect=True, order=3),
        attr("company", T.RECORD_REFERENCE, order=4, config={"target_object": "companies"}),
        attr("owner", T.ACTOR_REFERENCE, order=5),
        attr("stage", T.SELECT, order=6, options=STAGES),
        attr("status", T.STATUS, order=7, options=STATUSES),
        attr("rating", T.RATING, order=8),
        attr("score", T.NUMBER, order=9),
        attr("deal", T.CURRENCY, order=10, config={"currency_code": "EUR"}),
        attr("born", T.DATE, order=11),
        attr("seen", T.TIMESTAMP, order=12),
        attr("vip", T.CHECKBOX, order=13),
        attr("site", T.DOMAIN, order=14),
        attr("address", T.LOCATION, order=15),
        attr("phone", T.PHONE_NUMBER, order=16),
        attr("badge", T.TEXT, required=True, order=17),
    ),
)

PIPELINE = ListDef(
    "list-pipeline",
    "Pipeline",
    "people",
    slug="pipeline",
    attributes=(
        attr("priority", T.SELECT, options=(Option("p-hi", "High", order=0), Option("p-lo", "Low", order=1))),
        attr("value", T.CURRENCY, order=1),
        attr("next_step", T.TEXT, order=2),
        attr("champion", T.RECORD_REFERENCE, order=3, config={"target_object": "people"}),
    ),
)

_clock = itertools.count(1)


def stamp(n: int | None = None) -> str:
    """Distinct, ordered timestamps in canonical form."""
    n = next(_clock) if n is None else n
    return f"2026-01-{1 + n // 86400 % 28:02d}T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z"


def person(record_id: str, first: str, last: str = "", created_at: str | None = None, **values: Any) -> Record:
    full = f"{first} {last}".strip()
    name = {"first_name": first, "full_name": full}
    if last:
        name["last_name"] = last
    return Record(record_id, "people", {"name": name, "badge": "b", **values}, created_at or stamp(), None)


def company(record_id: str, name: str, created_at: str | None = None, **values: Any) -> Record:
    return Record(record_id, "companies", {"name": name, **values}, created_at or stamp(), None)


def open_store(path: Any, **kw: Any) -> Store:
    """A store with the members, both objects and the pipeline list."""
    store = Store.open(path, **kw)
    with store.write():
        store.schema.replace_members(MEMBERS)
        store.schema.save_object(COMPANIES, 0)
        store.schema.save_object(PEOPLE, 1)
        store.schema.save_list(PIPELINE)
    return store


class StoreContext:
    """A DisplayContext answering from the store's own tables."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record_title(self, record_id: str) -> str | None:
        row = self._store.records.get(record_id)
        return row.title if row else None

    def member_name(self, member_id: str) -> str | None:
        return self._store.schema.member_name(member_id)

    @property
    def tz(self) -> tzinfo | None:
        return None


def ids_of(store: Store, rowids: list[int]) -> list[str]:
    return [row.id for row in store.records.rows(rowids)]


def outbox_rows(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0])


def table_dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every user-visible table's rows, to compare before/after a refused edit."""
    tables = ("records", "record_values", "entries", "entry_values", "notes", "tasks", "task_records",
              "task_assignees", "outbox", "search_index")
    return {t: sorted(store.conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def scalar(store: Store, sql: str, *params: Any) -> Any:
    return store.conn.execute(sql, params).fetchone()[0]
