"""Workspace ▸ Settings ▸ Members: who is in the workspace and with which role; invite by
email, change a role, remove (asking first)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from crmdesk.model import Member
from crmdesk.ui.admin.base import AdminDialog
from crmdesk.ui.admin.common import describe, error_label, field_of, show_error
from crmdesk.ui.admin.confirm import ConfirmDialog

if TYPE_CHECKING:
    from crmdesk.context import AppContext

ROLES = ("member", "admin")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
IdRole = Qt.ItemDataRole.UserRole


class MembersDialog(AdminDialog):
    capability = "member_admin"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        self.confirm: ConfirmDialog | None = None
        self.tree = QTreeWidget()
        super().__init__(context, parent)
        self.setWindowTitle("Members")
        self.resize(560, 440)
        self.tree.setParent(self)
        self.tree.setHeaderLabels(["Name", "Email", "Role"])
        self.tree.setRootIsDecorated(False)
        self.body.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.role = QComboBox(self)
        self.role.addItems(ROLES)
        self.set_role_button = QPushButton("Change role", self)
        self.remove_button = QPushButton("Remove…", self)
        row.addWidget(self.role)
        row.addWidget(self.set_role_button)
        row.addStretch(1)
        row.addWidget(self.remove_button)
        self.body.addLayout(row)
        invite = QHBoxLayout()
        self.email = QLineEdit(self)
        self.email.setPlaceholderText("name@example.com")
        self.invite_role = QComboBox(self)
        self.invite_role.addItems(ROLES)
        self.invite_button = QPushButton("Invite", self)
        invite.addWidget(self.email, 1)
        invite.addWidget(self.invite_role)
        invite.addWidget(self.invite_button)
        self.body.addLayout(invite)
        self.email_error = error_label(self)
        self.body.addWidget(self.email_error)
        self.invite_button.clicked.connect(self.invite)
        self.email.returnPressed.connect(self.invite)
        self.set_role_button.clicked.connect(self.change_role)
        self.remove_button.clicked.connect(self.remove)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.finish_setup()

    def edit_widgets(self) -> list[QWidget]:
        return [self.role, self.set_role_button, self.remove_button, self.email, self.invite_role, self.invite_button]

    def reload(self) -> None:
        store = self.context.store
        selected = self.tree.currentItem()
        current = selected.data(0, IdRole) if selected is not None else None
        self.tree.clear()
        for member in store.schema.members() if store is not None else []:
            item = QTreeWidgetItem([member.name, member.email, member.role])
            item.setData(0, IdRole, member.id)
            self.tree.addTopLevelItem(item)
            if member.id == current:
                self.tree.setCurrentItem(item)

    def current_member(self) -> Member | None:
        item = self.tree.currentItem()
        store = self.context.store
        if item is None or store is None:
            return None
        member_id = item.data(0, IdRole)
        return next((m for m in store.schema.members() if m.id == member_id), None)

    def select_email(self, email: str) -> None:
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item.text(1) == email:
                self.tree.setCurrentItem(item)

    def _current_changed(self, *_: object) -> None:
        member = self.current_member()
        if member is not None:
            self.role.setCurrentText(member.role)

    def _failed(self, error: Exception) -> None:
        text = describe(error)
        if field_of(error, ("email",)):
            show_error(self.email_error, text)
        else:
            self.say(text)

    def invite(self) -> None:
        email, role = self.email.text().strip(), self.invite_role.currentText()
        if not EMAIL.match(email):
            show_error(self.email_error, "That is not an email address.")
            return
        show_error(self.email_error, None)
        self.say(f"Inviting {email}…")

        def done(_member: object) -> None:
            self.email.clear()
            self.say(f"{email} was invited as {role}.")

        self.access.run(lambda backend: backend.invite_member(email, role), done, self._failed)

    def change_role(self) -> None:
        member, role = self.current_member(), self.role.currentText()
        if member is None or member.role == role:
            return
        self.say(f"Making {member.email} {role}…")
        self.access.run(lambda backend: backend.set_member_role(member.id, role),
                        lambda _r: self.say(f"{member.email} is now {role}."), self._failed)

    def remove(self) -> ConfirmDialog | None:
        member = self.current_member()
        if member is None:
            return None
        text = f"Remove {member.name or member.email} ({member.email}) from this workspace?"
        self.confirm = ConfirmDialog(self, "Remove member", text, "Remove")
        self.confirm.accepted.connect(lambda: self.access.run(
            lambda backend: backend.remove_member(member.id),
            lambda _r: self.say(f"{member.email} was removed."), self._failed))
        self.confirm.open()
        return self.confirm
