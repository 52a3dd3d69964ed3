"""The first engine stage: what one frame shows (posture, view, measures, motion), before
any rule of the exercise judges it.

Kept apart from the judging stage (``ExerciseEvaluator``) so that either can be replaced:
a test feeds the judge exact measures through its own observer instead of patching how
measures are computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.core.body import Posture, View
from formcheck.core.frame import PoseFrame
from formcheck.core.landmarks import SIDES
from formcheck.core.state import Side, Sides
from formcheck.exercises.schema import Exercise
from formcheck.measures.measure_set import MeasureSet
from formcheck.measures.motion import BodyMotion
from formcheck.measures.posture import SHOULDERS, NearSide, posture_of, view_of


@dataclass(frozen=True)
class Observation:
    """One frame as the exercise's measures see it."""

    frame: PoseFrame
    near: Side  # the side nearer the camera, steadied against depth noise
    #: The nearer shoulder, for a position told by its working side (``without_start.side
    #: = "near"``): in a twist the shoulders stay square to the floor while the knees turn.
    near_shoulder: Side | None
    posture: Posture
    view: View
    motion: float  # body speed, trunk lengths per second
    #: The measures per working side (None: both sides at once, measured on the near side).
    measures: dict[Side | None, dict[str, float]]
    #: Speed of each working side's rep joints (the fastest of them), trunk lengths per second.
    rep_motion: dict[Side | None, float]


class FrameObserver:
    """Measures every frame for one exercise. ``observe`` is its one verb."""

    def __init__(self, exercise: Exercise, min_visibility: float = 0.5, side_switch_s: float = 1.0) -> None:
        self.exercise = exercise
        self.min_visibility = min_visibility
        self.measures = MeasureSet(exercise.measures, min_visibility)
        self.labels: tuple[Side | None, ...] = tuple(Side) if exercise.sides is Sides.EACH else (None,)
        self._near = NearSide(side_switch_s)
        start = exercise.rep.without_start if exercise.rep else None
        self._near_shoulder = NearSide(side_switch_s, SHOULDERS) if start and start.side == "near" else None
        self._motion = BodyMotion(min_visibility=min_visibility)
        rep = exercise.rep
        self._rep_motion = (
            {
                label: BodyMotion(
                    min_visibility=min_visibility, points=self.points_of(rep.measure, label), fastest=True
                )
                for label in self.labels
            }
            if rep
            else {}
        )

    def points_of(self, measure: str, label: Side | None) -> list[int]:
        """Landmarks a measure uses, on a side (both sides' for sides = none)."""
        sides = (label,) if label else SIDES
        return sorted({i for side in sides for group in self.measures.points_of(measure, side) for i in group})

    def observe(self, frame: PoseFrame) -> Observation:
        near = self._near.update(frame)
        return Observation(
            frame=frame,
            near=near,
            near_shoulder=self._near_shoulder.update(frame) if self._near_shoulder else None,
            posture=posture_of(frame, self.min_visibility),
            view=view_of(frame),
            motion=self._motion.update(frame),
            measures={label: self.measures.evaluate(frame, label or near) for label in self.labels},
            rep_motion={label: motion.update(frame) for label, motion in self._rep_motion.items()},
        )
