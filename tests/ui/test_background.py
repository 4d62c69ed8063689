"""``Background``: a call that ends after its owner is gone (the window closed, the app quit)
reports to no one — no "Signal source has been deleted" traceback from the thread pool, and the
pool thread never touches an object the GUI thread deleted (or is deleting)."""

from __future__ import annotations

import sys
import threading
from types import FrameType
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
from PySide6.QtWidgets import QWidget

from crmdesk.ui.background import Background


class RaisedInPoolThread:
    """A profile hook for the pool thread that runs the job: every exception a C function raised
    there, even one the job caught (emitting on a deleted object raises RuntimeError). It takes
    itself off when the job's ``run`` returns."""

    def __init__(self) -> None:
        self.raised: list[str] = []

    def install(self) -> None:
        sys.setprofile(self._hook)  # this thread only

    def _hook(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "c_exception":
            self.raised.append(repr(arg))
        elif event == "return" and frame.f_code.co_name == "run" \
                and frame.f_globals.get("__name__") == "crmdesk.ui.background":
            sys.setprofile(None)


def test_a_call_outliving_its_owner_reports_to_no_one(qtbot, capfd: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    owner = QWidget()
    background = Background(owner)
    started, release = threading.Event(), threading.Event()
    results: list[object] = []
    probe = RaisedInPoolThread()

    def call() -> str:
        probe.install()  # on the pool thread: it then sees the job report after this returns
        started.set()
        release.wait(10)
        return "looked up"

    background.run(call, results.append, results.append)
    assert started.wait(10)
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # gone, with its receivers
    release.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)
    QCoreApplication.processEvents()
    assert results == []
    # The job reported on its own emitter, which nobody could delete: nothing raised, nothing
    # swallowed (a report on the owner's deleted object raised, and could crash mid-deletion).
    assert probe.raised == []
    err = capfd.readouterr().err
    assert "Signal source has been deleted" not in err and "Traceback" not in err, err


def test_a_result_queued_for_an_owner_deleted_before_delivery_is_dropped(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QWidget()
    background = Background(owner)
    results: list[object] = []
    background.run(lambda: "done", results.append, results.append)
    assert QThreadPool.globalInstance().waitForDone(10_000)  # reported: the call waits in the queue
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    assert results == []


def test_a_call_reports_its_result_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QWidget()
    qtbot.addWidget(owner)
    background = Background(owner)
    results: list[tuple[object, bool]] = []
    background.run(lambda: 42, lambda r: results.append((r, threading.current_thread() is threading.main_thread())),
                   results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert results == [(42, True)] and not background.busy()


def test_a_failure_reports_its_error_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QWidget()
    qtbot.addWidget(owner)
    background = Background(owner)
    errors: list[object] = []

    def fail() -> None:
        raise OSError("the keyring is locked")

    background.run(fail, errors.append, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert [str(e) for e in errors] == ["the keyring is locked"] and not background.busy()
