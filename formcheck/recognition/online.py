"""Recognition while the person exercises (``formcheck live`` without -e, and a
routine that moves on early): every exercise's rules on the live landmark stream, the
last few seconds scored now and then, and a steady verdict proposed to the coach.

``Follower`` makes the decisions from the score stream alone (unit-tested on scripted
scores). ``OnlineRecogniser`` feeds it from the poses on its own thread, behind the
displayed frames (``core/threads.Behind``), so the rules never delay the picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.core.threads import Behind
from formcheck.exercises.schema import Exercise
from formcheck.recognition.evidence import EvidenceStream
from formcheck.recognition.scoring import Recognition, recognise

#: Poses the rules may lag behind the camera before the coach's loop waits for them.
RULES_BEHIND = 64


@dataclass(frozen=True)
class FollowParams:
    window_s: float = 10.0  # the recent movement scored: a rep or two of the slow seed exercises
    check_every_s: float = 1.0  # how often (stream time) the window is scored
    steady_checks: int = 3  # the same new winner this many checks in a row
    switch_margin: float = 0.25  # a new exercise must beat the current one's score by this


class Follower:
    """Which exercise to move to, from one recognition verdict after another.

    A new exercise is proposed when it wins ``steady_checks`` verdicts in a row and, if
    an exercise is being coached, beats its score by ``switch_margin``: a cat in a
    cat-cow flow also scores as a cow, and a single good verdict is no reason to
    abandon the exercise the person is doing."""

    def __init__(self, params: FollowParams = FollowParams()) -> None:
        self.params = params
        self._pending: str | None = None
        self._streak = 0

    def decide(self, verdict: Recognition, current: Exercise | None) -> Exercise | None:
        """The exercise to move to after this verdict, or None (stay)."""
        best = verdict.exercise
        if best is None or (current is not None and best.id == current.id) or not self._clear(verdict, current):
            self._pending, self._streak = None, 0
            return None
        self._streak = self._streak + 1 if best.id == self._pending else 1
        self._pending = best.id
        if self._streak < self.params.steady_checks:
            return None
        self._pending, self._streak = None, 0
        return best

    def _clear(self, verdict: Recognition, current: Exercise | None) -> bool:
        if current is None:
            return True
        now = next((s for ex, s in verdict.scores if ex.id == current.id), 0.0)
        return verdict.closest[1] - now >= self.params.switch_margin


class OnlineRecogniser:
    """Raw poses in (``put``, from the coach's loop), a proposed exercise out (``proposal``).

    ``follow`` tells it which exercise is coached now; ``proposal`` is the latest
    exercise the ``Follower`` would move to (None until there is one). Both are single
    references, read and written whole across the two threads. Used as a context
    manager, whose end stops the thread."""

    def __init__(
        self, exercises: list[Exercise], mirrored: bool = False, params: FollowParams = FollowParams()
    ) -> None:
        self.params = params
        self.stream = EvidenceStream(exercises, mirrored)
        self.follower = Follower(params)
        self.current: Exercise | None = None
        self.proposal: Exercise | None = None
        self._next_check = 0.0
        self._behind: Behind[PoseFrame] = Behind(self._update, RULES_BEHIND, "live recognition")

    def put(self, pose: PoseFrame) -> None:
        self._behind.put(pose)

    def follow(self, exercise: Exercise | None) -> None:
        """The exercise now coached: proposals are of others."""
        self.current, self.proposal = exercise, None

    def _update(self, pose: PoseFrame) -> None:
        self.stream.update(pose)
        if pose.timestamp_s < self._next_check:
            return
        self._next_check = pose.timestamp_s + self.params.check_every_s
        evidence = self.stream.collector.so_far()
        lo = int(np.searchsorted(evidence.t, pose.timestamp_s - self.params.window_s))
        chosen = self.follower.decide(recognise(evidence, lo), self.current)
        if chosen is not None:
            self.proposal = chosen

    def __enter__(self) -> OnlineRecogniser:
        return self

    def __exit__(self, *_: object) -> None:
        self._behind.abort()
