"""The evaluator on scripted measures: the pose stage's numbers replaced by exact ones.

Tests that need a measure to take given values (a fault in exactly one phase, a knee
roll of exactly 1.5) feed frames whose landmarks only move (so motion is seen) to an
evaluator whose observer reports the scripted values and the exercise's start posture.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from formcheck.core.events import Event
from formcheck.core.frame import PoseFrame
from formcheck.engine.evaluator import ExerciseEvaluator, FrameState
from formcheck.engine.observer import FrameObserver, Observation
from formcheck.exercises.schema import Exercise


class ScriptedObserver(FrameObserver):
    """The real observer (near side, view, motion), with the measures and posture given."""

    def __init__(self, exercise: Exercise) -> None:
        super().__init__(exercise)
        self.current: dict[str, dict[str, float]] = {}

    def observe(self, frame: PoseFrame) -> Observation:
        seen = super().observe(frame)
        measures = {label: dict(self.current[label or seen.near]) for label in self.labels}
        return replace(seen, posture=self.exercise.setup.posture[0], measures=measures)


def run_scripted(
    ex: Exercise, steps: Iterable[tuple[PoseFrame, dict[str, dict[str, float]]]]
) -> tuple[list[Event], list[FrameState], ExerciseEvaluator]:
    """Each step: a frame and, per side ("left", "right"), the measures on that side.
    Returns every event (those of ``finish`` too), the frame states and the evaluator."""
    observer = ScriptedObserver(ex)
    ev = ExerciseEvaluator(ex, observer=observer)
    events: list[Event] = []
    states: list[FrameState] = []
    for frame, by_side in steps:
        observer.current = by_side
        states.append(ev.update(frame))
        events += states[-1].events
    return events + ev.finish(), states, ev


def both_sides(values: dict[str, float]) -> dict[str, dict[str, float]]:
    """The same measures on either side."""
    return {"left": values, "right": values}
