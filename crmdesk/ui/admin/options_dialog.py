"""The options of a select or the statuses of a status attribute: add, rename, recolor,
reorder, (de)activate, delete (asking what the records that use it get instead).

What the server stores is told by its capabilities: where it stores an option's order
(``option_order_writable``) a move is sent to it, elsewhere the order is kept on this computer
(QSettings); where it can deactivate an option (``option_active_writable``) the Active box sends
that, elsewhere the box is off with the reason. A status is marked open, won or lost where the
server stores that (``status_outcome_writable``): the choice is sent like a rename; elsewhere the
control shows what the server says, off, with the reason.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from crmdesk.model import LOST, WON, AttributeDef, AttributeType, Option
from crmdesk.ui.admin.base import AdminDialog
from crmdesk.ui.admin.choices_editor import palette_combo
from crmdesk.ui.admin.common import describe, swatch
from crmdesk.ui.admin.confirm import ConfirmDialog
from crmdesk.ui.admin.values import option_usage, records_using_option, replaced
from crmdesk.ui.dialogs.tab_order import reading_order

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.ui.admin.access import AdminAccess

IdRole = Qt.ItemDataRole.UserRole
#: Why a status cannot be marked won or lost when the server's capabilities do not say why.
NO_OUTCOME = "Won and lost cannot be marked: this server does not store whether a status is won or lost."


class OptionsDialog(AdminDialog):
    def __init__(self, context: AppContext, object_slug: str, attribute_slug: str,
                 parent: QWidget | None = None, access: AdminAccess | None = None) -> None:
        self.object_slug, self.attribute_slug = object_slug, attribute_slug
        self.confirm: ConfirmDialog | None = None
        self._local_order: list[str] = []
        self.list = QListWidget()
        super().__init__(context, parent, access)
        self.list.setParent(self)
        self.resize(520, 480)
        self.body.addWidget(self.list, 1)
        grid = QGridLayout()
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("Title")
        self.color = palette_combo(self)
        self.add_button = QPushButton("Add", self)
        self.rename_button = QPushButton("Rename", self)
        self.recolor_button = QPushButton("Recolor", self)
        self.up_button = QPushButton("Move up", self)
        self.down_button = QPushButton("Move down", self)
        self.delete_button = QPushButton("Delete…", self)
        self.active = QCheckBox("Active", self)
        self.outcome = QComboBox(self)
        for label, value in (("Open", ""), ("Won", WON), ("Lost", LOST)):  # "": no outcome
            self.outcome.addItem(label, value)
        grid.addWidget(QLabel("Title", self), 0, 0)
        grid.addWidget(self.title, 0, 1, 1, 3)
        grid.addWidget(QLabel("Color", self), 1, 0)
        grid.addWidget(self.color, 1, 1)
        grid.addWidget(self.active, 1, 2)
        self.outcome_label = QLabel("Outcome", self)
        grid.addWidget(self.outcome_label, 2, 0)
        grid.addWidget(self.outcome, 2, 1)
        for column, button in enumerate((self.add_button, self.rename_button, self.recolor_button, self.delete_button)):
            grid.addWidget(button, 3, column)
        grid.addWidget(self.up_button, 4, 0)
        grid.addWidget(self.down_button, 4, 1)
        self.body.addLayout(grid)
        self.note = QLabel(self)
        self.note.setObjectName("optionsNote")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.body.addWidget(self.note)
        self.add_button.clicked.connect(self.add_option)
        self.rename_button.clicked.connect(self.rename_option)
        self.recolor_button.clicked.connect(self.recolor_option)
        self.delete_button.clicked.connect(self.delete_option)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.active.clicked.connect(self.set_active)  # the user's click, not a programmatic setChecked
        # The user's pick (``activated``), not a programmatic setCurrentIndex.
        self.outcome.activated.connect(lambda index: self.set_outcome(self.outcome.itemData(index) or None))
        self.list.currentItemChanged.connect(self._current_changed)
        reading_order(self.list, self.title, self.color, self.active, self.outcome, self.add_button,
                        self.rename_button, self.recolor_button, self.delete_button, self.up_button, self.down_button,
                        self.close_button)
        self.reload()
        self.finish_setup()

    def edit_widgets(self) -> list[QWidget]:
        return [self.title, self.color, self.add_button, self.rename_button, self.recolor_button, self.delete_button]

    def order_on_server(self) -> bool:
        return self.caps.option_order_writable

    def update_actions(self) -> None:
        super().update_actions()
        # An order kept on this computer is anyone's to change; one on the server is an admin's.
        for button in (self.up_button, self.down_button):
            button.setEnabled(self.editable or not self.order_on_server())
        writable = self.caps.option_active_writable
        self.active.setEnabled(self.editable and writable and self.current_option() is not None)
        self.active.setToolTip("" if writable else self.caps.reason("option_active_writable") or "")
        notes = [] if self.order_on_server() else [
            f"Order is kept on this computer. {self.caps.reason('option_order_writable')}"]
        if not writable:
            notes.append(self.caps.reason("option_active_writable") or "")
        is_status = self.noun() == "status"
        self.outcome.setVisible(is_status)
        self.outcome_label.setVisible(is_status)
        outcome_writable = self.caps.status_outcome_writable
        option = self.current_option()
        # Where the server keeps no outcome, "Open" would be a guess: the choice shows none.
        known = option is not None and (outcome_writable or option.outcome is not None)
        self.outcome.setCurrentIndex(self.outcome.findData(option.outcome or "") if known and option else -1)
        self.outcome.setEnabled(self.editable and outcome_writable and option is not None)
        why_no_outcome = "" if outcome_writable else (self.caps.reasons.get("status_outcome_writable") or NO_OUTCOME)
        self.outcome.setToolTip(why_no_outcome)
        if is_status and why_no_outcome:
            notes.append(why_no_outcome)
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))

    # -- the list --------------------------------------------------------------------------------

    def attribute(self) -> AttributeDef | None:
        store = self.context.store
        obj = store.schema.get_object(self.object_slug) if store is not None else None
        return obj.attribute(self.attribute_slug) if obj is not None else None

    def noun(self) -> str:
        attr = self.attribute()
        return "status" if attr is not None and attr.type is AttributeType.STATUS else "option"

    def _settings_key(self) -> str:
        store = self.context.store
        workspace = store.path.stem if store is not None else ""
        return f"admin/option-order/{workspace}/{self.object_slug}/{self.attribute_slug}"

    def ordered(self) -> list[Option]:
        attr = self.attribute()
        if attr is None:
            return []
        if self.order_on_server():
            return sorted(attr.options, key=lambda o: o.order)
        settings = self.context.settings
        saved = settings.value(self._settings_key(), []) if settings is not None else self._local_order
        saved = [saved] if isinstance(saved, str) else list(saved or [])
        rank = {option_id: i for i, option_id in enumerate(saved)}
        options = sorted(attr.options, key=lambda o: o.order)
        return sorted(options, key=lambda o: rank.get(o.id, len(rank) + options.index(o)))

    def reload(self) -> None:
        attr = self.attribute()
        self.setWindowTitle(f"{'Statuses' if self.noun() == 'status' else 'Options'} of “{attr.title}”"
                            if attr is not None else "Options")
        current = self.current_id()
        self.list.clear()
        store = self.context.store
        # One read of the object's rows for all options (reload runs after every sync change).
        usage = option_usage(store, self.object_slug, attr) if attr and store else {}
        for option in self.ordered():
            used = usage.get(option.id, 0)
            text = f"{option.title}  ·  {used:,} record{'s' if used != 1 else ''}"
            # A won or lost status says so (on Aria it is also an inactive one: that is how it closes).
            mark = option.outcome or ("" if option.active else "inactive")
            item = QListWidgetItem(swatch(option.color), text + (f"  ·  {mark}" if mark else ""))
            item.setData(IdRole, option.id)
            self.list.addItem(item)
            if option.id == current:
                self.list.setCurrentItem(item)
        self.show_empty("" if self.list.count() or attr is None else
                        f"No {'statuses' if self.noun() == 'status' else 'options'} yet. "
                        "Type a title below and press Add.")
        self.update_actions()

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(IdRole) if item is not None else None

    def current_option(self) -> Option | None:
        attr, option_id = self.attribute(), self.current_id()
        return attr.option_by_id(option_id) if attr is not None and option_id else None

    def select_title(self, title: str) -> None:
        attr = self.attribute()
        option = attr.option_by_title(title) if attr is not None else None
        for row in range(self.list.count()):
            if option is not None and self.list.item(row).data(IdRole) == option.id:
                self.list.setCurrentRow(row)

    def _current_changed(self, *_: object) -> None:
        option = self.current_option()
        if option is not None:
            self.title.setText(option.title)
            index = self.color.findData(option.color)
            if index >= 0:
                self.color.setCurrentIndex(index)
            self.active.setChecked(option.active)
        self.update_actions()

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        if row < 0 or not 0 <= row + step < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(row + step, item)
        self.list.setCurrentRow(row + step)
        order = [self.list.item(i).data(IdRole) for i in range(self.list.count())]
        attr = self.attribute()
        if self.order_on_server():
            if attr is not None:
                self._send_order(attr, order)
            return
        self._local_order = order
        if self.context.settings is not None:
            self.context.settings.setValue(self._settings_key(), order)
        self.say("Order kept on this computer.")

    def _send_order(self, attr: AttributeDef, order: list[str]) -> None:
        """Each option whose place changed gets its new one on the server."""
        moved = [replace(option, order=place) for place, option_id in enumerate(order)
                 if (option := attr.option_by_id(option_id)) is not None and option.order != place]
        slug = self.object_slug

        def send(backend: Any) -> None:
            for option in moved:
                backend.update_option(slug, attr, option)

        self._run("Saving the order", send)

    def set_active(self, active: bool) -> None:
        attr, option = self.attribute(), self.current_option()
        if attr is None or option is None or option.active == active:
            return
        changed, slug = replace(option, active=active), self.object_slug
        what = f"{'Activating' if active else 'Deactivating'} “{option.title}”"
        self._run(what, lambda backend: backend.update_option(slug, attr, changed))

    def set_outcome(self, outcome: str | None) -> None:
        attr, option = self.attribute(), self.current_option()
        if attr is None or option is None or option.outcome == outcome:
            return
        changed, slug = replace(option, outcome=outcome), self.object_slug
        what = f"Marking “{option.title}” {outcome or 'open'}"
        self._run(what, lambda backend: backend.update_option(slug, attr, changed))

    # -- server changes -----------------------------------------------------------------------------

    def _run(self, what: str, call: Any) -> None:
        self.say(f"{what} on the server…")
        self.access.run(call, lambda _r: self.say(f"{what}: done; the workspace is syncing."), self._failed)

    def _failed(self, error: Exception) -> None:
        """The server refused, or took part of it (a read-back that found the outcome not kept
        after the PATCH changed the rest): the schema is pulled again and the controls show what
        the workspace file says, not the pick the server did not keep. The title field keeps
        what was typed."""
        typed = self.title.text()
        self.access.pull_schema()
        self.reload()
        self.title.setText(typed)
        self.say(describe(error))

    def _title_problem(self, title: str, ignore: str | None = None) -> str | None:
        attr = self.attribute()
        if not title:
            return f"Type the {self.noun()}'s title first."
        other = attr.option_by_title(title) if attr is not None else None
        if other is not None and other.id != ignore:
            return f"There is already a {self.noun()} called “{other.title}”."
        return None

    def add_option(self) -> None:
        attr, title = self.attribute(), self.title.text().strip()
        problem = self._title_problem(title)
        if attr is None or problem:
            self.say(problem or "")
            return
        option, slug = Option(id="", title=title, color=self.color.currentData()), self.object_slug
        self._run(f"Adding “{title}”", lambda backend: backend.create_option(slug, attr, option))

    def rename_option(self) -> None:
        attr, option, title = self.attribute(), self.current_option(), self.title.text().strip()
        if attr is None or option is None:
            return
        problem = self._title_problem(title, ignore=option.id)
        if problem:
            self.say(problem)
            return
        changed, slug = replace(option, title=title), self.object_slug
        self._run(f"Renaming “{option.title}” to “{title}”", lambda backend: backend.update_option(slug, attr, changed))

    def recolor_option(self) -> None:
        attr, option = self.attribute(), self.current_option()
        if attr is None or option is None:
            return
        changed, slug = replace(option, color=self.color.currentData()), self.object_slug
        self._run(f"Recoloring “{option.title}”", lambda backend: backend.update_option(slug, attr, changed))

    def delete_option(self) -> ConfirmDialog | None:
        attr, option, store = self.attribute(), self.current_option(), self.context.store
        if attr is None or option is None or store is None:
            return None
        using = records_using_option(store, self.object_slug, attr, option.id)
        choices: list[tuple[str, Any]] | None = None
        if using:
            text = (f"{len(using):,} record{'s use' if len(using) != 1 else ' uses'} “{option.title}”. "
                    f"What should {'they' if len(using) != 1 else 'it'} get instead?")
            choices = [(o.title, o.id) for o in self.ordered() if o.id != option.id]
            if not attr.required:
                choices.insert(0, ("Leave empty", None))
        else:
            text = f"Delete the {self.noun()} “{option.title}”? No record uses it."
        self.confirm = ConfirmDialog(self, f"Delete {self.noun()}", text, f"Delete {self.noun()}", choices=choices)
        self.confirm.accepted.connect(lambda: self._delete(attr, option, using, self.confirm.choice()))
        self.confirm.open()
        return self.confirm

    def _delete(self, attr: AttributeDef, option: Option, using: list[str], replacement: str | None) -> None:
        store = self.context.store
        if store is not None and using:
            # The records change first, through the outbox: nothing depends on the delete succeeding.
            for record_id in using:
                row = store.records.get(record_id)
                if row is not None:
                    store.edits.update_record(record_id, {attr.slug: replaced(row.values.get(attr.slug),
                                                                             option.id, replacement)})
            if self.context.sync is not None:
                self.context.sync.local_edit()
        slug = self.object_slug
        self._run(f"Deleting “{option.title}”", lambda backend: backend.delete_option(slug, attr, option.id))
