"""The sandbox's Aria facade keeps a status's outcome as the real server does: ``isActive`` and
``celebrationEnabled`` (Won: inactive and celebrating; Lost: inactive; the rest active), seeded
like the real server's deal stages, written by the options PATCH and POST, and returned."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.test_contract import data


def _stage(api: httpx.Client) -> dict[str, Any]:
    attributes = data(api.get("/objects/deals/attributes"))
    return next(a for a in attributes if a["slug"] == "stage")


def _flags(api: httpx.Client) -> dict[str, tuple[bool, bool]]:
    return {s["title"]: (s["isActive"], s["celebrationEnabled"]) for s in _stage(api)["statuses"]}


def test_the_deal_stages_close_as_won_and_lost_like_the_real_servers(empty_api: httpx.Client) -> None:
    assert _flags(empty_api) == {
        "Lead": (True, False), "Qualified": (True, False), "Proposal": (True, False),
        "Negotiation": (True, False), "Won": (False, True), "Lost": (False, False)}


def test_a_status_patched_won_then_open_is_kept_and_returned(empty_api: httpx.Client) -> None:
    proposal = next(s for s in _stage(empty_api)["statuses"] if s["title"] == "Proposal")
    answer = data(empty_api.patch("/objects/deals/attributes/options", json={
        "optionId": proposal["id"], "attributeType": "status", "isActive": False, "celebrationEnabled": True}))
    assert (answer["isActive"], answer["celebrationEnabled"]) == (False, True)
    assert _flags(empty_api)["Proposal"] == (False, True)
    # A rename sends no flags: they stay.
    data(empty_api.patch("/objects/deals/attributes/options", json={
        "optionId": proposal["id"], "attributeType": "status", "title": "Offer"}))
    assert _flags(empty_api)["Offer"] == (False, True)
    data(empty_api.patch("/objects/deals/attributes/options", json={
        "optionId": proposal["id"], "attributeType": "status", "isActive": True, "celebrationEnabled": False}))
    assert _flags(empty_api)["Offer"] == (True, False)


def test_a_new_status_can_be_made_won(empty_api: httpx.Client) -> None:
    stage = _stage(empty_api)
    made = data(empty_api.post("/objects/deals/attributes/options", json={
        "attributeId": stage["id"], "title": "Signed", "isActive": False, "celebrationEnabled": True}), 201)
    assert (made["isActive"], made["celebrationEnabled"]) == (False, True)
    assert _flags(empty_api)["Signed"] == (False, True)
