"""``Background``: a call that ends after its owner is gone (the window closed, the app quit)
reports to no one — no "Signal source has been deleted" traceback from the thread pool."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
from PySide6.QtWidgets import QWidget

from crmdesk.ui.background import Background


def test_a_call_outliving_its_owner_reports_to_no_one(qtbot, capfd: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    owner = QWidget()
    background = Background(owner)
    started, release = threading.Event(), threading.Event()
    results: list[object] = []

    def call() -> str:
        started.set()
        release.wait(10)
        return "looked up"

    background.run(call, results.append, results.append)
    assert started.wait(10)
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # gone, with its relays
    release.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)
    QCoreApplication.processEvents()
    assert results == []
    err = capfd.readouterr().err
    assert "Signal source has been deleted" not in err and "Traceback" not in err, err


def test_a_call_reports_its_result_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QWidget()
    qtbot.addWidget(owner)
    background = Background(owner)
    results: list[tuple[object, bool]] = []
    background.run(lambda: 42, lambda r: results.append((r, threading.current_thread() is threading.main_thread())),
                   results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert results == [(42, True)] and not background.busy()
