"""Fixtures for the remote tests: a fake clock, recorded answers, an in-memory keyring."""

from __future__ import annotations

import random

import pytest

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
