"""Active time: bouts of movement, for activities that a pose cannot judge rep by rep.

Walking, biking or swimming have no position to hold and no single angle to count; what
can honestly be measured is how long the person was moving. A bout starts when the body
speed rises above a threshold and lasts until it has stayed below it for a grace period.
"""

from __future__ import annotations

import math

from formcheck.core.events import ActiveEnded, ActiveStarted, Event, EventKind
from formcheck.exercises.schema import ActivitySpec


class ActivityTracker:
    def __init__(self, spec: ActivitySpec) -> None:
        self.spec = spec
        self.total_s = 0.0  # completed bouts
        self._start: float | None = None
        self._last_moving: float | None = None
        self._announced = False

    def update(self, t: float, motion: float) -> list[Event]:
        moving = not math.isnan(motion) and motion >= self.spec.min_motion
        if moving:
            if self._start is None:
                self._start = t
            self._last_moving = t
            if not self._announced and t - self._start >= self.spec.min_s:
                self._announced = True
                return [Event(EventKind.ACTIVE_STARTED, t, None, ActiveStarted(self._start))]
            return []
        if self._last_moving is not None and t - self._last_moving > self.spec.grace_s:
            return self.close(t)
        return []

    def close(self, t: float) -> list[Event]:
        start, end, announced = self._start, self._last_moving, self._announced
        self._start = self._last_moving = None
        self._announced = False
        if start is None or end is None or not announced:
            return []
        self.total_s += end - start
        return [Event(EventKind.ACTIVE_ENDED, t, None, ActiveEnded(start, end, end - start))]

    @property
    def active_s(self) -> float:
        """Active seconds so far, including the bout under way."""
        running = (
            self._last_moving - self._start
            if self._announced and self._start is not None and self._last_moving is not None
            else 0.0
        )
        return self.total_s + running
