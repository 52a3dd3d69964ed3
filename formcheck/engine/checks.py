"""Form checks: a measure (or its speed) must stay within bounds while the check applies.

A fault is reported only once it has lasted ``min_s``, and its start is dated back to
when it began, so a single noisy frame never produces a message while the report
still says when the fault really started.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from formcheck.core.events import Event, EventKind, FaultEnded, FaultStarted
from formcheck.core.reasons import Note, declared
from formcheck.core.state import Side
from formcheck.engine.rest import RestLevel
from formcheck.exercises.schema import CheckSpec


@dataclass
class FaultTracker:
    """Turns a per-frame "failing" flag into debounced fault events."""

    check: str
    message: Note  # what to tell the person while the fault lasts
    min_s: float
    side: Side | None
    active: bool = False
    _since: float | None = None

    def update(self, t: float, failing: bool, value: float = math.nan) -> list[Event]:
        if failing:
            if self._since is None:
                self._since = t
            if not self.active and t - self._since >= self.min_s:
                self.active = True
                return [
                    Event(
                        EventKind.FAULT_STARTED,
                        t,
                        self.side,
                        FaultStarted(self.check, self.message, self._since, value),
                    )
                ]
            return []
        return self.end(t)

    def end(self, t: float) -> list[Event]:
        was_active, since = self.active, self._since
        self.active, self._since = False, None
        if not was_active:
            return []
        return [
            Event(
                EventKind.FAULT_ENDED,
                t,
                self.side,
                FaultEnded(self.check, self.message, since, t),
            )
        ]


class CheckTracker(FaultTracker):
    """A form check from an exercise file: fails when its value leaves [min, max]
    (for a relative check, when its offset from the value at rest does)."""

    def __init__(self, spec: CheckSpec, side: Side | None) -> None:
        super().__init__(spec.id, declared(spec.message), spec.min_s, side)
        self.spec = spec
        self.rest = RestLevel() if spec.relative else None

    def failing(self, value: float) -> bool:
        if math.isnan(value):
            return False
        lo, hi = self.spec.min, self.spec.max
        return (lo is not None and value < lo) or (hi is not None and value > hi)

    def forget_rest(self) -> None:
        """Drop the rest value (a relative check then waits for a new one)."""
        if self.rest is not None:
            self.rest.clear()

    def check_value(self, t: float, value: float, applies: bool, at_rest: bool = False) -> list[Event]:
        """``at_rest``: the person is in the start position now (feeds a relative
        check's rest level; until it is known, a relative check cannot fail)."""
        if self.rest is not None:
            if at_rest and not math.isnan(value):
                self.rest.add(t, value)
            value = value - self.rest.level
        return self.update(t, applies and self.failing(value), value)


@dataclass
class SpeedMeter:
    """Rate of change of a measure over a short window (units per second).

    A window, not a frame-to-frame difference, so that landmark jitter at 30 fps does
    not read as fast movement.
    """

    window_s: float = 0.25
    _history: deque[tuple[float, float]] = field(default_factory=deque)

    def update(self, t: float, value: float) -> float:
        if math.isnan(value):
            self._history.clear()
            return math.nan
        self._history.append((t, value))
        while len(self._history) > 2 and t - self._history[1][0] >= self.window_s:
            self._history.popleft()
        t0, v0 = self._history[0]
        if t - t0 < self.window_s * 0.5:
            return math.nan
        return abs(value - v0) / (t - t0)
