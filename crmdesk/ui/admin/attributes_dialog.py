"""The attributes of one object, in order: create, edit, delete, reorder, and the way into
a select's options or a status's statuses.

Where the server stores an attribute's place (``Capabilities.attribute_order_writable``) a
dragged order is sent to it; elsewhere it is kept on this computer (QSettings, per workspace and
object) and used by this dialog, and the server's order is unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QWidget

from crmdesk.model import AttributeDef
from crmdesk.ui.admin.base import AdminDialog
from crmdesk.ui.admin.common import TYPE_TITLES, describe
from crmdesk.ui.admin.confirm import ConfirmDialog
from crmdesk.ui.admin.values import records_with_value
from crmdesk.ui.dialogs.tab_order import reading_order

if TYPE_CHECKING:
    from crmdesk.context import AppContext
    from crmdesk.ui.admin.access import AdminAccess

SlugRole = Qt.ItemDataRole.UserRole


class AttributesDialog(AdminDialog):
    def __init__(self, context: AppContext, object_slug: str, parent: QWidget | None = None,
                 access: AdminAccess | None = None) -> None:
        self.object_slug = object_slug
        self.form: Any = None
        self.options_dialog: Any = None
        self.confirm: ConfirmDialog | None = None
        self._local_order: list[str] = []
        self.list = QListWidget()
        super().__init__(context, parent, access)
        self.list.setParent(self)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.model().rowsMoved.connect(self._order_changed)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_attribute())
        self.resize(600, 520)
        self.order_note = QLabel(self)
        self.order_note.setWordWrap(True)
        self.order_note.setTextFormat(Qt.TextFormat.PlainText)
        self.order_note.setObjectName("orderNote")
        self.body.addWidget(self.order_note)
        self.body.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton("New attribute…", self)
        self.edit_button = QPushButton("Edit…", self)
        self.options_button = QPushButton("Options…", self)
        self.delete_button = QPushButton("Delete…", self)
        for button in (self.new_button, self.edit_button, self.options_button, self.delete_button):
            row.addWidget(button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.new_button.clicked.connect(self.new_attribute)
        self.edit_button.clicked.connect(self.edit_attribute)
        self.options_button.clicked.connect(self.edit_options)
        self.delete_button.clicked.connect(self.delete_attribute)
        self.list.currentItemChanged.connect(lambda *_: self.update_actions())
        reading_order(self.list, self.new_button, self.edit_button, self.options_button, self.delete_button,
                        self.close_button)
        self.reload()
        self.finish_setup()

    def edit_widgets(self) -> list[QWidget]:
        return [self.new_button, self.edit_button, self.delete_button]

    def update_actions(self) -> None:
        super().update_actions()
        attr = self.current_attribute()
        self.list.setDragEnabled(self.editable)
        on_server = self.caps.attribute_order_writable
        self.order_note.setText("Drag to reorder." if on_server else
                                f"Drag to reorder; the order is kept on this computer. "
                                f"{self.caps.reason('attribute_order_writable')}")
        self.options_button.setEnabled(attr is not None and attr.has_options)
        if attr is not None and attr.system:
            self.delete_button.setEnabled(False)
            self.delete_button.setToolTip("Built-in attributes cannot be deleted.")
        else:
            self.delete_button.setToolTip("")

    # -- the list -----------------------------------------------------------------------------

    def obj(self) -> Any:
        store = self.context.store
        return store.schema.get_object(self.object_slug) if store is not None else None

    def _settings_key(self) -> str:
        store = self.context.store
        workspace = store.path.stem if store is not None else ""
        return f"admin/attribute-order/{workspace}/{self.object_slug}"

    def ordered(self) -> list[AttributeDef]:
        obj = self.obj()
        if obj is None:
            return []
        if self.caps.attribute_order_writable:
            return sorted(obj.attributes, key=lambda a: a.order)
        settings = self.context.settings
        saved = settings.value(self._settings_key(), []) if settings is not None else self._local_order
        saved = [saved] if isinstance(saved, str) else list(saved or [])
        rank = {slug: i for i, slug in enumerate(saved)}
        attrs = sorted(obj.attributes, key=lambda a: a.order)
        return sorted(attrs, key=lambda a: rank.get(a.slug, len(rank) + attrs.index(a)))

    def reload(self) -> None:
        obj = self.obj()
        self.setWindowTitle(f"Attributes of {obj.plural_name}" if obj else "Attributes")
        current = self.current_slug()
        self.list.clear()
        for attr in self.ordered():
            flags = [TYPE_TITLES.get(attr.type, attr.type.value)]
            flags += [word for word, on in (("required", attr.required), ("unique", attr.unique),
                                            ("multiple", attr.multiselect), ("built-in", attr.system)) if on]
            item = QListWidgetItem(f"{attr.title}  ·  {attr.slug}  ·  {', '.join(flags)}")
            item.setData(SlugRole, attr.slug)
            self.list.addItem(item)
            if attr.slug == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.show_empty("" if self.list.count() else "No attributes yet. New attribute… adds the first one.")
        self.update_actions()

    def current_slug(self) -> str | None:
        item = self.list.currentItem()
        return item.data(SlugRole) if item is not None else None

    def current_attribute(self) -> AttributeDef | None:
        obj, slug = self.obj(), self.current_slug()
        return obj.attribute(slug) if obj is not None and slug else None

    def select(self, slug: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(SlugRole) == slug:
                self.list.setCurrentRow(row)

    def _order_changed(self, *_: object) -> None:
        order = [self.list.item(row).data(SlugRole) for row in range(self.list.count())]
        obj = self.obj()
        if self.caps.attribute_order_writable:
            if obj is not None:
                self._send_order(obj, order)
            return
        self._local_order = order
        if self.context.settings is not None:
            self.context.settings.setValue(self._settings_key(), order)
        self.say("Order kept on this computer.")

    def _send_order(self, obj: Any, order: list[str]) -> None:
        """Each attribute whose place changed gets its new one on the server."""
        moved = [(str(attr.id), place) for place, slug in enumerate(order)
                 if (attr := obj.attribute(slug)) is not None and attr.id is not None and attr.order != place]
        object_slug = self.object_slug

        def send(backend: Any) -> None:
            for attribute_id, place in moved:
                backend.update_attribute(object_slug, attribute_id, order=place)

        self.say("Saving the order on the server…")
        self.access.run(send, lambda _r: self.say("Order saved; the workspace is syncing."),
                        lambda error: self.say(describe(error)))

    # -- actions --------------------------------------------------------------------------------

    def new_attribute(self) -> Any:
        from crmdesk.ui.admin.attribute_form import AttributeForm

        self.form = AttributeForm(self.context, self.access, self.object_slug, None, self)
        self.form.saved.connect(self._saved)
        self.form.open()
        return self.form

    def edit_attribute(self) -> Any:
        from crmdesk.ui.admin.attribute_form import AttributeForm

        attr = self.current_attribute()
        if attr is None:
            return None
        self.form = AttributeForm(self.context, self.access, self.object_slug, attr, self)
        self.form.set_editable(self.editable)
        self.form.saved.connect(self._saved)
        self.form.open()
        return self.form

    def _saved(self, slug: str) -> None:
        # Named as the admin knows it: by the title typed, not the slug derived from it.
        form = self.form
        title = form.title.text().strip() if form is not None else ""
        self.say(f"“{title or slug}” was saved on the server; the workspace is syncing.")

    def edit_options(self) -> Any:
        from crmdesk.ui.admin.options_dialog import OptionsDialog

        attr = self.current_attribute()
        if attr is None or not attr.has_options:
            return None
        self.options_dialog = OptionsDialog(self.context, self.object_slug, attr.slug, self, access=self.access)
        self.options_dialog.open_for_user()
        return self.options_dialog

    def delete_attribute(self) -> ConfirmDialog | None:
        attr, store = self.current_attribute(), self.context.store
        if attr is None or store is None or attr.id is None:
            return None
        count = records_with_value(store, self.object_slug, attr)
        text = (f"Delete the attribute “{attr.title}”? Its values in {count:,} record{'s' if count != 1 else ''} "
                "are deleted with it, for everyone. This cannot be undone.")
        self.confirm = ConfirmDialog(self, "Delete attribute", text, "Delete attribute")
        attribute_id, slug = attr.id, self.object_slug
        self.confirm.accepted.connect(lambda: self.access.run(
            lambda backend: backend.delete_attribute(slug, attribute_id),
            lambda _r: self.say(f"“{attr.title}” was deleted."), lambda e: self.say(describe(e))))
        self.confirm.open()
        return self.confirm
