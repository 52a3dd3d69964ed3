"""Evidence for every exercise at once: each exercise file's own rules run on the same
smoothed landmark stream, and what they saw is kept per frame.

The rules already say what an exercise looks like: the start posture (``setup.posture``),
the camera view it wants (``setup.view``), the position (``rep``), how long it is held
(``hold``) and the form it must keep (``checks``). Running them all is cheap next to the
pose model, and keeping their verdict frame by frame lets any stretch of the video be
scored afterwards (a whole clip, or one segment of a routine recording).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from formcheck.core.body import View
from formcheck.core.columns import Column
from formcheck.core.events import EventKind, FaultEnded, FaultStarted, RepCompleted
from formcheck.core.frame import PoseFrame
from formcheck.engine.evaluator import EngineParams, ExerciseEvaluator, FrameState
from formcheck.engine.observer import FrameObserver, FrameReadings
from formcheck.exercises.schema import Exercise
from formcheck.smoothing.stage import SmoothingStage

#: The views each ``setup.view`` advice accepts (the rotational stretch's oblique camera
#: sees the body side-on now and then, a side-on camera sees it obliquely as it moves).
VIEWS_ACCEPTED = {
    "side": {View.SIDE, View.OBLIQUE},
    "front": {View.FRONT, View.OBLIQUE},
    "oblique": {View.OBLIQUE, View.SIDE, View.FRONT},
    "any": {View.SIDE, View.OBLIQUE, View.FRONT},
}


@dataclass
class Trace:
    """One exercise's per-frame verdicts over the stream (parallel columns, one value per
    frame: ``core/columns.py``, a byte a flag, so an hour of video stays small)."""

    exercise: Exercise
    posture_ok: Column = field(default_factory=lambda: Column(bool))  # the start posture of the file
    position_posture_ok: Column = field(default_factory=lambda: Column(bool))  # a posture the position may take
    view_ok: Column = field(default_factory=lambda: Column(bool))
    in_position: Column = field(default_factory=lambda: Column(bool))
    holding: Column = field(default_factory=lambda: Column(bool))  # the hold clock runs
    faulty: Column = field(default_factory=lambda: Column(bool))  # some check fails (after its min_s)
    active: Column = field(default_factory=lambda: Column(bool))  # activities: in a bout of movement
    rep_times: list[float] = field(default_factory=list)  # when each counted rep ended
    _faults: set[tuple[str, str | None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._position_postures = self.exercise.position_postures  # once: it is built on each call

    def add(self, state: FrameState) -> None:
        seen = state.frame.has_person
        self.posture_ok.append(seen and state.posture in self.exercise.setup.posture)
        self.position_posture_ok.append(seen and state.posture in self._position_postures)
        self.view_ok.append(seen and state.view in VIEWS_ACCEPTED[self.exercise.setup.view])
        self.in_position.append(state.phase == "position")
        self.holding.append(state.hold_elapsed > 0)
        for event in state.events:
            match event.data:
                case FaultStarted(check=check):
                    self._faults.add((check, event.side))
                case FaultEnded(check=check):
                    self._faults.discard((check, event.side))
                case RepCompleted():
                    self.rep_times.append(state.t)
        self.faulty.append(bool(self._faults))
        was = self.active.last(False)
        starts = any(e.kind is EventKind.ACTIVE_STARTED for e in state.events)
        ends = any(e.kind is EventKind.ACTIVE_ENDED for e in state.events)
        self.active.append((was or starts) and not ends)

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "posture_ok": self.posture_ok.values(),
            "position_posture_ok": self.position_posture_ok.values(),
            "view_ok": self.view_ok.values(),
            "in_position": self.in_position.values(),
            "holding": self.holding.values(),
            "faulty": self.faulty.values(),
            "active": self.active.values(),
        }


class EvidenceCollector:
    """Every exercise's evaluator on one smoothed stream; one verb, ``update``.

    ``given``: one of the exercises whose rules the caller already runs on the same
    stream with the same ``params`` (an analysis of it, ``offline/recognised.Watch``):
    its states come with each frame (``update``'s ``state``) instead of being worked
    out twice."""

    def __init__(
        self, exercises: list[Exercise], params: EngineParams | None = None, given: Exercise | None = None
    ) -> None:
        params = params or EngineParams()
        readings = FrameReadings(params.min_visibility, params.side_switch_s)  # read once for all
        self.evaluators: list[ExerciseEvaluator | None] = [
            None
            if ex is given
            else ExerciseEvaluator(ex, params, FrameObserver(ex, params.min_visibility, params.side_switch_s, readings))
            for ex in exercises
        ]
        if given is not None and None not in self.evaluators:
            raise ValueError(f"the given exercise {given.id!r} is not one of the exercises")
        self.traces = [Trace(ex) for ex in exercises]
        self.t = Column(float)
        self.seen = Column(bool)

    def update(self, frame: PoseFrame, state: FrameState | None = None) -> None:
        """One smoothed frame through every exercise's rules (``state``: the given
        exercise's, on this frame)."""
        self.t.append(frame.timestamp_s)
        self.seen.append(frame.has_person)
        for evaluator, trace in zip(self.evaluators, self.traces, strict=True):
            if evaluator is not None:
                trace.add(evaluator.update(frame))
            elif state is None or state.frame is not frame:
                raise ValueError("the given exercise's state of this frame is needed")
            else:
                trace.add(state)

    def so_far(self) -> Evidence:
        """The verdicts of the frames seen so far (reps under way not yet counted)."""
        return Evidence(self.t.values(), self.seen.values(), self.traces)

    def finish(self) -> Evidence:
        """End of stream: reps still under way are not counted (the rules' own verdict)."""
        for evaluator in self.evaluators:
            if evaluator is not None:  # (the given exercise's rules are finished by the caller)
                evaluator.finish()
        return self.so_far()


@dataclass
class Evidence:
    """The collected verdicts: frame times, whether a person was seen, one trace per exercise."""

    t: np.ndarray
    seen: np.ndarray
    traces: list[Trace]


class EvidenceStream:
    """Raw poses in, as the pipeline takes them: mirrored if asked, smoothed as the
    pipeline smooths (reset at camera cuts), then every exercise's rules. One verb, ``update``."""

    def __init__(self, exercises: list[Exercise], mirrored: bool = False, params: EngineParams | None = None) -> None:
        self.smoothing = SmoothingStage(mirrored)
        self.collector = EvidenceCollector(exercises, params)

    def update(self, pose: PoseFrame) -> None:
        self.collector.update(self.smoothing.update(pose))

    def finish(self) -> Evidence:
        return self.collector.finish()


def collect_evidence(
    poses: Iterable[PoseFrame],
    exercises: list[Exercise],
    mirrored: bool = False,
    params: EngineParams | None = None,
) -> Evidence:
    """Smooth a pose stream as the pipeline does and run every exercise's rules on it.

    Every frame: on every other one (15 fps) the bridge's relative rep never entered its
    position on a real clip that counts 5 of 5 at the full rate."""
    stream = EvidenceStream(exercises, mirrored, params)
    for pose in poses:
        stream.update(pose)
    return stream.finish()
