"""Hold timing for one side: turns what each frame shows of the held position into hold
intervals.

The clock runs while the body is in the position, still, and passing the hold checks.
Two kinds of break stop it, and they end a hold differently:

* leaving the position (the measure out of it, or drifting beyond the hold's
  ``tolerance`` of its mean so far) or failing a hold check: the hold ends once that
  lasts ``grace_s``;
* moving (beyond the hold's ``max_speed`` or ``max_motion``) while in the position and
  within the tolerance (hands slid further forward in a child's pose, shins turned in a
  knee hug), once the hold has lasted ``min_s``: the overlay's clock stops, the hold
  goes on however long the movement lasts, and the movement is part of the hold's time
  once the body holds again, as the position was never left (before ``min_s``, the
  body is still on its way into the position, and moving is a break like any other).
  Ending the hold there split a labelled 16 s child's pose in two after a 0.9 s
  readjustment. A movement that leads out of the position ends the hold as if the break
  had begun where the movement did, so a slow drift out of a hold ends it when it did
  before; a single frame past the tolerance right after a long movement therefore ends
  the hold at once (checks and leaving the position are debounced; the tolerance is not).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

from formcheck.core.events import Event, EventKind, HoldCompleted, HoldEnded, HoldStarted
from formcheck.core.state import Side
from formcheck.exercises.schema import HoldSpec


class Holding(Enum):
    """What one frame shows of the held position."""

    HELD = "held"  # in the position, still, the hold checks passing
    MOVING = "moving"  # in the position with the checks passing, but moving
    BROKEN = "broken"  # out of the position, or a hold check failing
    UNSEEN = "unseen"  # the rep measure cannot be seen


@dataclass
class RunningMean:
    """The mean of the values added so far (NaN, an unseen measure, is left out)."""

    total: float = 0.0
    n: int = 0

    def add(self, value: float) -> None:
        if not math.isnan(value):
            self.total += value
            self.n += 1

    def clear(self) -> None:
        self.total, self.n = 0.0, 0

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else math.nan


@dataclass
class HoldState:
    """One hold under way: when it started, its last held frame, the measure's mean."""

    start: float
    last_ok: float  # the last frame held: the hold's end so far
    #: The last frame held, or the end of a later movement inside the position that came
    #: back to holding (never before ``last_ok``): breaks count from here.
    last_in: float
    #: While moving inside the position, the latest such frame; it becomes ``last_in`` if
    #: the body holds again, and is forgotten if the movement leads out of the position
    #: (the break then began where the movement did).
    moving_until: float | None = None
    announced: bool = False
    completed: bool = False
    held: RunningMean = field(default_factory=RunningMean)  # the rep measure over the hold, for the tolerance

    @property
    def duration(self) -> float:
        return self.last_ok - self.start

    @property
    def last_inside(self) -> float:
        """The last frame seen inside the position, held or moving."""
        return self.moving_until if self.moving_until is not None else self.last_in

    def near(self, value: float, tolerance: float | None) -> bool:
        """Within ``tolerance`` of the mean value held so far (always, without one)."""
        if tolerance is None or self.held.n == 0 or math.isnan(value):
            return True
        return abs(value - self.held.mean) <= tolerance


class HoldTracker:
    """Turns each frame's ``Holding`` into hold intervals and their events."""

    def __init__(self, spec: HoldSpec, side: Side | None) -> None:
        self.spec = spec
        self.side = side
        self.current: HoldState | None = None
        self._ok_since: float | None = None

    #: After a break, the position must be held again this long before the clock resumes:
    #: a movement that turns round (lowering after overshooting) is briefly "still".
    SETTLE_S = 0.25

    #: Landmarks hidden for up to this long (a knee pulled in behind the body) do not
    #: end a hold: not seeing the position is not leaving it.
    UNSEEN_S = 1.5

    def update(self, t: float, holding: Holding, value: float = math.nan) -> list[Event]:
        """Advance by one frame; ``value`` is the rep measure, which must stay within the
        spec's tolerance of its mean over the hold."""
        hold = self.current
        if holding is Holding.UNSEEN:
            if hold is not None and t - hold.last_inside > self.spec.grace_s + self.UNSEEN_S:
                return self.close(t)
            return []
        if holding is not Holding.BROKEN and hold is not None and not hold.near(value, self.spec.tolerance):
            if hold.announced or holding is Holding.MOVING:
                holding = Holding.BROKEN  # drifting out of the held position
            else:
                # Not held long enough to count yet, so the body was still settling
                # into the position: the hold starts where the value comes to rest.
                hold = self.current = None
        if holding is Holding.MOVING:
            if hold is None or not hold.announced:
                # Not held for ``min_s`` yet: the body is still on its way into the position.
                holding = Holding.BROKEN
            else:
                hold.moving_until, self._ok_since = t, None
                return []  # the overlay's clock stops, the hold goes on
        if hold is not None:
            if holding is Holding.HELD and hold.moving_until is not None:
                hold.last_in = hold.moving_until  # the movement came back to holding: no break
            hold.moving_until = None  # (BROKEN: the movement led out, the break began with it)
        ok = holding is Holding.HELD
        if not ok:
            self._ok_since = None
        elif self._ok_since is None:
            self._ok_since = t
        if ok and (hold is None or self._resumed(hold, t)):
            return self._held(t, value)
        if hold is None:
            return []
        # The break lasts from the last frame inside the position until the current
        # "held" streak began (or until now).
        break_end = self._ok_since if self._ok_since is not None else t
        if break_end - hold.last_in <= self.spec.grace_s:
            return []
        events = self.close(t)
        if ok:  # back in position after a long break: a new hold starts now
            events += self._held(t, value)
        return events

    def _resumed(self, hold: HoldState, t: float) -> bool:
        """Held without a break, or held again for ``SETTLE_S`` after one."""
        assert self._ok_since is not None
        return self._ok_since <= hold.last_ok or t - self._ok_since >= self.SETTLE_S

    def _held(self, t: float, value: float) -> list[Event]:
        """A frame held: the clock runs (a new hold starts when none is open)."""
        hold = self.current
        if hold is None:
            hold = self.current = HoldState(start=t, last_ok=t, last_in=t)
        hold.last_ok = hold.last_in = t
        hold.held.add(value)
        events: list[Event] = []
        if not hold.announced and hold.duration >= self.spec.min_s:
            hold.announced = True
            events.append(Event(EventKind.HOLD_STARTED, t, self.side, HoldStarted(hold.start, self.spec.target_s)))
        if hold.announced and not hold.completed and hold.duration >= self.spec.target_s:
            hold.completed = True
            events.append(Event(EventKind.HOLD_COMPLETED, t, self.side, HoldCompleted(hold.start, self.spec.target_s)))
        return events

    def close(self, t: float) -> list[Event]:
        """End the current hold (if it lasted ``min_s``, report it)."""
        hold, self.current = self.current, None
        if hold is None or not hold.announced:
            return []
        return [
            Event(
                EventKind.HOLD_ENDED,
                t,
                self.side,
                HoldEnded(
                    hold.start,
                    hold.last_ok,
                    hold.duration,
                    self.spec.target_s,
                    bool(hold.duration >= self.spec.target_s),
                ),
            )
        ]

    @property
    def elapsed(self) -> float:
        """Seconds held so far (0 when not holding), for the overlay's timer."""
        return self.current.duration if self.current is not None and self.current.announced else 0.0
