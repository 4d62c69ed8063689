"""The window's start runs without Python's automatic cycle collection (crmdesk.cli.main), and
gives it back however the command ends: a caller in the same process (a test, a script) keeps it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from crmdesk.cli import main


@pytest.fixture
def collecting() -> Iterator[None]:
    """Automatic collection as the test asks, and as it was (the suite may run with it off)."""
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_given_back_after_the_window_command_ends(
    collecting: None, capsys: pytest.CaptureFixture[str]
) -> None:
    gc.enable()
    with pytest.raises(SystemExit):
        main(["--version"])  # the window's parser answers and exits
    assert "crmdesk" in capsys.readouterr().out
    assert gc.isenabled()


def test_a_caller_that_had_it_off_keeps_it_off(collecting: None) -> None:
    gc.disable()
    with pytest.raises(SystemExit):
        main(["--version"])
    assert not gc.isenabled()
