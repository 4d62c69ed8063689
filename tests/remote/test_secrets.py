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


def test_each_credential_a_dialect_asks_for_has_its_own_entry_and_all_go_on_sign_out() -> None:
    ring = MemoryKeyring()
    store = TokenStore(ring, environ={})
    keys = ("client_id", "client_secret")
    assert store.credentials("ws-1", keys) is None  # nothing yet: the user is asked
    store.store_credentials("ws-1", {"client_id": "app-1", "client_secret": "s3cret"})
    assert ring.passwords == {(SERVICE, "ws-1#client_id"): "app-1", (SERVICE, "ws-1#client_secret"): "s3cret"}
    assert store.credentials("ws-1", keys) == {"client_id": "app-1", "client_secret": "s3cret"}
    store.delete("ws-1", ("client_secret",))
    assert store.credentials("ws-1", keys) is None  # one missing is as good as none
    store.delete("ws-1", keys)
    assert ring.passwords == {}


def test_the_environment_names_each_credential() -> None:
    environ = {"CRMDESK_CLIENT_ID": "app-env", "CRMDESK_CLIENT_SECRET": "secret-env"}
    store = TokenStore(MemoryKeyring(), environ=environ)
    assert store.credentials("any", ("client_id", "client_secret")) == {
        "client_id": "app-env", "client_secret": "secret-env"}
    assert store.get("any") is None  # CRMDESK_TOKEN is not set


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


@pytest.mark.parametrize("key", ["oc_sk_3f9a1c77b2d04e1f", "bos_crm_Zk3xPq9LmN2vB8cR4tY6wE1u"])
def test_each_dialects_key_shape_is_masked_without_a_label_in_front(key: str) -> None:
    from crmdesk.secrets import redact

    masked = redact(f"the server refused {key} just now")
    assert key not in masked and key[-8:] not in masked
    assert masked == "the server refused [REDACTED] just now"
