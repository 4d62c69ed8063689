"""The dialect registry: every CRM API crmdesk speaks, and what it takes to connect to one.

A ``Dialect`` says everything the rest of crmdesk needs to know about an API without knowing
the API: its name (stored in the workspace file), a title for people, the credentials it asks
for (the connect dialog builds its fields from them, the keyring stores each one), how to read
an address a user typed, which addresses it recognises, how to connect, and its default
capabilities. Sync and the UI then ask ``Capabilities`` — never the dialect's name.

Adapters are imported only when a workspace of their dialect is connected (or its default
capabilities are asked for): each one's codecs and wire tables cost start-up time that a window
on another dialect should not pay. An entry names its adapter's package; the package exports
``connect_<name>`` and ``<NAME>_DEFAULTS``.

Adding a dialect is one entry in ``_DIALECTS`` and a package under ``crmdesk/remote/``
(``docs/architecture.md``, "How to add a dialect").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from crmdesk.remote.auth import Auth, BearerAuth
from crmdesk.remote.urls import ends_in_api_base, server_root

if TYPE_CHECKING:
    from crmdesk.remote.backend import Backend, Capabilities


@dataclass(frozen=True, slots=True)
class Credential:
    """One thing a dialect asks the user for; every one is kept in the keyring.

    ``key`` names it in the keyring entry and in the environment (``CRMDESK_<KEY>``)."""

    key: str
    label: str
    placeholder: str = ""
    #: Shown as dots while typed (an API token, a client secret); a client id is not.
    hidden: bool = True
    #: Without it there is no connecting; an optional one (Atlas's account id) turns something
    #: on when given (the capability says why it is off otherwise).
    required: bool = True


TOKEN = Credential("token", "API token")


class CredentialUse(StrEnum):
    """How a dialect's ``connect_<name>`` takes its credentials."""

    #: One API key, as a ``BearerAuth`` (Aria, Atomic, Attio).
    BEARER = "bearer"
    #: The credentials by key, as given (Atlas: a client id and secret for its token endpoint, and
    #: an optional account id).
    MAPPING = "mapping"


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    title: str
    credentials: tuple[Credential, ...]
    #: Where a user finds an address to type (the connect dialog's placeholder).
    example_url: str
    #: The adapter's package (``crmdesk.remote.<name>``), imported on first use.
    module: str
    #: Where the API lives under a server's root (``/api/v1``). An address ending in it is
    #: certainly this dialect's (the connect dialog picks the dialect from it as the user types),
    #: and the same server typed either way is one workspace, not "a server that moved".
    api_base: str
    #: How ``connect_<name>`` takes the credentials.
    uses: CredentialUse = CredentialUse.BEARER
    #: What one token string holds — ``CRMDESK_TOKEN``, a sandbox's ``admin_token`` — as the keys
    #: of its ``:``-separated parts (split at the first colons): the API token alone by default,
    #: ``("client_id", "client_secret")`` for ``CLIENT_ID:CLIENT_SECRET``.
    token_holds: tuple[str, ...] = (TOKEN.key,)
    #: Paths under the root that also end an address of this API (Atlas's CRM under its API base).
    deeper_bases: tuple[str, ...] = ()

    def connect(self, url: str, credentials: Mapping[str, str], insecure: bool) -> Backend:
        """(the server's root, credentials, allow_insecure_http) → a ready backend."""
        connect: Callable[..., Backend] = self._adapter(f"connect_{self.name}")
        if self.uses is CredentialUse.MAPPING:
            return connect(url, dict(credentials), allow_insecure_http=insecure)
        return connect(url, _bearer(credentials), allow_insecure_http=insecure)

    def from_token(self, token: str) -> dict[str, str]:
        """The credentials one token string holds (``token_holds``); a part it lacks is left out
        (``open_backend`` then names what is missing)."""
        parts = token.strip().split(":", len(self.token_holds) - 1)
        return {key: part.strip() for key, part in zip(self.token_holds, parts, strict=False) if part.strip()}

    def required_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.credentials if c.required)

    def optional_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.credentials if not c.required)

    def defaults(self) -> Capabilities:
        """What the dialect can do before its server is asked (offline, and until a probe)."""
        capabilities: Capabilities = self._adapter(f"{self.name.upper()}_DEFAULTS")
        return capabilities

    def _adapter(self, attribute: str) -> Any:
        """``attribute`` of the adapter's package, which is imported here, not before."""
        return getattr(importlib.import_module(self.module), attribute)

    def recognises(self, url: str) -> bool:
        return any(ends_in_api_base(url, base) for base in (*self.deeper_bases, self.api_base))

    def normalise_url(self, url: str) -> str:
        """The one form of an address the workspace file keeps (and connects to): the root."""
        for base in self.deeper_bases:
            if ends_in_api_base(url, base):
                return server_root(url, base)
        return server_root(url, self.api_base)


