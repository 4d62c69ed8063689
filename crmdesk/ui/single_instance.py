"""One window per data dir: a second start raises the first window, or says who holds the data dir.

Two parts, because each covers what the other cannot:

* a lock file, ``<data dir>/crmdesk.lock`` (``QLockFile``): who holds the data dir, by process
  id and host, and freed by the system's view of that process — a crashed crmdesk leaves a stale
  lock Qt takes over, so a crash never locks the user out;
* a local socket named after the data dir (``QLocalServer``, this user only): the holder
  listens, and a second start asks it to come to the front and then exits.

When the lock is held but nobody answers (a crmdesk that hangs, or one on another computer
sharing the folder), the second start says which process holds it and does not open the data
dir a second time. ``--screenshot`` runs and the headless commands never take part: they work
beside an open window as they always did (SQLite keeps the file consistent between them).
"""

from __future__ import annotations

import enum
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QLockFile, QObject, QSysInfo, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

#: What a second start sends, and what the first answers once its window is up front.
RAISE = b"raise\n"
RAISED = b"raised\n"
#: How long a second start waits for the first to answer (it has not built a window yet).
ANSWER_WAIT_MS = 3000
LOCK_NAME = "crmdesk.lock"


class Claim(enum.Enum):
    #: This process holds the data dir: it opens the window and listens.
    FIRST = "first"
    #: Another crmdesk holds it and came to the front: this one exits.
    RAISED = "raised"
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
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    return f"crmdesk-{user}-{digest}"


def held_message(data_dir: Path, holder: Holder) -> str:
    who = f"process {holder.pid}" if holder.pid else "another process"
    where = f" on {holder.host}" if holder.host and holder.host != QSysInfo.machineHostName() else ""
    return (f"crmdesk is already running with the data folder {data_dir} ({who}{where}), "
            "and it did not answer. Close it, or end that process, then start crmdesk again.")


class SingleInstance(QObject):
    """Claims ``data_dir`` for this process; ``raise_requested`` when a second start asks."""

    raise_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.name = server_name(data_dir)
        self.lock = QLockFile(str(data_dir / LOCK_NAME))
        # Held for the whole session: never stale by age, only when its process is gone.
        self.lock.setStaleLockTime(0)
        self.server: QLocalServer | None = None
        self.holder: Holder | None = None

    def claim(self) -> Claim:
        if self.lock.tryLock(0):
            self._listen()
            return Claim.FIRST
        if ask_to_raise(self.name):
            return Claim.RAISED
        pid, host, app = self.lock.getLockInfo()  # (0, "", "") when the file cannot be read
        self.holder = Holder(pid, host, app)
        return Claim.HELD

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
            socket.write(QByteArray(RAISED))
            socket.flush()
        socket.disconnectFromServer()


def ask_to_raise(name: str, wait_ms: int = ANSWER_WAIT_MS) -> bool:
    """Ask the crmdesk listening on ``name`` to come to the front; whether it said it did. Blocks
    up to ``wait_ms``: this runs before this process has a window to keep responsive."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(wait_ms):
        return False
    socket.write(QByteArray(RAISE))
    socket.flush()
    answered = False
    while socket.waitForReadyRead(wait_ms):
        if socket.canReadLine():
            answered = bytes(socket.readLine().data()) == RAISED
            break
    socket.disconnectFromServer()
    return answered
