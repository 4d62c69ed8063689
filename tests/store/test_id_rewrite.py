"""rewrite_local_id: once the server assigns its id to an offline-created record, every
reference to the local id names the server id, in values, the value index, entries, notes,
tasks, the timeline, conflicts and queued mutations."""

from __future__ import annotations

import json
from pathlib import Path

from crmdesk.model import Condition, EntityKind, Entry, FilterGroup, ObjectDef, Operator, TimelineEvent
from crmdesk.store import Store
from crmdesk.store.connection import open_connection
from crmdesk.store.migrations import migrate, schema_version
from crmdesk.store.schema_steps import LATEST_VERSION

from ._support import PIPELINE, T, attr, ids_of, scalar

DEALS = ObjectDef("deals", "Deal", "Deals", attributes=(
    attr("name", T.TEXT),
    attr("contacts", T.RECORD_REFERENCE, multiselect=True, config={"target_object": "people"}),
))


def equals(slug: str, value: str) -> FilterGroup:
    return FilterGroup("and", (Condition(slug, Operator.EQUALS, value),))


def test_every_reference_follows_the_server_id(store: Store) -> None:
    with store.write():
        store.schema.save_object(DEALS, 2)
    local = store.edits.create_record("people", {"name": "Offline Olga", "badge": "o"}).target_id
    other = store.edits.create_record("people", {"name": "Other", "badge": "x"}).target_id
    deal = store.edits.create_record("deals", {"name": "Big deal", "contacts": [other, local]}).target_id
    store.edits.update_record(deal, {"contacts": [local]})
    membership = store.edits.add_entry(PIPELINE.id, local, {"priority": "p-hi"}).target_id
    with store.write():  # an entry of another person naming her as champion
        store.entries.put(PIPELINE, Entry("e-srv", PIPELINE.id, other, {"champion": local}, "2026-01-01"))
        store.timeline.put_many([TimelineEvent("ev1", local, "created", "Created", "2026-01-01T00:00:00.000Z")])
        store.conflicts.add("record", local, "people", "badge", "o", "p", None)
    note = store.edits.create_note(local, "Met Olga", "at the fair").target_id
    task = store.edits.create_task("Call Olga", record_ids=[local, other]).target_id
    server = "srv-olga-1"

    store.rewrite_local_id(local, server, "record")

    # the record itself
    assert store.records.get(local) is None
    row = store.records.get(server)
    assert row is not None and row.title == "Offline Olga"
    # another record's reference value, and the index a filter reads
    deal_row = store.records.get(deal)
    assert deal_row is not None and deal_row.values["contacts"] == [server]
    assert local not in json.dumps(deal_row.values)
    assert ids_of(store, store.records.query_ids("deals", equals("contacts", server))) == [deal]
    assert ids_of(store, store.records.query_ids("deals", equals("contacts", local))) == []
    olga = FilterGroup("and", (Condition("contacts", Operator.CONTAINS, "olga"),))
    assert ids_of(store, store.records.query_ids("deals", olga)) == [deal]
    # list entries: membership and a list value naming her
    assert store.entries.get(membership).record_id == server  # type: ignore[union-attr]
    assert [e.id for e in store.entries.for_record(server)] == [membership]
    assert store.entries.get("e-srv").values == {"champion": server}  # type: ignore[union-attr]
    champion = [row.id for row in store.entries.rows(store.entries.query_ids(PIPELINE.id, equals("champion", server)))]
    assert champion == ["e-srv"]
    # note, task, timeline, conflict
    assert store.notes.get(note).record_id == server  # type: ignore[union-attr]
    assert [n.id for n in store.notes.for_record(server)] == [note]
    assert sorted(store.tasks.get(task).record_ids) == sorted([server, other])  # type: ignore[union-attr]
    assert [t.id for t in store.tasks.for_record(server)] == [task]
    assert [e.id for e in store.timeline.for_record(server)] == ["ev1"]
    assert [c.target_id for c in store.conflicts.all()] == [server]
    # queued mutations: targets, scopes (a note's scope is its record) and values
    for mutation in store.outbox.all():
        text = json.dumps([mutation.target_id, mutation.scope, mutation.changes, mutation.base])
        assert local not in text, mutation
    create = store.outbox.for_target(server, entity=EntityKind.RECORD)
    assert [m.op.value for m in create] == ["create"]
    note_create = store.outbox.for_target(note, entity=EntityKind.NOTE)[0]
    assert note_create.scope == server
    assert store.outbox.for_target(membership, entity=EntityKind.ENTRY)[0].changes["record_id"] == server
    # the map
    assert store.id_map.server_id(local) == server
    assert scalar(store, "SELECT count(*) FROM records WHERE values_json LIKE ?", f"%{local}%") == 0


def _naming(store: Store, local: str) -> list[int]:
    """The queued mutations ``outbox_local_refs`` says mention ``local`` (what a rewrite reads)."""
    return sorted(row[0] for row in store.conn.execute("SELECT op_id FROM outbox_local_refs WHERE ref = ?", (local,)))


def test_the_mutations_naming_a_local_id_are_known_through_every_change_of_the_outbox(store: Store) -> None:
    first = store.edits.create_record("companies", {"name": "Acme"}).target_id
    second = store.edits.create_record("companies", {"name": "Globex"}).target_id
    made = store.edits.create_records("people", [{"job_title": "Ann", "company": first},
                                                 {"job_title": "Bo", "company": first}], checked=True)
    creates = [store.outbox.for_target(i, entity=EntityKind.RECORD)[0].op_id for i in made]
    assert _naming(store, first) == sorted(creates)  # the batch insert (INSERT … SELECT) is seen too

    with store.write():  # a queued change edited before it is sent: now it names the other company
        store.outbox.update_changes(creates[0], {"job_title": "Ann", "company": second})
    assert _naming(store, first) == [creates[1]] and _naming(store, second) == [creates[0]]

    store.rewrite_local_id(second, "srv-globex", "record")
    assert store.outbox.get(creates[0]).changes["company"] == "srv-globex"  # type: ignore[union-attr]
    assert store.outbox.get(creates[1]).changes["company"] == first  # type: ignore[union-attr]
    assert _naming(store, second) == []

    with store.write():
        store.outbox.remove(creates[1])
    assert _naming(store, first) == []


def test_a_file_with_offline_references_queued_before_the_upgrade_follows_the_server_id(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = open_connection(path)
    migrate(conn, path, target=12)
    conn.execute("INSERT INTO outbox (mutation_id, entity, op, target_id, scope, changes_json, base_json, created_at)"
                 " VALUES ('m1', 'record', 'create', 'local-p1', 'people', ?, '{}', '2026-01-01T00:00:00.000Z')",
                 (json.dumps({"name": "Ann", "company": "local-c1", "team": ["local-c2", "srv-x"]}),))
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert schema_version(store.conn) == LATEST_VERSION
        store.rewrite_local_id("local-c2", "srv-c2", "record")
        [queued] = store.outbox.all()
        assert queued.changes == {"name": "Ann", "company": "local-c1", "team": ["srv-c2", "srv-x"]}
        assert _naming(store, "local-c1") == [queued.op_id]
