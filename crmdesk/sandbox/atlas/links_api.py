"""Links between entities (symmetric: one per pair, the same roles from either end), Jira issue
links and comments.

Roles are free text (no catalogue is documented); a link's roles are a list of distinct, non-empty
strings. An issue link is a set per entity (the keys are the ids; there is no read of them in the
seed, so the answer to a link or unlink is the whole set left). A comment's ``format`` must be
``plain-text`` and it needs an ``account-id``; comments are kept but cannot be read back.
"""

from __future__ import annotations

from typing import Any

from crmdesk.sandbox.atlas.entities_api import Answer, entity_of, template_of
from crmdesk.sandbox.atlas.errors import ApiError, invalid, not_found
from crmdesk.sandbox.atlas.http import Ctx
from crmdesk.sandbox.atlas.query import page_links, parse
from crmdesk.sandbox.atlas.render import link_json


def _roles(raw: Any, required: bool) -> list[str]:
    if raw is None and not required:
        return []
    if not isinstance(raw, list) or not all(isinstance(r, str) and r.strip() for r in raw):
        raise invalid("roles must be a list of role names", {"roles": "a list of non-empty strings"})
    return list(dict.fromkeys(r.strip() for r in raw))


def list_links(ctx: Ctx, entity_id: str) -> Answer:
    entity_of(ctx, entity_id)
    wanted = ctx.query.get("type")
    other_type = template_of(wanted).type if wanted else None
    query = parse(ctx.query, other_type)
    found, total = ctx.store.link_page(entity_id, other_type, query)
    url = f"{ctx.urls.entity(entity_id)}/links"
    return 200, {"items": [link_json(ctx.urls, entity_id, other, roles) for other, roles in found], "total": total,
                 "_links": page_links(url, ctx.query, query, total)}


def create_link(ctx: Ctx, entity_id: str) -> Answer:
    entity_of(ctx, entity_id)
    body = ctx.body()
    other_id = body.get("entity-id")
    if not isinstance(other_id, str) or not other_id:
        raise invalid("entity-id is required", {"entity-id": "required"})
    if other_id == entity_id:
        raise invalid("An entity cannot be linked to itself", {"entity-id": "the entity itself"})
    roles = _roles(body.get("roles"), required=False)
    other = ctx.store.entity(other_id)
    if other is None:
        raise not_found(f"Entity {other_id} not found")
    if ctx.store.roles(entity_id, other_id) is not None:
        raise ApiError(409, "These entities are already linked")
    ctx.store.set_link(entity_id, other_id, roles)
    return 201, link_json(ctx.urls, entity_id, other, roles)


def _linked(ctx: Ctx, entity_id: str, other_id: str) -> tuple[dict[str, Any], list[str]]:
    entity_of(ctx, entity_id)
    roles = ctx.store.roles(entity_id, other_id)
    other = ctx.store.entity(other_id)
    if roles is None or other is None:
        raise not_found("Link not found")
    return other, roles


def get_link(ctx: Ctx, entity_id: str, other_id: str) -> Answer:
    other, roles = _linked(ctx, entity_id, other_id)
    return 200, link_json(ctx.urls, entity_id, other, roles)


def update_link(ctx: Ctx, entity_id: str, other_id: str) -> Answer:
    other, _ = _linked(ctx, entity_id, other_id)
    roles = _roles(ctx.body().get("roles"), required=True)
    ctx.store.set_link(entity_id, other_id, roles)
    return 200, link_json(ctx.urls, entity_id, other, roles)


def delete_link(ctx: Ctx, entity_id: str, other_id: str) -> Answer:
    other, roles = _linked(ctx, entity_id, other_id)
    ctx.store.unlink(entity_id, other_id)
    return 200, link_json(ctx.urls, entity_id, other, roles)


def _issue_ids(ctx: Ctx) -> list[str]:
    raw = ctx.body().get("issue-ids")
    if not isinstance(raw, list) or not raw or not all(isinstance(i, str) and i.strip() for i in raw):
        raise invalid("issue-ids must be a non-empty list of issue ids", {"issue-ids": "a list of issue ids"})
    return list(dict.fromkeys(i.strip() for i in raw))


def link_issues(ctx: Ctx, entity_id: str) -> Answer:
    entity_of(ctx, entity_id)
    return 200, {"issue-ids": ctx.store.link_issues(entity_id, _issue_ids(ctx))}


def unlink_issues(ctx: Ctx, entity_id: str) -> Answer:
    entity_of(ctx, entity_id)
    return 200, {"issue-ids": ctx.store.unlink_issues(entity_id, _issue_ids(ctx))}


def create_comment(ctx: Ctx, entity_id: str) -> Answer:
    entity_of(ctx, entity_id)
    body = ctx.body()
    problems: dict[str, str] = {}
    if body.get("format") != "plain-text":
        problems["format"] = "must be \"plain-text\""
    comment, account = body.get("comment"), body.get("account-id")
    if not isinstance(comment, str) or not comment.strip():
        problems["comment"] = "is required"
    if not isinstance(account, str) or not account.strip():
        problems["account-id"] = "is required: the Atlassian account id of the author"
    if problems:
        raise invalid("Invalid comment: " + "; ".join(f"{k} {v}" for k, v in problems.items()), problems)
    return 201, ctx.store.add_comment(entity_id, str(comment), str(account))
