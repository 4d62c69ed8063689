"""The timeline of a record (``history``): comments (scope ``comment:read``) and value changes.

Asked when a record's page opens: one request for the record (its creation time), one per page
of its comment threads, and one per attribute for its past values — read-only attributes (kept
by Attio itself: enrichment, interactions) have none a user made, and Attio refuses the history
of some of them, so they are not asked. A history Attio refuses for another attribute is left
out (logged), the rest still shown. ``cursor`` is the offset into the events, newest first.
"""

from __future__ import annotations

import logging

from crmdesk.model import TimelineEvent
from crmdesk.remote.attio import history, ids
from crmdesk.remote.attio.records import RecordsMixin
from crmdesk.remote.attio.session import MAX_SMALL_PAGE, data_of, row_of
from crmdesk.remote.attio.values import READ_ONLY
from crmdesk.remote.backend import TimelinePage
from crmdesk.remote.errors import NotFound, PermissionDenied, ServerRejected
from crmdesk.remote.rows import each, timestamp
from crmdesk.remote.session import seg
from crmdesk.remote.transport import RequestKind

log = logging.getLogger(__name__)


class TimelineMixin(RecordsMixin):
    def timeline(self, object_slug: str, record_id: str, cursor: str | None = None, limit: int = 50) -> TimelinePage:
        events = self.record_events(object_slug, record_id)
        start = int(cursor) if cursor and cursor.isdigit() else 0
        end = start + max(1, limit)
        return TimelinePage(events[start:end], str(end) if end < len(events) else None)

    def activity(self, object_slug: str, record_id: str) -> list[TimelineEvent]:
        """The same history as ``timeline``, whole."""
        return self.record_events(object_slug, record_id)

    def record_events(self, object_slug: str, record_id: str) -> list[TimelineEvent]:
        """Every comment and value change of the record, newest first (none for a record the
        server does not have yet)."""
        if not ids.is_uuid(record_id):
            return []
        obj = self.object_def(object_slug)
        path = f"/objects/{seg(object_slug)}/records/{seg(record_id)}"
        created = timestamp(row_of(self.get(path), "a record").get("created_at"))
        events = self.comments_on(object_slug, record_id)
        for attr in obj.attributes:
            if attr.config.get(READ_ONLY):
                continue
            try:
                answer = self.get(f"{path}/attributes/{seg(attr.id or attr.slug)}/values", {"show_historic": "true"})
                raw = data_of(answer, f"the values of {attr.slug}")
            except (ServerRejected, NotFound) as error:
                log.info("no history of %s on %s: %s", attr.slug, object_slug, error.message)
                continue
            events += history.history_events(attr, record_id, raw if isinstance(raw, list) else [], created)
        return history.newest_first(events)

    def comments_on(self, object_slug: str, record_id: str) -> list[TimelineEvent]:
        """The comments of the record's threads (none for a token without ``comment:read``: the
        timeline then shows the value changes only)."""
        params = {"object": object_slug, "record_id": record_id}
        events: list[TimelineEvent] = []
        if not self.allows(("comment:read",)):
            return events
        try:
            for threads in self.listing("/threads", "thread_id", MAX_SMALL_PAGE, MAX_SMALL_PAGE, params):
                for thread in threads:
                    comments = thread.get("comments")
                    rows = [c for c in comments if isinstance(c, dict)] if isinstance(comments, list) else []
                    events += each(rows, lambda row: history.comment_event(row, record_id), "a comment")
        except PermissionDenied as error:
            log.info("no comments read: %s", error.message)
        return events

    def add_comment(self, object_slug: str, record_id: str, content: str) -> TimelineEvent:
        """A comment by the member who authorised the token, on the record (a new thread)."""
        data = {"format": "plaintext", "content": content,
                "author": {"type": "workspace-member", "id": self.my_member_id()},
                "record": {"object": object_slug, "record_id": ids.require(record_id, "record_id")}}
        answer = self.call("POST", "/comments", body={"data": data}, kind=RequestKind.CREATE)
        return history.comment_event(row_of(answer, "a comment"), record_id)


__all__ = ["TimelineMixin"]
