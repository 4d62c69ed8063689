"""Bring a workspace file to the current schema: atomic steps, a copy first, no downgrades."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from crmdesk.store.errors import MigrationFailed, NewerDatabase
from crmdesk.store.schema_steps import LATEST_VERSION, STEPS

log = logging.getLogger(__name__)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup_copy(conn: sqlite3.Connection, path: Path, from_version: int) -> Path:
    """A consistent copy (SQLite's online backup, so WAL contents are included)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.v{from_version}-{stamp}.bak.sqlite")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.stem}.v{from_version}-{stamp}-{counter}.bak.sqlite")
        counter += 1
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    target.chmod(0o600)
    return target


def migrate(conn: sqlite3.Connection, path: Path, *, target: int = LATEST_VERSION) -> Path | None:
    """Apply every missing step up to ``target``. Returns the backup path, if one was made.

    A brand-new (empty) file needs no copy. A file from a newer crmdesk is refused
    untouched. Each step and its version bump commit together or not at all.
    """
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise NewerDatabase(path, current, LATEST_VERSION)
    if current >= target:
        return None
    backup = None
    if current > 0 and str(path) != ":memory:":
        backup = backup_copy(conn, path, current)
        log.info("copied %s to %s before upgrading from v%d", path.name, backup.name, current)
    for version, description, apply in STEPS:
        if version <= current or version > target:
            continue
        try:
            conn.execute("BEGIN IMMEDIATE")
            apply(conn)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise MigrationFailed(path, version, str(error), backup) from error
        log.info("upgraded %s to v%d: %s", path.name, version, description)
    return backup
