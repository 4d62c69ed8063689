"""A record's timeline: its creation, server events (attribute changes, activity), the field
history kept here (``history_items``), notes and tasks, newest first. The items are cheap values
read from the store; the cards (widgets) are built a page at a time as the user scrolls, so a
record with hundreds of notes opens at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import COMMENT_KIND, Task, TimelineEvent, is_local_id
from crmdesk.store import RecordRow, Store
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.ui.formatting import ValueFormatter
from crmdesk.ui.links import LinkOpener
from crmdesk.ui.markdown import MarkdownView
from crmdesk.ui.text import plain_tooltip
from crmdesk.ui.views.history_items import HISTORY_KIND, HISTORY_LIMIT, history_groups
from crmdesk.ui.when import format_when, parse_when  # (here too: importers of this module use them)

PAGE_SIZE = 50
#: Server event kinds the cache already holds as notes and tasks (shown from there, offline edits included).
_CACHED_KINDS = frozenset({"note", "task", "created"})


#: What an empty timeline says where notes and tasks are kept, and where only comments are.
EMPTY_WITH_NOTES = "No notes or tasks yet. Add a note after your next call, or a task so nothing slips."
EMPTY_COMMENTS_ONLY = "No comments yet. Comment after your next call, so colleagues know where things stand."
EMPTY_NOTHING = "Nothing has happened to this record yet."


@dataclass(slots=True)
class TimelineItem:
    kind: str  # "note", "task", "created" or a server event kind
    id: str
    when: str
    title: str
    body: str = ""
    actor_id: str | None = None
    task: Task | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def timeline_items(store: Store, record: RecordRow, display: StoreDisplayContext | None = None,
                   formatter: ValueFormatter | None = None) -> list[TimelineItem]:
    """Everything that happened to ``record``, newest first, from the store alone (values of
    field changes shown by ``formatter`` with ``display``'s titles and names)."""
    items = [TimelineItem("note", n.id, n.created_at or "", n.title, n.content, n.created_by)
             for n in store.notes.for_record(record.id)]
    items += [TimelineItem("task", t.id, t.created_at or "", t.content, "", t.created_by, task=t)
              for t in store.tasks.for_record(record.id)]
    events: list[TimelineEvent] = store.timeline.for_record(record.id, limit=1000)
    items += [TimelineItem(e.kind, e.id, e.occurred_at, e.title, e.description or "", e.actor_id, meta=e.metadata)
              for e in events if e.kind not in _CACHED_KINDS]
    groups = history_groups(store, store.schema.get_object(record.object_slug),
                            store.history.for_record(record.id, limit=HISTORY_LIMIT), events,
                            display or StoreDisplayContext(store), formatter or ValueFormatter())
    items += [TimelineItem(HISTORY_KIND, f"{HISTORY_KIND}:{g.first_id}", g.when, "\n".join(g.lines),
                           meta={"by": g.by, "source": g.source}) for g in groups]
    items.append(TimelineItem("created", record.id, record.created_at or "", "Created", "", record.created_by))
    # Stable sort on the parsed time: ties keep notes before tasks before events, creation last.
    items.sort(key=lambda item: parse_when(item.when), reverse=True)
    return items


# -- cards ----------------------------------------------------------------------------------------


def _plain(text: str, *, wrap: bool = True, muted: bool = False, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        label.setProperty("muted", True)
        palette = label.palette()
        # On a card (Base background) a label draws with Text, elsewhere with WindowText: mute both.
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
            palette.setColor(role, palette.color(QPalette.ColorRole.PlaceholderText))
        label.setPalette(palette)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


_ICONS = {"note": "✎", "task": "☐", "created": "✦", COMMENT_KIND: "❝", HISTORY_KIND: "⇄"}


class TimelineCard(QFrame):
    """One item: a marker, a headline with who and when, and the body."""

    def __init__(self, item: TimelineItem, display: StoreDisplayContext,
                 on_task_done: Callable[[str, bool], None] | None, parent: QWidget | None = None, *,
                 links: LinkOpener | None = None, on_edit_note: Callable[[str], None] | None = None,
                 now: datetime | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName("timelineCard")
        self.setProperty("kind", item.kind)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Cards on the base colour (white in a light theme, a lifted grey in a dark one) read as items.
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        outer.setSpacing(10)
        content = QVBoxLayout()
        content.setSpacing(4)
        head = QHBoxLayout()
        head.setSpacing(8)
        who = display.member_name(item.actor_id) if item.actor_id else None
        if item.kind == "task" and item.task is not None:
            self.done_box = QCheckBox(self)
            self.done_box.setChecked(item.task.done)
            self.done_box.setToolTip("Mark done" if not item.task.done else "Mark not done")
            if on_task_done is not None:
                self.done_box.clicked.connect(lambda checked: on_task_done(item.id, checked))
            outer.addWidget(self.done_box, 0, Qt.AlignmentFlag.AlignTop)
        else:
            marker = _plain(_ICONS.get(item.kind, "●"), wrap=False, muted=True)
            marker.setFixedWidth(18)
            outer.addWidget(marker, 0, Qt.AlignmentFlag.AlignTop)
        headline = self._headline(item)
        self.title_label = _plain(headline, bold=item.kind in ("note", "task"))
        self.title_label.setToolTip(plain_tooltip(headline))
        if item.kind == "task" and item.task is not None and item.task.done:
            font = self.title_label.font()
            font.setStrikeOut(True)
            self.title_label.setFont(font)
        head.addWidget(self.title_label, 1)
        if item.kind == HISTORY_KIND:
            by = item.meta.get("by")
            who = f"by {by}" if by else "on the server" if item.meta.get("source") != "local" else None
        stamp = " · ".join(part for part in (who, format_when(item.when, now)) if part)
        self.when_label = _plain(stamp, wrap=False, muted=True)
        self.when_label.setToolTip(plain_tooltip(item.when))
        head.addWidget(self.when_label, 0, Qt.AlignmentFlag.AlignTop)
        self.edit_button: QToolButton | None = None
        if item.kind == "note" and on_edit_note is not None:
            self.edit_button = QToolButton(self)
            self.edit_button.setText("Edit")
            self.edit_button.setAutoRaise(True)
            self.edit_button.setToolTip("Edit this note")
            self.edit_button.setAccessibleName(f"Edit note {item.title or 'Note'}")
            self.edit_button.clicked.connect(lambda: on_edit_note(item.id))
            head.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        content.addLayout(head)
        self.body: QWidget | None = None
        if item.kind == "note" and item.body.strip():
            self.body = MarkdownView(item.body, self, links=links)
        elif item.kind == "task" and item.task is not None:
            self.body = _plain(self._task_line(item.task, display, now), muted=True)
        elif item.kind not in ("note", "task", "created") and item.body:
            self.body = _plain(item.body)
        if self.body is not None:
            content.addWidget(self.body)
        outer.addLayout(content, 1)

    @staticmethod
    def _headline(item: TimelineItem) -> str:
        if item.kind == "note":
            return item.title or "Note"
        if item.kind == "created":
            return "Record created"
        if item.kind == COMMENT_KIND:
            return "Comment" if not is_local_id(item.id) else "Comment · not sent yet"
        return item.title or item.kind.replace("_", " ").capitalize()

    @staticmethod
    def _task_line(task: Task, display: StoreDisplayContext, now: datetime | None) -> str:
        parts: list[str] = []
        if task.deadline:
            due = parse_when(task.deadline)
            overdue = not task.done and due < (now or datetime.now(UTC))
            parts.append(("Overdue since " if overdue else "Due ") + format_when(task.deadline, now))
        names = [display.member_name(a) or "someone" for a in task.assignee_ids]
        if names:
            parts.append("for " + ", ".join(names))
        if task.done:
            parts.append("done")
        return " · ".join(parts) or "Task"


class TimelineView(QScrollArea):
    """Cards for a list of items, built ``PAGE_SIZE`` at a time as the user scrolls down."""

    task_done_toggled = Signal(str, bool)
    #: The user asked to edit a note (its id).
    note_edit_requested = Signal(str)

    def __init__(self, display: StoreDisplayContext, parent: QWidget | None = None, *,
                 links: LinkOpener | None = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.display = display
        #: The clock "Today", "Yesterday" and "Overdue" are told by (the app's; None: the machine's).
        self.now = now
        #: Off where the server cannot change a note once it is made: cards offer no "Edit".
        self.notes_editable = True
        #: One opener for every card's links: it asks before a browser opens anything.
        self.links = links or LinkOpener()
        self.items: list[TimelineItem] = []
        self.cards: list[TimelineCard] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        self._layout = QVBoxLayout(inner)
        self._layout.setContentsMargins(0, 0, 8, 8)
        self._layout.setSpacing(8)
        self.empty_label = _plain(EMPTY_WITH_NOTES, muted=True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setContentsMargins(12, 18, 12, 18)
        self.empty_label.setObjectName("timelineEmpty")
        #: What the timeline cannot show (set_note), above the cards; hidden when there is nothing to say.
        self.note_label = _plain("", muted=True)
        self.note_label.setObjectName("timelineNote")
        self.note_label.setContentsMargins(2, 0, 2, 4)
        self.note_label.hide()
        self.more_button = QPushButton("Show older")
        self.more_button.setFlat(True)
        self.more_button.clicked.connect(self.load_more)
        self._layout.addWidget(self.note_label)
        self._layout.addWidget(self.empty_label)
        self._layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self._layout.addStretch(1)
        self.setWidget(inner)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().rangeChanged.connect(lambda *_: self._scrolled(self.verticalScrollBar().value()))

    @property
    def built_count(self) -> int:
        return len(self.cards)

    def set_items(self, items: list[TimelineItem]) -> None:
        """Show ``items``: as many cards as were shown before (at least a page), the rest later."""
        keep = max(PAGE_SIZE, len(self.cards))
        for card in self.cards:
            self._layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        self.items = items
        # What the empty line asks the user to add: notes and tasks, or comments where only they are kept.
        self.empty_label.setVisible(not any(i.kind in ("note", "task", COMMENT_KIND) for i in items))
        self._build(min(keep, len(items)))

    def set_empty_text(self, text: str) -> None:
        """What an empty timeline says: what to add here, as the server allows it."""
        self.empty_label.setText(text)

    def set_note(self, text: str | None) -> None:
        """A muted line above the cards saying what the timeline lacks (None: no line)."""
        self.note_label.setText(text or "")
        self.note_label.setVisible(bool(text))

    def load_more(self) -> None:
        self._build(min(len(self.cards) + PAGE_SIZE, len(self.items)))

    def _build(self, upto: int) -> None:
        on_done = self.task_done_toggled.emit
        now = self.now() if self.now is not None else None
        for item in self.items[len(self.cards):upto]:
            card = TimelineCard(item, self.display, on_done, links=self.links,
                                on_edit_note=self.note_edit_requested.emit if self.notes_editable else None, now=now)
            # After the note and the empty-state hint, before the "Show older" button and the stretch.
            self._layout.insertWidget(len(self.cards) + 2, card)
            self.cards.append(card)
        self.more_button.setVisible(len(self.cards) < len(self.items))

    def _scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        # Near the bottom (within a screenful): build the next page before the user reaches it.
        near_bottom = bar.maximum() > 0 and value >= bar.maximum() - self.viewport().height()
        if near_bottom and len(self.cards) < len(self.items):
            self.load_more()
