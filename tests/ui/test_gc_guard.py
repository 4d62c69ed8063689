"""Cycles are collected in the GUI thread only (crmdesk.ui.gc_guard): a cycle that becomes
garbage while another thread runs Python is not freed there, but by the GUI thread's next check."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

from crmdesk.ui.gc_guard import MainThreadCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: reference counting alone never frees it


def test_a_cycle_dropped_in_another_thread_is_freed_by_the_gui_thread(
        qtbot: Any, collect_in_the_gui_thread: MainThreadCollector) -> None:
    assert not gc.isenabled()  # no thread collects on its own
    freed_in: list[str] = []
    made: list[weakref.ref[Node]] = []

    def worker() -> None:
        node = Node()
        weakref.finalize(node, lambda: freed_in.append(threading.current_thread().name))
        made.append(weakref.ref(node))
        del node
        # Allocation that would trigger an automatic collection in this thread many times over.
        junk = [[i] for i in range(50_000)]
        del junk

    thread = threading.Thread(target=worker, name="worker")
    thread.start()
    thread.join()
    assert freed_in == [] and made[0]() is not None  # still there: nothing collected in "worker"
    gc.collect()  # what the GUI thread's timer does once the counts pass their thresholds
    assert freed_in == [threading.current_thread().name]


def test_the_gui_thread_collects_on_its_own_timer(qtbot: Any) -> None:
    collector = MainThreadCollector(interval_ms=10)
    try:
        nodes = [Node() for _ in range(2 * gc.get_threshold()[0])]  # garbage cycles past the threshold
        gone = weakref.ref(nodes[0])
        del nodes
        assert gone() is not None  # nothing collected them on the spot
        qtbot.waitUntil(lambda: gone() is None, timeout=2000)
    finally:
        collector.stop()
        gc.disable()  # the session's collector still holds the collector off
