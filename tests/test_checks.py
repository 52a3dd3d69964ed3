"""Form checks on exact value sequences: absolute bounds, and bounds relative to the
person's own value in the start position."""

from __future__ import annotations

import numpy as np

from formcheck.engine.checks import CheckTracker
from formcheck.exercises.schema import CheckSpec

FPS = 30.0


def feed(check: CheckTracker, pieces: list[tuple[float, float, bool]]) -> list[str]:
    """(seconds, value, at rest) pieces; the check applies whenever not at rest."""
    events, t = [], 0.0
    for seconds, value, at_rest in pieces:
        for _ in range(int(seconds * FPS)):
            events += check.check_value(t, value, applies=not at_rest, at_rest=at_rest)
            t += 1 / FPS
    return [e.kind.value for e in events]


def spec(relative: bool) -> CheckSpec:
    return CheckSpec(
        id="shoulders_down",
        measure="shoulder_lift",
        when="active",
        max=0.2,
        min_s=0.5,
        relative=relative,
        message="Keep your shoulders down.",
    )


def test_a_relative_check_judges_the_offset_from_the_start_value():
    # Seen from a camera that makes flat shoulders read 0.5: staying there is fine,
    # rising 0.35 above it is a fault.
    assert feed(CheckTracker(spec(True), None), [(2.0, 0.5, True), (2.0, 0.6, False)]) == []
    assert feed(CheckTracker(spec(True), None), [(2.0, 0.5, True), (2.0, 0.85, False)]) == ["fault_started"]
    # The same flat shoulders against the absolute bound: a false alarm.
    assert feed(CheckTracker(spec(False), None), [(2.0, 0.5, True), (2.0, 0.6, False)]) == ["fault_started"]


def test_a_relative_check_is_silent_until_the_start_value_is_known():
    assert feed(CheckTracker(spec(True), None), [(2.0, 5.0, False)]) == []


def test_the_rest_value_follows_the_latest_rest():
    check = CheckTracker(spec(True), None)
    # Rest at 0.5, then the person shifts and rests at 0.9 for longer than the window.
    kinds = feed(check, [(2.0, 0.5, True), (1.0, 0.6, False), (3.0, 0.9, True), (1.0, 1.0, False)])
    assert kinds == [] and np.isclose(check.rest.level, 0.9)
