"""Saved views in the workspace file: kept across reopening, upgraded into from a v7 file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crmdesk.model import ValidationError
from crmdesk.store import NotFound, Store
from crmdesk.store.connection import open_connection
from crmdesk.store.migrations import migrate, schema_version
from crmdesk.store.schema_steps import LATEST_VERSION

from ._support import open_store

MY_OPEN_DEALS = {
    "filter": {"operator": "and", "conditions": [{"attribute": "owner", "operator": "equals", "value": "@me"}]},
    "sorts": [{"attribute": "name", "descending": True}],
    "columns": [{"slug": "name", "width": 200, "hidden": False}],
    "board": {"group": "stage", "sum": None, "fields": ["value"], "hide_empty": True},
}


def test_a_saved_view_survives_closing_and_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    told: list[str] = []
    with open_store(path) as store:
        store.saved_views.add_listener(lambda: told.append("changed"))
        first = store.saved_views.create("people", "  My   open deals ", "board", MY_OPEN_DEALS)
        second = store.saved_views.create("people", "Welders", "table", {})
        store.saved_views.create("companies", "Big ones", "table", {})
        assert told == ["changed"] * 3
    with Store.open(path) as reopened:
        views = [v for v in reopened.saved_views.all() if v.object_slug == "people"]
        assert [(v.name, v.mode) for v in views] == [("My open deals", "board"), ("Welders", "table")]
        assert views[0].state == MY_OPEN_DEALS and views[0].target == f"view:{first.id}"
        reopened.saved_views.rename(second.id, "Welders in Lyon")
        reopened.saved_views.update(first.id, "table", {"sorts": []})
        reopened.saved_views.delete(second.id)
    with Store.open(path) as again:
        assert [(v.name, v.mode, v.state) for v in again.saved_views.all()] == [
            ("Big ones", "table", {}), ("My open deals", "table", {"sorts": []})]
        assert again.saved_views.get(second.id) is None


def test_a_name_is_needed_and_a_missing_view_is_named(store: Store) -> None:
    with pytest.raises(ValidationError, match="needs a name"):
        store.saved_views.create("people", "   ", "table", {})
    with pytest.raises(NotFound):
        store.saved_views.rename("nope", "Other")
    assert store.saved_views.all() == []


def test_a_damaged_state_opens_as_the_plain_table(store: Store) -> None:
    view = store.saved_views.create("people", "Broken", "table", {"sorts": []})
    with store.write():
        store.conn.execute("UPDATE saved_views SET state_json = '{not json' WHERE id = ?", (view.id,))
    assert store.saved_views.get(view.id).state == {}  # type: ignore[union-attr]


def test_me_is_the_actor_id_of_the_member_the_workspace_names(store: Store) -> None:
    assert store.schema.my_actor_id() is None
    with store.write():
        store.schema.set_me("mem-ada")
    assert store.schema.my_actor_id() == "user-ada"  # owner values name Ada's user id
    with store.write():
        store.schema.set_me("mem-bob")
    assert store.schema.my_actor_id() == "mem-bob"


def test_a_v7_file_gains_saved_views_and_keeps_its_records(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = open_connection(path)
    migrate(conn, path, target=7)
    conn.execute("INSERT INTO records (id, object_slug, title) VALUES ('p1', 'people', 'Ada')")
    conn.commit()
    conn.close()
    with pytest.raises(sqlite3.OperationalError):
        sqlite3.connect(path).execute("SELECT * FROM saved_views")
    with Store.open(path) as store:
        assert schema_version(store.conn) == LATEST_VERSION >= 8
        assert store.records.ids("people") == {"p1"}
        made = store.saved_views.create("people", "Everyone", "table", {})
    assert list(tmp_path.glob("old.v7-*.bak.sqlite")), "a copy of the v7 file is kept"
    with Store.open(path) as reopened:
        assert [v.id for v in reopened.saved_views.all()] == [made.id]
