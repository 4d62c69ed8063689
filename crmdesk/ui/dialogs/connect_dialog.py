"""File ▸ Connect to a server: the server type (picked from the address where it tells), the
address and the credentials that type asks for; Test connection says exactly what failed;
Connect keeps the credentials in the keyring, creates the workspace file and switches the
window to it; opened with ``switch_to_workspace=False`` (File ▸ Copy workspace to…, adding a
target) it leaves the window where it is and tells which file it made (``connected``). Every
network call runs on the thread pool.

Return tests the connection (a first try should never create a workspace file) until a test
has passed; from then on, until the form is edited, Return connects. What was typed stays, and
focus goes back to the field it was in, whatever the answer."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmdesk.paths import Paths
from crmdesk.remote.dialects import Dialect, detect_dialect, dialect_named, known_dialects, open_backend
from crmdesk.remote.errors import AuthError, InsecureConnectionRefused, NetworkError, ProtocolError, RemoteError
from crmdesk.ui.background import Background
from crmdesk.ui.dialogs.tab_order import reading_order
from crmdesk.ui.widgets.error_label import error_color
from crmdesk.ui.workspace_switcher import INSECURE_META, tokens_of, workspace_id

if TYPE_CHECKING:
    from crmdesk.context import AppContext

def explain(error: BaseException, dialect: Dialect) -> str:
    """One sentence on what went wrong, with the server's own words where it gave some."""
    if isinstance(error, InsecureConnectionRefused):
        return error.message
    if isinstance(error, AuthError):
        return f"The server did not accept these credentials: {error.message}"
    if isinstance(error, ProtocolError):
        return f"This does not look like a {dialect.title} server: {error.message}"
    if isinstance(error, NetworkError):
        return f"Could not reach the server: {error.message}"
    if isinstance(error, RemoteError):
        return f"The server answered with an error: {error.message}"
    if isinstance(error, ValueError):
        return str(error)
    return f"Unexpected error: {error}"


def probe(dialect: str, url: str, credentials: Mapping[str, str], insecure: bool) -> str:
    """Runs on the pool: one authenticated call. Returns the workspace's name."""
    backend = open_backend(dialect, url, credentials, allow_insecure_http=insecure)
    try:
        workspace = backend.workspace()
        return workspace.name or workspace.id
    finally:
        backend.close()


def create_workspace(paths: Paths, dialect: str, url: str, credentials: Mapping[str, str], insecure: bool) -> Path:
    """Runs on the pool: create (or find) the workspace file. The store is closed again
    here because SQLite connections belong to the thread that opened them."""
    from crmdesk.workspaces import open_workspace_store

    backend = open_backend(dialect, url, credentials, allow_insecure_http=insecure)
    try:
        store = open_workspace_store(paths, backend, dialect, url)
    finally:
        backend.close()
    with store:
        with store.write():
            store.schema.set_meta(INSECURE_META, "1" if insecure else "0")
        return store.path


