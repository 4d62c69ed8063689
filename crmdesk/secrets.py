"""API tokens in the OS keyring — never in SQLite, QSettings, logs, exceptions or argv.

``TokenStore`` keeps each workspace's credentials under the keyring service ``crmdesk``: the
API token as the entry named by the workspace id, any other credential a dialect asks for (an
OAuth client id and secret) as ``<workspace id>#<key>``.
Where the machine has no usable keyring backend (a headless box with only
``keyring.backends.fail.Keyring``), it says so — ``status`` is ``KeyringStatus.UNAVAILABLE``
with a reason the UI can show — and keeps tokens in memory for this run only. It never
falls back to a file: a token on disk in plain text is worse than asking again.

``CRMDESK_TOKEN`` in the environment is read as the token for any workspace (for scripts
and CI), and wins over the keyring; likewise ``CRMDESK_<KEY>`` for each other credential
(``CRMDESK_CLIENT_ID``, ``CRMDESK_CLIENT_SECRET``). A dialect whose credentials are a pair
reads ``CRMDESK_TOKEN`` as the pair (``CLIENT_ID:CLIENT_SECRET``, split at the first colon) for
each part not in its own variable (``credentials``' ``split_token``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import keyring
import keyring.backend
import keyring.errors

from crmdesk.remote.redact import RedactingFilter, install_redaction, redact

log = logging.getLogger(__name__)

SERVICE = "crmdesk"
#: The credential kept in the entry named by the workspace id alone (as before other kinds came).
TOKEN_KEY = "token"


def entry_name(workspace_id: str, key: str) -> str:
    """The keyring entry of one credential of one workspace."""
    return workspace_id if key == TOKEN_KEY else f"{workspace_id}#{key}"


def env_name(key: str) -> str:
    return f"CRMDESK_{key.upper()}"


class KeyringStatus(StrEnum):
    AVAILABLE = "available"
    #: No backend (or a broken one): tokens live for this session only.
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class KeyringState:
    status: KeyringStatus
    backend: str
    reason: str = ""

    @property
    def available(self) -> bool:
        return self.status is KeyringStatus.AVAILABLE


class KeyringUnavailable(Exception):
    """Raised only when a caller insists on persistence (``store(..., persist=True)``)."""


def _usable(backend: keyring.backend.KeyringBackend) -> bool:
    # The "fail" backend has priority 0; chainer/null backends may be empty. A negative or
    # zero priority means "do not use me".
    try:
        return float(backend.priority) > 0
    except Exception:
        return False


class TokenStore:
    """Per-workspace tokens. One instance per application (passed around, not global)."""

    def __init__(
        self,
        backend: keyring.backend.KeyringBackend | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._backend = backend or keyring.get_keyring()
        self._environ = environ if environ is not None else os.environ
        self._session: dict[str, str] = {}
        if _usable(self._backend):
            self.state = KeyringState(KeyringStatus.AVAILABLE, type(self._backend).__name__)
        else:
            self.state = KeyringState(
                KeyringStatus.UNAVAILABLE,
                type(self._backend).__name__,
                "No system keyring is available, so API tokens are kept only until crmdesk quits. "
                "Install and unlock a keyring (GNOME Keyring, KWallet, macOS Keychain) to stay signed in.",
            )

    def get(self, workspace_id: str, key: str = TOKEN_KEY) -> str | None:
        """One credential (the API token unless ``key`` says otherwise): ``CRMDESK_<KEY>``,
        else this session's, else the keyring's."""
        return self._from_env(key) or self._kept(workspace_id, key)

    def _from_env(self, key: str) -> str | None:
        return self._environ.get(env_name(key), "").strip() or None

    def _kept(self, workspace_id: str, key: str) -> str | None:
        """This session's or the keyring's."""
        entry = entry_name(workspace_id, key)
        if entry in self._session:
            return self._session[entry]
        if not self.state.available:
            return None
        try:
            return self._backend.get_password(SERVICE, entry)
        except keyring.errors.KeyringError as error:
            self._degrade(error)
            return None

    def credentials(
        self, workspace_id: str, keys: Iterable[str], *, optional: Iterable[str] = (),
        split_token: Callable[[str], Mapping[str, str]] | None = None,
    ) -> dict[str, str] | None:
        """Every credential ``keys`` names, or None when one is missing (the user is asked); those
        of ``optional`` that are there too (one missing is left out, not a reason to ask).

        ``split_token``: how ``CRMDESK_TOKEN`` holds several credentials (a dialect's
        ``from_token``: ``CLIENT_ID:CLIENT_SECRET``); each part is read where it has no variable of
        its own, before the keyring: the environment wins, as for the token."""
        token = self._from_env(TOKEN_KEY)
        # Without a colon it holds one credential, the API token (another dialect's, say), which
        # is read as itself: it is no client id.
        pair = split_token(token) if split_token is not None and token is not None and ":" in token else {}
        found: dict[str, str] = {}
        wanted = list(keys)
        for key in [*wanted, *[k for k in optional if k not in wanted]]:
            value = self._from_env(key) or pair.get(key) or self._kept(workspace_id, key)
            if value:
                found[key] = value
            elif key in wanted:
                return None
        return found

    def store_credentials(self, workspace_id: str, credentials: Mapping[str, str]) -> KeyringState:
        """Keep each credential (see ``store``); the state after the last one."""
        state = self.state
        for key, value in credentials.items():
            state = self.store(workspace_id, value, key=key)
        return state

    def store(
        self, workspace_id: str, token: str, *, persist: bool = False, key: str = TOKEN_KEY
    ) -> KeyringState:
        """Keep ``token`` (or the credential ``key`` names): in the keyring when there is one,
        else for this session only.

        ``persist=True`` raises ``KeyringUnavailable`` instead of quietly keeping it in memory.
        """
        token = token.strip()
        if not token:
            raise ValueError("an empty token cannot be stored")
        entry = entry_name(workspace_id, key)
        if self.state.available:
            try:
                self._backend.set_password(SERVICE, entry, token)
                self._session.pop(entry, None)
                return self.state
            except keyring.errors.KeyringError as error:
                self._degrade(error)
        if persist:
            raise KeyringUnavailable(self.state.reason)
        self._session[entry] = token
        return self.state

    def delete(self, workspace_id: str, keys: Iterable[str] = (TOKEN_KEY,)) -> None:
        """Forget the credentials (sign out). Missing ones are fine."""
        for key in keys:
            entry = entry_name(workspace_id, key)
            self._session.pop(entry, None)
            if not self.state.available:
                continue
            try:
                self._backend.delete_password(SERVICE, entry)
            except keyring.errors.PasswordDeleteError:
                pass
            except keyring.errors.KeyringError as error:
                self._degrade(error)

    def _degrade(self, error: Exception) -> None:
        # A locked or broken keyring: say so once, keep working for this session.
        log.warning("the keyring failed (%s); tokens are kept for this session only", redact(str(error)))
        self.state = KeyringState(
            KeyringStatus.UNAVAILABLE,
            self.state.backend,
            "The system keyring refused to store or read the API token, so it is kept only until "
            "crmdesk quits.",
        )


__all__ = [
    "SERVICE",
    "TOKEN_KEY",
    "KeyringState",
    "KeyringStatus",
    "KeyringUnavailable",
    "RedactingFilter",
    "TokenStore",
    "install_redaction",
    "redact",
]
