"""Rep and hold counting for one side: a small state machine over one measure.

A rep is *into the position and back out*. Peer tools count phantom reps when a person
gets into position, lies still, pauses, half-moves, or is still up when the clip ends;
each of those is ruled out here by one mechanism:

* arming: nothing counts until the start position has been seen at rest for
  ``min_rest_s`` (getting into position is not a rep);
* hysteresis: separate ``enter`` and ``exit`` thresholds, so jitter around one value
  cannot toggle the state;
* debouncing: the measure must stay past a threshold for ``min_in_s`` / ``min_out_s``;
* range: the peak must differ from the preceding rest value by ``min_range``;
* partial reps: a movement that comes near the position (past ``exit``) but turns back
  before reaching it (``enter``) is reported, with how far it got, rather than dropped;
* camera cuts: a rep under way when an edited video cuts to another view is carried
  over and counted once the start position is seen again in the new view, so a cut
  neither loses it nor, by entering again after the cut, doubles it;
* completion on exit: a rep still held when the stream ends is reported as unfinished;
  one already more than half way back from its peak towards where it started (a clip
  that stops while the person lowers) is complete: it is no longer held.

The hold clock runs only while in position, the hold checks pass and the person is
still (``engine/hold.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

from formcheck.core.events import Event, EventKind, RepCompleted, RepRejected, RepStarted
from formcheck.core.reasons import Interruption, Note, PartialRep, Reason, StillInPosition, TooSmall
from formcheck.core.state import Side
from formcheck.engine.hold import Holding, HoldTracker, RunningMean
from formcheck.engine.rest import RestLevel
from formcheck.exercises.schema import HoldSpec, RepSpec


@dataclass(frozen=True)
class CarriedRep:
    """A rep that was under way when the camera cut to another view."""

    start_s: float
    peak: float
    range: float
    cut_s: float  # when the view changed


@dataclass
class _Pending:
    """A threshold crossing waiting out its debounce time."""

    since: float | None = None

    def hold_for(self, t: float, crossed: bool, needed: float) -> float | None:
        """The crossing time once it has lasted ``needed`` seconds, else None."""
        if not crossed:
            self.since = None
            return None
        if self.since is None:
            self.since = t
        return self.since if t - self.since >= needed else None


@dataclass(frozen=True)
class RepInput:
    """One frame as a side's rep counter sees it."""

    t: float
    value: float  # the rep measure (NaN when it cannot be seen)
    setup_ok: bool  # the start posture is seen
    hold_ok: bool  # the hold checks pass
    #: This side may not enter the position now (another side is in position, or one of
    #: the rep's requirements fails).
    blocked: bool = False
    #: The body is visibly moving: a way out of the position without any movement is a
    #: tracking or camera artefact, not a rep.
    moving: bool = True
    #: The position is seen from absolute values (``RepSpec.without_start``, before arming).
    recognised: bool = False
    #: The pose model saw this frame (False: interpolated landmarks, which may begin a
    #: crossing's debounce but never start or end a rep on their own: that waits for the
    #: next measured frame that agrees).
    measured: bool = True
    #: The body is within the hold's speed limits: moving in the position pauses the hold
    #: clock without ending the hold (``engine/hold.py``).
    still: bool = True


