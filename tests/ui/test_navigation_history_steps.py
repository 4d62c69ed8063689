"""The back/forward steps behind Alt+Left and Alt+Right (crmdesk.ui.history), without a window."""

from __future__ import annotations

import pytest

from crmdesk.ui.history import History


def walked(*targets: str, limit: int = 100) -> History:
    history = History(limit)
    for target in targets:
        history.visit(target)
    return history


def test_nothing_to_go_back_or_forward_to_at_first() -> None:
    history = History()
    assert history.current is None
    assert not history.can_go_back() and not history.can_go_forward()
    assert history.back() is None and history.forward() is None


def test_back_and_forward_retrace_the_visits() -> None:
    history = walked("home", "object:people", "record:r1")
    assert history.back_target() == "object:people"
    assert history.back() == "object:people"
    assert history.back() == "home"
    assert history.back() is None and history.current == "home"
    assert history.forward() == "object:people"
    assert history.forward_target() == "record:r1"
    assert history.forward() == "record:r1"
    assert history.forward() is None


def test_going_somewhere_new_after_back_drops_what_lay_ahead() -> None:
    history = walked("home", "object:people", "record:r1")
    history.back()
    history.back()
    history.visit("tasks")
    assert not history.can_go_forward()
    assert history.back() == "home"


def test_opening_the_view_on_screen_again_is_not_a_step() -> None:
    history = walked("home", "tasks", "tasks")
    assert history.back() == "home"
    assert history.back() is None


def test_the_oldest_steps_fall_off_past_the_limit() -> None:
    history = walked("a", "b", "c", "d", limit=3)
    assert [history.back(), history.back(), history.back()] == ["c", "b", None]


def test_a_renamed_target_is_followed_everywhere() -> None:
    history = walked("list:local-1", "home", "list:local-1")
    history.replace_all({"list:local-1": "list:srv-9"})
    assert history.current == "list:srv-9"
    assert history.back() == "home"
    assert history.back() == "list:srv-9"


def test_a_forgotten_target_is_skipped_and_neighbours_merge() -> None:
    history = walked("home", "list:gone", "home", "tasks")
    history.forget("list:gone")
    assert history.current == "tasks"
    assert history.back() == "home"
    assert history.back() is None


def test_forgetting_the_current_step_leaves_the_one_before_it_current() -> None:
    history = walked("home", "tasks", "list:gone", "notes")
    history.back()
    history.forget("list:gone")
    assert history.current == "tasks"
    assert history.forward() == "notes"


def test_forgetting_everything_up_to_the_current_step_keeps_the_first_left() -> None:
    history = walked("list:gone", "tasks")
    history.back()
    history.forget("list:gone")
    assert history.current == "tasks" and not history.can_go_back()


def test_clear_forgets_every_step() -> None:
    history = walked("home", "tasks")
    history.clear()
    assert history.current is None and not history.can_go_back()


def test_a_history_keeps_at_least_one_step() -> None:
    with pytest.raises(ValueError):
        History(0)


def test_many_renamed_targets_are_followed_at_once() -> None:
    history = History()
    for step in ("home", "list:local-1", "record:local-2", "tasks", "record:local-2"):
        history.visit(step)
    history.back()
    history.replace_all({"list:local-1": "list:L1", "record:local-2": "record:R2", "record:other": "record:X"})
    assert history.current == "tasks"
    assert history.back_target() == "record:R2" and history.forward_target() == "record:R2"
    assert [history.back(), history.back(), history.back()] == ["record:R2", "list:L1", "home"]
