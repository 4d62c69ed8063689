"""Answers a test gives in place of a question the app would ask (a confirmation, a browser to
open a link in): each call is written down with what it was asked about, then answered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def answering(reply: bool, asked: list[Any], note: Callable[..., Any] = lambda *args: args[0]) -> Callable[..., bool]:
    """A callback that appends ``note(*its arguments)`` to ``asked`` and returns ``reply``."""

    def answer(*args: Any) -> bool:
        asked.append(note(*args))
        return reply

    return answer
