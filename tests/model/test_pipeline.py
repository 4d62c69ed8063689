"""Which object holds the deals and which attributes a pipeline reads, on any server's schema."""

from __future__ import annotations

import pytest

from crmdesk.model import LOST, WON, AttributeDef, AttributeType, ObjectDef, Option
from crmdesk.model.pipeline import deals_pipeline, default_probabilities, pipeline_shape, stage_outcome

T = AttributeType

STAGES = (
    Option("s-lead", "Lead", order=0),
    Option("s-qual", "Qualified", order=1),
    Option("s-prop", "Proposal", order=2),
    Option("s-nego", "Negotiation", order=3),
    Option("s-won", "Won", order=4),
    Option("s-lost", "Lost", order=5),
)


def deals(**extra: AttributeDef) -> ObjectDef:
    attributes = (
        AttributeDef("name", "Name", T.TEXT, order=0),
        AttributeDef("stage", "Stage", T.STATUS, options=STAGES, order=1),
        AttributeDef("value", "Value", T.CURRENCY, order=2),
        AttributeDef("expected_close_date", "Expected close date", T.DATE, order=3),
        AttributeDef("created_on", "Created on", T.DATE, order=4),
        AttributeDef("owner", "Owner", T.ACTOR_REFERENCE, order=5),
        *extra.values(),
    )
    return ObjectDef("deals", "Deal", "Deals", attributes=attributes)


def test_a_deals_object_gives_its_stage_value_close_date_and_owner() -> None:
    shape = pipeline_shape(deals())
    assert shape is not None
    assert (shape.stage.slug, shape.value and shape.value.slug) == ("stage", "value")
    # The close date is the date named for closing, not the first date of the object.
    assert shape.close_date is not None and shape.close_date.slug == "expected_close_date"
    assert shape.owner is not None and shape.owner.slug == "owner"
    assert [o.title for o in shape.stages] == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]


def test_an_object_without_a_single_status_is_no_pipeline() -> None:
    people = ObjectDef("people", "Person", "People", attributes=(AttributeDef("name", "Name", T.PERSONAL_NAME),))
    tags = ObjectDef("tags", "Tag", "Tags", attributes=(
        AttributeDef("states", "States", T.SELECT, multiselect=True, options=STAGES),))
    assert pipeline_shape(people) is None
    assert pipeline_shape(tags) is None


def test_the_deals_are_found_by_name_before_a_lookalike() -> None:
    tickets = ObjectDef("tickets", "Ticket", "Tickets", attributes=(
        AttributeDef("status", "Status", T.STATUS, options=STAGES),
        AttributeDef("cost", "Cost", T.CURRENCY)))
    sales = ObjectDef("sale", "Sale", "Sales", attributes=(AttributeDef("status", "Status", T.STATUS, options=STAGES),))
    found = deals_pipeline({"tickets": tickets, "sale": sales})
    assert found is not None and found.obj.slug == "sale"
    # No object named like deals: the first with a stage and a money value.
    found = deals_pipeline({"tickets": tickets})
    assert found is not None and found.obj.slug == "tickets"
    assert deals_pipeline({}) is None


def test_the_servers_outcome_wins_over_the_title() -> None:
    assert stage_outcome(Option("a", "Signed", outcome=WON)) == WON
    assert stage_outcome(Option("b", "Won", outcome=LOST)) == LOST
    assert stage_outcome(Option("c", "Closed won")) == WON
    assert stage_outcome(Option("d", "Closed Lost")) == LOST
    assert stage_outcome(Option("e", "Wonderful prospects")) is None  # a word, not a prefix
    assert stage_outcome(Option("f", "Negotiation")) is None


def test_default_probabilities_climb_through_the_open_stages() -> None:
    shape = pipeline_shape(deals())
    assert shape is not None
    assert default_probabilities(shape) == {
        "s-lead": 0.2, "s-qual": 0.4, "s-prop": 0.6, "s-nego": 0.8, "s-won": 1.0, "s-lost": 0.0,
    }
    assert shape.closed_stage_ids() == {"s-won", "s-lost"}
    assert shape.outcome("s-won") == WON and shape.outcome("s-prop") is None and shape.outcome(None) is None


@pytest.mark.parametrize(("title", "outcome"), [
    ("Won", WON), ("won", WON), ("Closed won", WON), ("Closed-Won", WON), ("Closed - Won", WON),
    ("Closed/Won", WON), ("Won 🎉", WON), ("Win", WON), ("Lost", LOST), ("Closed lost", LOST),
    # A title that merely mentions winning is no won stage: these are open deals.
    ("Won't buy", None), ("Won’t buy", None), ("Not won yet", None), ("Win-back", None),
    ("Win back", None), ("Almost won", None), ("Winning", None),
])
def test_a_title_is_taken_at_its_word_only_when_it_says_won(title: str, outcome: str | None) -> None:
    assert stage_outcome(Option("x", title)) == outcome
