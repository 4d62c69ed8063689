"""A record's title: what lists, references and search show for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmdesk.model.schema import ObjectDef
from crmdesk.model.values import display_text

UNTITLED = "Unnamed"


def record_title(obj: ObjectDef, values: Mapping[str, Any]) -> str:
    attr = obj.title_attribute
    if attr is None:
        return UNTITLED
    text = display_text(attr, values.get(attr.slug)).strip()
    return text or UNTITLED
