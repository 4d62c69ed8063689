"""The atlas entry of the dialect registry: its address, its credentials (a client id and secret, an
optional account id), the headless ``CRMDESK_TOKEN=CLIENT_ID:CLIENT_SECRET``, and a first sync."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmdesk.cli import main
from crmdesk.remote.atlas import ATLAS_DEFAULTS, AtlasBackend
from crmdesk.remote.dialects import MissingCredential, detect_dialect, dialect_named, open_backend
from crmdesk.sandbox.atlas import atlas_app
from crmdesk.sandbox.server import SandboxServer
from crmdesk.secrets import TokenStore
from crmdesk.store import Store
from tests.atlas_support import ACCOUNT, credentials
from tests.memory_keyring import MemoryKeyring

ATLAS = dialect_named("atlas")


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(dialect="atlas", records=40, seed=11) as running:
        yield running


@pytest.mark.parametrize("typed", [
    "https://atlas.example.com/api/1.0", "https://atlas.example.com/api/1.0/",
    "https://atlas.example.com/api/1.0/workspace/CRM", "https://atlas.example.com/api/1.0/workspace/CRM/",
])
def test_an_atlas_address_gives_its_dialect_away_and_is_one_workspace(typed: str) -> None:
    found = detect_dialect(typed)
    assert found is not None and found.name == "atlas"
    assert ATLAS.normalise_url(typed) == "https://atlas.example.com"
    assert detect_dialect("https://atlas.example.com") is None  # the root does not tell


def test_it_asks_for_a_client_id_and_secret_and_optionally_an_account_id() -> None:
    assert ATLAS.title == "Atlas CRM (Jira)" and ATLAS.defaults() == ATLAS_DEFAULTS
    shown = [(c.key, c.hidden, c.required) for c in ATLAS.credentials]
    assert shown == [("client_id", False, True), ("client_secret", True, True), ("account_id", False, False)]
    assert ATLAS.required_keys() == ("client_id", "client_secret") and ATLAS.optional_keys() == ("account_id",)
    caps = ATLAS.defaults()
    assert (caps.max_page_size, caps.write_concurrency, caps.needs_delete_sweep) == (100, 2, True)
    assert caps.record_links and caps.issue_links and caps.comments and not caps.comments_listed
    assert not caps.changed_since("sale")
    for off in ("schema_admin", "member_admin", "lists", "notes", "tasks", "notifications", "timeline",
                "comments_listed"):
        assert caps.reasons.get(off), off  # each one off says why, in words for the user


def test_a_missing_secret_is_named_and_a_missing_account_id_is_not(server: SandboxServer) -> None:
    with pytest.raises(MissingCredential, match="needs the client secret"):
        open_backend("atlas", server.api_url, {"client_id": "app-1", "client_secret": "  "})
    with pytest.raises(MissingCredential, match="needs the client secret"):
        open_backend("atlas", server.api_url, "app-1")  # a token string without its secret part
    backend = open_backend("atlas", server.api_url, {**credentials(server.admin_token), "account_id": ""})
    try:
        assert isinstance(backend, AtlasBackend) and not backend.capabilities.comments
        assert backend.workspace().id.startswith("atlas:127.0.0.1:")
    finally:
        backend.close()


def test_a_token_string_is_the_client_id_and_secret(server: SandboxServer) -> None:
    backend = open_backend("atlas", server.url, server.admin_token)  # CLIENT_ID:CLIENT_SECRET, as printed
    try:
        assert len(backend.objects()) == 3
    finally:
        backend.close()
    assert ATLAS.from_token("app-1:se:cret") == {"client_id": "app-1", "client_secret": "se:cret"}
    assert dialect_named("aria").from_token("oc_sk_a:b") == {"token": "oc_sk_a:b"}  # a key is one part


def test_the_environment_holds_the_pair_in_one_variable() -> None:
    ring = MemoryKeyring()
    store = TokenStore(ring, environ={"CRMDESK_TOKEN": "app-1:se:cret"})
    found = store.credentials("ws", ATLAS.required_keys(), optional=ATLAS.optional_keys(),
                              split_token=ATLAS.from_token)
    assert found == {"client_id": "app-1", "client_secret": "se:cret"}  # no account id: still credentials
    store = TokenStore(ring, environ={"CRMDESK_TOKEN": "app-1:s", "CRMDESK_CLIENT_SECRET": "own",
                                      "CRMDESK_ACCOUNT_ID": ACCOUNT})
    assert store.credentials("ws", ATLAS.required_keys(), optional=ATLAS.optional_keys(),
                             split_token=ATLAS.from_token) == {
        "client_id": "app-1", "client_secret": "own", "account_id": ACCOUNT}  # its own variable wins
    store = TokenStore(ring, environ={"CRMDESK_TOKEN": "no-colon"})
    assert store.credentials("ws", ATLAS.required_keys(), split_token=ATLAS.from_token) is None
    keyring_only = TokenStore(ring, environ={})
    keyring_only.store_credentials("ws", {"client_id": "app-2", "client_secret": "kept"})
    assert keyring_only.credentials("ws", ATLAS.required_keys(), optional=ATLAS.optional_keys(),
                                    split_token=ATLAS.from_token) == {"client_id": "app-2", "client_secret": "kept"}


def test_a_headless_first_sync_builds_the_cache_with_the_facades_counts(
        server: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    monkeypatch.delenv("CRMDESK_TOKEN", raising=False)
    assert main(["sync", "--dialect", "atlas", "--url", server.api_url, "--data-dir", str(data), "--quiet"]) == 1
    assert "CRMDESK_TOKEN=CLIENT_ID:CLIENT_SECRET" in capsys.readouterr().err
    monkeypatch.setenv("CRMDESK_TOKEN", server.admin_token)
    assert main(["sync", "--dialect", "atlas", "--url", server.api_url, "--data-dir", str(data), "--quiet"]) == 0
    [path] = (data / "workspaces").glob("*.sqlite")
    facade = atlas_app(server)
    with Store.open(path, create=False) as store:
        for slug in ("company", "contact", "sale"):
            assert len(store.records.ids(slug)) == facade.store.count(slug)
    assert server.admin_token.partition(":")[2] not in capsys.readouterr().err


@pytest.mark.parametrize("account", [ACCOUNT, None])
def test_the_only_member_is_the_users_own_account(server: SandboxServer, account: str | None) -> None:
    """The API lists no people: the account id given when signing in is "You" (a sale's owner can
    be set to it), and the capabilities say that others are shown by their account id."""
    backend = open_backend("atlas", server.url, credentials(server.admin_token, account))
    try:
        members = backend.members()
        assert [(m.id, m.name) for m in members] == ([(ACCOUNT, "You")] if account else [])
        assert backend.capabilities.members_listed is False
        assert "account id" in (backend.capabilities.reason("members_listed") or "")
    finally:
        backend.close()
