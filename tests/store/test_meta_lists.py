"""Lists kept in the workspace file's meta table (recent records, pending invites): a damaged
value — not JSON, not a list, or nested deeper than the parser goes — reads as an empty list, and
the next write replaces it; nothing raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.store import Store
from crmdesk.store.invites import PENDING_INVITES_META, PendingInvite, pending_invites, remember_invite
from crmdesk.store.meta_list import read_list, write_list
from crmdesk.store.recent import RECENT_META

from ._support import PEOPLE, open_store, person

#: Deeper than json.loads can go: it raises RecursionError, not ValueError.
TOO_DEEP = "[" * 200_000 + "]" * 200_000
DAMAGED = ("{not json", '{"a": 1}', "null", TOO_DEEP)


def _keep(store: Store, key: str, text: str) -> None:
    with store.write():
        store.schema.set_meta(key, text)


@pytest.mark.parametrize("damaged", DAMAGED, ids=["not-json", "object", "null", "too-deep"])
def test_a_damaged_list_reads_as_empty_and_is_replaced(tmp_path: Path, damaged: str) -> None:
    path = tmp_path / "ws.sqlite"
    with open_store(path) as store:
        _keep(store, "some_list", damaged)
        assert read_list(store.schema, "some_list") == []
        with store.write():
            write_list(store.schema, "some_list", ["a", 1])
    with Store.open(path) as reopened:
        assert read_list(reopened.schema, "some_list") == ["a", 1]
        with reopened.write():
            write_list(reopened.schema, "some_list", [])
        assert reopened.schema.get_meta("some_list") is None


@pytest.mark.parametrize("damaged", DAMAGED, ids=["not-json", "object", "null", "too-deep"])
def test_recent_records_survive_a_damaged_value(tmp_path: Path, damaged: str) -> None:
    with open_store(tmp_path / "ws.sqlite") as store:
        with store.write():
            store.records.put_many(PEOPLE, [person("p1", "Ada")])
        _keep(store, RECENT_META, damaged)
        assert store.recent.ids() == [] and store.recent.records() == []
        store.recent.visited("p1")
        assert [r.id for r in store.recent.records()] == ["p1"]


@pytest.mark.parametrize("damaged", DAMAGED, ids=["not-json", "object", "null", "too-deep"])
def test_pending_invites_survive_a_damaged_value(tmp_path: Path, damaged: str) -> None:
    path = tmp_path / "ws.sqlite"
    with open_store(path) as store:
        _keep(store, PENDING_INVITES_META, damaged)
        assert pending_invites(store) == []
        remember_invite(store, "new@example.com", "member")
    with Store.open(path) as reopened:
        assert pending_invites(reopened) == [PendingInvite("new@example.com", "member")]


def test_an_invite_the_member_list_names_is_forgotten(tmp_path: Path) -> None:
    with open_store(tmp_path / "ws.sqlite") as store:
        remember_invite(store, "ADA@example.com", "admin")  # Ada is a member already
        remember_invite(store, "zoe@example.com", "member")
        remember_invite(store, "zoe@example.com", "admin")  # the later invite replaces the first
        assert pending_invites(store) == [PendingInvite("zoe@example.com", "admin")]
        assert [row["email"] for row in read_list(store.schema, PENDING_INVITES_META)] == ["zoe@example.com"]
