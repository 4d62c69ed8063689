"""Fetch the next page while the current one is being stored.

Pulling is fetch → decode → store, one after the other; the server sits idle while
we write and we sit idle while it answers. A producer thread runs the page iterator
(the only user of the backend while it runs) and hands pages over a small queue, so
network waits and SQLite writes overlap. Errors arrive on the consumer's side, in order.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
S = TypeVar("S")


class _Done:
    """Handed over after the last page."""


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(pages: Iterable[T], depth: int = 2) -> Iterator[T]:
    """Iterate ``pages`` in a background thread, at most ``depth`` pages ahead.

    Leaving the loop early (cancel, an error while storing) stops the producer at its
    next page boundary and waits for it, so the backend is free again on return.
    """
    handoff: queue.Queue[T | _Done | _Failure] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for page in pages:
                handoff.put(page)
                if stop.is_set():
                    return
            handoff.put(_Done())
        except BaseException as error:  # handed to the consumer, who raises it
            handoff.put(_Failure(error))
        finally:
            # A generator left early ends here, in its own thread, with whatever it holds open
            # (requests it sent ahead, say): the consumer's join then means the backend is free.
            close = getattr(pages, "close", None)
            if close is not None:
                close()

    producer = threading.Thread(target=produce, name="crmdesk-prefetch", daemon=True)
    producer.start()
    try:
        while True:
            item = handoff.get()
            if isinstance(item, _Done):
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        while producer.is_alive():
            # Make room so a producer blocked on a full queue can see ``stop``.
            with contextlib.suppress(queue.Empty):
                handoff.get(timeout=0.05)
        producer.join()


def stamped(pages: Iterable[T], stamp: Callable[[], S]) -> Iterator[tuple[S, T]]:
    """``(stamp(), page)`` for each page, ``stamp`` read just before the page is fetched.

    Under ``prefetched`` that is in the producer thread, when the fetch begins: the consumer
    can tell what happened before a page was asked for (a push, say) from what happened while
    it was on its way."""
    iterator = iter(pages)
    try:
        while True:
            mark = stamp()
            try:
                page = next(iterator)
            except StopIteration:
                return
            yield mark, page
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()