class ConnectDialog(QDialog):
    """Built by the main window as ``ConnectDialog(context, window)``."""

    #: Connect made (or found) this workspace file and kept its credentials.
    connected = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 switch_to_workspace: bool = True) -> None:
        """``switch_to_workspace=False``: Connect leaves the window on the workspace it shows."""
        super().__init__(parent)
        self.context = context
        self.window_ = parent
        self._switch = switch_to_workspace
        self.setWindowTitle("Connect to a server")
        self.setMinimumWidth(520)
        self.background = Background(self)
        self.dialect = QComboBox()
        for dialect in known_dialects():
            self.dialect.addItem(dialect.title, dialect.name)
        self.url = QLineEdit()
        #: One field per credential the chosen dialect asks for, by credential key.
        self.secrets: dict[str, QLineEdit] = {}
        self.insecure = QCheckBox("Allow plain http to a non-local server")
        self.insecure.setToolTip("Only for a server on a network you trust: over http:// the API token "
                                 "travels unencrypted.")
        self.insecure.setChecked(False)
        self.keyring_note = QLabel()
        self.keyring_note.setTextFormat(Qt.TextFormat.PlainText)
        self.keyring_note.setWordWrap(True)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = form = QFormLayout()
        form.addRow("Server type", self.dialect)
        form.addRow("Server address", self.url)
        form.addRow("", self.insecure)
        self.buttons = QDialogButtonBox()
        self.test_button = QPushButton("Test connection")
        self.connect_button = QPushButton("Connect")
        self._return_tests(True)
        self.buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(self.test_connection)
        self.connect_button.clicked.connect(self.connect_workspace)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.status)
        layout.addStretch(1)
        # Test connection first, on its own at the left: it is the step before Connect, and Tab
        # reaches it first.
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout.addLayout(row)
        # The credential rows go in once the form is in the dialog: tab order needs one window.
        self._show_credentials()
        self.dialect.currentIndexChanged.connect(self._show_credentials)
        self.url.textEdited.connect(self._detect_dialect)
        self.url.textEdited.connect(lambda _text: self._return_tests(True))
        self.insecure.toggled.connect(lambda _on: self._return_tests(True))
        self.dialect.currentIndexChanged.connect(lambda _index: self._return_tests(True))
        #: The field focus was in when a test or connect started: it gets focus back after.
        self._focus_before: QWidget | None = None
        self._show_keyring_state()
        #: The workspace file the last Connect created (tests and the caller read it).
        self.connected_path: Path | None = None

    def open_for_user(self) -> None:
        self._show_keyring_state()
        self.show()
        self.url.setFocus()

    def chosen_dialect(self) -> Dialect:
        return dialect_named(self.dialect.currentData())

    @Slot()
    def _show_credentials(self) -> None:
        """The credential fields of the chosen server type, below the address (typed text in a
        field both types ask for is kept)."""
        dialect = self.chosen_dialect()
        kept = {key: field.text() for key, field in self.secrets.items()}
        for field in self.secrets.values():
            self.form.removeRow(field)
        self.secrets = {}
        self.url.setPlaceholderText(dialect.example_url)
        for offset, credential in enumerate(dialect.credentials):
            field = QLineEdit(kept.get(credential.key, ""))
            field.setObjectName(f"credential-{credential.key}")
            if credential.hidden:
                field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setPlaceholderText(credential.placeholder or credential.label)
            # An optional one says so where it is asked: left empty, what it turns on stays off.
            label = credential.label if credential.required else f"{credential.label} (optional)"
            self.form.insertRow(2 + offset, label, field)
            field.textEdited.connect(lambda _text: self._return_tests(True))
            self.secrets[credential.key] = field
        # Tab goes from the address through the credentials to the buttons, as read.
        reading_order(self.dialect, self.url, *self.secrets.values(), self.insecure, self.test_button,
                      self.buttons)

    def _return_tests(self, tests: bool) -> None:
        """Which button Return presses: Test connection, or Connect once a test has passed. The
        buttons never take the default on focus, so Return from any field does the same."""
        for button in (self.test_button, self.connect_button):
            button.setAutoDefault(False)
        self.test_button.setDefault(tests)
        self.connect_button.setDefault(not tests)

    @Slot(str)
    def _detect_dialect(self, url: str) -> None:
        """Pick the server type an address gives away (an API base such as …/api/v1)."""
        found = detect_dialect(url)
        if found is not None and found.name != self.dialect.currentData():
            self.dialect.setCurrentIndex(self.dialect.findData(found.name))

    def _show_keyring_state(self) -> None:
        state = tokens_of(self.context).state
        if state.available:
            self.keyring_note.setText("Credentials are kept in the system keyring, never in crmdesk's files.")
            self.keyring_note.setStyleSheet("")
        else:
            self.keyring_note.setText(f"Session only: {state.reason}")
            self.keyring_note.setStyleSheet("color: #8a5300; font-weight: bold;")

    def _fields(self) -> tuple[str, str, dict[str, str], bool] | None:
        url = self.url.text().strip().rstrip("/")
        if not url:
            self._say("Type the server's address, for example https://crm.example.com.", error=True)
            self.url.setFocus()
            return None
        if "://" not in url:
            # "crm.example.com" is what people copy from a browser's address bar: https is what
            # they mean, and the field shows what is tried.
            url = f"https://{url}"
            self.url.setText(url)
        dialect = self.chosen_dialect()
        credentials = {}
        for credential in dialect.credentials:
            field = self.secrets[credential.key]
            value = field.text().strip()
            if not value and not credential.required:
                continue
            if not value:
                self._say(f"Paste the {credential.label.lower()} from the server's settings page.", error=True)
                field.setFocus()
                return None
            credentials[credential.key] = value
        return dialect.name, url, credentials, self.insecure.isChecked()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        # A red that reads on the palette in use: the light one's dark red is murky on dark grey.
        self.status.setStyleSheet(f"color: {error_color(self.palette())};" if error else "")

    def _busy(self, busy: bool) -> None:
        if busy:
            # Disabling the field focus is in would send focus out of the form (to Cancel, where
            # the next Return closes the dialog): it comes back once the answer is in.
            focused = self.focusWidget()
            self._focus_before = focused if focused is not None and self.isAncestorOf(focused) else self.url
        for widget in (self.test_button, self.connect_button, self.url, self.insecure, self.dialect,
                       *self.secrets.values()):
            widget.setEnabled(not busy)
        if not busy and self._focus_before is not None:
            self._focus_before.setFocus()

    @Slot()
    def test_connection(self) -> None:
        fields = self._fields()
        if fields is None:
            return
        self._busy(True)
        self._say("Testing the connection…")
        self.background.run(lambda: probe(*fields), self._tested, self._failed)

    def _tested(self, name: Any) -> None:
        self._busy(False)
        one_token = len(self.chosen_dialect().credentials) == 1
        opener = "This token opens" if one_token else "These credentials open"
        self._say(f"{opener} the workspace “{name}”. Press Connect to use it on this computer.")
        self._return_tests(False)

    def _failed(self, error: Exception) -> None:
        self._busy(False)  # every field keeps what was typed, to be corrected
        self._say(explain(error, self.chosen_dialect()), error=True)
        self._return_tests(True)

    @Slot()
    def connect_workspace(self) -> None:
        fields = self._fields()
        if fields is None:
            return
        self._busy(True)
        self._say("Connecting and creating the workspace…")
        paths = self.context.paths
        self.background.run(lambda: create_workspace(paths, *fields), self._created, self._failed)

    def _created(self, db_path: Any) -> None:
        self._busy(False)
        typed = {key: field.text().strip() for key, field in self.secrets.items()}
        tokens = tokens_of(self.context)
        # An optional credential left empty is none: one kept from an earlier sign-in goes too.
        tokens.delete(workspace_id(db_path), [key for key, value in typed.items() if not value])
        state = tokens.store_credentials(workspace_id(db_path), {k: v for k, v in typed.items() if v})
        for field in self.secrets.values():
            field.clear()  # no copy lingers in the widget once it is stored
        self.connected_path = db_path
        switch = getattr(self.window_, "switch_workspace", None) if self._switch else None
        if switch is not None:
            switch(db_path)
        self.connected.emit(Path(db_path))
        if state.available:
            self._say("Connected. The first sync is running." if switch is not None else "Connected.")
            self.accept()
        else:
            # Stay open so the user reads that they will be asked again next time.
            self._say(f"Connected — but only for this session. {state.reason}", error=True)
