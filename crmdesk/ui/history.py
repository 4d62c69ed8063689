"""Back and Forward through the views and records the user visited, as a browser does.

Plain logic over target strings (``crmdesk.ui.navigation``), with no Qt in it: the main window
asks it where Back and Forward lead and tells it what the user opened. Going somewhere new
from the middle of the history drops what lay ahead; opening the view already shown is not a
new step (a sync that rebuilds the view on screen must not make Back stall on it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

#: Steps kept; older ones fall off the back. A day of work rarely walks back further.
DEFAULT_LIMIT = 100


class History:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 1:
            raise ValueError("a history keeps at least one step")
        self._limit = limit
        self._steps: list[str] = []
        #: Index of the step on screen in ``_steps``; -1 while nothing was visited.
        self._at = -1

    @property
    def current(self) -> str | None:
        return self._steps[self._at] if self._at >= 0 else None

    def can_go_back(self) -> bool:
        return self._at > 0

    def can_go_forward(self) -> bool:
        return 0 <= self._at < len(self._steps) - 1

    def back_target(self) -> str | None:
        """Where Back leads (for its tooltip), without going there."""
        return self._steps[self._at - 1] if self.can_go_back() else None

    def forward_target(self) -> str | None:
        return self._steps[self._at + 1] if self.can_go_forward() else None

    def visit(self, target: str) -> None:
        """The user opened ``target``: it becomes the current step; what lay ahead is dropped."""
        if target == self.current:
            return
        del self._steps[self._at + 1:]
        self._steps.append(target)
        overflow = len(self._steps) - self._limit
        if overflow > 0:
            del self._steps[:overflow]
        self._at = len(self._steps) - 1

    def back(self) -> str | None:
        """Step back; the target now current, or None when there is nothing behind."""
        if not self.can_go_back():
            return None
        self._at -= 1
        return self._steps[self._at]

    def forward(self) -> str | None:
        if not self.can_go_forward():
            return None
        self._at += 1
        return self._steps[self._at]

    def replace_all(self, renamed: Mapping[str, str]) -> None:
        """Each step named in ``renamed`` takes its new name (a sync gave ids to many at once)."""
        if any(step in renamed for step in self._steps):
            self._rewrite(lambda step: renamed.get(step, step))

    def forget(self, target: str) -> None:
        """``target`` is gone (a deleted list): Back and Forward skip it from now on."""
        self._rewrite(lambda step: None if step == target else step)

    def clear(self) -> None:
        """Another workspace opened: its targets mean nothing here."""
        self._steps.clear()
        self._at = -1

    def _rewrite(self, change: Callable[[str], str | None]) -> None:
        """Apply ``change`` to each step (None drops it), then merge neighbours that became the
        same target, keeping the current step on the one that was current (or the nearest
        step before it that is left)."""
        steps: list[str] = []
        at = -1
        for index, step in enumerate(self._steps):
            changed = change(step)
            if changed is not None and (not steps or steps[-1] != changed):
                steps.append(changed)
            if index == self._at:
                at = len(steps) - 1
        if steps and at < 0:
            at = 0  # the current step and all before it were dropped: the first left stands in
        self._steps = steps
        self._at = at
