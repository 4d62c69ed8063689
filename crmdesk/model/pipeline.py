"""A pipeline: which object holds the deals, and which of its attributes are the stage, the
value, the expected close date and the owner — read from the schema, never from a dialect's
name, so Home and the dashboard work on any server's deals (Aria's ``deals``, Attio's, Atomic's,
Atlas's ``sale``).

A stage's outcome (won, lost) is the server's where it says (``Option.outcome``); where it does
not, the title is taken at its word: a title with the word "lost" ("Lost", "Closed lost") is lost;
a title that is just "Won" or "Win", maybe after "Closed" ("Closed won", "Closed – Won", "Won 🎉"),
is won. Only the whole title counts for won: "Won't buy", "Not won yet", "Win-back" and "Almost
won" are open stages, and a wrong "won" would count their deals as won at 100 % in the forecast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.schema import LOST, WON, AttributeDef, ObjectDef, Option

#: Objects named like this are the deals, before any object that merely looks like one.
_DEAL_NAMES = frozenset({"deal", "deals", "sale", "sales", "opportunity", "opportunities"})
_WON_TITLE = re.compile(r"^\W*(closed\W*)?(won|win)\W*$", re.IGNORECASE)
_LOST_WORDS = re.compile(r"\b(lost|closed[ -]?lost)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PipelineShape:
    """The deals object and the attributes a pipeline reads (any but the stage may be missing)."""

    obj: ObjectDef
    stage: AttributeDef
    value: AttributeDef | None = None
    close_date: AttributeDef | None = None
    owner: AttributeDef | None = None

    @property
    def stages(self) -> tuple[Option, ...]:
        """The stages in the board's order."""
        return tuple(sorted(self.stage.options, key=lambda o: o.order))

    def outcome(self, stage_id: str | None) -> str | None:
        """WON, LOST or None (an open stage, an unknown id, or no stage)."""
        option = self.stage.option_by_id(stage_id) if stage_id else None
        return stage_outcome(option) if option is not None else None

    def closed_stage_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.stage.options if stage_outcome(o) is not None)


def stage_outcome(option: Option) -> str | None:
    """The server's outcome, else what the title says ("Closed won" → WON), else None."""
    if option.outcome is not None:
        return option.outcome
    if _LOST_WORDS.search(option.title):
        return LOST
    if _WON_TITLE.match(option.title):
        return WON
    return None


def _single(attrs: Iterable[AttributeDef], kind: AttributeType) -> list[AttributeDef]:
    return [a for a in sorted(attrs, key=lambda a: a.order) if a.type is kind and not a.multiselect]


def _preferred(candidates: list[AttributeDef], *words: str) -> AttributeDef | None:
    for word in words:
        for attr in candidates:
            if word in attr.slug.casefold() or word in attr.title.casefold():
                return attr
    return candidates[0] if candidates else None


def pipeline_shape(obj: ObjectDef) -> PipelineShape | None:
    """``obj`` read as a pipeline, or None when it has no single-valued status attribute."""
    statuses = _single(obj.attributes, AttributeType.STATUS)
    stage = _preferred(statuses, "stage", "status")
    if stage is None:
        return None
    money = _single(obj.attributes, AttributeType.CURRENCY) or _single(obj.attributes, AttributeType.NUMBER)
    dates = [a for a in _single(obj.attributes, AttributeType.DATE) if "close" in f"{a.slug} {a.title}".casefold()]
    owners = _single(obj.attributes, AttributeType.ACTOR_REFERENCE)
    return PipelineShape(
        obj=obj,
        stage=stage,
        value=_preferred(money, "value", "amount"),
        close_date=_preferred(dates, "expected", "close"),
        owner=_preferred(owners, "owner"),
    )


def deals_pipeline(objects: Mapping[str, ObjectDef]) -> PipelineShape | None:
    """The workspace's deals: an object named like deals with a stage, else the first object
    with both a stage and a money value; None when the workspace has neither."""
    shapes = [shape for shape in (pipeline_shape(o) for o in objects.values()) if shape is not None]
    for shape in shapes:
        names = {shape.obj.slug.casefold(), shape.obj.singular_name.casefold(), shape.obj.plural_name.casefold()}
        if names & _DEAL_NAMES:
            return shape
    return next((shape for shape in shapes if shape.value is not None), None)


def default_probabilities(shape: PipelineShape) -> dict[str, float]:
    """Open stages climb evenly in board order (four open stages: 20, 40, 60, 80 %); won is
    100 %, lost 0 %."""
    open_stages = [o for o in shape.stages if stage_outcome(o) is None]
    chances = {o.id: round((i + 1) / (len(open_stages) + 1), 2) for i, o in enumerate(open_stages)}
    for option in shape.stages:
        outcome = stage_outcome(option)
        if outcome is not None:
            chances[option.id] = 1.0 if outcome == WON else 0.0
    return chances
