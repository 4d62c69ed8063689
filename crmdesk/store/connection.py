"""Opening a workspace file: permissions, pragmas, and errors a user can act on."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from crmdesk.store.errors import (
    CannotOpenDatabase,
    DatabaseCorrupt,
    DatabaseLocked,
    DiskError,
    DiskFull,
    FolderNotWritable,
    NewerDatabase,
    ReadOnlyDatabase,
    StoreError,
)
from crmdesk.store.schema_steps import LATEST_VERSION

BUSY_TIMEOUT_MS = 5000


def _py_lower(text: str | int | float | bytes | None) -> str | int | float | bytes | None:
    """Python's lower(): SQLite's own lower() folds ASCII only, the model folds all of Unicode."""
    return text.lower() if isinstance(text, str) else text


def _py_casefold(text: str | None) -> str | None:
    """Python's casefold(), for equality ignoring case: "STRASSE" and "Straße" fold alike
    (lower() keeps the ß). Callers fold their side with ``str.casefold`` too."""
    return None if text is None else text.casefold()


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the store's queries use (``py_lower``, ``py_casefold``)."""
    conn.create_function("py_lower", 1, _py_lower, deterministic=True)
    conn.create_function("py_casefold", 1, _py_casefold, deterministic=True)


def _create_private(path: Path) -> None:
    """Create the file with mode 0600 before SQLite does (SQLite would use the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


#: What the system says when this user may not write: permissions, an immutable flag, a
#: read-only mount.
_NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)


def _why_not_writable(error: OSError) -> str:
    return "the disk or share is mounted read-only" if error.errno == errno.EROFS else ""


def _folder_error(folder: Path, error: OSError) -> StoreError:
    if error.errno in _NOT_WRITABLE:
        return FolderNotWritable(folder, _why_not_writable(error))
    if error.errno == errno.ENOSPC:
        return DiskFull(folder)
    return CannotOpenDatabase(folder, error.strerror or str(error))


def check_writable(path: Path) -> None:
    """Before SQLite opens ``path`` to write: say what stands in the way, touching nothing.

    SQLite quietly opens a file it may not write read-only, and fails only at the first
    write (the migration's, or a user's edit, as "attempt to write a readonly database");
    WAL mode also needs the folder writable for the ``-wal`` and ``-shm`` files beside the
    file. Asking the system the same questions first gives an error that names the cause.
    A missing file is created here (mode 0600).
    """
    folder = path.parent
    try:
        if not os.path.lexists(path):  # (False, not an error, when the folder cannot be searched)
            _create_private(path)
        elif path.is_dir():
            raise CannotOpenDatabase(path, "it is a folder, not a file")
        else:
            # What SQLite does first: open for reading and writing. Opening changes nothing.
            os.close(os.open(path, os.O_RDWR))
    except OSError as error:
        if not os.path.lexists(path) or error.filename is None or os.fspath(error.filename) != os.fspath(path):
            raise _folder_error(folder, error) from error
        if error.errno in _NOT_WRITABLE:
            if os.access(path, os.R_OK):
                raise ReadOnlyDatabase(path, _why_not_writable(error)) from error
            raise CannotOpenDatabase(path, "your user may not read it (permission denied)") from error
        raise CannotOpenDatabase(path, error.strerror or str(error)) from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FolderNotWritable(folder)


def open_connection(
    path: Path | str, *, readonly: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> sqlite3.Connection:
    """A connection in WAL mode with foreign keys on, for one thread.

    Each thread (the GUI, the sync worker) opens its own; WAL lets readers read
    while one writer writes.
    """
    db_path = Path(path)
    if db_path != Path(":memory:") and not readonly:
        check_writable(db_path)
    conn: sqlite3.Connection | None = None
    try:
        if readonly:
            # A URI, escaped: a folder named "a #b", "e?f" or "c%41d" would otherwise cut the path
            # (and "?mode=ro" with it: a stray file opened for writing) or name another file.
            conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
        else:
            conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=True)
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        # Refuse a newer file before switching it to WAL: that switch rewrites its header.
        found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if found > LATEST_VERSION:
            raise NewerDatabase(db_path, found, LATEST_VERSION)
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal" and db_path != Path(":memory:"):
                raise DatabaseCorrupt(db_path, f"cannot switch to WAL journal, got {mode}")
        # FULL: a committed edit survives a power cut, not just a crash. Edits are small.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -32000")
        # No memory-mapped I/O (SQLite's default): mapped pages count in the app's resident memory
        # for every connection, and the kernel maps ~16 pages around each page read — 130 MiB more
        # with a 1,000,000-record table open — for no measurable gain in the queries (issue 19).
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        register_functions(conn)
    except (sqlite3.DatabaseError, NewerDatabase, DatabaseCorrupt) as error:
        if conn is not None:
            conn.close()  # never keep a handle on a file the user is told to move
        if isinstance(error, sqlite3.DatabaseError):
            raise translate_error(db_path, error) from error
        raise
    return conn


def translate_error(path: Path, error: sqlite3.Error) -> Exception:
    """Map SQLite's errors about the file to ones that say what to do (``error`` itself when it
    is not about the file: a constraint, a bad statement — our bugs)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or (not name and ("locked" in text or "busy" in text)):
        return DatabaseLocked(path)
    if name == "SQLITE_FULL" or "disk is full" in text or "disk full" in text:
        return DiskFull(path)
    if name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB" or any(
        word in text for word in ("not a database", "malformed", "corrupt")
    ):
        return DatabaseCorrupt(path, str(error))
    if name == "SQLITE_READONLY_DIRECTORY":
        return FolderNotWritable(path.parent)
    if name == "SQLITE_READONLY_DBMOVED":
        return CannotOpenDatabase(path, "it was moved or deleted while crmdesk had it open")
    if name.startswith("SQLITE_READONLY"):
        return ReadOnlyDatabase(path)
    if name.startswith("SQLITE_CANTOPEN"):
        return CannotOpenDatabase(path, str(error))
    if name.startswith("SQLITE_IOERR"):
        return DiskError(path, str(error))
    return error


def read_meta(path: Path) -> dict[str, str]:
    """The meta table of a workspace file, read without migrating or writing it (a chooser
    lists files it may never open). Raises the store's errors for an unreadable file."""
    conn = open_connection(path, readonly=True)
    try:
        return {str(key): str(value) for key, value in conn.execute("SELECT key, value FROM meta")
                if value is not None}
    except sqlite3.DatabaseError as error:
        raise translate_error(path, error) from error
    finally:
        conn.close()
