"""A note or task whose create answer was lost is looked up, not sent twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.model import MutationState
from crmdesk.remote import OutcomeUnknown
from crmdesk.remote.aria.adapter import ARIA_DEFAULTS
from crmdesk.sandbox import SandboxServer
from crmdesk.sandbox.faults import FaultConfig
from crmdesk.store import Store
from crmdesk.sync.push import Pusher

from ._support import backend, sync


def _server_notes(server: SandboxServer, record_id: str) -> int:
    _rows, total = server.core.notes.page(None, 0, record_id)  # type: ignore[union-attr]
    return int(total)


def _push_with_the_answer_dropped(store: Store, server: SandboxServer) -> None:
    client = backend(server)
    client.objects()  # as after a pull: the schema is known before pushing
    server.set_faults(FaultConfig(drop_rate=1.0, max_faults=1, seed=3))
    pusher = Pusher(store, client, ARIA_DEFAULTS)
    with pytest.raises(OutcomeUnknown):
        pusher.push()
    client.close()
    server.set_faults(None)


def test_a_note_whose_answer_was_lost_is_adopted_not_duplicated(tmp_path: Path) -> None:
    with SandboxServer(records=40, seed=12) as server, Store.open(tmp_path / "w.sqlite") as store:
        sync(store, server)
        person = store.records.rows(store.records.query_ids("people"))[0]
        before = _server_notes(server, person.id)
        store.edits.create_note(person.id, "Lost answer", "the server got it, we did not hear")
        _push_with_the_answer_dropped(store, server)
        assert store.outbox.all()[0].state is MutationState.IN_FLIGHT
        report = sync(store, server)
        assert report.status.value == "synced" and report.pending == 0, report.summary()
        assert _server_notes(server, person.id) == before + 1
        assert [n.title for n in store.notes.for_record(person.id)].count("Lost answer") == 1
        assert not any(n.id.startswith("local-") for n in store.notes.for_record(person.id))


def test_a_task_whose_answer_was_lost_is_adopted_not_duplicated(tmp_path: Path) -> None:
    with SandboxServer(records=40, seed=13) as server, Store.open(tmp_path / "w.sqlite") as store:
        sync(store, server)
        person = store.records.rows(store.records.query_ids("people"))[0]
        store.edits.create_task("Call back about the lost answer", record_ids=[person.id])
        _push_with_the_answer_dropped(store, server)
        report = sync(store, server)
        assert report.status.value == "synced" and report.pending == 0, report.summary()
        same = [t for t in store.tasks.all() if t.content == "Call back about the lost answer"]
        assert len(same) == 1 and not same[0].id.startswith("local-")
        rows, _total = server.core.tasks.page(True, None, 0, person.id)  # type: ignore[union-attr]
        assert [r["content"] for r in rows].count("Call back about the lost answer") == 1
