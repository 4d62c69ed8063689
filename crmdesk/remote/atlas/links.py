"""Links between entities (with roles), links to Jira issues, and comments.

- Links are symmetric: one link joins two entities, with the same roles seen from either end.
  ``GET …/entities/{id}/links`` is paged like entities (and checked the same way: a record page
  shows the links the scan read, so a missed one would look removed). A link is made with
  ``POST …/entities/{id}/links``; 409 means the two are linked already, and the roles the user
  gave are then set with ``PUT …/links/{other}``. Making a link is safe to send again (it ends
  the same either way), so it is sent as an idempotent write, retried after a dropped connection.
  Unlinking a pair that is not linked (404) is done.
- Jira issues: ``POST``/``DELETE …/entities/{id}/issues`` with ``{"issue-ids": [...]}``. The API
  has no read of an entity's issues: the keys shown are the ones linked from crmdesk.
- Comments: ``POST …/entities/{id}/comments`` as the configured Atlassian account. The API has no
  read of comments (nor of any activity): ``timeline`` is empty, and a comment written here is
  shown as sent (``Capabilities.comments_listed`` is off).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from crmdesk.model import COMMENT_KIND, RecordLink, TimelineEvent
from crmdesk.model.codecs.temporal import parse_timestamp
from crmdesk.remote.atlas.session import MAX_PAGE, AtlasSession, object_of
from crmdesk.remote.backend import TimelinePage
from crmdesk.remote.errors import NotFound, ProtocolError, ServerRejected, unsupported
from crmdesk.remote.rows import clean
from crmdesk.remote.session import seg
from crmdesk.remote.transport import RequestKind

log = logging.getLogger(__name__)

#: Why comments are off without an account id (``Capabilities.reasons``, the refusal).
NO_ACCOUNT = ("Atlas CRM writes each comment as an Atlassian account: give your account id when you "
              "connect to comment from crmdesk")


def _other_of(item: Mapping[str, Any]) -> Any:
    entity = item.get("entity")
    return entity.get("id") if isinstance(entity, Mapping) else None


def _roles(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(role for role in raw if isinstance(role, str) and clean(role, None, "role", "a link") is not None)


def _link(record_id: str, item: Mapping[str, Any], fallback: tuple[str, str] | None = None) -> RecordLink:
    """A link read from ``record_id``'s end; ``fallback`` (other id, other object) where the answer
    does not say (``ProtocolError`` where nothing does)."""
    entity = item.get("entity")
    other = entity.get("id") if isinstance(entity, Mapping) else None
    kind = entity.get("type") if isinstance(entity, Mapping) else None
    if not isinstance(other, str) or not other:
        if fallback is None:
            raise ProtocolError(f"A link of {record_id} from the server names no entity.")
        other = fallback[0]
    if not isinstance(kind, str) or not kind:
        if fallback is None:
            raise ProtocolError(f"A link of {record_id} from the server does not say what {other} is.")
        kind = fallback[1]
    return RecordLink(record_id=record_id, other_id=other, other_object=kind, roles=_roles(item.get("roles")))


def _keys(keys: Sequence[str]) -> list[str]:
    return [key.strip() for key in keys if key.strip()]


class LinksMixin(AtlasSession):
    # -- links between entities -------------------------------------------------------------------

    def _links_path(self, record_id: str, other_id: str | None = None) -> str:
        path = f"/entities/{seg(record_id)}/links"
        return path if other_id is None else f"{path}/{seg(other_id)}"

    def record_links(self, object_slug: str, record_id: str) -> list[RecordLink]:
        found: list[RecordLink] = []
        for rows, _total in self.listing(self._links_path(record_id), {}, MAX_PAGE, "links", _other_of):
            found.extend(_link(record_id, row["item"]) for row in rows)
        return found

    def link_records(
        self, object_slug: str, record_id: str, other_object: str, other_id: str, roles: Sequence[str]
    ) -> RecordLink:
        body = {"entity-id": other_id, "roles": list(roles)}
        try:
            answer = self.call("POST", self._links_path(record_id), body=body, kind=RequestKind.WRITE)
        except ServerRejected as error:
            if error.status != 409:
                raise
            log.info("%s and %s are linked already: setting the link's roles", record_id, other_id)
            return self.set_link_roles(object_slug, record_id, other_id, roles)
        return _link(record_id, object_of(answer, "a new link"), (other_id, other_object))

    def set_link_roles(self, object_slug: str, record_id: str, other_id: str, roles: Sequence[str]) -> RecordLink:
        """``PUT …/links/{other}``: the link's roles, all of them; ``NotFound`` when the two are not linked."""
        answer = self.write("PUT", self._links_path(record_id, other_id), {"roles": list(roles)})
        item = object_of(answer, "a link")
        return _link(record_id, item, (other_id, ""))  # the other's type: as the answer says, if it does

    def unlink_records(self, object_slug: str, record_id: str, other_id: str) -> None:
        try:
            self.write("DELETE", self._links_path(record_id, other_id))
        except NotFound:
            log.info("%s and %s were not linked (any more)", record_id, other_id)

    # -- Jira issues ----------------------------------------------------------------------------------

    def link_issues(self, object_slug: str, record_id: str, keys: Sequence[str]) -> None:
        wanted = _keys(keys)
        if wanted:
            self.call("POST", f"/entities/{seg(record_id)}/issues", body={"issue-ids": wanted}, kind=RequestKind.WRITE)

    def unlink_issues(self, object_slug: str, record_id: str, keys: Sequence[str]) -> None:
        wanted = _keys(keys)
        if wanted:
            self.write("DELETE", f"/entities/{seg(record_id)}/issues", {"issue-ids": wanted})

    # -- comments and the timeline ----------------------------------------------------------------------

    def add_comment(self, object_slug: str, record_id: str, content: str) -> TimelineEvent:
        """A plain-text comment as the configured account, dated now (the answer carries no time)."""
        if not self.account_id:
            raise unsupported("Commenting", NO_ACCOUNT)
        body = {"format": "plain-text", "comment": content, "account-id": self.account_id}
        answer = object_of(self.write("POST", f"/entities/{seg(record_id)}/comments", body), "a new comment")
        ident = answer.get("id")
        if not isinstance(ident, (str, int)) or isinstance(ident, bool) or ident == "":
            raise ProtocolError("The server's answer for a new comment has no id.")
        said = answer.get("comment")
        now = parse_timestamp(datetime.fromtimestamp(self.clock.time(), UTC).isoformat())
        return TimelineEvent(id=str(ident), record_id=record_id, kind=COMMENT_KIND, title="Comment", occurred_at=now,
                             description=said if isinstance(said, str) else content, actor_id=self.account_id)

    def timeline(self, object_slug: str, record_id: str, cursor: str | None = None, limit: int = 50) -> TimelinePage:
        return TimelinePage([])  # the API reads no comments and no activity

    def activity(self, object_slug: str, record_id: str) -> list[TimelineEvent]:
        return []


__all__ = ["NO_ACCOUNT", "LinksMixin"]
