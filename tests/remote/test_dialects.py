"""The dialect registry: names, credentials, detection from an address, and connecting."""

from __future__ import annotations

import pytest

from crmdesk.remote.backend import Backend
from crmdesk.remote.dialects import (
    MissingCredential,
    UnknownDialect,
    detect_dialect,
    dialect_named,
    dialect_stored,
    known_dialects,
    open_backend,
)
from crmdesk.sandbox.server import SandboxServer


def test_every_dialect_says_who_it_is_and_what_it_can_do_offline() -> None:
    names = [d.name for d in known_dialects()]
    assert names[0] == "aria" and "atomic" in names and "attio" in names
    assert len(set(names)) == len(names)
    for dialect in known_dialects():
        assert dialect.title and dialect.credentials
        assert dialect.defaults().dialect == dialect.name


def test_an_unknown_dialect_names_the_ones_crmdesk_speaks() -> None:
    with pytest.raises(UnknownDialect, match=r"does not speak “hubspot” yet .*aria, atomic, attio"):
        open_backend("hubspot", "https://crm.example.com", "token")


def test_a_missing_credential_is_named_before_anything_is_sent() -> None:
    with pytest.raises(MissingCredential, match="needs the api token"):
        open_backend("atomic", "https://crm.example.com", {"token": "  "})


def test_files_from_before_the_name_was_kept_are_the_primary_dialects() -> None:
    assert dialect_stored(None).name == "aria"
    assert dialect_stored("atomic").name == "atomic"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://crm.example.com/api/v1", "aria"),
    ("https://crm.example.com/api/v1/", "aria"),
    ("https://crm.example.com/api", "atomic"),
    ("https://api.attio.com/v2", "attio"),
    ("https://api.attio.com/v2/", "attio"),
    ("https://crm.example.com", None),  # the address does not tell
    ("not an address", None),
])
def test_an_address_gives_its_dialect_away_only_when_it_tells(url: str, expected: str | None) -> None:
    found = detect_dialect(url)
    assert (found.name if found else None) == expected


def test_a_bare_string_is_the_api_token() -> None:
    with SandboxServer(records=5, seed=1) as server:
        backend = open_backend("aria", server.url, server.admin_token)
        try:
            assert isinstance(backend, Backend)
            assert backend.capabilities == dialect_named("aria").defaults()
            assert backend.workspace().id == server.core.workspace.get()["id"]
        finally:
            backend.close()


@pytest.mark.parametrize(("dialect", "typed", "root"), [
    ("aria", "https://crm.example.com/api/v1/", "https://crm.example.com"),
    ("aria", "https://crm.example.com", "https://crm.example.com"),
    ("atomic", "https://crm.example.com/api", "https://crm.example.com"),
    ("atomic", "https://crm.example.com/crm/api?x=1", "https://crm.example.com/crm"),
    ("attio", "https://api.attio.com/v2", "https://api.attio.com"),
    ("attio", "https://api.attio.com", "https://api.attio.com"),
])
def test_a_server_typed_by_its_root_or_its_api_base_is_one_address(dialect: str, typed: str, root: str) -> None:
    assert dialect_named(dialect).normalise_url(typed) == root


def test_an_aria_api_address_reaches_the_api_once() -> None:
    # The connect dialog picks Aria from ".../api/v1": the backend must not ask ".../api/v1/api/v1".
    with SandboxServer(records=3, seed=1) as server:
        backend = open_backend("aria", server.url.rstrip("/") + "/api/v1", server.admin_token)
        try:
            assert backend.workspace().id == server.core.workspace.get()["id"]
        finally:
            backend.close()


def test_attio_asks_for_its_access_token_and_connects_lazily() -> None:
    attio = dialect_named("attio")
    assert attio.title == "Attio" and attio.example_url == "https://api.attio.com" and attio.api_base == "/v2"
    [credential] = attio.credentials
    assert credential.key == "token" and credential.hidden and "Attio" in credential.placeholder
    caps = attio.defaults()
    assert caps.dialect == "attio" and caps.comments and not caps.notes_editable and caps.needs_delete_sweep
    with pytest.raises(MissingCredential, match="Attio needs the access token"):
        open_backend("attio", "https://api.attio.com", {"token": ""})
    backend = open_backend("attio", "https://api.attio.com/v2", "a-token")
    try:
        assert isinstance(backend, Backend) and backend.capabilities == caps
    finally:
        backend.close()
