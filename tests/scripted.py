"""The evaluator on scripted measures: the pose stage's numbers replaced by exact ones.

Tests that need a measure to take given values (a fault in exactly one phase, a knee
roll of exactly 1.5) feed frames whose landmarks only move (so motion is seen) while
``MeasureSet.evaluate`` returns the scripted values and the posture is the exercise's
start posture.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from formcheck.core.events import Event
from formcheck.core.frame import PoseFrame
from formcheck.engine import evaluator as evaluator_module
from formcheck.engine.evaluator import ExerciseEvaluator, FrameState
from formcheck.exercises.schema import Exercise


def run_scripted(
    ex: Exercise, steps: Iterable[tuple[PoseFrame, dict[str, dict[str, float]]]], monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Event], list[FrameState], ExerciseEvaluator]:
    """Each step: a frame and, per side ("left", "right"), the measures on that side.
    Returns every event (those of ``finish`` too), the frame states and the evaluator."""
    posture = ex.setup.posture[0]
    current: dict[str, dict[str, float]] = {}
    monkeypatch.setattr(evaluator_module, "posture_of", lambda frame, min_visibility=0.5: posture)
    monkeypatch.setattr(evaluator_module.MeasureSet, "evaluate", lambda self, frame, side: dict(current[side]))
    ev = ExerciseEvaluator(ex)
    events: list[Event] = []
    states: list[FrameState] = []
    for frame, by_side in steps:
        current.clear()
        current.update(by_side)
        states.append(ev.update(frame))
        events += states[-1].events
    return events + ev.finish(), states, ev


def both_sides(values: dict[str, float]) -> dict[str, dict[str, float]]:
    """The same measures on either side."""
    return {"left": values, "right": values}
