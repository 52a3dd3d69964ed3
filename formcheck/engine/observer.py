"""The first engine stage: what one frame shows (posture, view, measures, motion), before
any rule of the exercise judges it.

Kept apart from the judging stage (``ExerciseEvaluator``) so that either can be replaced:
a test feeds the judge exact measures through its own observer instead of patching how
measures are computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from formcheck.core.body import Posture, View
from formcheck.core.frame import PoseFrame
from formcheck.core.landmarks import SIDES
from formcheck.core.state import Side, Sides
from formcheck.exercises.schema import Exercise
from formcheck.measures.measure_set import MeasureSet
from formcheck.measures.motion import BodyMotion, body_scale
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


T = TypeVar("T")


class FrameReadings:
    """What a frame shows whatever the exercise: the near side (and nearer shoulder),
    posture, view, body motion, the speed of a set of landmarks, a measure's value.

    Read once per frame, however many exercises observe the stream: recognition runs
    every exercise's rules on one stream, and most of them read the same hips and knees.
    The stateful readings (near side, speeds) see every frame once, in order, so sharing
    them changes no value. ``read`` is its one verb."""

    def __init__(self, min_visibility: float = 0.5, side_switch_s: float = 1.0) -> None:
        self.min_visibility = min_visibility
        self.side_switch_s = side_switch_s
        self._frame: PoseFrame | None = None
        self._memo: dict[object, object] = {}
        self._near = NearSide(side_switch_s)
        self._near_shoulder = NearSide(side_switch_s, SHOULDERS)
        self._motion = BodyMotion(min_visibility=min_visibility)
        self._speeds: dict[tuple[int, ...], BodyMotion] = {}

    def read(self, frame: PoseFrame, key: object, compute: Callable[[], T]) -> T:
        """The value ``compute`` gives for this frame, computed at its first read only."""
        if frame is not self._frame:
            self._frame, self._memo = frame, {}
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    def near(self, frame: PoseFrame) -> Side:
        return self.read(frame, "near", lambda: self._near.update(frame))

    def near_shoulder(self, frame: PoseFrame) -> Side:
        return self.read(frame, "near shoulder", lambda: self._near_shoulder.update(frame))

    def posture(self, frame: PoseFrame) -> Posture:
        return self.read(frame, "posture", lambda: posture_of(frame, self.min_visibility))

    def view(self, frame: PoseFrame) -> View:
        return self.read(frame, "view", lambda: view_of(frame))

    def scale(self, frame: PoseFrame) -> float:
        """The trunk's length as seen square-on, which the speeds are measured in."""
        return self.read(frame, "scale", lambda: body_scale(frame))

    def motion(self, frame: PoseFrame) -> float:
        return self.read(frame, "motion", lambda: self._motion.update(frame, self.scale(frame)))

    def speed(self, frame: PoseFrame, points: tuple[int, ...]) -> float:
        """The fastest of these landmarks, trunk lengths per second."""
        meter = self._speeds.get(points)
        if meter is None:
            meter = self._speeds[points] = BodyMotion(min_visibility=self.min_visibility, points=points, fastest=True)
        return self.read(frame, ("speed", points), lambda: meter.update(frame, self.scale(frame)))


class FrameObserver:
    """Measures every frame for one exercise. ``observe`` is its one verb.

    ``readings`` may be shared with other exercises' observers of the same stream."""

    def __init__(
        self,
        exercise: Exercise,
        min_visibility: float = 0.5,
        side_switch_s: float = 1.0,
        readings: FrameReadings | None = None,
    ) -> None:
        self.exercise = exercise
        self.min_visibility = min_visibility
        self.measures = MeasureSet(exercise.measures, min_visibility)
        self.labels: tuple[Side | None, ...] = tuple(Side) if exercise.sides is Sides.EACH else (None,)
        self.readings = readings or FrameReadings(min_visibility, side_switch_s)
        if (self.readings.min_visibility, self.readings.side_switch_s) != (min_visibility, side_switch_s):
            raise ValueError("shared frame readings must use the observer's visibility and side-switch time")
        start = exercise.rep.without_start if exercise.rep else None
        self._near_shoulder = start is not None and start.side == "near"
        rep = exercise.rep
        self._rep_points = {label: tuple(self.points_of(rep.measure, label)) for label in self.labels} if rep else {}

    def points_of(self, measure: str, label: Side | None) -> list[int]:
        """Landmarks a measure uses, on a side (both sides' for sides = none)."""
        sides = (label,) if label else SIDES
        return sorted({i for side in sides for group in self.measures.points_of(measure, side) for i in group})

    def observe(self, frame: PoseFrame) -> Observation:
        readings = self.readings
        near = readings.near(frame)
        return Observation(
            frame=frame,
            near=near,
            near_shoulder=readings.near_shoulder(frame) if self._near_shoulder else None,
            posture=readings.posture(frame),
            view=readings.view(frame),
            motion=readings.motion(frame),
            measures={label: self.measures.evaluate(frame, label or near, readings.read) for label in self.labels},
            rep_motion={label: readings.speed(frame, points) for label, points in self._rep_points.items()},
        )
