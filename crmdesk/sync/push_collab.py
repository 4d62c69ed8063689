"""The pushes of what a record page adds to a record besides its values: comments, links to other
records (with roles) and issue keys. A mixin of ``Pusher`` (``push.py``), kept apart so each file
holds one kind of work; it uses the pusher's store, backend, capabilities and bookkeeping."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from crmdesk.model import COMMENT_KIND, EntityKind, Mutation, MutationOp, MutationState, RecordLink, TimelineEvent
from crmdesk.model.rich_text import same_text
from crmdesk.remote import NotFound, ServerRejected
from crmdesk.store.clock import older_than
from crmdesk.sync.pending import UNKNOWN_RECORD, titled

if TYPE_CHECKING:
    from crmdesk.remote import Backend, Capabilities
    from crmdesk.store import Store

log = logging.getLogger(__name__)

#: Why a comment whose answer was lost is refused where the server cannot list comments.
COMMENT_OUTCOME_UNKNOWN = (
    "This comment may or may not have reached the server (its answer was lost, and the server cannot "
    "list comments to check). Check the record on the server, then send it again or discard it."
)
#: A thing found on the server made this long before the change was queued is someone else's
#: (clocks differ).
CLOCK_SLACK = timedelta(minutes=10)

#: What a create made on the server (a record, a comment).
Made = TypeVar("Made")


class RecordPagePushes:
    """Comments, links and issue keys, sent as ``Pusher`` sends everything else."""

    if TYPE_CHECKING:
        store: Store
        backend: Backend
        caps: Capabilities

        def _remove(self, group: list[Mutation]) -> None: ...

        def _look_up_else_send(self, mutation: Mutation, what: str, look_up: Callable[[], Made | None] | None,
                               send: Callable[[], Made]) -> Made | None: ...

    def _push_comment(self, group: list[Mutation], merged: dict[str, Any]) -> None:
        """A comment is only ever created. It cannot be sent twice safely (the server takes every
        one), so it is marked in flight first and, when its answer was lost, looked for among the
        record's comments before it is sent again — where the server lists comments; elsewhere it
        is refused, for the user to check the server and send it again or discard it."""
        first = group[0]
        assert first.op_id is not None
        if first.op is not MutationOp.CREATE:
            raise ServerRejected("crmdesk only adds comments; it cannot change or delete one.")
        if first.state is MutationState.IN_FLIGHT and not self.caps.comments_listed:
            raise ServerRejected(COMMENT_OUTCOME_UNKNOWN)
        record = self.store.records.get(first.scope)
        if record is None:
            raise ServerRejected("The record this comment is on no longer exists.")
        content = str(merged.get("content", ""))
        created = self._look_up_else_send(
            first, "a comment",
            lambda: self._find_comment(first, record.object_slug, content),
            lambda: self.backend.add_comment(record.object_slug, record.id, content),
        )
        if created is None:
            return  # the look-up failed: it waits
        with self.store.write():
            self._remove(group)
            self.store.timeline.delete(first.target_id)
            self.store.timeline.put_many([replace(created, record_id=record.id)])
            # Names the server's comment as this one's: a twin sent later cannot take it.
            self.store.id_map.add(first.target_id, created.id, EntityKind.COMMENT.value)

    def _find_comment(self, mutation: Mutation, object_slug: str, content: str) -> TimelineEvent | None:
        """The server's comment a post of unknown outcome made, if it made one: same text on the
        record, not older than the post (a comment with the same words from before is not it),
        and not one another post of this queue became. It may already be in the cache: a record
        page opened meanwhile read the record's comments."""
        taken = set(self.store.id_map.all().values())
        for event in self.backend.timeline(object_slug, mutation.scope).events:
            if (event.kind != COMMENT_KIND or event.id in taken
                    or older_than(event.occurred_at, CLOCK_SLACK, mutation.created_at)):
                continue
            if same_text(event.description or "", content):
                log.info("a comment of unknown outcome had reached the server as %s", event.id)
                return event
        return None

    # -- links --------------------------------------------------------------------------------

    def _push_link(self, group: list[Mutation], merged: dict[str, Any]) -> None:
        """Link, change the roles, unlink. Each is safe to send again (linking linked records sets
        its roles; unlinking unlinked ones is done): a create whose answer was lost is simply sent
        again. Roles changed here of a link the server no longer has link the records again: the
        user wanted them linked with those roles. Afterwards the cache holds the server's answer,
        unless the user changed the link again meanwhile."""
        first = group[0]
        record_id, other_id = first.scope, str(merged.get("other") or first.target_id)
        own_object, other_object = self._link_objects(merged, record_id, other_id)
        roles = [str(role) for role in merged.get("roles") or []]
        link: RecordLink | None = None
        if first.op is MutationOp.CREATE and not self._mark_sent(first):
            return
        try:
            if first.op is MutationOp.DELETE:
                with contextlib.suppress(NotFound):  # not linked (any more): done
                    self.backend.unlink_records(own_object, record_id, other_id)
            elif first.op is MutationOp.UPDATE:
                try:
                    link = self.backend.set_link_roles(own_object, record_id, other_id, roles)
                except NotFound:
                    link = self.backend.link_records(own_object, record_id, other_object, other_id, roles)
            else:
                link = self.backend.link_records(own_object, record_id, other_object, other_id, roles)
        except NotFound as error:
            raise ServerRejected(f"The link between {self._title(record_id)} and {self._title(other_id)} cannot be "
                                 f"sent: one of them is no longer on the server ({error.message}).") from error
        with self.store.write():
            self._remove(group)
            if self._link_queued(record_id, other_id):
                self.store.changes.links({record_id, other_id})  # still unsent: a later change waits
            elif link is None:
                self.store.links.delete(record_id, other_id)
                self.store.changes.links({record_id, other_id})  # sent: no longer marked unsent
            else:
                answer = RecordLink(record_id, other_id, link.other_object or other_object, link.roles)
                self.store.links.put(answer, own_object)

    def _link_objects(self, merged: dict[str, Any], record_id: str, other_id: str) -> tuple[str, str]:
        """The objects of a link's two records: as queued (their records may be gone from the cache
        since), else as the cache has them."""
        own, other = merged.get("object"), merged.get("other_object")
        if not own:
            row = self.store.records.get(record_id)
            own = row.object_slug if row is not None else self.store.links.object_of(record_id, other_id)
        if not other:
            row = self.store.records.get(other_id)
            other = row.object_slug if row is not None else self.store.links.object_of(other_id, record_id)
        if not own or not other:
            raise ServerRejected("The records of this link are no longer in the local copy.")
        return str(own), str(other)

    def _title(self, record_id: str) -> str:
        """The record's title in quotes, for a refusal (“a record” once it left the cache)."""
        title = titled(self.store, record_id)
        return title if title == UNKNOWN_RECORD else f"“{title}”"

    def _mark_sent(self, mutation: Mutation) -> bool:
        """Mark a link's create in flight before it is sent, so that an unlink made meanwhile is
        queued for the server rather than only dropping the create (``Edits.unlink_records``); a
        lost answer is simply sent again. False when the user took it back before this: nothing
        to send."""
        assert mutation.op_id is not None
        with self.store.write():
            if self.store.outbox.get(mutation.op_id) is None:
                return False
            self.store.outbox.set_state(mutation.op_id, MutationState.IN_FLIGHT)
        return True

    def _link_queued(self, record_id: str, other_id: str) -> bool:
        """Whether another change of this link waits in the queue (any state)."""
        return other_id in self.store.links.queued_others(record_id)

    def _push_issue_link(self, group: list[Mutation], merged: dict[str, Any]) -> None:
        """Link or unlink an issue key: both safe to send again (the server keeps a key once), so
        one whose answer was lost is simply sent again."""
        first = group[0]
        record_id, key = first.scope, str(merged.get("key") or first.target_id)
        own_object = merged.get("object")
        if not own_object:
            row = self.store.records.get(record_id)
            if row is None:
                raise ServerRejected("The record of this issue link is no longer in the local copy.")
            own_object = row.object_slug
        if first.op is MutationOp.CREATE and not self._mark_sent(first):
            return
        try:
            if first.op is MutationOp.DELETE:
                self.backend.unlink_issues(str(own_object), record_id, [key])
            elif first.op is MutationOp.CREATE:
                self.backend.link_issues(str(own_object), record_id, [key])
            else:
                raise ServerRejected("crmdesk only links and unlinks issues.")
        except NotFound as error:
            if first.op is not MutationOp.DELETE:
                raise ServerRejected(f"The link from {self._title(record_id)} to {key} cannot be sent: the record "
                                     f"is no longer on the server ({error.message}).") from error
            # Unlinking from a record the server no longer has: nothing is linked to it.
        with self.store.write():
            self._remove(group)
            self.store.changes.links({record_id})  # sent: no longer marked unsent
