"""Shared fixtures: every test gets its own data directory, Qt runs offscreen, and no test ever
asks the machine's keyring (DESIGN: tests use an in-memory keyring backend)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import pytest

from crmdesk.ui.gc_guard import MainThreadCollector
from tests.memory_keyring import MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Subprocesses (`python -m crmdesk …`) inherit this: keyring's null backend, which holds nothing
# and stores nothing, so a child reads its token from CRMDESK_TOKEN or finds none. Set before
# anything here asks keyring for its backend, so the machine's is never even looked up.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

FIXTURES = Path(__file__).parent / "fixtures"

ALLOW_LOG_WARNINGS = "allow_log_warnings"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-dist", action="store_true",
                     help="run the tests marked dist: they build (make dist) and run the PyInstaller app")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The ``dist`` tests build the app (minutes, and not from two workers at once): only when asked,
    whatever ``-m`` says."""
    if config.getoption("--run-dist"):
        return
    skip = pytest.mark.skip(reason="builds the PyInstaller app: run with --run-dist (make dist-check)")
    for item in items:
        if item.get_closest_marker("dist") is not None:
            item.add_marker(skip)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{ALLOW_LOG_WARNINGS}(*patterns): the test provokes Python log records at WARNING or above on"
        " purpose; with patterns (regular expressions searched in each message) only those, else any.",
    )


class _LogCheck(logging.Handler):
    """Collects every record at WARNING or above that reaches the root logger during one test."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        #: Records the test took out of ``caplog`` with ``caplog.clear()``: it has seen them.
        self.consumed: set[int] = set()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def unexpected(self, allowed: list[re.Pattern[str]] | None) -> list[logging.LogRecord]:
        return [
            r for r in self.records
            if id(r) not in self.consumed
            and not (allowed is not None and (not allowed or any(p.search(r.getMessage()) for p in allowed)))
        ]


def _describe(record: logging.LogRecord) -> str:
    line = f"{record.levelname} {record.name}: {record.getMessage()}"
    if record.exc_info and record.exc_info[1] is not None:
        line += f" [{type(record.exc_info[1]).__name__}: {record.exc_info[1]}]"
    return line


@pytest.fixture(scope="session", autouse=True)
def collect_in_the_gui_thread(qapp: Any) -> Iterator[MainThreadCollector]:
    """As the application does (``crmdesk.ui.gc_guard``): Python's cycle collector runs only in
    this thread, never in the sandbox server's, a sync worker's or a thread-pool job's, where
    freeing a cycle that holds a Qt wrapper crashes the process."""
    collector = MainThreadCollector(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def collect_after_each_test(collect_in_the_gui_thread: MainThreadCollector) -> Iterator[None]:
    """Tests that never spin Qt's event loop (the store's, the sandbox's) would never collect."""
    yield
    collect_in_the_gui_thread.check()


@pytest.fixture(autouse=True)
def fail_on_log_warnings(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Python log records at WARNING or above fail the test that caused them, as Qt warnings do
    (``qt_log_level_fail``). A test that provokes one on purpose says so: it asserts on it with
    ``caplog`` and then calls ``caplog.clear()`` (what it cleared counts as seen), or it carries
    ``@pytest.mark.allow_log_warnings("regex", ...)`` (no patterns: any record)."""
    check = _LogCheck()
    clear = pytest.LogCaptureFixture.clear

    def clear_and_consume(caplog: pytest.LogCaptureFixture) -> None:
        check.consumed.update(id(r) for r in caplog.records)
        clear(caplog)

    monkeypatch.setattr(pytest.LogCaptureFixture, "clear", clear_and_consume)
    root = logging.getLogger()
    root.addHandler(check)
    try:
        yield
    finally:
        root.removeHandler(check)
    marker = request.node.get_closest_marker(ALLOW_LOG_WARNINGS)
    allowed = None if marker is None else [re.compile(p) for p in marker.args]
    unexpected = check.unexpected(allowed)
    if unexpected:
        listed = "\n".join(f"  {_describe(r)}" for r in unexpected)
        pytest.fail(f"logged at WARNING or above (mark the test {ALLOW_LOG_WARNINGS} or assert on the records "
                    f"with caplog, then caplog.clear()):\n{listed}", pytrace=False)


@pytest.fixture(autouse=True)
def qt_left_as_new() -> None:
    """Each test starts with Qt as a fresh application has it, whatever the tests before it left:

    - windows still shown: a dialog a test opened from a widget it registered (pytest-qt closes
      only those), an application-modal form that would block the next test's input, a popup;
      they are hidden, and the deletions pytest-qt asked for (``deleteLater``) done now;
    - a keyboard modifier or mouse button Qt believes held: ``QTest.keyClick(w, key, Ctrl)``
      releases Ctrl with Ctrl still in the event's modifiers, ``mouseDClick`` leaves the button
      down; ``selectRow``/``setCurrentIndex`` then toggle the selection instead of replacing it,
      and a move becomes a drag. A release without modifiers clears them."""
    from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    if QApplication.instance() is None:
        return
    for window in QApplication.topLevelWidgets():
        if window.isVisible():
            window.hide()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    modifiers, buttons = QGuiApplication.keyboardModifiers(), QGuiApplication.mouseButtons()
    if modifiers == Qt.KeyboardModifier.NoModifier and buttons == Qt.MouseButton.NoButton:
        return
    target = QWidget()
    try:
        if modifiers != Qt.KeyboardModifier.NoModifier:
            QTest.keyRelease(target, Qt.Key.Key_Control, Qt.KeyboardModifier.NoModifier)
        if buttons != Qt.MouseButton.NoButton:
            QTest.mouseRelease(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(1, 1))
    finally:
        target.deleteLater()
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier
    assert QGuiApplication.mouseButtons() == Qt.MouseButton.NoButton


@pytest.fixture(autouse=True)
def suite_keyring() -> Iterator[MemoryKeyring]:
    """Every test's keyring (``TokenStore()`` and ``keyring.get_keyring()`` find it): empty at the
    start, so a token one test stores never reaches another."""
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(MemoryKeyring())


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory, also exported as CRMDESK_DATA_DIR for subprocesses."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("CRMDESK_DATA_DIR", str(folder))
    return folder
