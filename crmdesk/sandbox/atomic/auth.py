"""Sign-in, sign-up with an invite, ``/api/me``, ``/api/api-tokens`` and ``/api/invites``
(recordings 003–009, 156–158), and who a request is."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from crmdesk.sandbox.atomic.accounts import SESSION_COOKIE, SESSION_DAYS, TOKEN_PREFIX
from crmdesk.sandbox.atomic.http import BadJson, Ctx, admin_json, error, json_response
from crmdesk.sandbox.clock import iso

if TYPE_CHECKING:
    from crmdesk.sandbox.atomic.app import Atomic

#: better-auth's short-lived cache cookie beside the session cookie (its content does not matter here).
_SESSION_DATA = "better-auth.session_data"


def who(app: Atomic, request: Request) -> sqlite3.Row | None:
    """The user a request comes from: Bearer API token, Bearer signed session, or session cookie."""
    header = request.headers.get("authorization", "")
    if header.startswith("Bearer "):
        credential = header[len("Bearer "):].strip()
        if credential.startswith(TOKEN_PREFIX):
            return app.accounts.token_user(credential)
        return app.accounts.session_user(credential)
    cookie = request.cookies.get(SESSION_COOKIE)
    return app.accounts.session_user(cookie) if cookie else None


def full_name(user: sqlite3.Row) -> str:
    return " ".join(p for p in (user["first_name"], user["last_name"]) if p)


def _session_answer(status: int, payload: Any, signed: str) -> Response:
    response = json_response(status, payload)
    max_age = SESSION_DAYS * 24 * 3600
    response.raw_headers.append(
        (b"set-cookie", f"{SESSION_COOKIE}={quote(signed, safe='')}; Max-Age={max_age}; Path=/; HttpOnly; "
                        "SameSite=Lax".encode()))
    response.raw_headers.append((b"set-cookie", f"{_SESSION_DATA}=sandbox; Max-Age=300; Path=/; HttpOnly; "
                                                "SameSite=Lax".encode()))
    return response


def _body(ctx: Ctx) -> dict[str, Any] | None:
    try:
        body = ctx.json()
    except BadJson:
        return None
    return body if isinstance(body, dict) else None


def sign_in(app: Atomic, ctx: Ctx) -> Response:
    body = _body(ctx)
    if body is None:
        return error(400, "Invalid JSON body")
    email, password = body.get("email"), body.get("password")
    user = app.accounts.sign_in(email, password) if isinstance(email, str) and isinstance(password, str) else None
    if user is None:
        return json_response(401, {"code": "INVALID_EMAIL_OR_PASSWORD", "message": "Invalid email or password"})
    token, signed = app.accounts.start_session(int(user["id"]))
    return _session_answer(200, {"redirect": False, "token": token, "user": {
        "name": full_name(user), "email": user["email"], "emailVerified": False, "image": None,
        "createdAt": iso(user["created_at"]), "updatedAt": iso(user["updated_at"]), "id": user["user_id"]}}, signed)


def sign_up(app: Atomic, ctx: Ctx) -> Response:
    body = _body(ctx)
    if body is None:
        return error(400, "Invalid JSON body")
    email, password = body.get("email"), body.get("password")
    first, last, invite = body.get("first_name"), body.get("last_name"), body.get("invite_token")
    if not (isinstance(email, str) and "@" in email and isinstance(password, str) and len(password) >= 8):
        return error(400, "A valid email and a password of at least 8 characters are required")
    if app.accounts.user_by_email(email) is not None:
        return error(409, "User already exists")
    first_user = not app.accounts.has_users()
    if not first_user and (not isinstance(invite, str) or app.accounts.open_invite(invite, email) is None):
        return error(403, "Invalid or expired invite")
    user = app.accounts.add_user(email, password, first if isinstance(first, str) else None,
                                 last if isinstance(last, str) else None, administrator=first_user)
    if isinstance(invite, str) and not first_user:
        app.accounts.use_invite(invite)
    _, signed = app.accounts.start_session(int(user["id"]))
    return _session_answer(200, {"id": user["user_id"], "email": user["email"]}, signed)


def me(app: Atomic, ctx: Ctx) -> Response:
    user = ctx.user
    assert user is not None
    return json_response(200, {
        "id": user["id"], "fullName": full_name(user), "firstName": user["first_name"],
        "lastName": user["last_name"], "email": user["email"], "avatar": user["avatar"],
        "administrator": bool(user["administrator"]), "hasApiKey": user["basics_api_key_hash"] is not None,
        "hasOrgAiConfig": False, "canManageCrmApiTokens": bool(user["administrator"]),
        "onboardingSeenAt": iso(user["onboarding_seen_at"]),
        "onboardingCompletedAt": iso(user["onboarding_completed_at"])})


def _token_json(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "tokenPrefix": row["token_prefix"],
            "createdAt": iso(row["created_at"]), "lastUsedAt": iso(row["last_used_at"])}


def list_tokens(app: Atomic, ctx: Ctx) -> Response:
    return json_response(200, {"tokens": [_token_json(r) for r in app.accounts.tokens_of(ctx.user_id)]})


def create_token(app: Atomic, ctx: Ctx) -> Response:
    body = admin_json(ctx)
    if isinstance(body, Response):
        return body
    if not isinstance(body, dict):
        return error(400, "Invalid JSON body")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        return error(400, "Required")
    row, token = app.accounts.issue_token(ctx.user_id, name.strip())
    listed = _token_json(row)
    listed.pop("lastUsedAt")
    return json_response(201, {"token": token, **listed})


def revoke_token(app: Atomic, ctx: Ctx, token_id: str) -> Response:
    if not app.accounts.revoke_token(ctx.user_id, token_id):
        return error(404, "Not found")
    return json_response(200, {"ok": True})


def invite(app: Atomic, ctx: Ctx) -> Response:
    body = admin_json(ctx)
    if isinstance(body, Response):
        return body
    if not isinstance(body, dict):
        return error(400, "Invalid JSON body")
    email = body.get("email")
    if not isinstance(email, str) or "@" not in email:
        return error(400, "Invalid email")
    row = app.accounts.invite(email, ctx.user_id)
    base = str(ctx.request.base_url).rstrip("/")
    return json_response(200, {"token": row["token"], "signupLink": f"{base}/sign-up?invite={row['token']}",
                               "email": row["email"], "expiresAt": iso(row["expires_at"])})
