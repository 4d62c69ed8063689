"""How a person a record names is shown: by the member's name, and — where the server lists no
members (the kept capabilities say ``members_listed`` is off: Atlas's Atlassian accounts) — by the
account id itself rather than as "(unknown member)"."""

from __future__ import annotations

from crmdesk.model import AttributeDef, AttributeType, Member, codec_for
from crmdesk.store import Store
from crmdesk.store.display_context import StoreDisplayContext

ACCOUNT = "5b10ac8d82e05b22cc7d4ef5"


def _shown(store: Store, actor: str) -> str:
    owner = AttributeDef("owner", "Owner", AttributeType.ACTOR_REFERENCE)
    return codec_for(AttributeType.ACTOR_REFERENCE).display(actor, owner, StoreDisplayContext(store))


def test_an_actor_is_shown_by_the_members_name(store: Store) -> None:
    with store.write():
        store.schema.replace_members([Member(id=ACCOUNT, name="Ada Admin", email="ada@example.com")])
    assert _shown(store, ACCOUNT) == "Ada Admin"


def test_an_unknown_actor_is_unknown_where_the_server_lists_its_members(store: Store) -> None:
    with store.write():
        store.schema.set_capabilities_json({"dialect": "aria", "members_listed": True})
    assert _shown(store, ACCOUNT) == "(unknown member)"


def test_where_the_server_lists_no_members_an_actor_is_shown_by_its_account_id(store: Store) -> None:
    with store.write():
        store.schema.replace_members([Member(id="me-account", name="You", email="")])
        store.schema.set_capabilities_json({"dialect": "atlas", "members_listed": False})
    assert _shown(store, ACCOUNT) == ACCOUNT
    assert _shown(store, "me-account") == "You"
