"""Fixtures for the remote tests: a fake clock, recorded answers, an in-memory keyring, and the
Atomic adapter over the real server's recorded answers (``replay``, ``replay_url``, ``backend``)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from crmdesk.remote.atomic import AtomicBackend, connect_atomic

from .atomic_replay import TOKEN as ATOMIC_TOKEN
from .atomic_replay import Replay, serving, standard

TOKEN = "oc_sk_0123456789abcdef0123456789abcdef0123456789abcdef"


class FakeClock:
    """Monotonic and wall time that only move when someone sleeps."""

    def __init__(self, wall: float = 1_800_000_000.0) -> None:
        self.now = 0.0
        self.wall = wall
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.wall + self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def rng() -> random.Random:
    return random.Random(7)


@pytest.fixture
def replay() -> Replay:
    """The real Atomic server's recorded schema answers (``standard``); a test adds the rest."""
    return standard(Replay())


@pytest.fixture
def replay_url(replay: Replay) -> Iterator[str]:
    """``replay`` served over loopback HTTP: its root address."""
    with serving(replay) as root:
        yield root


@pytest.fixture
def backend(replay_url: str, clock: FakeClock) -> Iterator[AtomicBackend]:
    """The Atomic adapter against ``replay_url``, with the transport's own settings. A module about
    another dialect's adapter, or wanting other settings, defines its own ``backend``."""
    client = connect_atomic(replay_url, ATOMIC_TOKEN, clock=clock)
    yield client
    client.close()
