"""Workspace meta, members, objects, attributes, options and lists survive a round trip
through the file (closed and reopened), and re-saving a schema keeps the value index sound."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from crmdesk.model import Condition, FilterGroup, Member, ObjectDef, Operator, Option, Workspace
from crmdesk.store import Store

from ._support import COMPANIES, MEMBERS, PEOPLE, PIPELINE, T, attr, ids_of, person, scalar


def reopen(store: Store) -> Store:
    store.close()
    return Store.open(store.path)


def test_workspace_meta_round_trip(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "ws.sqlite")
    assert store.schema.workspace() is None
    with store.write():
        store.schema.save_workspace(Workspace("ws-1", "Acme Sales ✓", "acme-sales"))
    store = reopen(store)
    assert store.schema.workspace() == Workspace("ws-1", "Acme Sales ✓", "acme-sales")
    with store.write():
        store.schema.save_workspace(Workspace("ws-1", "Renamed", None))
    assert store.schema.workspace() == Workspace("ws-1", "Renamed", None)
    store.close()


def test_members_round_trip_ordered_by_name_and_replaced(store: Store) -> None:
    store = reopen(store)
    assert store.schema.members() == sorted(MEMBERS, key=lambda m: m.name)
    assert store.schema.members()[0] == Member("mem-ada", "Ada Lovelace", "ada@example.com", "admin", "user-ada")
    assert store.schema.member_name("mem-emile") == "Émile Ÿlva"
    assert store.schema.member_name("user-ada") == "Ada Lovelace"  # by user id too
    assert store.schema.member_name("mem-nobody") is None
    with store.write():
        store.schema.replace_members([Member("mem-new", "New", "n@example.com")])
    assert [m.id for m in store.schema.members()] == ["mem-new"]
    assert store.schema.member_name("mem-ada") is None
    store.close()


def test_objects_round_trip_every_attribute_field(store: Store) -> None:
    store = reopen(store)
    objects = store.schema.objects()
    assert list(objects) == ["companies", "people"]  # by position
    assert objects["people"] == PEOPLE
    assert objects["companies"] == COMPANIES
    company = objects["people"].attribute("company")
    assert company is not None and company.target_object == "companies"
    deal = objects["people"].attribute("deal")
    assert deal is not None and deal.config == {"currency_code": "EUR"} and deal.currency_code == "EUR"
    stage = objects["people"].attribute("stage")
    assert stage is not None
    assert [(o.id, o.title, o.color, o.order, o.active) for o in stage.options] == [
        ("st-lead", "Lead", "#6366f1", 0, True),
        ("st-qual", "Qualified", "#8b5cf6", 1, True),
        ("st-won", "Won", "#22c55e", 2, False),
    ]
    name = objects["people"].attribute("name")
    assert name is not None and name.id == "a-p-name"
    emails = objects["people"].attribute("emails")
    assert emails is not None and emails.multiselect and not emails.required
    badge = objects["people"].attribute("badge")
    assert badge is not None and badge.required
    store.close()


def test_flags_and_nested_config_round_trip(store: Store) -> None:
    obj = ObjectDef(
        "deals", "Deal", "Deals", None, None, system=True,
        attributes=(
            attr("ref", T.TEXT, unique=True, system=True, config={"nested": {"a": [1, 2]}, "ü": None}),
            attr("stage", T.STATUS, options=(Option("z", "Zeta", order=0), Option("a", "Alpha", None, 1, False))),
        ),
    )
    with store.write():
        store.schema.save_object(obj, 5)
    store = reopen(store)
    assert store.schema.get_object("deals") == obj
    assert list(store.schema.objects())[-1] == "deals"
    store.close()


def test_resave_keeps_attribute_ids_and_drops_removed_attributes_with_their_index(store: Store) -> None:
    with store.write():
        store.records.put(PEOPLE, person("p1", "Ada", job_title="Chef", score=3, tags=["a", "b"]))
    ids_before = {a.slug: store.schema.attribute_id("object", "people", a.slug) for a in PEOPLE.attributes}
    tags_id = ids_before["tags"]
    slimmer = replace(
        PEOPLE,
        singular_name="Human",
        attributes=tuple(
            replace(a, title="Role") if a.slug == "job_title" else a for a in PEOPLE.attributes if a.slug != "tags"
        ),
    )
    with store.write():
        store.schema.save_object(slimmer, 1)
    store = reopen(store)
    assert store.schema.get_object("people") == slimmer
    for slug, attr_id in ids_before.items():
        if slug != "tags":
            assert store.schema.attribute_id("object", "people", slug) == attr_id, slug
    assert store.schema.attribute_id("object", "people", "tags") is None
    assert scalar(store, "SELECT count(*) FROM record_values WHERE attribute_id = ?", tags_id) == 0
    assert store.conn.execute("SELECT count(*) FROM options WHERE attribute_id NOT IN (SELECT id FROM attributes)"
                              ).fetchone()[0] == 0
    # the kept attributes still filter through the same index rows
    chef = FilterGroup("and", (Condition("job_title", Operator.EQUALS, "Chef"),))
    assert ids_of(store, store.records.query_ids("people", chef)) == ["p1"]
    store.close()


def test_resave_replaces_options(store: Store) -> None:
    stage = PEOPLE.attribute("stage")
    assert stage is not None
    new_stage = replace(stage, options=(Option("st-won", "Won!", "#000", 0), Option("st-lead", "Lead", None, 1)))
    people = replace(PEOPLE, attributes=tuple(new_stage if a.slug == "stage" else a for a in PEOPLE.attributes))
    with store.write():
        store.schema.save_object(people, 1)
    got = store.schema.get_object("people")
    assert got is not None and got.attribute("stage") == new_stage


def test_lists_round_trip_and_delete(store: Store) -> None:
    store = reopen(store)
    assert store.schema.lists() == {"list-pipeline": PIPELINE}
    assert store.schema.get_list("list-pipeline") == PIPELINE
    with store.write():
        store.schema.delete_list("list-pipeline")
        store.schema.delete_object("companies")
    store = reopen(store)
    assert store.schema.lists() == {}
    assert list(store.schema.objects()) == ["people"]
    assert store.conn.execute("SELECT count(*) FROM attributes WHERE owner IN ('list-pipeline', 'companies')"
                              ).fetchone()[0] == 0
    store.close()


def test_meta_set_and_clear(store: Store) -> None:
    with store.write():
        store.schema.set_meta("k", "v")
    assert store.schema.get_meta("k") == "v"
    with store.write():
        store.schema.set_meta("k", None)
    assert store.schema.get_meta("k", "default") == "default"
