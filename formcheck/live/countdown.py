"""Before counting: the setup check on every frame, then a countdown while it holds.

The setup must stay right for the whole countdown; any problem starts it again. A
problem is announced (printed and said) only once it has been steady for a moment, so
that a flickering landmark does not make the coach talk over itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from formcheck.core.reasons import Note, Reason
from formcheck.engine.evaluator import FrameState
from formcheck.engine.setup_check import readiness_problem
from formcheck.exercises.schema import Exercise

GET_READY = Note(Reason.GET_READY)
GO = Note(Reason.GO)  # said as the countdown ends and counting starts


class Steady:
    """Reports a value once it has stayed the same for ``after_s`` (and only once)."""

    def __init__(self, after_s: float) -> None:
        self.after_s = after_s
        self._value: Note | None = None
        self._since = 0.0
        self._reported: Note | None = None

    def update(self, t: float, value: Note | None) -> Note | None:
        if value != self._value:
            self._value, self._since = value, t
        if value is not None and value != self._reported and t - self._since >= self.after_s:
            self._reported = value
            return value
        return None


@dataclass(frozen=True)
class CountdownStep:
    """What one frame of the setup check and countdown asks the coach to show and say."""

    done: bool  # the setup held for the whole countdown: counting starts now
    banner: str  # the seconds left, "" while the setup is not right
    message: Note | None  # the overlay's message: the problem to fix, or "get ready"
    announce: Note | None  # a problem steady long enough to be printed and said
    speak: str | None  # a number of the countdown to say


class Countdown:
    """The setup check and the countdown for one exercise."""

    def __init__(self, exercise: Exercise, seconds: float, announce_after_s: float) -> None:
        self.exercise = exercise
        self.seconds = seconds
        self._announce = Steady(announce_after_s)
        self._ok_since: float | None = None
        self._spoken: int | None = None

    def restart(self) -> None:
        """Back to the setup check (the r key); what was already announced stays said."""
        self._ok_since = None

    def update(self, t: float, state: FrameState) -> CountdownStep:
        problem = readiness_problem(self.exercise, state.frame.has_person, state.setup_problems, state.posture)
        if problem:
            self._ok_since = None
        elif self._ok_since is None:
            self._ok_since = t
        left = self.seconds - (t - self._ok_since) if self._ok_since is not None else math.inf
        announce = self._announce.update(t, problem)
        if left <= 0:
            return CountdownStep(True, "", None, announce, None)
        number = math.ceil(left) if math.isfinite(left) else None
        speak = None
        if number and number != self._spoken:
            self._spoken = number
            speak = str(number)
        return CountdownStep(False, str(number) if number else "", problem or GET_READY, announce, speak)
