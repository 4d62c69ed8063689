"""Tokens in the keyring (an in-memory one here), never elsewhere; logs are redacted."""

from __future__ import annotations

import logging

import keyring.backend
import keyring.backends.fail
import pytest

from crmdesk.secrets import SERVICE, KeyringUnavailable, RedactingFilter, TokenStore
from tests.memory_keyring import MemoryKeyring

from .conftest import TOKEN


def test_tokens_live_in_the_keyring_per_workspace() -> None:
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    store = TokenStore(environ={})
    assert store.state.available
    store.store("ws-1", TOKEN)
    assert ring.passwords == {(SERVICE, "ws-1"): TOKEN}
    assert TokenStore(environ={}).get("ws-1") == TOKEN
    store.delete("ws-1")
    assert store.get("ws-1") is None


def test_the_environment_token_wins() -> None:
    store = TokenStore(MemoryKeyring(), environ={"CRMDESK_TOKEN": "oc_sk_env"})
    assert store.get("anything") == "oc_sk_env"


def test_no_keyring_means_session_only_and_says_so(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = TokenStore(keyring.backends.fail.Keyring(), environ={})
    assert not store.state.available
    assert "until crmdesk quits" in store.state.reason
    store.store("ws-1", TOKEN)
    assert store.get("ws-1") == TOKEN
    assert TokenStore(keyring.backends.fail.Keyring(), environ={}).get("ws-1") is None  # not persisted
    assert list(tmp_path.iterdir()) == []  # and never written to a file
    with pytest.raises(KeyringUnavailable):
        store.store("ws-2", TOKEN, persist=True)


def test_the_log_filter_redacts_messages_and_args(caplog) -> None:
    logger = logging.getLogger("crmdesk.test.redact")
    caplog.handler.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="crmdesk.test.redact"):
        logger.info("header Authorization: Bearer %s", TOKEN)
        logger.info("key %s in %r", TOKEN, {"api_key": TOKEN})
        logger.info(f"inline {TOKEN} and hex {'ab' * 20}")
    assert TOKEN not in caplog.text
    assert "ab" * 20 not in caplog.text
    assert "[REDACTED]" in caplog.text
