"""What the disk can do to a workspace file, done for real: a file or folder this process may not
write, pages of a real store overwritten with garbage, a command that permissions apply to.

Tests may run as root (CI containers often do), where ``chmod`` stops nothing: root writes
through permissions. There ``unwritable`` sets the immutable flag instead (``chattr +i``, which
stops root too, with the same SQLite behaviour), and the commands that must meet real ``chmod``
permissions run in a subprocess without the capabilities that let root ignore them (``setpriv``).
A test that can do neither is skipped with the reason.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.store._support import company, open_store

ROOT = Path(__file__).resolve().parents[1]
AS_ROOT = os.geteuid() == 0


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def beside(path: Path) -> list[str]:
    """The files next to ``path`` that share its name (SQLite's -wal/-shm/-journal)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name) and p != path)


def make_workspace(path: Path, companies: int = 1500) -> Path:
    """A closed workspace file (WAL checkpointed into it) with the test schema and ``companies``
    records, each with a description: enough for the value index to span many pages."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_store(path) as store:
        obj = store.schema.get_object("companies")
        assert obj is not None
        store.put_server_records(
            obj, [company(f"c{i}", f"Company {i}", description=f"about {i} " * 5) for i in range(companies)])
    assert not beside(path)
    return path


def damage_value_index(path: Path) -> int:
    """Overwrite every leaf page of the value index (``record_values``) with garbage, leaving the
    header, the schema and the records table whole: the file opens and reads, and a write that
    touches a record's values meets the damage half-way. Returns how many pages were hit."""
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [row[0] for row in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'record_values' AND pagetype = 'leaf'")]
    finally:
        conn.close()
    with open(path, "r+b") as file:
        for page in pages:
            file.seek((page - 1) * page_size)
            file.write(b"\xff" * page_size)
    return len(pages)


@contextmanager
def unwritable(path: Path) -> Iterator[str]:
    """``path`` (a file or a folder) cannot be written by this process while inside; yields how
    ("chmod" or "immutable")."""
    if not AS_ROOT:
        mode = path.stat().st_mode
        path.chmod(0o500 if path.is_dir() else 0o400)
        try:
            yield "chmod"
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("running as root (chmod does not stop root's writes) and there is no chattr "
                    "to set the immutable flag")
    done = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip("running as root (chmod does not stop root's writes) and the immutable flag "
                    f"cannot be set here: {done.stderr.strip()}")
    try:
        yield "immutable"
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def run_crmdesk(*args: str, obey_permissions: bool = False) -> subprocess.CompletedProcess[str]:
    """``python -m crmdesk ARGS`` in a subprocess. ``obey_permissions``: as root, without the
    capabilities that let root read and write through permissions (``setpriv``), so the kernel
    applies the file's and the folder's mode bits as it does for any user."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    env.pop("CRMDESK_DATA_DIR", None)
    command = [sys.executable, "-m", "crmdesk", *args]
    if obey_permissions and AS_ROOT:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root (chmod does not stop root) and without setpriv to run as a root "
                        "that permissions stop")
        command = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False)


def stderr_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]
