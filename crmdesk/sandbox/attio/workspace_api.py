"""``GET /v2/self`` (the token: its scopes, workspace and member) and workspace members.

``self`` answers every key the spec's active-token branch requires: the client is the token
itself (its id), it never expires (``exp`` null), and it was issued when the token was made.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crmdesk.sandbox.attio.errors import not_found
from crmdesk.sandbox.attio.http import Ctx


def self_info(ctx: Ctx) -> Any:
    workspace = ctx.names.workspace
    issued = ctx.core.db.scalar("SELECT created_at FROM tokens WHERE id = ?", (ctx.token_id,))
    iat = int(datetime.strptime(str(issued), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp())
    return {"active": True, "scope": " ".join(sorted(ctx.scopes)), "client_id": ctx.token_id, "token_type": "Bearer",
            "exp": None, "iat": iat, "sub": workspace["id"], "aud": ctx.token_id, "iss": "attio.com",
            "authorized_by_workspace_member_id": str(ctx.member["id"]), "workspace_id": workspace["id"],
            "workspace_name": workspace["name"], "workspace_slug": workspace["slug"], "workspace_logo_url": None}


def list_members(ctx: Ctx) -> Any:
    return {"data": [ctx.names.member_json(m) for m in ctx.core.workspace.members()]}


def get_member(ctx: Ctx) -> Any:
    member = ctx.names.members_by_id.get(ctx.path["workspace_member_id"])
    if member is None:
        raise not_found(f"Workspace member with ID \"{ctx.path['workspace_member_id']}\" not found.")
    return {"data": ctx.names.member_json(member)}
