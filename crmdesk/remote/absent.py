"""The ``Backend`` calls of what a server does not keep, written once: mixins that answer as such a
server would. Reads of what it does not keep are empty, writes of it are refused (``unsupported``:
a rejection, so sync shows a queued change refused instead of retrying it), and a delete of
something that cannot exist is done already.

Each mixin says why with a class attribute, a phrase without its full stop (the refusals read
"Linking records: <phrase>"); ``sentence`` makes it the one a capability's reason or a
``NotFound`` reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

from crmdesk.model import AttributeDef, Entry, ListDef, Member, Notification, RecordLink
from crmdesk.remote.errors import NotFound, unsupported


def sentence(phrase: str) -> str:
    """``phrase`` as a sentence: its first letter capital, a full stop after it."""
    return phrase[:1].upper() + phrase[1:] + "."


def no_links(server: str) -> tuple[str, str]:
    """Why ``server`` ("this server", "Attio") links records with roles, and to issues, neither."""
    return (f"{server} keeps no links between records with roles (a record reference attribute relates them)",
            f"{server} keeps no links to a tracker's issues")


def no_links_reasons(server: str) -> dict[str, str]:
    """``Capabilities.reasons`` of ``record_links`` and ``issue_links`` for ``server``."""
    links, issues = no_links(server)
    return {"record_links": sentence(links), "issue_links": sentence(issues)}


class NoLinksMixin:
    """A server that keeps no links between records with roles, nor to a tracker's issues."""

    #: The server as its refusals name it (``no_links``).
    links_server: ClassVar[str] = "this server"

    def record_links(self, object_slug: str, record_id: str) -> list[RecordLink]:
        return []

    def link_records(
        self, object_slug: str, record_id: str, other_object: str, other_id: str, roles: Sequence[str]
    ) -> RecordLink:
        raise unsupported("Linking records", no_links(self.links_server)[0])

    def set_link_roles(self, object_slug: str, record_id: str, other_id: str, roles: Sequence[str]) -> RecordLink:
        raise unsupported("Changing a link's roles", no_links(self.links_server)[0])

    def unlink_records(self, object_slug: str, record_id: str, other_id: str) -> None:
        raise unsupported("Unlinking records", no_links(self.links_server)[0])

    def link_issues(self, object_slug: str, record_id: str, keys: Sequence[str]) -> None:
        raise unsupported("Linking issues", no_links(self.links_server)[1])

    def unlink_issues(self, object_slug: str, record_id: str, keys: Sequence[str]) -> None:
        raise unsupported("Unlinking issues", no_links(self.links_server)[1])


class NoListsMixin:
    """A server without lists: none are listed, one cannot be made, and any named is not there."""

    #: Why ("this server has no lists").
    no_lists: ClassVar[str] = "this server has no lists"

    def lists(self) -> list[ListDef]:
        return []

    def create_list(self, name: str, parent_object: str, private: bool = False) -> ListDef:
        raise unsupported("Creating a list", self.no_lists)

    def update_list(self, list_id: str, *, name: str | None = None, private: bool | None = None) -> ListDef:
        raise NotFound(sentence(self.no_lists))

    def delete_list(self, list_id: str) -> None:
        return None  # there is none: already gone

    def create_list_attribute(self, list_id: str, attribute: AttributeDef) -> AttributeDef:
        raise NotFound(sentence(self.no_lists))

    def iter_entries(self, list_id: str, page_size: int = 100) -> Iterator[list[Entry]]:
        raise NotFound(sentence(self.no_lists))

    def add_entry(self, list_id: str, record_id: str, values: Mapping[str, Any] | None = None) -> Entry:
        raise NotFound(sentence(self.no_lists))

    def update_entry(self, list_id: str, entry_id: str, values: Mapping[str, Any]) -> None:
        raise NotFound(sentence(self.no_lists))

    def remove_entry(self, list_id: str, entry_id: str) -> None:
        return None  # there is none: already gone


class NoNotificationsMixin:
    """A server (or API) without notifications."""

    #: Why ("this server has no notifications").
    no_notifications: ClassVar[str] = "this server has no notifications"

    def notifications(self, unread_only: bool = False) -> list[Notification]:
        return []

    def mark_notification_read(self, notification_id: str) -> None:
        raise NotFound(sentence(self.no_notifications))

    def mark_all_notifications_read(self) -> None:
        return None  # none to mark


class FixedMembersMixin:
    """A server whose API cannot invite, change or remove members (its members are read, or not)."""

    #: Why (the refusals' reason).
    members_fixed: ClassVar[str] = "this server's members cannot be changed from crmdesk"

    def invite_member(self, email: str, role: str = "member") -> Member | None:
        raise unsupported("Inviting a member", self.members_fixed)

    def set_member_role(self, member_id: str, role: str) -> None:
        raise unsupported("Changing a member's role", self.members_fixed)

    def remove_member(self, member_id: str) -> None:
        raise unsupported("Removing a member", self.members_fixed)


__all__ = ["FixedMembersMixin", "NoLinksMixin", "NoListsMixin", "NoNotificationsMixin", "no_links",
           "no_links_reasons", "sentence"]
