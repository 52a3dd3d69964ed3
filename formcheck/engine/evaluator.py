"""The generic exercise engine: smoothed pose frames in, events and per-frame state out.

Two stages: a ``FrameObserver`` measures the frame (``engine/observer.py``), and the
``ExerciseEvaluator`` here judges what it saw: reps, holds and checks. Nothing here
knows any exercise by name: what to measure, what a rep is, how long to hold and what
to check all come from the ``Exercise`` loaded from its file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from formcheck.core.body import Posture, View
from formcheck.core.events import Event, EventKind, SideChanged
from formcheck.core.frame import PoseFrame
from formcheck.core.reasons import Interruption, Note, Reason, declared
from formcheck.core.state import Counts, Phase, Side, Sides
from formcheck.engine.activity import ActivityTracker
from formcheck.engine.checks import CheckTracker, SpeedMeter
from formcheck.engine.counter import RepCounter, RepInput
from formcheck.engine.observer import FrameObserver, Observation
from formcheck.engine.posture_share import RecentPostures
from formcheck.engine.setup_check import SetupMonitor
from formcheck.exercises.schema import Exercise, RepSpec, all_within
from formcheck.measures.measure_set import MeasureSet


@dataclass(frozen=True)
class EngineParams:
    min_visibility: float = 0.5  # landmarks below this never drive a count or a fault
    side_switch_s: float = 1.0  # the near side must persist this long to switch (sides = none)
    lost_after_s: float = 0.5  # no usable pose for this long -> "person not visible"
    disarm_after_s: float = 3.0  # ...and for this long -> the start position is needed again
    moving_motion: float = 0.15  # speed of the rep's joints (trunk lengths/s) that counts as moving


@dataclass
class FrameState:
    """What the overlay and the console need to know about one frame."""

    t: float
    frame: PoseFrame
    side: Side  # the working side shown (the near side for sides = none)
    measures: dict[str, float]
    posture: Posture
    view: View
    phase: Phase
    counts: Counts
    hold_elapsed: float
    hold_target: float | None
    motion: float  # body speed, trunk lengths per second
    active_s: float | None  # time in motion, for activities (None otherwise)
    setup_problems: list[Note]  # what is wrong with the camera set-up now
    message: Note | None  # the one thing to tell the person now (None: nothing)
    events: list[Event] = field(default_factory=list)


class _Side:
    """Per-side engine state: counter, checks and speed meters."""

    def __init__(self, exercise: Exercise, rep: RepSpec, label: Side | None) -> None:
        self.counter = RepCounter(rep, exercise.hold, label)
        self.checks = [CheckTracker(spec, label) for spec in exercise.checks]
        self.speed = {name: SpeedMeter() for name in exercise.measures}

    def disarm(self, t: float, why: Interruption, carry: bool = False) -> list[Event]:
        """The start position is needed again, and so are the checks' rest values: after
        a camera cut or a long absence, the old ones belong to another view. ``carry``
        (a cut): a rep under way goes on in the new view."""
        for check in self.checks:
            check.forget_rest()
        return self.counter.disarm(t, why, carry)


class ExerciseEvaluator:
    """Runs one exercise's rules over a stream of (already smoothed) pose frames.

    ``judge`` takes what the observer saw in a frame; ``update`` observes the frame with
    the ``observer`` given (by default the exercise's own ``FrameObserver``) and judges it.
    """

    def __init__(
        self, exercise: Exercise, params: EngineParams | None = None, observer: FrameObserver | None = None
    ) -> None:
        self.exercise = exercise
        self.params = params or EngineParams()
        self.observer = observer or FrameObserver(exercise, self.params.min_visibility, self.params.side_switch_s)
        rep = exercise.rep
        self._sides = {label: _Side(exercise, rep, label) for label in self.observer.labels} if rep else {}
        self._activity = ActivityTracker(exercise.activity) if exercise.activity else None
        self._setup = SetupMonitor(exercise.setup)
        # A rep starts only with the body lately in a posture the exercise is done in:
        # hips dipping and rising face down (a side plank's dips) read as a bridge's lift
        # to its hip angle (five reps on a real clip analysed as bridges).
        self._postures = RecentPostures(exercise.position_postures)
        self._active_side: Side | None = None
        self._last_seen: float | None = None
        self._lost = False
        self._last_t = 0.0

    @property
    def measures(self) -> MeasureSet:
        return self.observer.measures

    def update(self, frame: PoseFrame) -> FrameState:
        return self.judge(self.observer.observe(frame))

    # -- main verb -------------------------------------------------------------------
    def judge(self, seen: Observation) -> FrameState:
        frame = seen.frame
        t = frame.timestamp_s
        self._last_t = t
        cut_events: list[Event] = []
        if frame.scene_cut:  # a new camera view: counting needs the start position again
            for side in self._sides.values():
                cut_events += side.disarm(t, Interruption.VIEW_CHANGED, carry=True)
        near, posture, view, motion, values = seen.near, seen.posture, seen.view, seen.motion, seen.measures
        setup_ok = posture in self.exercise.setup.posture
        self._postures.add(t, posture)
        key = self.exercise.rep.measure if self.exercise.rep else None
        usable = frame.has_person and (key is None or any(not math.isnan(v[key]) for v in values.values()))
        events = cut_events + self._track_presence(t, usable)
        events += self._setup.update(frame, view, self.observer.readings.read)
        if self._activity is not None:
            events += self._activity.update(t, motion)
        events += self._update_reps(seen, setup_ok)
        events += self._track_active_side(t, events)

        shown = self._shown_side(near)
        label = shown if self.exercise.sides is Sides.EACH else None
        state = self._sides.get(label)
        counter = state.counter if state else None
        if counter is not None:
            # In position is said even before the start was seen (a hold is being timed then).
            phase = Phase.POSITION if counter.in_position else (Phase.READY if counter.armed else Phase.SETUP)
        elif self._activity is not None:
            phase = Phase.READY if usable else Phase.SETUP
        else:
            phase = Phase.SETUP
        hold = counter.hold if counter else None
        return FrameState(
            t=t,
            frame=frame,
            side=shown,
            measures=values[label],
            posture=posture,
            view=view,
            phase=phase,
            counts=self.counts(),
            hold_elapsed=hold.elapsed if hold else 0.0,
            hold_target=self.exercise.hold.target_s if self.exercise.hold else None,
            motion=motion,
            active_s=self._activity.active_s if self._activity else None,
            setup_problems=self._setup.problems(),
            message=self._message(state, phase, setup_ok),
            events=events,
        )

    def _update_reps(self, seen: Observation, setup_ok: bool) -> list[Event]:
        """Checks, holds and rep counters of every side for one frame."""
        t, values, motion = seen.frame.timestamp_s, seen.measures, seen.motion
        rep, hold_spec = self.exercise.rep, self.exercise.hold
        if rep is None:
            return []
        events: list[Event] = []
        # At rest, for the relative checks' start values: counting, no side in its
        # position, the start posture seen and the body still (not on its way in).
        at_rest = (
            setup_ok
            and motion < self.params.moving_motion
            and not any(s.counter.in_position for s in self._sides.values())
        )
        # A body seen in the position is not in the start position, whatever its posture.
        recognised = self._recognised(seen)
        start_seen = setup_ok and not recognised
        in_posture = self._postures.in_them  # the body's, once a frame for every side
        for label, state in self._sides.items():
            vals = values[label]
            if recognised:
                state.counter.saw_position(vals[rep.measure])
            speeds = {name: state.speed[name].update(t, v) for name, v in vals.items()}
            counter = state.counter
            still = hold_spec is None or (
                not motion > hold_spec.max_motion
                and (hold_spec.max_speed is None or not speeds[rep.measure] > hold_spec.max_speed)
            )
            phases = {"active"} if counter.armed else set()
            if counter.in_position:
                phases |= {"position", "hold"} if still else {"position"}
            elif counter.armed:
                phases.add("rest")
            for check in state.checks:
                spec = check.spec
                value = speeds[spec.measure] if spec.of == "speed" else vals[spec.measure]
                events += check.check_value(t, value, spec.when in phases, at_rest=at_rest and counter.armed)
            hold_ok = not any(c.active for c in state.checks if c.spec.gates_hold)
            # One side at a time; sides are updated in turn, so two sides reaching the
            # position in the same frame cannot both start a rep.
            blocked = (
                any(s.counter.in_position for other, s in self._sides.items() if other != label)
                or not all_within(rep.require, vals)
                or not in_posture
            )
            rep_motion = seen.rep_motion[label]
            moving = math.isnan(rep_motion) or rep_motion >= self.params.moving_motion
            events += counter.update(
                RepInput(
                    t,
                    vals[rep.measure],
                    setup_ok=start_seen,
                    hold_ok=hold_ok,
                    blocked=blocked,
                    moving=moving,
                    recognised=label in recognised,
                    measured=not seen.frame.interpolated,
                    still=still,
                )
            )
        # The start position is a whole-body thing: once one side has seen it while no
        # side is in its position, every side counts (side-on, the far leg may be hidden
        # until it moves).
        counters = [s.counter for s in self._sides.values()]
        if any(c.armed for c in counters) and not any(c.in_position for c in counters):
            for state in self._sides.values():
                events += state.counter.arm(t)
        return events

    def _shown_side(self, near: Side) -> Side:
        """The side the overlay speaks of: one in its position (a hold may be timed there
        before the start was seen), else the working side, else the side nearer the camera."""
        for label, side in self._sides.items():
            if label is not None and side.counter.in_position:
                return label
        if self.exercise.sides is Sides.EACH and self._active_side:
            return self._active_side
        return near

    def _recognised(self, seen: Observation) -> set[Side | None]:
        """Sides seen in the position without its start (``rep.without_start``), while
        the start position has not been seen; a side already in it stays while the
        looser ``stay`` bounds hold."""
        spec = self.exercise.rep.without_start if self.exercise.rep else None
        if spec is None:
            return set()
        near = seen.near_shoulder if spec.side == "near" else None
        found = set()
        for label, state in self._sides.items():
            counter = state.counter
            if counter.armed or (near is not None and label != near):
                continue
            bounds = (spec.stay or spec.bounds) if counter.in_position else spec.bounds
            if all_within(bounds, seen.measures[label]):
                found.add(label)
        return found

    def _track_presence(self, t: float, usable: bool) -> list[Event]:
        events: list[Event] = []
        if usable:
            if self._lost:
                events.append(Event(EventKind.POSE_FOUND, t))
            self._lost, self._last_seen = False, t
            return events
        gone_for = t - self._last_seen if self._last_seen is not None else math.inf
        if not self._lost and gone_for >= self.params.lost_after_s and self._last_seen is not None:
            self._lost = True
            events.append(Event(EventKind.POSE_LOST, t))
        if gone_for >= self.params.disarm_after_s:
            for state in self._sides.values():
                if state.counter.armed or state.counter.in_position:
                    events += state.disarm(t, Interruption.OUT_OF_VIEW)
        return events

    def _track_active_side(self, t: float, events: list[Event]) -> list[Event]:
        """Emit SIDE_CHANGED when a one-sided exercise moves to the other side."""
        for event in events:
            if event.kind is EventKind.REP_STARTED and event.side is not None:
                previous, self._active_side = self._active_side, event.side
                if previous is not None and previous != event.side:
                    return [Event(EventKind.SIDE_CHANGED, t, event.side, SideChanged(previous))]
        return []

    def _message(self, state: _Side | None, phase: Phase, setup_ok: bool) -> Note | None:
        """The one thing to tell the person now, most basic first."""
        if self._lost:
            return Note(Reason.STEP_INTO_VIEW)
        problems = self._setup.problems()
        if problems:
            return problems[0]
        notice = next(iter(self._setup.notices()), None)
        if state is None:
            return notice if phase is Phase.READY else declared(self.exercise.setup.message)
        if phase is Phase.SETUP:
            return declared(self.exercise.setup.message) if not setup_ok else Note(Reason.HOLD_STILL_AT_START)
        active = [c for c in state.checks if c.active]
        if active:
            return active[-1].message
        hold = state.counter.hold
        if phase is Phase.POSITION and hold is not None:
            if hold.current is not None and hold.current.completed:
                return Note(Reason.WELL_HELD)
            return Note(Reason.HOLD_POSITION)
        return notice

    def counts(self) -> Counts:
        if not self._sides:
            return Counts()
        if self.exercise.sides is Sides.EACH:
            return Counts.per_side(self._sides[Side.LEFT].counter.count, self._sides[Side.RIGHT].counter.count)
        return Counts.of_both(self._sides[None].counter.count)

    def finish(self) -> list[Event]:
        """End of stream: close holds and faults; unfinished reps are not counted."""
        events: list[Event] = self._activity.close(self._last_t) if self._activity else []
        events += self._setup.finish(self._last_t)
        for state in self._sides.values():
            events += state.counter.finish(self._last_t)
            for check in state.checks:
                events += check.end(self._last_t)
        return events
