"""One window per data dir: a second start raises the first, or says which process holds the folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLockFile
from PySide6.QtNetwork import QLocalServer

from crmdesk.ui.single_instance import LOCK_NAME, Claim, Holder, SingleInstance, held_message, server_name

ROOT = Path(__file__).resolve().parents[2]
#: A second process's claim on a data dir, printed: what a second start decides.
SECOND_CLAIM = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from crmdesk.ui.single_instance import SingleInstance
app = QCoreApplication([])
single = SingleInstance(Path(sys.argv[1]))
print(single.claim().value, single.holder.pid if single.holder else "", flush=True)
"""
#: Takes the lock and dies without letting it go, as a crashed crmdesk does.
CRASH_HOLDING_THE_LOCK = """
import os, sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from crmdesk.ui.single_instance import Claim, SingleInstance
app = QCoreApplication([])
single = SingleInstance(Path(sys.argv[1]))
assert single.claim() is Claim.FIRST
os._exit(0)
"""


@contextmanager
def claiming(folder: Path) -> Iterator[Claim]:
    """This process's claim on ``folder``, let go afterwards."""
    single = SingleInstance(folder)
    try:
        yield single.claim()
    finally:
        single.release()


def _env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))


def _python(script: str, data: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script, str(data)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def first(data: Path) -> Iterator[SingleInstance]:
    single = SingleInstance(data)
    assert single.claim() is Claim.FIRST
    yield single
    single.release()


def test_a_second_start_brings_the_first_window_to_the_front(qtbot: Any, data: Path, first: SingleInstance) -> None:
    raised: list[bool] = []
    first.connect_window(lambda: raised.append(True))
    with qtbot.waitSignal(first.raise_requested, timeout=10_000):
        second = _python(SECOND_CLAIM, data)
    out, err = second.communicate(timeout=30)
    assert out.split() == ["raised"], err
    assert raised == [True]


def test_a_second_start_while_the_first_is_still_starting_raises_it_once_shown(
    qtbot: Any, data: Path, first: SingleInstance
) -> None:
    """The first is, say, in its workspace chooser: no window to raise yet. It says so, and its
    window comes to the front as soon as it is connected."""
    with qtbot.waitSignal(first.raise_requested, timeout=10_000):
        second = _python(SECOND_CLAIM, data)
    out, err = second.communicate(timeout=30)
    assert out.split() == ["starting"], err
    raised: list[bool] = []
    first.connect_window(lambda: raised.append(True))
    assert raised == [True]


def test_crmdesk_started_again_with_the_same_data_folder_exits_after_raising_the_first(
    qtbot: Any, data: Path, first: SingleInstance
) -> None:
    """The whole second start, ``python -m crmdesk --data-dir``: no second window, a zero exit."""
    raised: list[bool] = []
    first.connect_window(lambda: raised.append(True))
    with qtbot.waitSignal(first.raise_requested, timeout=30_000):
        second = subprocess.Popen([sys.executable, "-m", "crmdesk", "--data-dir", str(data)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    _, err = second.communicate(timeout=30)
    assert second.returncode == 0, err
    assert f"crmdesk is already running with the data folder {data}: its window was asked to come to the front." \
        in err
    assert raised == [True]


def test_a_holder_that_takes_the_call_but_never_answers_is_named(data: Path) -> None:
    """A crmdesk that hangs: its socket accepts (the system does that), nobody answers."""
    lock = QLockFile(str(data / LOCK_NAME))
    assert lock.tryLock(0)
    silent = QLocalServer()
    QLocalServer.removeServer(server_name(data))
    assert silent.listen(server_name(data))
    try:
        single = SingleInstance(data, answer_ms=300)
        assert single.claim() is Claim.HELD
        assert single.holder is not None and single.holder.pid == os.getpid()
    finally:
        silent.close()
        lock.unlock()


def test_a_holder_that_does_not_answer_is_named(data: Path) -> None:
    # The folder is locked (here by this process) but nobody listens: a crmdesk that hangs.
    lock = QLockFile(str(data / LOCK_NAME))
    assert lock.tryLock(0)
    try:
        single = SingleInstance(data)
        assert single.claim() is Claim.HELD
        assert single.holder is not None and single.holder.pid == os.getpid()
        message = held_message(data, single.holder)
        assert f"process {os.getpid()}" in message and str(data) in message
        assert "did not answer" in message
    finally:
        lock.unlock()


def test_a_holder_on_another_computer_is_named_with_its_host(data: Path) -> None:
    message = held_message(data, Holder(4242, "laptop-of-ana", "crmdesk"))
    assert message.startswith(f"crmdesk on laptop-of-ana (process 4242) is using the data folder {data}.")
    # Qt cannot tell whether that process still runs: the user is told how to free the folder.
    assert f"delete {data / LOCK_NAME}" in message


def test_a_crashed_crmdesk_does_not_lock_the_user_out(qtbot: Any, data: Path) -> None:
    crashed = _python(CRASH_HOLDING_THE_LOCK, data)
    _, err = crashed.communicate(timeout=30)
    assert crashed.returncode == 0, err
    assert (data / LOCK_NAME).exists()  # left behind
    with claiming(data) as claim:
        assert claim is Claim.FIRST


def test_the_folder_is_free_again_once_the_first_quits(data: Path, first: SingleInstance) -> None:
    first.release()
    with claiming(data) as claim:
        assert claim is Claim.FIRST


def test_two_data_folders_are_two_instances(tmp_path: Path, first: SingleInstance) -> None:
    other = tmp_path / "other"
    other.mkdir()
    with claiming(other) as claim:
        assert claim is Claim.FIRST
    assert server_name(other) != first.name
