"""A keyring that lives in a dict: the suite's stand-in for the OS keyring (DESIGN §6)."""

from __future__ import annotations

import keyring.backend


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Passwords by (service, username) in ``passwords``, for one test."""

    priority = 1  # type: ignore[assignment]  # usable: TokenStore keeps tokens in it, as in a real one

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)
