"""What ``crmdesk sandbox --dialect atlas`` prints after its first line: the two clients'
credentials as ``CLIENT_ID:CLIENT_SECRET`` (what ``CRMDESK_TOKEN`` holds for this dialect), the
account id comments can be written as, and two ``curl`` lines that work pasted into a shell: the
token request (its ``access_token`` kept in ``$TOKEN``), then a GET with it.
"""

from __future__ import annotations

import shlex
from typing import Any

from crmdesk.sandbox.atlas.app import TOKEN_PATH
from crmdesk.sandbox.atlas.demo import ACCOUNTS
from crmdesk.sandbox.core.db import dumps


def token_request(root: str, credentials: str) -> str:
    client_id, _, secret = credentials.partition(":")
    body = dumps({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    return (f"curl -s -X POST -H 'Content-Type: application/json' -d {shlex.quote(body)} "
            f"{shlex.quote(root + TOKEN_PATH)}")


def greeting(server: Any) -> list[str]:
    example = server.api_url + server.facade.example
    # The answer is compact JSON (no spaces), so sed can pick the token out without jq.
    pick = "sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/'"
    return [
        f"admin credentials:  {server.admin_token}",
        f"member credentials: {server.member_token}",
        f"admin account id:   {ACCOUNTS[0][1]}",
        f"try: TOKEN=$({token_request(server.url, server.admin_token)} | {pick})",
        f"then: curl -H 'Content-Type: application/json' -H \"Authorization: Bearer $TOKEN\" {shlex.quote(example)}",
    ]
