"""``merge_record`` and ``coalesce``: pure functions, table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from crmdesk.model import EntityKind, Mutation, MutationOp, MutationState
from crmdesk.sync.merge import coalesce, merge_record, pending_changes


def upd(target: str, changes: dict[str, Any], base: dict[str, Any], op_id: int = 1, **kw: Any) -> Mutation:
    return Mutation(f"m{op_id}", kw.pop("entity", EntityKind.RECORD), kw.pop("op", MutationOp.UPDATE), target,
                    "people", changes, base, op_id=op_id, **kw)


MERGE_CASES = [
    # (name, server values, [(changes, base)], expected values, conflicts (field, mine, theirs), already applied)
    ("only server changed a field", {"a": 2, "b": 9}, [({"b": 5}, {"b": 9})], {"a": 2, "b": 5}, [], set()),
    ("different fields merge", {"a": "theirs", "b": 1}, [({"b": 2}, {"b": 1})], {"a": "theirs", "b": 2}, [], set()),
    ("same value on both sides", {"a": "x"}, [({"a": "x"}, {"a": "old"})], {"a": "x"}, [], {"a"}),
    ("same field, different values", {"a": "theirs"}, [({"a": "mine"}, {"a": "base"})], {"a": "theirs"},
     [("a", "mine", "theirs")], set()),
    ("user cleared, server untouched", {"a": "base", "b": 1}, [({"a": None}, {"a": "base"})], {"b": 1}, [], set()),
    ("user cleared, server changed", {"a": "theirs"}, [({"a": None}, {"a": "base"})], {"a": "theirs"},
     [("a", None, "theirs")], set()),
    ("server cleared, user changed", {}, [({"a": "mine"}, {"a": "base"})], {},
     [("a", "mine", None)], set()),
    ("both cleared", {}, [({"a": None}, {"a": "base"})], {}, [], {"a"}),
    ("a run of typing: earliest base, latest value", {"a": "ab"},
     [({"a": "abc"}, {"a": "ab"}), ({"a": "abcd"}, {"a": "abc"})], {"a": "abcd"}, [], set()),
    ("a run of typing against a server change", {"a": "zz"},
     [({"a": "abc"}, {"a": "ab"}), ({"a": "abcd"}, {"a": "abc"})], {"a": "zz"}, [("a", "abcd", "zz")], set()),
    ("the server holds an earlier value the user queued (sent before a crash)", {"a": "abc"},
     [({"a": "abc"}, {"a": "ab"}), ({"a": "abcd"}, {"a": "abc"})], {"a": "abcd"}, [], set()),
    ("an earlier queued value, two edits back", {"a": "v1"},
     [({"a": "v1"}, {"a": "v0"}), ({"b": 1}, {"b": None}), ({"a": "v2"}, {"a": "v1"}), ({"a": "v3"}, {"a": "v2"})],
     {"a": "v3", "b": 1}, [], set()),
    ("list order does not make a conflict", {"tags": ["x", "y"]}, [({"tags": ["x", "y"]}, {"tags": ["x"]})],
     {"tags": ["x", "y"]}, [], {"tags"}),
    ("structured values compare by value", {"name": {"first_name": "A", "last_name": "B"}},
     [({"job": "CEO"}, {"job": None})], {"name": {"first_name": "A", "last_name": "B"}, "job": "CEO"}, [], set()),
]


@pytest.mark.parametrize(("server", "queued", "values", "conflicts", "applied"),
                         [c[1:] for c in MERGE_CASES], ids=[c[0] for c in MERGE_CASES])
def test_merge_record(server: dict[str, Any], queued: list[tuple[dict[str, Any], dict[str, Any]]],
                      values: dict[str, Any], conflicts: list[tuple[str, Any, Any]], applied: set[str]) -> None:
    mutations = [upd("r1", changes, base, op_id=i) for i, (changes, base) in enumerate(queued, 1)]
    outcome = merge_record(server, mutations)
    assert outcome.values == values
    assert [(c.field, c.mine, c.theirs) for c in outcome.conflicts] == conflicts
    assert outcome.already_applied == applied
    assert not outcome.deleted_locally
    # The server's mapping is never modified in place.
    assert server == dict(server)


def test_merge_keeps_the_base_in_a_conflict() -> None:
    outcome = merge_record({"a": "theirs"}, [upd("r", {"a": "m1"}, {"a": "base"}), upd("r", {"a": "m2"}, {"a": "m1"})])
    (conflict,) = outcome.conflicts
    assert (conflict.mine, conflict.theirs, conflict.base) == ("m2", "theirs", "base")


def test_merge_with_a_queued_delete_keeps_it_out() -> None:
    delete = upd("r", {}, {"a": 1}, op=MutationOp.DELETE)
    outcome = merge_record({"a": 2}, [upd("r", {"a": 3}, {"a": 1}), delete])
    assert outcome.deleted_locally
    assert outcome.conflicts == []


def test_merge_without_mutations_is_the_server() -> None:
    outcome = merge_record({"a": 1}, [])
    assert outcome.values == {"a": 1} and outcome.conflicts == [] and outcome.already_applied == set()


def test_pending_changes_skip_deletes() -> None:
    mine, base = pending_changes([upd("r", {"a": 1}, {"a": 0}), upd("r", {}, {"a": 1}, op=MutationOp.DELETE),
                                  upd("r", {"a": 2, "b": 5}, {"a": 1, "b": None})])
    assert mine == {"a": 2, "b": 5}
    assert base == {"a": 0, "b": None}


C, U, D = MutationOp.CREATE, MutationOp.UPDATE, MutationOp.DELETE
R, N = EntityKind.RECORD, EntityKind.NOTE
COALESCE_CASES = [
    ("empty", [], []),
    ("one", [(U, R, "a")], [[1]]),
    ("adjacent updates of one record", [(U, R, "a"), (U, R, "a"), (U, R, "a")], [[1, 2, 3]]),
    ("updates of two records interleaved stay apart", [(U, R, "a"), (U, R, "b"), (U, R, "a")], [[1], [2], [3]]),
    ("a create is never merged with its updates", [(C, R, "a"), (U, R, "a"), (U, R, "a")], [[1], [2, 3]]),
    ("a delete ends a run", [(U, R, "a"), (D, R, "a"), (U, R, "a")], [[1], [2], [3]]),
    ("same id, different entity", [(U, R, "a"), (U, N, "a")], [[1], [2]]),
    ("two runs", [(U, R, "a"), (U, R, "a"), (U, R, "b"), (U, R, "b")], [[1, 2], [3, 4]]),
]


@pytest.mark.parametrize(("ops", "groups"), [c[1:] for c in COALESCE_CASES], ids=[c[0] for c in COALESCE_CASES])
def test_coalesce(ops: list[tuple[MutationOp, EntityKind, str]], groups: list[list[int]]) -> None:
    mutations = [upd(target, {"x": i}, {}, op_id=i, op=op, entity=entity) for i, (op, entity, target) in
                 enumerate(ops, 1)]
    assert [[m.op_id for m in g] for g in coalesce(mutations)] == groups


def test_coalesce_does_not_join_different_states() -> None:
    a = upd("a", {"x": 1}, {}, op_id=1, state=MutationState.IN_FLIGHT)
    b = upd("a", {"x": 2}, {}, op_id=2)
    assert [[m.op_id for m in g] for g in coalesce([a, b])] == [[1], [2]]


def test_coalesce_keeps_order() -> None:
    mutations = [upd(t, {}, {}, op_id=i) for i, t in enumerate("aabbbac", 1)]
    flat = [m.op_id for g in coalesce(mutations) for m in g]
    assert flat == list(range(1, 8))
