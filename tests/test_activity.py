"""Active time for activities without reps (aerobics)."""

import pytest

from formcheck.core.events import EventKind
from formcheck.engine.activity import ActivityTracker
from formcheck.exercises.schema import ActivitySpec

SPEC = ActivitySpec(min_motion=0.1, min_s=2.0, grace_s=1.0)


def run(pattern: list[tuple[float, float]], fps: float = 10.0):
    """pattern: (duration_s, motion) pieces."""
    tracker, events, t = ActivityTracker(SPEC), [], 0.0
    for duration, motion in pattern:
        for _ in range(int(round(duration * fps))):
            events += tracker.update(t, motion)
            t += 1 / fps
    events += tracker.close(t)
    return tracker, events


def test_bouts_are_timed_and_short_pauses_bridged():
    tracker, events = run([(1, 0.0), (5, 0.3), (0.5, 0.0), (4, 0.3), (3, 0.0)])
    ended = [e.data for e in events if e.kind is EventKind.ACTIVE_ENDED]
    assert len(ended) == 1
    assert ended[0]["duration_s"] == pytest.approx(9.4, abs=0.15)
    assert tracker.active_s == pytest.approx(9.4, abs=0.15)


def test_fidgeting_shorter_than_min_s_is_not_activity():
    tracker, events = run([(1.5, 0.3), (3, 0.0), (1.0, 0.3), (3, 0.0)])
    assert tracker.active_s == 0.0
    assert not [e for e in events if e.kind is EventKind.ACTIVE_STARTED]


def test_long_pause_splits_bouts():
    tracker, events = run([(3, 0.3), (2, 0.0), (3, 0.3)])
    assert len([e for e in events if e.kind is EventKind.ACTIVE_ENDED]) == 2
