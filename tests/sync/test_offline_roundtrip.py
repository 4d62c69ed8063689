"""Offline creates, updates and deletes — with references between offline-made records —
reach the server with every local id rewritten, once each."""

from __future__ import annotations

from pathlib import Path

from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store

from ._support import cache_snapshot, diff, local_ids_in, marker, server_records, server_snapshot, sync


def test_offline_graph_reaches_the_server_with_ids_remapped(tmp_path: Path) -> None:
    with SandboxServer(records=60, seed=11) as server, Store.open(tmp_path / "ws.sqlite") as store:
        assert sync(store, server).status.value == "synced"
        before = {slug: len(server_records(server, slug)) for slug in ("people", "companies", "deals")}
        lists = {lst.parent_object: lst for lst in store.schema.lists().values()}
        tag = marker()

        # Offline: a company, a person working there, a deal naming both, a note and a task
        # on the person, the company in a list, and edits/deletes of server records.
        company = store.edits.create_record("companies", {"name": f"Acme {tag}", "description": tag})
        person = store.edits.create_record(
            "people",
            {"name": {"first_name": "Pat", "last_name": tag, "full_name": f"Pat {tag}"},
             "company": company.target_id, "job_title": "Buyer"},
        )
        deal = store.edits.create_record(
            "deals",
            {"name": f"Deal {tag}", "stage": _option_id(store, "deals", "stage", "Lead"),
             "company": company.target_id, "associated_people": [person.target_id]},
        )
        store.edits.update_record(company.target_id, {"team": [person.target_id]})
        note = store.edits.create_note(person.target_id, f"Met {tag}", "Talked pricing")
        task = store.edits.create_task(f"Call {tag}", record_ids=[person.target_id])
        entry = store.edits.add_entry(lists["companies"].id, company.target_id, {})
        # A record made and deleted offline never reaches the server.
        ghost = store.edits.create_record("companies", {"name": f"Ghost {tag}"})
        store.edits.delete_record(ghost.target_id)
        # Edits and a delete of records the server already has.
        existing = sorted(store.records.ids("people"))
        edited, removed = existing[0], existing[1]
        store.edits.update_record(edited, {"job_title": f"Chief {tag}"})
        store.edits.update_record(edited, {"description": f"typed {tag}"})
        store.edits.delete_record(removed)

        report = sync(store, server)
        assert report.status.value == "synced", report.summary()
        assert report.pending == 0 and report.rejected == 0 and report.conflicts == 0, report.summary()
        assert store.outbox.count() == 0

        local = cache_snapshot(store)
        assert local_ids_in(local) == []
        ids = {m.target_id: report.changes.id_changes.get(m.target_id) for m in (company, person, deal, note, task,
                                                                                 entry)}
        assert all(ids.values()), ids
        company_id, person_id, deal_id = ids[company.target_id], ids[person.target_id], ids[deal.target_id]

        # The server holds each offline record once, with references to the server ids.
        people = server_records(server, "people")
        companies = server_records(server, "companies")
        deals = server_records(server, "deals")
        assert [c for c in companies.values() if tag in str(c.get("name"))] == [companies[company_id]]
        assert [p for p in people.values() if tag in str(p.get("name"))] == [people[person_id]]
        assert [d for d in deals.values() if tag in str(d.get("name"))] == [deals[deal_id]]
        assert people[person_id]["company"] == company_id
        assert deals[deal_id]["company"] == company_id
        assert deals[deal_id]["associated_people"] == [person_id]
        assert companies[company_id]["team"] == [person_id]
        assert removed not in people
        assert people[edited]["job_title"] == f"Chief {tag}"
        assert people[edited]["description"] == f"typed {tag}"
        assert len(people) == before["people"] + 0  # one created, one deleted
        assert len(companies) == before["companies"] + 1
        assert len(deals) == before["deals"] + 1

        # Notes, tasks and the list entry point at the server's person/company.
        assert store.notes.get(ids[note.target_id]).record_id == person_id
        assert store.tasks.get(ids[task.target_id]).record_ids == [person_id]
        assert store.entries.get(ids[entry.target_id]).record_id == company_id

        # And a fresh client sees exactly what this cache holds.
        remote = server_snapshot(server, tmp_path)
        assert diff(local, remote) == []

        # A second sync sends nothing and changes nothing.
        again = sync(store, server)
        assert again.status.value == "synced" and again.pushed == 0
        assert diff(cache_snapshot(store), remote) == []


def _option_id(store: Store, slug: str, attribute: str, title: str) -> str:
    obj = store.schema.get_object(slug)
    assert obj is not None
    attr = obj.attribute(attribute)
    assert attr is not None
    return next(o.id for o in attr.options if o.title == title)
