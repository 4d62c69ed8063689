"""A new record gets each attribute's default value where the server's schema names one (Atlas's
templates: a sale's status "Open"), shown at once offline and sent with the create; a value the user
gives wins, and a default the model cannot read is left to the server."""

from __future__ import annotations

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Option
from crmdesk.model.schema import DEFAULT_CONFIG
from crmdesk.store import Store

SALE = ObjectDef("sale", "Sale", "Sales", attributes=(
    AttributeDef("sale-name", "Name", AttributeType.TEXT, required=True),
    AttributeDef("sale-status", "Status", AttributeType.SELECT, config={DEFAULT_CONFIG: "Open"},
                 options=(Option("Open", "Open"), Option("Won", "Won"), Option("Lost", "Lost"))),
    AttributeDef("sale-units", "Units", AttributeType.NUMBER, config={DEFAULT_CONFIG: 1}),
    AttributeDef("sale-when", "When", AttributeType.DATE, config={DEFAULT_CONFIG: "not a date"}),
))


def _saved(store: Store) -> None:
    with store.write():
        store.schema.save_object(SALE, 0)


def test_a_new_record_gets_the_defaults_it_was_not_given(store: Store) -> None:
    _saved(store)
    made = store.edits.create_record("sale", {"sale-name": "Fleet renewal"})
    row = store.records.get(made.target_id)
    assert row is not None
    assert row.values == {"sale-name": "Fleet renewal", "sale-status": "Open", "sale-units": 1}
    # Sent with the create, so the server and the cache agree from the start.
    assert made.changes == row.values


def test_a_value_given_wins_over_the_default_and_an_unreadable_default_is_left_out(store: Store) -> None:
    _saved(store)
    made = store.edits.create_record("sale", {"sale-name": "Won already", "sale-status": "Won", "sale-units": None})
    row = store.records.get(made.target_id)
    assert row is not None
    # "sale-units": None was given (cleared on purpose): no default for it; the date default does not read.
    assert row.values == {"sale-name": "Won already", "sale-status": "Won"}
