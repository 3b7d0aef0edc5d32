"""A frozen wall clock for tests with time windows (rate limits, signed timestamps).

`frozen_time` pins `time.time()` for the whole test, so posts cannot straddle a window
boundary (a rate window that resets between two posts once made a flood test flaky).
Django's `timezone.now()` is not affected; tests that need a fixed date pass `now=`.
"""

import time

import pytest


@pytest.fixture
def frozen_time(monkeypatch):
    """Pin time.time() to the instant the test starts; returns a setter to move it."""
    state = {"now": time.time()}
    monkeypatch.setattr(time, "time", lambda: state["now"])

    def move(seconds: float) -> float:
        state["now"] += seconds
        return state["now"]

    return move
