"""One window per data dir: a second start raises the first window, or says who holds the data dir.

Two parts, because each covers what the other cannot:

* a lock file, ``<data dir>/crmdesk.lock`` (``QLockFile``): who holds the data dir, by process
  id and host, and freed by the system's view of that process — a crashed crmdesk leaves a stale
  lock Qt takes over, so a crash never locks the user out;
* a local socket named after the data dir (``QLocalServer``, this user only): the holder
  listens, and a second start asks it to come to the front and then exits.

A first crmdesk still starting (its workspace chooser open, a migration running) answers
"starting" and comes to the front once its window is shown. When the lock is held but nobody
answers (a crmdesk that hangs, or one on another computer sharing the folder), the second start
says which process on which computer holds it and does not open the data dir a second time.

``--screenshot`` runs and the headless commands never take part: they work beside an open window
as they always did (SQLite keeps the file consistent between them).
"""

from __future__ import annotations

import enum
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QLockFile, QObject, QSysInfo, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

#: What a second start sends, and what the first answers: its window is up front, or it is still
#: starting (a workspace chooser open, a migration running) and will come to the front when shown.
RAISE = b"raise\n"
RAISED = b"raised\n"
STARTING = b"starting\n"
#: How long a second start waits to reach the first's socket.
CONNECT_WAIT_MS = 3000
#: How long it waits for the answer once connected: a first crmdesk busy opening its workspace
#: (a backup before a migration, say) answers when its event loop runs again.
ANSWER_WAIT_MS = 20_000
LOCK_NAME = "crmdesk.lock"


class Claim(enum.Enum):
    #: This process holds the data dir: it opens the window and listens.
    FIRST = "first"
    #: Another crmdesk holds it and came to the front: this one exits.
    RAISED = "raised"
    #: Another crmdesk holds it and is still starting: its window comes to the front when shown.
    STARTING = "starting"
    #: Another process holds it and did not answer: this one says so and exits.
    HELD = "held"


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as its file says (pid 0 when it cannot be read)."""

    pid: int
    host: str
    app: str


def server_name(data_dir: Path) -> str:
    """The local socket's name: one per user and data dir, short enough for a Unix socket path."""
    # normcase: on a disk that ignores case (Windows), C:\Data and c:\data are one folder and one lock.
    digest = hashlib.sha256(os.path.normcase(str(data_dir.resolve())).encode("utf-8")).hexdigest()[:16]
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    return f"crmdesk-{user}-{digest}"


def held_message(data_dir: Path, holder: Holder) -> str:
    who = f"process {holder.pid}" if holder.pid else "another process"
    if holder.host and holder.host != QSysInfo.machineHostName():
        # Qt cannot tell whether a process on another computer still runs: the user can.
        return (f"crmdesk on {holder.host} ({who}) is using the data folder {data_dir}. Close it there; "
                f"if crmdesk is not running there any more, delete {data_dir / LOCK_NAME} and start again.")
    return (f"crmdesk is already running with the data folder {data_dir} ({who}), "
            "and it did not answer. Close it, or end that process, then start crmdesk again.")


class SingleInstance(QObject):
    """Claims ``data_dir`` for this process; ``raise_requested`` when a second start asks."""

    raise_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None, answer_ms: int = ANSWER_WAIT_MS) -> None:
        super().__init__(parent)
        self.answer_ms = answer_ms
        self.data_dir = data_dir
        self.name = server_name(data_dir)
        self.lock = QLockFile(str(data_dir / LOCK_NAME))
        # Held for the whole session: never stale by age, only when its process is gone.
        self.lock.setStaleLockTime(0)
        self.server: QLocalServer | None = None
        self.holder: Holder | None = None
        #: Brings this process's window to the front, once there is one (``connect_window``).
        self._bring_to_front: Callable[[], None] | None = None
        #: A second start asked before the window was shown: it comes to the front when it is.
        self._raise_pending = False

    def claim(self) -> Claim:
        if self.lock.tryLock(0):
            self._listen()
            return Claim.FIRST
        answer = ask_to_raise(self.name, answer_ms=self.answer_ms)
        if answer == RAISED:
            return Claim.RAISED
        if answer == STARTING:
            return Claim.STARTING
        if self.lock.tryLock(0):  # the holder quit while we asked
            self._listen()
            return Claim.FIRST
        pid, host, app = self.lock.getLockInfo()  # (0, "", "") when the file cannot be read
        self.holder = Holder(pid, host, app)
        return Claim.HELD

    def connect_window(self, bring_to_front: Callable[[], None]) -> None:
        """From now on a second start brings the window to the front; at once if one already asked."""
        self._bring_to_front = bring_to_front
        if self._raise_pending:
            self._raise_pending = False
            bring_to_front()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()

    def _listen(self) -> None:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # A socket file left by a crmdesk that crashed: ours to remove, as we hold the lock now.
        QLocalServer.removeServer(self.name)
        if not server.listen(self.name):
            return  # no raising then, but the lock still keeps a second window out
        server.newConnection.connect(self._answer)
        self.server = server

    def _answer(self) -> None:
        assert self.server is not None
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        if bytes(socket.readLine().data()) == RAISE:
            self.raise_requested.emit()
            if self._bring_to_front is not None:
                self._bring_to_front()
                socket.write(QByteArray(RAISED))
            else:
                self._raise_pending = True
                socket.write(QByteArray(STARTING))
            socket.flush()
        socket.disconnectFromServer()


def ask_to_raise(name: str, connect_ms: int = CONNECT_WAIT_MS, answer_ms: int = ANSWER_WAIT_MS) -> bytes | None:
    """Ask the crmdesk listening on ``name`` to come to the front: its answer (``RAISED`` or
    ``STARTING``), or None when nobody listens or answers. Blocks: this runs before this process
    has a window to keep responsive."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(connect_ms):
        return None
    socket.write(QByteArray(RAISE))
    socket.flush()
    answer = None
    while socket.waitForReadyRead(answer_ms):
        if socket.canReadLine():
            answer = bytes(socket.readLine().data())
            break
    socket.disconnectFromServer()
    return answer if answer in (RAISED, STARTING) else None
