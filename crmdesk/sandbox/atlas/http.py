"""Request plumbing shared by every Atlas endpoint: content type, token, JSON body, errors.

Each endpoint is ``handler(ctx, *path groups) -> (status, payload)``; ``AtlasApp`` (``app.py``)
wraps it with what happens around every route:

- a request whose ``Content-Type`` is not ``application/json`` — every request in strict mode,
  one with a body otherwise — is 415 (the seed: other content types "will currently result in
  an error");
- an unrouted path is 404, a routed path with another method 405, both in the message shape;
- no bearer token, or one unknown, revoked or expired: 401 with ``WWW-Authenticate``;
- a body that is not JSON: 400; anything unexpected is a 500 in the same shape, logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from crmdesk.sandbox.atlas.auth import Grant
from crmdesk.sandbox.atlas.errors import invalid
from crmdesk.sandbox.atlas.render import Urls
from crmdesk.sandbox.atlas.store import AtlasStore

_NO_BODY = object()


@dataclass(frozen=True)
class Settings:
    #: every request must say ``Content-Type: application/json``, not only those with a body
    strict: bool = False
    #: seconds an access token lives
    token_lifetime: int = 3600


@dataclass
class Ctx:
    request: Request
    store: AtlasStore
    grant: Grant | None = None
    raw_body: Any = field(default=_NO_BODY)

    @property
    def query(self) -> Any:
        return self.request.query_params

    @property
    def urls(self) -> Urls:
        return Urls(str(self.request.base_url).rstrip("/"))

    def body(self) -> dict[str, Any]:
        if not isinstance(self.raw_body, dict):
            raise invalid("The request body must be a JSON object")
        return self.raw_body


def is_json(headers: Mapping[str, str]) -> bool:
    return headers.get("content-type", "").split(";")[0].strip().lower() == "application/json"
