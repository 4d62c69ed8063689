"""A small deals object with three stages, for board tests that need no server."""

from __future__ import annotations

from crmdesk.model import AttributeDef, AttributeType, ObjectDef, Option

STAGES = (Option("s-lead", "Lead", "#6366f1", 0), Option("s-won", "Won", "#22c55e", 1),
          Option("s-lost", "Lost", "#ef4444", 2))
DEALS = ObjectDef("deals", "Deal", "Deals", attributes=(
    AttributeDef("name", "Name", AttributeType.TEXT),
    AttributeDef("value", "Value", AttributeType.CURRENCY, config={"currency_code": "USD"}),
    AttributeDef("stage", "Stage", AttributeType.STATUS, options=STAGES),
))
