"""No test asks the machine's keyring: in-process tests get an in-memory one (tests/conftest.py),
and the crmdesk processes tests start get keyring's null backend."""

from __future__ import annotations

import os
import subprocess
import sys

import keyring
import keyring.backend

from crmdesk.secrets import SERVICE, TokenStore


def test_tokens_a_test_stores_stay_in_its_memory_keyring(suite_keyring: keyring.backend.KeyringBackend) -> None:
    assert keyring.get_keyring() is suite_keyring
    tokens = TokenStore(environ={})
    assert tokens.state.available and tokens.get("no-such-workspace") is None
    tokens.store("ws-1", "oc_sk_" + "a" * 40)
    assert suite_keyring.get_password(SERVICE, "ws-1") == "oc_sk_" + "a" * 40


def test_a_process_a_test_starts_finds_only_the_null_keyring() -> None:
    probe = "import keyring; ring = keyring.get_keyring(); print(type(ring).__module__, type(ring).__name__)"
    result = subprocess.run([sys.executable, "-c", probe], env=dict(os.environ), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["keyring.backends.null", "Keyring"]
