"""Workspace ▸ Settings ▸ Members: who is in the workspace and with which role; invite by
email, change a role, remove (asking first). The person using this workspace is marked "You"
(``store.schema.me()``, set by "This is me" here or by the demo), and people invited from here
whom the server does not list yet are marked "Invited" (kept by ``crmdesk.store.invites``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from crmdesk.model import Member
from crmdesk.store.invites import pending_invites, remember_invite
from crmdesk.ui.admin.base import AdminDialog
from crmdesk.ui.admin.common import describe, error_label, field_of, show_error
from crmdesk.ui.admin.confirm import ConfirmDialog
from crmdesk.ui.dialogs.tab_order import reading_order

if TYPE_CHECKING:
    from crmdesk.context import AppContext

ROLES = ("member", "admin")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
IdRole = Qt.ItemDataRole.UserRole
YOU = "You"
INVITED = "Invited"
INVITED_TIP = "Invited from this computer; the server does not list them as a member yet."
#: The columns, in order.
NAME_COLUMN, EMAIL_COLUMN, ROLE_COLUMN, STATUS_COLUMN = range(4)


class MembersDialog(AdminDialog):
    capability = "member_admin"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        self.confirm: ConfirmDialog | None = None
        self.tree = QTreeWidget()
        super().__init__(context, parent)
        self.setWindowTitle("Members")
        self.resize(560, 440)
        self.tree.setParent(self)
        self.tree.setHeaderLabels(["Name", "Email", "Role", "Status"])
        self.tree.setRootIsDecorated(False)
        # The email takes what is left (a long one is elided); the role and the mark stay whole.
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in (NAME_COLUMN, ROLE_COLUMN, STATUS_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(EMAIL_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.body.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.role = QComboBox(self)
        self.role.addItems(ROLES)
        self.set_role_button = QPushButton("Change role", self)
        self.remove_button = QPushButton("Remove…", self)
        self.me_button = QPushButton("This is me", self)
        self.me_button.setToolTip("Mark the selected member as you: “me” in filters, “You” in this list. "
                                  "Kept on this computer only.")
        row.addWidget(self.role)
        row.addWidget(self.set_role_button)
        row.addStretch(1)
        row.addWidget(self.me_button)
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
        self.me_button.clicked.connect(self.this_is_me)
        reading_order(self.tree, self.role, self.set_role_button, self.me_button, self.remove_button, self.email,
                        self.invite_role, self.invite_button, self.close_button)
        self.reload()
        self.finish_setup()

    def edit_widgets(self) -> list[QWidget]:
        return [self.role, self.set_role_button, self.remove_button, self.email, self.invite_role, self.invite_button]

    def update_actions(self) -> None:
        super().update_actions()
        # Saying who you are changes nothing on the server: a member who may not edit may say it.
        member, store = self.current_member(), self.context.store
        me = store.schema.me() if store is not None else None
        self.me_button.setEnabled(member is not None and me not in (member.id, member.user_id))
        invite_selected = self.tree.currentItem() is not None and member is None
        for button in (self.set_role_button, self.remove_button):
            button.setEnabled(self.editable and not invite_selected)

    def reload(self) -> None:
        store = self.context.store
        selected = self.tree.currentItem()
        current = selected.data(EMAIL_COLUMN, Qt.ItemDataRole.DisplayRole) if selected is not None else None
        self.tree.clear()
        me = store.schema.me() if store is not None else None
        for member in store.schema.members() if store is not None else []:
            you = me is not None and me in (member.id, member.user_id)
            self._add_row([member.name, member.email, member.role, YOU if you else ""], member.id,
                          current, bold=you)
        for invite in pending_invites(store) if store is not None else []:
            # Not a member yet (no id): no role change, no removal.
            item = self._add_row(["", invite.email, invite.role, INVITED], None, current, italic=True)
            item.setToolTip(STATUS_COLUMN, INVITED_TIP)
        self.show_empty("" if self.tree.topLevelItemCount() else
                        "No members are known yet: the first sync with the server lists them.")
        self.update_actions()

    def _add_row(self, texts: list[str], member_id: str | None, current: str | None, *,
                 bold: bool = False, italic: bool = False) -> QTreeWidgetItem:
        """A row of the list (selected when its email is ``current``), in bold or italic throughout."""
        item = QTreeWidgetItem(texts)
        item.setData(0, IdRole, member_id)
        if bold or italic:
            font = QFont(item.font(NAME_COLUMN))
            font.setBold(bold)
            font.setItalic(italic)
            for column in range(len(texts)):
                item.setFont(column, font)
        self.tree.addTopLevelItem(item)
        if texts[1] == current:
            self.tree.setCurrentItem(item)
        return item

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
        self.update_actions()

    def this_is_me(self) -> None:
        member, store = self.current_member(), self.context.store
        if member is None or store is None:
            return
        with store.write():
            store.schema.set_me(member.id)
        self.reload()
        self.say(f"You are {member.name or member.email} in this workspace: “me” in filters means you.")

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
            store = self.context.store
            if store is not None:
                remember_invite(store, email, role)
            self.email.clear()
            self.reload()
            self.select_email(email)
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
