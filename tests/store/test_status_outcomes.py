"""A status's outcome (won, lost) is kept with the schema and survives reopening the file; a file
from before outcomes were kept opens with none, until the next sync says."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.model import LOST, WON, AttributeDef, AttributeType, ObjectDef, Option
from crmdesk.store import Store
from crmdesk.store.connection import open_connection
from crmdesk.store.migrations import migrate
from crmdesk.store.schema_repo import SchemaRepo

STAGE = AttributeDef("stage", "Stage", AttributeType.STATUS, options=(
    Option("s1", "Lead", order=0), Option("s2", "Won", order=1, active=False, outcome=WON),
    Option("s3", "Lost", order=2, active=False, outcome=LOST), Option("s4", "Lost too", order=3, outcome=LOST)))
DEALS = ObjectDef("deals", "Deal", "Deals", attributes=(STAGE,))


def test_outcomes_are_kept_and_asked_for(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.sqlite") as store, store.write():
        store.schema.save_object(DEALS, 0)
    with Store.open(tmp_path / "w.sqlite") as store:
        stage = store.schema.get_object("deals").attribute("stage")
        assert stage is not None and stage.options == STAGE.options
        assert {o.id: o.outcome for o in stage.options} == {"s1": None, "s2": WON, "s3": LOST, "s4": LOST}


def test_a_file_from_before_outcomes_opens_with_none(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = open_connection(path)
    migrate(conn, path, target=8)
    conn.execute("BEGIN")
    SchemaRepo(conn).save_object(ObjectDef("deals", "Deal", "Deals", attributes=(
        AttributeDef("stage", "Stage", AttributeType.STATUS, options=(Option("s1", "Lead"),)),)), 0)
    conn.execute("COMMIT")
    conn.close()
    with Store.open(path) as store:
        stage = store.schema.get_object("deals").attribute("stage")
        assert stage is not None and [(o.title, o.outcome) for o in stage.options] == [("Lead", None)]


def test_an_outcome_is_won_lost_or_none() -> None:
    with pytest.raises(ValueError, match="won, lost or none"):
        Option("x", "Closed", outcome="closed")
