"""A deals workspace for the dashboard's tests (store and window): four open stages, Won and
Lost, amounts in three currencies (and some with no value or no code), close dates over a year,
owners among three members, stage moves in the field history (some deals closed with a move,
some without one), notes and completed tasks. The reference sums below read ``values_json`` and
the tables in plain Python, the way a person would count, so the store's SQL is checked against
something that does not share its shortcuts."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, Member, ObjectDef, Option, Record
from crmdesk.model.pipeline import deals_pipeline, stage_outcome
from crmdesk.store import Store

T = AttributeType
STAGES = (
    Option("st-lead", "Lead", "#6366f1", 0), Option("st-qual", "Qualified", "#8b5cf6", 1),
    Option("st-prop", "Proposal", "#a855f7", 2), Option("st-nego", "Negotiation", "#ec4899", 3),
    Option("st-won", "Won", "#22c55e", 4), Option("st-lost", "Lost", "#ef4444", 5),
)
DEALS = ObjectDef("deals", "Deal", "Deals", attributes=(
    AttributeDef("name", "Name", T.TEXT, order=0),
    AttributeDef("value", "Value", T.CURRENCY, order=1, config={"currency_code": "USD"}),
    AttributeDef("stage", "Stage", T.STATUS, order=2, options=STAGES),
    AttributeDef("expected_close_date", "Expected close date", T.DATE, order=3),
    AttributeDef("owner", "Owner", T.ACTOR_REFERENCE, order=4),
))
MEMBERS = (
    Member("mem-ada", "Ada Admin", "ada@example.com", "admin", "user-ada"),
    Member("mem-sam", "Sam <b>Seller</b>", "sam@example.com", "member", "user-sam"),
    Member("mem-zoe", "Zoe Rep", "zoe@example.com", "member", "user-zoe"),
)
OWNERS = ("user-ada", "user-sam", "user-zoe")
#: The fixed "now" of these tests.
NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
TODAY = NOW.date()


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def stage_move(store: Store, record_id: str, old: Any, new: Any, at: datetime | str, actor: str | None = None, *,
               source: str = "local", object_slug: str = "deals", attribute: str = "stage") -> None:
    """One move of ``attribute`` (the stage) kept in the field history, written as the history keeps
    a change (schema v10) and straight into its table: the counts under test read that table with
    their own SQL, so the rows must not come through the code that also reads them."""
    with store.write():
        store.conn.execute(
            "INSERT INTO field_history (record_id, object_slug, attribute_slug, old_json, new_json, changed_at,"
            " actor_id, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (record_id, object_slug, attribute, json.dumps(old), json.dumps(new),
             at if isinstance(at, str) else stamp(at), actor, source))


def _value(rng: random.Random, i: int) -> Any:
    kind = i % 10
    if kind == 9:
        return None  # no value at all
    if kind == 8:
        return {"amount": rng.randrange(100, 5000), "currency": None}  # the attribute's default: USD
    code = ("USD", "EUR", "GBP", "USD", "EUR", "USD", "JPY", "USD")[kind]
    return {"amount": rng.randrange(1_000, 90_000) + (0.5 if kind == 3 else 0), "currency": code}


def build_deals(store: Store, count: int = 240, seed: int = 7, *, me: str | None = "mem-ada") -> None:
    """Fill ``store`` with the deals, members, history, notes and tasks described above."""
    rng = random.Random(seed)
    with store.write():
        store.schema.replace_members(MEMBERS)
        store.schema.save_object(DEALS, 0)
        if me is not None:
            store.schema.set_me(me)
    obj = store.schema.get_object("deals")
    assert obj is not None
    records, history = [], []
    for i in range(count):
        stage = STAGES[i % len(STAGES)]
        values: dict[str, Any] = {"name": f"Deal {i}", "stage": stage.id, "owner": OWNERS[(i // 6) % 3]}
        value = _value(rng, i)
        if value is not None:
            values["value"] = value
        if i % 7 != 3:
            values["expected_close_date"] = (TODAY + timedelta(days=rng.randint(-200, 200))).isoformat()
        updated = NOW - timedelta(days=rng.randint(0, 400))
        records.append(Record(f"deal-{i}", "deals", values, stamp(updated - timedelta(days=30)), stamp(updated)))
        moved = NOW - timedelta(days=rng.randint(0, 330), hours=rng.randint(0, 23))
        if stage_outcome(stage) is not None and i % 4 != 0:
            # Closed with the move seen: an earlier move to another closed stage, then the last one.
            other = "st-lost" if stage.id == "st-won" else "st-won"
            history.append((f"deal-{i}", "st-nego", other, moved - timedelta(days=40), None))
            history.append((f"deal-{i}", other, stage.id, moved, OWNERS[(i + 1) % 3]))
        elif stage_outcome(stage) is None and i % 3 == 0:
            history.append((f"deal-{i}", "st-lead", stage.id, NOW - timedelta(days=i % 45), OWNERS[i % 3]))
    with store.write():
        store.records.put_many(obj, records)
        for rid, old, new, at, actor in history:
            stage_move(store, rid, old, new, at, actor)
        # A move of another attribute into a "won"-looking value, and another object's stage (on a
        # record with a deal's id, closed without a move of its own: deal-4): neither counts.
        stage_move(store, "deal-4", "a", "st-won", NOW, "user-ada", attribute="name")
        stage_move(store, "deal-4", "st-lead", "st-won", NOW - timedelta(days=2), "user-zoe", object_slug="companies")
        for n in range(30):
            store.conn.execute(
                "INSERT INTO notes (id, record_id, title, content, created_at, updated_at, created_by) "
                "VALUES (?, ?, 'Call', '', ?, ?, ?)",
                (f"note-{n}", f"deal-{n}", stamp(NOW - timedelta(days=n * 2)), stamp(NOW), OWNERS[n % 3]))
        for n in range(24):
            done = n % 4 != 3
            completed = stamp(NOW - timedelta(days=n * 3)) if done else None
            store.conn.execute(
                "INSERT INTO tasks (id, content, deadline, done, completed_at, created_at, created_by) "
                "VALUES (?, 'Follow up', NULL, ?, ?, ?, 'user-ada')",
                (f"task-{n}", int(done), completed, stamp(NOW - timedelta(days=60))))
            store.conn.execute("INSERT INTO task_assignees (task_id, member_id) VALUES (?, ?)",
                               (f"task-{n}", OWNERS[(n + 2) % 3]))


# -- the reference: plain Python over values_json and the tables ------------------------------


def _deals(store: Store, owner: str | None = None,
           ids: set[str] | None = None) -> list[tuple[str, dict[str, Any], str]]:
    rows = store.conn.execute("SELECT id, values_json, updated_at FROM records WHERE object_slug = 'deals'")
    found = []
    for record_id, text, updated in rows:
        values = json.loads(text)
        if owner is not None and values.get("owner") != owner:
            continue
        if ids is not None and record_id not in ids:
            continue
        found.append((record_id, values, updated))
    return found


def _currency(value: Any) -> str | None:
    return (value.get("currency") or "USD") if isinstance(value, dict) else None


def reference_stages(store: Store, owner: str | None = None, months: tuple[str, str] | None = None,
                     ids: set[str] | None = None) -> dict[str, tuple[int, dict[str | None, float]]]:
    """Stage id → (deals, {currency: total}) of the deals closing in ``months``."""
    result: dict[str, tuple[int, dict[str | None, float]]] = {}
    for _id, values, _updated in _deals(store, owner, ids):
        month = values.get("expected_close_date", "")[:7] or None
        if months is not None and (month is None or not months[0] <= month <= months[1]):
            continue
        count, sums = result.get(values["stage"], (0, {}))
        value = values.get("value")
        if value is not None:
            sums[_currency(value)] = sums.get(_currency(value), 0.0) + value["amount"]
        result[values["stage"]] = (count + 1, sums)
    return result


def reference_forecast(store: Store, probabilities: dict[str, float], owner: str | None = None,
                       months: tuple[str, str] | None = None) -> dict[tuple[str, str | None], tuple[float, float]]:
    """(month, currency) → (open total, weighted total)."""
    shape = deals_pipeline(store.schema.objects())
    assert shape is not None
    result: dict[tuple[str, str | None], tuple[float, float]] = {}
    for _id, values, _updated in _deals(store, owner):
        if shape.outcome(values["stage"]) is not None or "value" not in values:
            continue
        month = values.get("expected_close_date", "")[:7]
        if not month or (months is not None and not months[0] <= month <= months[1]):
            continue
        key = (month, _currency(values["value"]))
        total, weighted = result.get(key, (0.0, 0.0))
        amount = values["value"]["amount"]
        result[key] = (total + amount, weighted + amount * probabilities.get(values["stage"], 0.0))
    return result


def local_month(moment: str, zone: tzinfo) -> str:
    """The month ("2026-03") a stored UTC time ("2026-03-31T23:30:00.000Z") falls in, in ``zone``."""
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(zone).strftime("%Y-%m")


def reference_won_lost(store: Store, owner: str | None = None, ids: set[str] | None = None,
                       zone: tzinfo = UTC) -> dict[str, tuple[int, int, dict[str | None, float]]]:
    """Month → (won, lost, {currency: amount won}); the month (in ``zone``) of the last move into a
    closed stage, else of the expected close date, else of updated_at, else of created_at."""
    shape = deals_pipeline(store.schema.objects())
    assert shape is not None
    closed_ids = shape.closed_stage_ids()
    last_move: dict[str, str] = {}
    for record_id, new_json, changed_at in store.conn.execute(
        "SELECT record_id, new_json, changed_at FROM field_history WHERE object_slug = 'deals' "
        "AND attribute_slug = 'stage'"
    ):
        if json.loads(new_json) in closed_ids and changed_at > last_move.get(record_id, ""):
            last_move[record_id] = changed_at
    created = dict(store.conn.execute("SELECT id, created_at FROM records").fetchall())
    result: dict[str, tuple[int, int, dict[str | None, float]]] = {}
    for record_id, values, updated in _deals(store, owner, ids):
        outcome = shape.outcome(values["stage"])
        if outcome is None:
            continue
        if record_id in last_move:
            month = local_month(last_move[record_id], zone)
        elif values.get("expected_close_date"):
            month = values["expected_close_date"][:7]  # a date: the same in every zone
        else:
            month = local_month(updated or created[record_id], zone)
        won, lost, amounts = result.get(month, (0, 0, {}))
        if outcome == "won":
            won += 1
            if "value" in values:
                code = _currency(values["value"])
                amounts[code] = amounts.get(code, 0.0) + values["value"]["amount"]
        else:
            lost += 1
        result[month] = (won, lost, amounts)
    return result


def reference_activity(store: Store, since: datetime) -> dict[str | None, tuple[int, int, int]]:
    """Actor id → (notes written, tasks completed as assignee, stage moves) since ``since``."""
    counts: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    edge = stamp(since)
    for created_by, created_at in store.conn.execute("SELECT created_by, created_at FROM notes"):
        if created_at >= edge:
            counts[created_by][0] += 1
    assignees = dict(store.conn.execute("SELECT task_id, member_id FROM task_assignees").fetchall())
    for task_id, done, completed_at in store.conn.execute("SELECT id, done, completed_at FROM tasks"):
        if done and completed_at and completed_at >= edge:
            counts[assignees[task_id]][1] += 1
    for actor, obj, attribute, changed_at in store.conn.execute(
        "SELECT actor_id, object_slug, attribute_slug, changed_at FROM field_history"
    ):
        if (obj, attribute) == ("deals", "stage") and changed_at >= edge:
            counts[actor][2] += 1
    return {actor: (c[0], c[1], c[2]) for actor, c in counts.items()}
