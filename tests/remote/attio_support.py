"""What the attio tests share: the spec's own examples as value objects, attributes of each type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmdesk.model import AttributeDef, AttributeType, Option
from tests.attio_spec import spec

#: Ids of the spec's examples (its option, status and object ids).
OPTION = "08c2c59a-c18e-40c6-8dc4-95415313b2ea"
STATUS = "11f07f01-c10f-4e05-a522-33e050bc52ee"
MEMBER = "50cf242c-7fa3-4cad-87d0-75b1af71c57b"
PERSON = "891dcbfc-9141-415d-9b2a-2238a6cc012d"


def _resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        found: Any = spec()
        for part in ref.lstrip("#/").split("/"):
            found = found[part]
        return _resolve(found)
    return node


def example_of(node: Mapping[str, Any]) -> Any:
    """A value made of the spec's own ``example``s: a property's example where it has one, else an
    object of its properties' examples (``$ref`` followed)."""
    node = _resolve(node)
    if "example" in node and node["example"] is not None:
        return node["example"]
    if "properties" in node:
        return {key: example_of(prop) for key, prop in node["properties"].items()}
    for key in ("anyOf", "oneOf"):
        if key in node:
            return example_of(node[key][0])
    return None


def output_examples() -> list[dict[str, Any]]:
    """Every branch of the spec's ``output-value``, as the spec's examples fill it, made active."""
    branches = spec()["components"]["schemas"]["output-value"]["anyOf"]
    out = []
    for branch in branches:
        value = example_of(branch)
        value["active_until"] = None
        out.append(value)
    return out


def attr(kind: AttributeType, slug: str | None = None, **options: Any) -> AttributeDef:
    """An attribute of ``kind`` as the adapter reads it (choices with the spec's ids)."""
    choices: tuple[Option, ...] = ()
    if kind is AttributeType.SELECT:
        choices = (Option(OPTION, "Medium"), Option("b7f5b1c2-0c0a-4c33-9a4e-2f1e5c6d7e8f", "High", order=1))
    elif kind is AttributeType.STATUS:
        choices = (Option(STATUS, "In Progress"), Option("527def35-7994-4ef7-9584-80ef8de352a8", "Done", order=1))
    config = dict(options.pop("config", {}))
    return AttributeDef(slug=slug or kind.value, title=(slug or kind.value).replace("_", " ").title(), type=kind,
                        options=choices, config=config, **options)
