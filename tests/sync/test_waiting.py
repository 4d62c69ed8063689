"""What is left after a sync: changes held behind a create the server refused (they wait for the
user, as the refusal does) apart from changes another sync may send."""

from __future__ import annotations

from pathlib import Path

from crmdesk.model.limits import ValueLimits
from crmdesk.sandbox import SandboxServer
from crmdesk.store import Store
from crmdesk.sync.waiting import held_and_unsent, waiting_for_user

from ._support import sync


def test_changes_needing_a_refused_create_are_held_and_the_rest_can_go(tmp_path: Path) -> None:
    with SandboxServer(records=10, seed=5) as server, Store.open(tmp_path / "w.sqlite") as store:
        assert sync(store, server).complete
        with store.write():
            store.schema.set_value_limits(ValueLimits())  # so the edit below is queued, then refused
        companies = store.schema.get_object("companies")
        categories = companies.attribute("categories") if companies is not None else None
        assert categories is not None and len(categories.options) >= 2
        refused = store.edits.create_record("companies", {"categories": [o.id for o in categories.options[:2]]})
        edit = store.edits.update_record(refused.target_id, {"description": "x"})
        # Held through the refused create: a new person at that company, then an edit of them.
        person = store.edits.create_record("people", {"company": refused.target_id})
        promoted = store.edits.update_record(person.target_id, {"job_title": "CEO"})
        sent = store.edits.create_record("companies", {"name": "Accepted"})
        assert edit is not None and promoted is not None

        report = sync(store, server)

        assert (report.rejected, report.pending) == (1, 3)
        assert [line.split(":")[0] for line in waiting_for_user(store)] == ["refused"]
        held, unsent = held_and_unsent(store)
        assert [m.op_id for m in held] == [edit.op_id, person.op_id, promoted.op_id] and unsent == []
        assert store.records.get(sent.target_id) is None  # sent: it now has the server's id

        # A change queued after the sync depends on nothing refused: another sync sends it.
        later = store.edits.update_record(sorted(store.records.ids("companies"))[0], {"description": "later"})
        assert later is not None
        held, unsent = held_and_unsent(store)
        assert [m.op_id for m in unsent] == [later.op_id] and len(held) == 3
