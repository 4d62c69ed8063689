"""Members administration, who may edit (a member token sees read-only dialogs with the
reason), and offline: the message, and nothing typed is lost. Against the real sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from crmdesk.context import AppContext
from crmdesk.model import AttributeType
from crmdesk.paths import Paths
from crmdesk.remote.dialects import open_backend
from crmdesk.sandbox.server import SandboxServer
from crmdesk.store import Store
from crmdesk.sync import SyncEngine
from crmdesk.sync.worker import SyncController
from crmdesk.ui.admin.common import OFFLINE
from crmdesk.ui.admin.members_dialog import MembersDialog
from crmdesk.ui.admin.objects_dialog import ObjectsDialog

pytestmark = pytest.mark.qt_log_ignore("QObject::killTimer: Timers cannot be stopped from another thread")


class Env:
    def __init__(self, qtbot: Any, tmp_path: Path, role: str) -> None:
        self.server = SandboxServer(records=12, seed=7).start()
        token = self.server.admin_token if role == "admin" else self.server.member_token
        db_path = tmp_path / "w.sqlite"
        self.store = Store.open(db_path)
        backend = open_backend("aria", self.server.url, token)
        try:
            SyncEngine(self.store, backend).sync()
        finally:
            backend.close()

        def factory() -> Any:
            return open_backend("aria", self.server.url, token)

        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        self.context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=self.store, undo_stack=QUndoStack(),
                                  settings=settings, backend_factory=factory)
        self.context.sync = SyncController(db_path, factory, interval_ms=3_600_000)
        with qtbot.waitSignal(self.context.sync.worker.finished, timeout=30_000):
            self.context.sync.start()

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = httpx.request(method, f"{self.server.url}/api/v1{path}", timeout=10,
                               headers={"Authorization": f"Bearer {self.server.admin_token}"}, **kwargs)
        return answer.json().get("data")

    def members(self) -> dict[str, str]:
        return {m["userEmail"] if "userEmail" in m else m["email"]: m["role"]
                for m in self.api("GET", "/workspace-members")["members"]}

    def stop(self) -> None:
        assert self.context.sync is not None
        self.context.sync.stop()
        # A dialog is usable at once from the kept capabilities: its probe may still be asking.
        assert QThreadPool.globalInstance().waitForDone(30_000)
        QApplication.processEvents()
        self.store.close()
        self.server.stop()


@pytest.fixture
def admin(qtbot: Any, tmp_path: Path) -> Iterator[Env]:
    env = Env(qtbot, tmp_path, "admin")
    yield env
    env.stop()


@pytest.fixture
def member(qtbot: Any, tmp_path: Path) -> Iterator[Env]:
    env = Env(qtbot, tmp_path, "member")
    yield env
    env.stop()


def click(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_invite_change_role_and_remove_a_member(qtbot: Any, admin: Env) -> None:
    dialog = MembersDialog(admin.context)
    qtbot.addWidget(dialog)
    dialog.open_for_user()
    qtbot.waitUntil(lambda: dialog.editable, timeout=15_000)
    assert dialog.tree.topLevelItemCount() == len(admin.store.schema.members())
    qtbot.keyClicks(dialog.email, "not-an-address")
    click(qtbot, dialog.invite_button)
    assert dialog.email_error.text() == "That is not an email address."
    dialog.email.clear()
    qtbot.keyClicks(dialog.email, "new.partner@example.com")
    dialog.invite_role.setCurrentText("admin")
    click(qtbot, dialog.invite_button)
    qtbot.waitUntil(lambda: admin.members().get("new.partner@example.com") == "admin", timeout=15_000)
    def invited_is_current() -> bool:
        dialog.select_email("new.partner@example.com")
        current = dialog.current_member()
        return current is not None and current.email == "new.partner@example.com"

    qtbot.waitUntil(invited_is_current, timeout=15_000)
    assert dialog.tree.currentItem().text(2) == "admin"

    dialog.role.setCurrentText("member")
    click(qtbot, dialog.set_role_button)
    qtbot.waitUntil(lambda: admin.members().get("new.partner@example.com") == "member", timeout=15_000)
    qtbot.waitUntil(lambda: dialog.current_member() is not None and dialog.current_member().role == "member",
                    timeout=15_000)

    confirm = dialog.remove()
    assert confirm is not None and "new.partner@example.com" in confirm.text.text()
    click(qtbot, confirm.confirm_button)
    qtbot.waitUntil(lambda: "new.partner@example.com" not in admin.members(), timeout=15_000)
    qtbot.waitUntil(lambda: all(m.email != "new.partner@example.com" for m in admin.store.schema.members()),
                    timeout=15_000)


def test_a_member_sees_every_dialog_read_only_with_the_reason(qtbot: Any, member: Env) -> None:
    objects = ObjectsDialog(member.context)
    qtbot.addWidget(objects)
    objects.open_for_user()
    reason = "Read-only: Your role in this workspace is member; changing the schema needs an admin."
    qtbot.waitUntil(lambda: objects.read_only_line.text() == reason, timeout=15_000)
    assert objects.read_only_line.isVisibleTo(objects)
    assert not any(b.isEnabled() for b in (objects.new_button, objects.rename_button, objects.delete_button))
    objects.select("deals")
    attributes = objects.edit_attributes()
    assert attributes.read_only_line.text() == reason
    assert not attributes.new_button.isEnabled() and not attributes.delete_button.isEnabled()
    attributes.select("stage")
    form = attributes.edit_attribute()
    assert not form.title.isEnabled()
    assert not form.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    form.reject()
    options = attributes.edit_options()
    assert options.read_only_line.isVisibleTo(options) and not options.add_button.isEnabled()
    members = MembersDialog(member.context)
    qtbot.addWidget(members)
    members.open_for_user()
    qtbot.waitUntil(lambda: members.read_only_line.text().startswith("Read-only: Your role"), timeout=15_000)
    assert not members.invite_button.isEnabled() and not members.remove_button.isEnabled()


def test_a_workspace_without_a_server_is_read_only_with_the_reason(qtbot: Any, tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.sqlite") as store:
        context = AppContext(paths=Paths.resolve(tmp_path / "data"), store=store)
        dialog = ObjectsDialog(context)
        qtbot.addWidget(dialog)
        dialog.open_for_user()
        assert dialog.read_only_line.text().startswith("Read-only: This workspace is not connected to a server")
        assert not dialog.new_button.isEnabled()


# The server is stopped on purpose: the transport's warnings as it asks again are expected.
@pytest.mark.allow_log_warnings(r"failed \(Could not reach 127\.0\.0\.1: .*\), attempt \d+ of \d+; retrying in ")
def test_offline_says_so_and_keeps_what_was_typed(qtbot: Any, admin: Env) -> None:
    objects = ObjectsDialog(admin.context)
    qtbot.addWidget(objects)
    objects.open_for_user()
    qtbot.waitUntil(lambda: objects.editable, timeout=15_000)
    objects.select("deals")
    attributes = objects.edit_attributes()
    admin.context.sync.stop()
    QApplication.processEvents()
    admin.server.stop()

    form = objects.new_object()
    qtbot.keyClicks(form.singular, "Partner")  # the plural follows: Partners
    click(qtbot, form.buttons.button(QDialogButtonBox.StandardButton.Save))
    qtbot.waitUntil(lambda: form.message.text() == OFFLINE, timeout=15_000)
    assert form.isVisible()
    assert (form.singular.text(), form.plural.text(), form.slug.text()) == ("Partner", "Partners", "partners")

    attribute = attributes.new_attribute()
    qtbot.keyClicks(attribute.title, "Budget")
    attribute.type.setCurrentIndex(attribute.type.findData(AttributeType.CURRENCY))
    qtbot.keyClicks(attribute.currency, "EUR")
    click(qtbot, attribute.buttons.button(QDialogButtonBox.StandardButton.Save))
    qtbot.waitUntil(lambda: attribute.message.text() == OFFLINE, timeout=15_000)
    assert attribute.isVisible() and attribute.title.text() == "Budget" and attribute.currency.text() == "EUR"
    assert attribute.slug.text() == "budget"
    assert admin.store.schema.get_object("partners") is None  # not queued: nothing pretends it was saved
