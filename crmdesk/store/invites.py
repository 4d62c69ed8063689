"""Invitations sent from this computer that the server's member list does not show yet.

Some servers add an invited person as a member at once; others record an invite that becomes a
member only when the person signs up, and list invites nowhere crmdesk reads. Either way the
admin should see who was invited: the addresses are kept in the workspace file's meta table (a
JSON list, no new table, ``meta_list``) until the synced member list names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crmdesk.store.meta_list import read_list, write_list

if TYPE_CHECKING:
    from crmdesk.store.store import Store

PENDING_INVITES_META = "pending_invites"


@dataclass(frozen=True, slots=True)
class PendingInvite:
    email: str
    role: str


def _kept(store: Store) -> list[PendingInvite]:
    """What is kept; a damaged value reads as no invites."""
    found = [PendingInvite(str(row.get("email", "")), str(row.get("role", "member")))
             for row in read_list(store.schema, PENDING_INVITES_META) if isinstance(row, dict)]
    return [invite for invite in found if invite.email]


def _write(store: Store, invites: list[PendingInvite]) -> None:
    with store.write():
        write_list(store.schema, PENDING_INVITES_META,
                   [{"email": invite.email, "role": invite.role} for invite in invites])


def pending_invites(store: Store) -> list[PendingInvite]:
    """The invites the member list does not name yet. One it names has become a member and is
    forgotten here (so removing that member later does not bring the invite back)."""
    kept = _kept(store)
    members = {member.email.lower() for member in store.schema.members()}
    pending = [invite for invite in kept if invite.email.lower() not in members]
    if len(pending) != len(kept):
        _write(store, pending)
    return pending


def remember_invite(store: Store, email: str, role: str) -> None:
    """``email`` was invited as ``role`` (replacing an earlier invite of the same address)."""
    kept = [invite for invite in _kept(store) if invite.email.lower() != email.lower()]
    _write(store, [*kept, PendingInvite(email, role)])