class UnknownDialect(ValueError):
    def __init__(self, dialect: str) -> None:
        names = ", ".join(d.name for d in known_dialects())
        super().__init__(f"crmdesk does not speak “{dialect}” yet (it speaks: {names}).")


class MissingCredential(ValueError):
    def __init__(self, dialect: Dialect, credential: Credential) -> None:
        super().__init__(f"{dialect.title} needs the {credential.label.lower()}.")


def _bearer(credentials: Mapping[str, str]) -> Auth:
    return BearerAuth(credentials.get(TOKEN.key, ""))


#: Every dialect, the primary one first (frozen values: nothing here can change).
_DIALECTS: tuple[Dialect, ...] = (
    Dialect(
        name="aria",
        title="Aria (OpenClaw CRM)",
        credentials=(replace(TOKEN, placeholder="oc_sk_…"),),
        example_url="https://crm.example.com",
        module="crmdesk.remote.aria",
        api_base="/api/v1",
    ),
    Dialect(
        name="atomic",
        title="Atomic CRM (BasicsOS)",
        credentials=(replace(TOKEN, placeholder="bos_crm_…"),),
        example_url="https://crm.example.com (or its …/api address)",
        module="crmdesk.remote.atomic",
        api_base="/api",
    ),
    Dialect(
        name="attio",
        title="Attio",
        # Attio's tokens are opaque: the placeholder says where one is made.
        credentials=(replace(TOKEN, label="Access token",
                             placeholder="an Attio access token (Workspace settings → Developers)"),),
        example_url="https://api.attio.com",
        module="crmdesk.remote.attio",
        api_base="/v2",
    ),
    Dialect(
        name="atlas",
        title="Atlas CRM (Jira)",
        credentials=(
            Credential("client_id", "Client id", placeholder="the OAuth client id of an Atlas CRM API client",
                       hidden=False),
            Credential("client_secret", "Client secret", placeholder="its client secret"),
            Credential("account_id", "Your Atlassian account id", hidden=False, required=False,
                       placeholder="optional: comments are written as this account"),
        ),
        example_url="https://atlascrm.avisi-apps.com",
        module="crmdesk.remote.atlas",
        api_base="/api/1.0",
        uses=CredentialUse.MAPPING,
        token_holds=("client_id", "client_secret"),
        deeper_bases=("/api/1.0/workspace/CRM",),
    ),
)


def known_dialects() -> tuple[Dialect, ...]:
    return _DIALECTS


def dialect_names() -> tuple[str, ...]:
    return tuple(d.name for d in known_dialects())


def dialect_named(name: str) -> Dialect:
    """The dialect called ``name``; ``UnknownDialect`` when crmdesk does not speak it."""
    for dialect in known_dialects():
        if dialect.name == name:
            return dialect
    raise UnknownDialect(name)


def dialect_stored(name: str | None) -> Dialect:
    """The dialect a workspace file names; files written before the name was kept are the
    primary dialect's (it was the only one)."""
    return dialect_named(name) if name else known_dialects()[0]


def detect_dialect(url: str) -> Dialect | None:
    """The one dialect that recognises ``url``, or None when the address does not tell."""
    found = [d for d in known_dialects() if d.recognises(url.strip())]
    return found[0] if len(found) == 1 else None


def open_backend(
    dialect: str, url: str, credentials: str | Mapping[str, str], *, allow_insecure_http: bool = False
) -> Backend:
    """A ready backend. ``credentials``: the dialect's secrets by key (a bare string is one token
    string: the API token, or what the dialect's ``token_holds`` says, such as
    ``CLIENT_ID:CLIENT_SECRET``). An optional credential left empty is left out. Raises
    ``UnknownDialect``, ``MissingCredential`` or ``InsecureConnectionRefused``."""
    chosen = dialect_named(dialect)
    given = chosen.from_token(credentials) if isinstance(credentials, str) else dict(credentials)
    for credential in chosen.credentials:
        if credential.required and not given.get(credential.key, "").strip():
            raise MissingCredential(chosen, credential)
    given = {key: value for key, value in given.items() if value.strip()}
    return chosen.connect(chosen.normalise_url(url), given, allow_insecure_http)


__all__ = [
    "TOKEN",
    "Credential",
    "CredentialUse",
    "Dialect",
    "MissingCredential",
    "UnknownDialect",
    "detect_dialect",
    "dialect_named",
    "dialect_names",
    "dialect_stored",
    "known_dialects",
    "open_backend",
]
