"""One record: its title, every attribute editable in place, related records both ways, list
memberships, and its timeline with notes and tasks. Reads and writes only the store.

A change notice naming the record shows its new values in place, leaving a field the user is
editing alone; each field with a change the server does not have yet carries a mark."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crmdesk.model import ObjectDef, ValidationError
from crmdesk.model.values import validate_value, values_equal
from crmdesk.store import StoreError
from crmdesk.store.display_context import StoreDisplayContext
from crmdesk.store.unsynced import unsynced_marks
from crmdesk.ui.admin.access import KnownCapabilities
from crmdesk.ui.icons import action_icon, icon, object_icon_name
from crmdesk.ui.models.notice_ids import listed_ids
from crmdesk.ui.theme import scaled_font
from crmdesk.ui.undo import RecordEditCommand, describe_edit
from crmdesk.ui.views.record_related import show_lists, show_related
from crmdesk.ui.views.related_links import RecordLinksSection
from crmdesk.ui.views.timeline_view import (
    EMPTY_COMMENTS_ONLY,
    EMPTY_NOTHING,
    EMPTY_WITH_NOTES,
    TimelineView,
    format_when,
    timeline_items,
)
from crmdesk.ui.widgets.elided_label import ElidedLabel
from crmdesk.ui.widgets.issue_links import IssueLinksSection
from crmdesk.ui.widgets.marked_form import MarkedForm
from crmdesk.ui.widgets.section import muted, section_title

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.store import RecordRow
    from crmdesk.store.changes import ChangeSet

#: Said above the timeline where comments are written but never read back.
COMMENTS_NOT_LISTED = "This server does not list comments: only those written here are shown."
class RecordPage(QWidget):
    def __init__(self, context: AppContext, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert context.store is not None
        self.context = context
        self.store = context.store
        self.record_id = record_id
        self.display = StoreDisplayContext(self.store)
        self.note_dialog: Any = None
        self.task_dialog: Any = None
        self.comment_dialog: Any = None
        #: What the server can do, as the workspace file keeps it (parsed when that changes).
        self._known_capabilities = KnownCapabilities()
        self._build()
        self.reload()
        if context.sync is not None:
            # The worker fetches the server's timeline; it comes back as a change set naming this record.
            context.sync.request_open_record.emit(record_id)

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = ElidedLabel()
        self.title_label.setObjectName("recordTitle")
        font = self.title_label.font()
        self.title_label.setFont(scaled_font(font, "title"))
        self.type_icon = QLabel()
        self.subtitle_label = muted("")
        self.subtitle_label.setWordWrap(False)
        self.add_note_button = QPushButton(action_icon("add_note"), "Add note")
        self.add_note_button.clicked.connect(self.open_note_dialog)
        self.add_task_button = QPushButton(action_icon("add_task"), "Add task")
        self.add_task_button.clicked.connect(self.open_task_dialog)
        self.comment_button = QPushButton(action_icon("add_comment"), "Comment")
        self.comment_button.setToolTip("Comment on this record; your colleagues see it on the server")
        self.comment_button.clicked.connect(self.open_comment_dialog)
        heading = QVBoxLayout()
        heading.setSpacing(2)
        heading.addWidget(self.title_label)
        heading.addWidget(self.subtitle_label)
        header = QHBoxLayout()
        header.addWidget(self.type_icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(heading, 1)
        header.addWidget(self.add_note_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.add_task_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.comment_button, 0, Qt.AlignmentFlag.AlignTop)

        self.form = MarkedForm(self.store, self.display, self._commit)
        self.form.navigate_requested.connect(self.go)
        self.related_box = QVBoxLayout()
        self.related_box.setSpacing(4)
        self.lists_box = QVBoxLayout()
        self.lists_box.setSpacing(4)
        details = QWidget()
        column = QVBoxLayout(details)
        column.setContentsMargins(0, 0, 12, 12)
        self.details_title = section_title("Details")
        column.addWidget(self.details_title)
        column.addWidget(self.form)
        # Links with roles and issue keys: shown where the server has them (_apply_capabilities).
        self.links_section = RecordLinksSection(self.store)
        self.links_section.navigate_requested.connect(self.go)
        self.links_section.edited.connect(self._edited)
        self.issues_section = IssueLinksSection(self.store)
        self.issues_section.edited.connect(self._edited)
        column.addWidget(self.links_section)
        column.addWidget(self.issues_section)
        column.addWidget(section_title("Related"))
        column.addLayout(self.related_box)
        column.addWidget(section_title("Lists"))
        column.addLayout(self.lists_box)
        column.addStretch(1)
        self.details_scroll = QScrollArea()
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details_scroll.setWidget(details)

        self.timeline = TimelineView(self.display, now=self.context.now)  # the app's clock says what is today
        self.timeline.task_done_toggled.connect(self._toggle_task)
        self.timeline.note_edit_requested.connect(self.open_note_editor)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(12, 0, 0, 0)
        right_layout.addWidget(section_title("Timeline"))
        right_layout.addWidget(self.timeline, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.details_scroll)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.details_scroll.setMinimumWidth(340)
        self.splitter.setSizes([420, 620])
        self.missing_label = muted("")
        self.missing_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.missing_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 8)
        layout.addLayout(header)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.missing_label, 1)

    # -- reading -----------------------------------------------------------------------------

    def record(self) -> RecordRow | None:
        return self.store.records.get(self.record_id)

    def reload(self) -> None:
        self.display.forget()
        row = self.record()
        obj = self.store.schema.get_object(row.object_slug) if row is not None else None
        if row is None or obj is None:
            self._show_missing()
            return
        self.missing_label.hide()
        self.splitter.show()
        self.add_note_button.setEnabled(True)
        self.add_task_button.setEnabled(True)
        self.comment_button.setEnabled(True)
        self._apply_capabilities()
        self._show_header(row, obj)
        self.form.show_record(obj, row.values)
        # A form grouped in the server's sections starts with a heading of its own.
        self.details_title.setVisible(not self.form.sectioned)
        self.refresh_marks()
        self._show_links()
        self._show_related(row, obj)
        self._show_lists()
        self.timeline.set_items(timeline_items(self.store, row, self.display))

    def _apply_capabilities(self) -> None:
        """What the server can do, as the last sync found it (it may have changed since the page
        opened): Comment only where it keeps comments, a note's Edit only where notes change,
        links and issue keys where it links records, and a word where comments are not read back."""
        caps = self._known_capabilities.of(self.store)
        self.comment_button.setVisible(caps is not None and caps.comments)
        # Where the server keeps no notes or tasks (Atlas), one made here could never be sent.
        self.add_note_button.setVisible(caps is None or caps.notes)
        self.add_task_button.setVisible(caps is None or caps.tasks)
        self.timeline.notes_editable = caps is None or caps.notes_editable
        self.links_section.setVisible(caps is not None and caps.record_links)
        self.issues_section.setVisible(caps is not None and caps.issue_links)
        unlisted = caps is not None and caps.comments and not caps.comments_listed
        self.timeline.set_note(COMMENTS_NOT_LISTED if unlisted else None)
        if caps is None or caps.notes or caps.tasks:
            self.timeline.set_empty_text(EMPTY_WITH_NOTES)
        else:
            self.timeline.set_empty_text(EMPTY_COMMENTS_ONLY if caps.comments else EMPTY_NOTHING)

    def refresh_marks(self) -> None:
        """Which fields have changes the server lacks (one query over the outbox and conflicts)."""
        marks = unsynced_marks(self.store, target_ids=(self.record_id,))
        self.form.set_marks(marks.fields(self.record_id))

    def _show_missing(self) -> None:
        self.title_label.set_full_text("Record not found")
        self.subtitle_label.setText("")
        self.missing_label.setText("This record is not in this workspace's copy: it may have been deleted, "
                                   "or it arrives with the next sync.")
        self.missing_label.show()
        self.splitter.hide()
        self.add_note_button.setEnabled(False)
        self.add_task_button.setEnabled(False)
        self.comment_button.setEnabled(False)

    def _show_header(self, row: RecordRow, obj: ObjectDef) -> None:
        self.title_label.set_full_text(row.title)
        side = self.title_label.fontMetrics().height()
        self.type_icon.setPixmap(icon(object_icon_name(obj.slug, obj.icon)).pixmap(side, side))
        who = self.display.member_name(row.created_by) if row.created_by else None
        created = format_when(row.created_at)
        parts = [obj.singular_name, f"created {created}" if created else "", f"by {who}" if who else ""]
        self.subtitle_label.setText(" · ".join(p for p in parts[:2] if p) + (f" {parts[2]}" if parts[2] else ""))

    def _show_links(self) -> None:
        """The links and issue keys, where the server has them (hidden sections read nothing)."""
        for section in (self.links_section, self.issues_section):
            if not section.isHidden():
                section.show_record(self.record_id)

    def _follow_links(self, changes: ChangeSet) -> None:
        """The sections read their links again only for a notice that may touch what they show:
        this record's links, a change to the outbox (sent, refused, discarded: the sections
        compare what they read with what they show and leave unchanged rows alone), or a linked
        record's new id or title. Anything else (a scan page, an edit elsewhere) leaves them as
        they are, with the keyboard focus where it was."""
        ours = self.record_id in changes.links or changes.outbox
        if not self.issues_section.isHidden() and ours:
            self.issues_section.reload()
        if self.links_section.isHidden():
            return
        others = self.links_section.other_ids()
        renamed = others & (changes.id_changes.keys() | set(changes.id_changes.values()))
        retitled = others & changes.record_ids or (listed_ids(changes) is None and changes.objects and any(
            row.link.other_object in changes.objects for row in self.links_section.rows))
        if ours or renamed or retitled:
            self.links_section.reload()

    def _show_related(self, row: RecordRow, obj: ObjectDef) -> None:
        self.related_links = show_related(self.related_box, self.store, row, obj, self.go)

    def _show_lists(self) -> None:
        self.list_links = show_lists(self.lists_box, self.store, self.record_id, self.go)

    # -- writing -----------------------------------------------------------------------------

    def go(self, target: str) -> None:
        if self.context.navigator is not None:
            self.context.navigator.go(target)

    def _edited(self) -> None:
        if self.context.sync is not None:
            self.context.sync.local_edit()

    def _commit(self, slug: str, value: Any) -> str | None:
        """Save one field (the form has parsed it). None when saved, else the message to show.

        The edit is checked here first, so a refusal shows next to the field; then it goes
        onto the window's undo history (Ctrl+Z restores the old value as a new edit)."""
        row = self.record()
        obj = self.store.schema.get_object(row.object_slug) if row is not None else None
        attr = obj.attribute(slug) if obj is not None else None
        if row is None or attr is None:
            return "This record is no longer in the local cache."
        try:
            checked = validate_value(attr, value)
            if checked is None and attr.required:
                raise ValidationError(attr.title or attr.slug, "is required and cannot be emptied")
            self.store.schema.value_limits().check(attr, checked)  # what this server cannot hold
        except ValidationError as error:
            return f"{error.attribute} {error.message}"
        if values_equal(row.values.get(slug), checked):
            return None
        undo_stack = self.context.undo_stack
        if undo_stack is None:
            try:
                self.store.edits.update_record(self.record_id, {slug: checked})
            except (ValidationError, StoreError) as error:
                return str(error)
            self.edits_applied({self.record_id}, [])
            return None
        self._edit_failure: str | None = None
        undo_stack.push(RecordEditCommand(
            self.store, {self.record_id: {slug: checked}}, describe_edit(attr.title, 1), listener=self
        ))
        return self._edit_failure

    # -- EditListener: the undo commands report back here ----------------------------------------

    def edits_applied(self, record_ids: set[str], mutations: list[Any]) -> None:
        self._edited()
        row = self.record()
        obj = self.store.schema.get_object(row.object_slug) if row is not None else None
        if row is not None and obj is not None:
            self._show_header(row, obj)
            self._show_related(row, obj)
            self.form.show_record(obj, row.values)  # an undo brings the old value back here too
            self.refresh_marks()

    def edit_failed(self, message: str) -> None:
        self._edit_failure = message

    def _toggle_task(self, task_id: str, done: bool) -> None:
        try:
            self.store.edits.update_task(task_id, done=done)
        except StoreError:
            return
        self._edited()
        self._reload_timeline()

    def _reload_timeline(self) -> None:
        row = self.record()
        if row is not None:
            self.timeline.set_items(timeline_items(self.store, row, self.display))

    def open_note_dialog(self) -> None:
        from crmdesk.ui.dialogs.note_dialog import NoteDialog

        self.note_dialog = NoteDialog(self)
        self.note_dialog.note_ready.connect(self._save_note)
        self.note_dialog.open()

    def open_note_editor(self, note_id: str) -> None:
        """Edit a note in the same dialog it was written in. Only what changed is queued: a
        title edit leaves the text on the server as it is (a web-app note keeps its document)."""
        from crmdesk.ui.dialogs.note_dialog import NoteDialog

        note = self.store.notes.get(note_id)
        if note is None:
            return
        self.note_dialog = NoteDialog(self, title=note.title, content=note.content, editing=True)
        self.note_dialog.note_ready.connect(lambda title, content: self._save_note_edit(note_id, title, content))
        self.note_dialog.open()

    def _save_from(self, dialog: Any, save: Callable[[], object], *, changed: Callable[[object], bool] | None = None,
                   ) -> None:
        """Run a dialog's ``save``: refused, the dialog says why and stays open; else it closes
        and the page follows the edit (when ``changed`` says the result is one)."""
        try:
            result = save()
        except (ValidationError, StoreError) as error:
            dialog.show_error(str(error))
            return
        dialog.accept()
        if changed is None or changed(result):
            self._edited()
            self._reload_timeline()

    def _save_note_edit(self, note_id: str, title: str | None, content: str | None) -> None:
        """``None``: a field the user left alone (not part of the edit)."""
        self._save_from(self.note_dialog,
                        lambda: self.store.edits.update_note(note_id, title=title, content=content),
                        changed=lambda mutation: mutation is not None)

    def _save_note(self, title: str, content: str) -> None:
        self._save_from(self.note_dialog, lambda: self.store.edits.create_note(self.record_id, title, content))

    def open_comment_dialog(self) -> None:
        from crmdesk.ui.dialogs.comment_dialog import CommentDialog

        row = self.record()
        self.comment_dialog = CommentDialog(row.title if row is not None else "", self)
        self.comment_dialog.comment_ready.connect(self._save_comment)
        self.comment_dialog.open()

    def _save_comment(self, text: str) -> None:
        self._save_from(self.comment_dialog, lambda: self.store.edits.add_comment(self.record_id, text))

    def open_task_dialog(self) -> None:
        from crmdesk.ui.dialogs.task_dialog import TaskDialog

        self.task_dialog = TaskDialog(self.store, self.record_id, self)
        self.task_dialog.task_ready.connect(self._save_task)
        self.task_dialog.open()

    def _save_task(self, content: str, deadline: object, record_ids: list[str], assignee_ids: list[str]) -> None:
        self._save_from(self.task_dialog, lambda: self.store.edits.create_task(
            content, deadline=deadline if isinstance(deadline, str) else None,
            record_ids=record_ids, assignee_ids=assignee_ids))

    # -- sync --------------------------------------------------------------------------------

    def _may_have_changed(self, changes: ChangeSet) -> bool:
        """Named, or its object named without a full list of ids."""
        if self.record_id in changes.record_ids:
            return True
        if not changes.objects or listed_ids(changes) is not None:
            return False
        row = self.record()
        return row is not None and row.object_slug in changes.objects

    def on_changed(self, changes: ChangeSet) -> None:
        new_id = changes.id_changes.get(self.record_id)
        if new_id is not None:
            # Created offline; the server gave it its id. Follow it so the page stays this record's.
            self.record_id = new_id
        if changes.schema or changes.full_reset:
            self.store.schema.invalidate()
        if (new_id is not None or changes.full_reset or changes.schema or changes.members or changes.notes
                or changes.tasks or self._may_have_changed(changes)):
            self.reload()  # in place: the form leaves a field being edited alone
            return
        # Not ``marks_may_have_moved``: the page's marks are its own record's, read by its id, and
        # that id changing reloaded the page above; another record's new id moves none of them.
        if changes.outbox or changes.conflicts:
            self.refresh_marks()
        self._follow_links(changes)
        if changes.objects or changes.lists or changes.id_changes:
            # Another record may have started (or stopped) pointing here, or joined a list.
            row = self.record()
            obj = self.store.schema.get_object(row.object_slug) if row is not None else None
            if row is not None and obj is not None:
                self.display.forget()
                self._show_related(row, obj)
                self._show_lists()