@dataclass
class RepCounter:
    """Counts reps of one side (``side`` None for exercises done with both at once)."""

    MOVE_WINDOW_S: ClassVar[float] = 0.5  # the body must have moved this close to leaving the position
    #: After a cut mid-rep, the new view's first half second shows the position the rep
    #: was in: the start has to be seen well away from it before the rep is done.
    CUT_POSITION_S: ClassVar[float] = 0.5
    #: At the end of the stream, a rep this far back from its peak towards its start has
    #: been left, not held: more than half way is on the way out.
    RETURNED_FRACTION: ClassVar[float] = 0.5

    spec: RepSpec
    hold_spec: HoldSpec | None
    side: Side | None
    count: int = 0
    armed: bool = False
    in_position: bool = False
    entered_at: float = 0.0
    candidate: bool = False
    peak: float = math.nan
    _peak_at: float = 0.0
    baseline: float = math.nan
    _rest_since: float | None = None
    _enter: _Pending = field(default_factory=_Pending)
    _exit: _Pending = field(default_factory=_Pending)
    hold: HoldTracker | None = None
    rest: RestLevel | None = None
    _last_moving: float = -math.inf
    _seen_in_position: RunningMean = field(default_factory=RunningMean)  # this side's value there, while unarmed
    _last_value: float = math.nan  # the rep measure in the latest frame that saw it
    _attempt: float = math.nan  # furthest towards the position since the last rest, while out of it
    _attempt_since: float = 0.0
    _carried: CarriedRep | None = None  # a rep a camera cut interrupted, finished by the next start
    _armed_at: float = 0.0
    _level_at_arm: float = math.nan  # the rest level when counting began
    _started: bool = False  # a rep has begun since counting started
    _settled_since: float | None = None  # still, well below the rest level, before any rep

    def __post_init__(self) -> None:
        if self.hold_spec is not None:
            self.hold = HoldTracker(self.hold_spec, self.side)
        if self.spec.relative:
            self.rest = RestLevel()

    def thresholds(self) -> tuple[float, float]:
        """(enter, exit) now: fixed, or offsets from the rest level (NaN until it is known)."""
        if self.rest is None:
            return self.spec.enter, self.spec.exit
        level = self.rest.level if self.armed else math.nan
        return level + self.spec.enter, level + self.spec.exit

    def _beyond(self, value: float, threshold: float) -> bool:
        """True when ``value`` is on the in-position side of ``threshold``."""
        return value >= threshold if self.spec.direction == "rise" else value <= threshold

    def _more_extreme(self, a: float, b: float) -> float:
        """The value further into the position (NaN-safe)."""
        if math.isnan(b):
            return a
        return max(a, b) if self.spec.direction == "rise" else min(a, b)

    def _less_extreme(self, a: float, b: float) -> float:
        if math.isnan(b):
            return a
        return min(a, b) if self.spec.direction == "rise" else max(a, b)

    def update(self, frame: RepInput) -> list[Event]:
        """Advance by one frame."""
        t, value, setup_ok, hold_ok = frame.t, frame.value, frame.setup_ok, frame.hold_ok
        blocked, moving, recognised, measured = frame.blocked, frame.moving, frame.recognised, frame.measured
        events: list[Event] = []
        if moving:
            self._last_moving = t
        if math.isnan(value):
            if self.hold is not None:
                events += self.hold.update(t, Holding.UNSEEN if self.in_position else Holding.BROKEN)
            return events
        spec = self.spec
        self._last_value = value
        if self._carried is not None and t - self._carried.cut_s <= self.CUT_POSITION_S:
            self.saw_position(value)
        enter, exit_ = self.thresholds()
        if not self.in_position:
            out = math.isnan(exit_) or not self._beyond(value, exit_)
            if out:
                self.baseline = self._less_extreme(value, self.baseline)
                # The rest level follows slow drift but not other positions held still
                # (the cow, for a cat stretch): only values near it are rest values.
                # Before counting starts, a value far from it means the person is still
                # moving: the rest position has to be seen again from the start.
                if self.rest is not None:
                    near = math.isnan(self.rest.level) or abs(value - self.rest.level) <= abs(spec.exit)
                    if near:
                        self.rest.add(t, value)
                    elif not self.armed:
                        self.rest.clear()
                        self._rest_since = None
                    else:
                        events += self._settle_below_rest(t, value, moving)
                if setup_ok and self._clear_of_position(value, moving):
                    self._rest_since = t if self._rest_since is None else self._rest_since
                    if t - self._rest_since >= spec.min_rest_s:
                        events += self.arm(t)
                else:
                    self._rest_since = None
            events += self._track_attempt(t, value, enter, exit_)
            past_enter = not math.isnan(enter) and self._beyond(value, enter)
            entered = self._enter.hold_for(t, (past_enter or recognised) and not blocked, spec.min_in_s)
            if entered is not None and measured:
                self.in_position, self.entered_at, self.candidate = True, entered, self.armed
                self.peak, self._peak_at, self._attempt = value, t, math.nan  # an attempt that got there is a rep
                self._exit.since = None
                if self.candidate:
                    self._started = True
                    events.append(Event(EventKind.REP_STARTED, t, self.side, RepStarted(entered)))
        else:
            if self._more_extreme(value, self.peak) != self.peak:
                self.peak, self._peak_at = value, t
            left = self._exit.hold_for(t, not self._beyond(value, exit_) and not recognised, spec.min_out_s)
            if left is not None and measured:
                events += self._leave(t, left, value)
        if self.hold is not None:
            events += self.hold.update(t, self._holding(hold_ok, frame.still), value)
        return events

    def _holding(self, hold_ok: bool, still: bool) -> Holding:
        """What this frame shows of the held position."""
        if not (self.in_position and hold_ok):
            return Holding.BROKEN
        return Holding.HELD if still else Holding.MOVING

    def _settle_below_rest(self, t: float, value: float, moving: bool) -> list[Event]:
        """Learn the rest again when counting began at a level that was not the rest.

        A clip that starts on the way into the position arms there, since the body is
        out of the position's threshold for a moment, and its rest level then creeps on
        with the body into the position, by at least ``min_range`` (a real rest stays
        put). The real rest shows as the body settling still on the far side of that level,
        by ``min_range`` again, before any rep has begun, and is learnt from there. (A
        person who gets into the start position and then holds a pose on its far side, a
        cow before the first cat, has a level that did not creep: nothing is learnt again.)
        The level counting began at, if it is past ``enter`` from the new rest, was a rep
        already under way at the start of the clip, and counts as it would have had the
        clip shown its start (rendered cobra starting 8 % into its first rep: the chest
        lift read 0.55 where it armed, the lying value 0.04).
        """
        level = self.rest.level if self.rest is not None else math.nan
        beyond_level = math.isnan(level) or self._beyond(value, level)
        crept = self._beyond(level, self._level_at_arm) and abs(level - self._level_at_arm) >= self.spec.min_range
        if self._started or not crept or moving or beyond_level or abs(value - level) < self.spec.min_range:
            self._settled_since = None
            return []
        self._settled_since = t if self._settled_since is None else self._settled_since
        if t - self._settled_since < self.spec.min_rest_s or self.rest is None:
            return []
        self.rest.clear()
        self.rest.add(t, value)
        self.baseline, self._settled_since, self._started = value, None, True
        if not self._beyond(level, value + self.spec.enter):
            return []
        self.count += 1
        done = RepCompleted(self._armed_at, t, level, abs(level - value), self.count)
        return [Event(EventKind.REP_COMPLETED, t, self.side, done)]

    def _track_attempt(self, t: float, value: float, enter: float, exit_: float) -> list[Event]:
        """Out of position and counting: a movement that comes past the exit threshold
        (the near edge of the position) for at least ``min_in_s`` but turns back before
        ``enter`` is a partial rep, reported with how far it got. The exercise's own
        thresholds say what "near the position" is; jitter never stays there that long."""
        if not self.armed or math.isnan(enter) or math.isnan(exit_):
            self._attempt = math.nan
            return []
        if self._beyond(value, exit_):
            if math.isnan(self._attempt):
                self._attempt_since = t
            self._attempt = self._more_extreme(value, self._attempt)
            return []
        attempt, self._attempt = self._attempt, math.nan
        if math.isnan(attempt) or t - self._attempt_since < self.spec.min_in_s or self._beyond(attempt, enter):
            return []  # a flick past the edge, or far enough but kept out by a requirement (a plank)
        reason = Note(Reason.PARTIAL_REP, PartialRep(self.spec.measure, attempt, enter))
        return [Event(EventKind.REP_REJECTED, t, self.side, RepRejected(self._attempt_since, t, attempt, reason))]

    def saw_position(self, value: float) -> None:
        """The body is in the position though the start was never seen (``without_start``):
        this side's value there, which the start position must then be well away from."""
        if not self.armed:
            self._seen_in_position.add(value)

    def _clear_of_position(self, value: float, moving: bool) -> bool:
        """Whether this frame can count as the start position.

        After a position held without its start (a video that begins mid-twist), the start
        has to be seen still, and at least ``min_range`` from the position's value: the
        slow way back out passes through values that are not yet the start. Otherwise
        every frame out of position can be it.
        """
        if self._seen_in_position.n == 0:
            return True
        if moving:
            return False
        level = self.rest.level if self.rest is not None else value
        return abs(level - self._seen_in_position.mean) >= self.spec.min_range

    def arm(self, t: float) -> list[Event]:
        """Start counting because the start position was seen (e.g. by the other side's
        counter, when this side's landmarks were hidden at the time)."""
        if self.armed:
            return []
        self.armed, self._armed_at, self._started = True, t, False
        self._level_at_arm = self.rest.level if self.rest is not None else math.nan
        self._seen_in_position.clear()
        events = [Event(EventKind.READY, t, self.side)]
        carried, self._carried = self._carried, None
        if carried is not None:  # back at the start after a cut mid-rep: that rep is done
            self.count += 1
            done = RepCompleted(carried.start_s, t, carried.peak, carried.range, self.count)
            events.append(Event(EventKind.REP_COMPLETED, t, self.side, done))
        return events

    def _leave(self, t: float, left_at: float, value: float) -> list[Event]:
        events: list[Event] = []
        if self.hold is not None:
            events += self.hold.close(t)
        self.in_position = False
        self._enter.since = None
        rep_range = abs(self.peak - self.baseline) if not math.isnan(self.baseline) else math.inf
        moved = self._last_moving >= left_at - self.MOVE_WINDOW_S
        if self.candidate and not moved:
            events.append(
                Event(
                    EventKind.REP_REJECTED,
                    t,
                    self.side,
                    RepRejected(
                        self.entered_at,
                        left_at,
                        self.peak,
                        Note(Reason.STILL_BODY),
                        rep_range,
                    ),
                )
            )
        elif self.candidate and rep_range >= self.spec.min_range:
            self.count += 1
            done = RepCompleted(self.entered_at, left_at, self.peak, rep_range, self.count)
            events.append(Event(EventKind.REP_COMPLETED, t, self.side, done))
        elif self.candidate:
            events.append(
                Event(
                    EventKind.REP_REJECTED,
                    t,
                    self.side,
                    RepRejected(
                        self.entered_at,
                        left_at,
                        self.peak,
                        Note(Reason.TOO_SMALL, TooSmall(rep_range, self.spec.min_range)),
                        rep_range,
                    ),
                )
            )
        self.candidate = False
        self.baseline = value
        return events

    def _on_way_back(self) -> bool:
        """In position by the thresholds, but already more than ``RETURNED_FRACTION`` of
        the way from the peak back to the value the rep started from."""
        start = self.rest.level if self.rest is not None and not math.isnan(self.rest.level) else self.baseline
        excursion = self.peak - start
        if math.isnan(excursion) or math.isnan(self._last_value) or abs(excursion) < self.spec.min_range:
            return False
        return (self.peak - self._last_value) / excursion > self.RETURNED_FRACTION

    def _came_back_at(self, t: float) -> float:
        """When a rep the stream ended on the way back from (``_on_way_back``) was left:
        the body's last movement since the peak, for the person may have lain still for a
        while after coming back short of ``exit`` (a rendered knee roll ended 0.4 hip
        widths from its rest, still for the last second); ``t`` if the body never moved
        since, which ``_leave`` refuses as a tracking change."""
        return self._last_moving if self._peak_at < self._last_moving < t else t

    def finish(self, t: float, why: Interruption = Interruption.VIDEO_ENDED, keep_carried: bool = False) -> list[Event]:
        """The stream ended (or stopped counting, see ``disarm``): close the hold; a rep
        still in position does not count, unless it was already on its way back
        (``_on_way_back``: the video, the view or the person's visibility ended while
        they lowered). A rep carried over a camera cut is dropped too, unless
        ``keep_carried`` (another cut)."""
        if self.in_position and self.candidate and self._on_way_back():
            return self._leave(t, self._came_back_at(t), self._last_value)
        events: list[Event] = self.hold.close(t) if self.hold is not None else []
        if self._carried is not None and not keep_carried:
            reason = Note(Reason.STILL_IN_POSITION, StillInPosition(why, after_cut=True))
            dropped = RepRejected(self._carried.start_s, t, self._carried.peak, reason)
            events.append(Event(EventKind.REP_REJECTED, t, self.side, dropped))
            self._carried = None
        if self.in_position and self.candidate:
            events.append(
                Event(
                    EventKind.REP_REJECTED,
                    t,
                    self.side,
                    RepRejected(self.entered_at, t, self.peak, Note(Reason.STILL_IN_POSITION, StillInPosition(why))),
                )
            )
        self.candidate = False
        return events

    def disarm(self, t: float, why: Interruption, carry: bool = False) -> list[Event]:
        """Require the start position again (the person was lost, or the view changed).
        ``carry``: a camera cut, after which a rep under way continues in the new view."""
        rep_range = abs(self.peak - self.baseline) if not math.isnan(self.baseline) else math.inf
        if carry and self.in_position and self.candidate and rep_range >= self.spec.min_range:
            if not self._on_way_back():
                self._carried = CarriedRep(self.entered_at, self.peak, rep_range, cut_s=t)
                self.candidate = False
        events = self.finish(t, why, keep_carried=carry)
        self.armed = False
        self.in_position = False
        self._rest_since = None
        self._enter.since = self._exit.since = None
        self.baseline = math.nan
        self._seen_in_position.clear()
        if self.rest is not None:
            self.rest.clear()
        return events
