"""rewrite_local_id: once the server assigns its id to an offline-created record, every
reference to the local id names the server id, in values, the value index, entries, notes,
tasks, the timeline, conflicts and queued mutations."""

from __future__ import annotations

import json

from crmdesk.model import Condition, EntityKind, Entry, FilterGroup, ObjectDef, Operator, TimelineEvent
from crmdesk.store import Store

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
