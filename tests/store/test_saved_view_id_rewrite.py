"""A saved view's filter naming a record made offline follows it to its server id
(``Store.rewrite_local_id``), in the workspace file: only operands equal to the id change."""

from __future__ import annotations

import json
from pathlib import Path

from crmdesk.model import Condition, FilterGroup, Operator, filter_to_json
from crmdesk.store import Store

from ._support import open_store


def test_a_filter_on_an_offline_company_names_its_server_id(tmp_path: Path) -> None:
    path = tmp_path / "ws.sqlite"
    with open_store(path) as store:
        local = store.edits.create_record("companies", {"name": "Made offline"}).target_id
        # "company is <it>", "company is any of [<it>, c-other]", and text that only contains it.
        named = FilterGroup("and", (
            Condition("company", Operator.EQUALS, local),
            FilterGroup("or", (Condition("company", Operator.IN, [local, "c-other"]),
                               Condition("name", Operator.CONTAINS, f"{local}-not-an-id"))),
        ))
        state = {"filter": filter_to_json(named), "sorts": [], "note": local}
        view = store.saved_views.create("people", "At the offline company", "table", state)
        other = store.saved_views.create("people", "Others", "table", {
            "filter": filter_to_json(FilterGroup("and", (Condition("company", Operator.EQUALS, "c-other"),)))})
        told: list[str] = []
        store.saved_views.add_listener(lambda: told.append("changed"))
        before_other = store.saved_views.get(other.id)

        store.rewrite_local_id(local, "c-server", "record")

        assert told == ["changed"]
        assert store.saved_views.get(other.id) == before_other
    with Store.open(path) as reopened:
        kept = reopened.saved_views.get(view.id)
        assert kept is not None
        conditions = kept.state["filter"]["conditions"]
        assert conditions[0] == {"attribute": "company", "operator": "equals", "value": "c-server"}
        inner = conditions[1]["conditions"]
        assert inner[0]["value"] == ["c-server", "c-other"]
        # Not an operand equal to the id: left as it was (no blind text replace).
        assert inner[1]["value"] == f"{local}-not-an-id"
        assert kept.state["note"] == local
        assert json.dumps(kept.state).count("c-server") == 2
