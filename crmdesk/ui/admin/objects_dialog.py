"""Workspace ▸ Settings ▸ Objects: the list of objects; create, rename, delete, and the way
into each object's attributes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QWidget

from crmdesk.ui.admin.base import AdminDialog
from crmdesk.ui.admin.common import describe
from crmdesk.ui.admin.confirm import ConfirmDialog
from crmdesk.ui.admin.object_form import ObjectForm
from crmdesk.ui.dialogs.tab_order import reading_order

if TYPE_CHECKING:
    from crmdesk.context import AppContext

SlugRole = Qt.ItemDataRole.UserRole


class ObjectsDialog(AdminDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        self.form: ObjectForm | None = None
        self.confirm: ConfirmDialog | None = None
        self.attributes_dialog: Any = None
        self._pending_select: str | None = None
        self.list = QListWidget()
        super().__init__(context, parent)
        self.setWindowTitle("Objects")
        self.resize(560, 460)
        self.list.setParent(self)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_attributes())
        self.body.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("New object…", self)
        self.rename_button = QPushButton("Rename…", self)
        self.delete_button = QPushButton("Delete…", self)
        self.attributes_button = QPushButton("Attributes…", self)
        for button in (self.new_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.attributes_button)
        self.body.addLayout(buttons)
        self.new_button.clicked.connect(self.new_object)
        self.rename_button.clicked.connect(self.rename_object)
        self.delete_button.clicked.connect(self.delete_object)
        self.attributes_button.clicked.connect(self.edit_attributes)
        reading_order(self.list, self.new_button, self.rename_button, self.delete_button, self.attributes_button,
                        self.close_button)
        self.finish_setup()

    def edit_widgets(self) -> list[QWidget]:
        return [self.new_button, self.rename_button, self.delete_button]

    def reload(self) -> None:
        store = self.context.store
        current = self._pending_select or self.current_slug()
        self.list.clear()
        if store is None:
            return
        for slug, obj in store.schema.objects().items():
            count = store.records.count(slug)
            item = QListWidgetItem(f"{obj.plural_name}  ·  {slug}  ·  {count:,} record{'s' if count != 1 else ''}")
            item.setData(SlugRole, slug)
            self.list.addItem(item)
            if slug == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.show_empty("" if self.list.count() else
                        "No objects yet. The first sync lists the server's; New object… makes one.")

    def current_slug(self) -> str | None:
        item = self.list.currentItem()
        return item.data(SlugRole) if item is not None else None

    def select(self, slug: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(SlugRole) == slug:
                self.list.setCurrentRow(row)

    # -- actions ------------------------------------------------------------------------------------

    def _taken(self) -> set[str]:
        store = self.context.store
        return set(store.schema.objects()) if store is not None else set()

    def new_object(self) -> ObjectForm:
        self.form = ObjectForm(self.access, None, self._taken(), self)
        self.form.saved.connect(self._saved)
        self.form.open()
        return self.form

    def rename_object(self) -> ObjectForm | None:
        slug = self.current_slug()
        store = self.context.store
        obj = store.schema.get_object(slug) if store is not None and slug else None
        if obj is None:
            return None
        self.form = ObjectForm(self.access, obj, self._taken(), self)
        self.form.saved.connect(self._saved)
        self.form.open()
        return self.form

    def _saved(self, slug: str) -> None:
        self._pending_select = slug
        form = self.form
        name = form.plural.text().strip() if form is not None else slug
        text = f"“{name}” was saved on the server; this list follows after the next sync."
        if form is not None and form.title_problem:
            text += f" Its Name attribute could not be added: {form.title_problem}"
        self.say(text)

    def delete_object(self) -> ConfirmDialog | None:
        slug = self.current_slug()
        store = self.context.store
        obj = store.schema.get_object(slug) if store is not None and slug else None
        if obj is None or store is None:
            return None
        count = store.records.count(obj.slug)
        text = (f"Delete the object “{obj.plural_name}” and its {count:,} record{'s' if count != 1 else ''}? "
                "This cannot be undone: the server deletes them for everyone.")
        self.confirm = ConfirmDialog(self, "Delete object", text, f"Delete {obj.plural_name}",
                                     type_to_confirm=obj.slug)
        self.confirm.accepted.connect(lambda: self._delete(obj.slug, obj.plural_name))
        self.confirm.open()
        return self.confirm

    def _delete(self, slug: str, name: str) -> None:
        self.say(f"Deleting “{name}” on the server…")
        self.access.run(lambda backend: backend.delete_object(slug),
                        lambda _r: self.say(f"“{name}” was deleted."), lambda e: self.say(describe(e)))

    def edit_attributes(self) -> Any:
        from crmdesk.ui.admin.attributes_dialog import AttributesDialog

        slug = self.current_slug()
        if slug is None:
            return None
        self.attributes_dialog = AttributesDialog(self.context, slug, self, access=self.access)
        self.attributes_dialog.open_for_user()
        return self.attributes_dialog
