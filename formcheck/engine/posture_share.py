"""Whether the body has lately been in one of an exercise's postures: the gate a rep's
start passes (``ExerciseEvaluator``)."""

from __future__ import annotations

from collections import deque
from collections.abc import Collection

from formcheck.core.body import Posture


class RecentPostures:
    """The postures read over the last ``window_s`` seconds, and whether most of those
    that could be told were the exercise's own.

    Over a window, not one frame: the posture reader decides lying on the back from
    whether the nose is above the ear, so a head turned for a frame or two would read
    face down and, frame by frame, cost a lifted bridge or a cobra looking up its rep.
    Lying face down through a side plank's dips (418 of 431 frames) still reads so.
    """

    def __init__(self, postures: Collection[Posture], window_s: float = 1.0, min_share: float = 0.5) -> None:
        self.postures = frozenset(postures)
        self.window_s = window_s
        self.min_share = min_share
        self._seen: deque[tuple[float, bool]] = deque()  # (t, one of the postures), postures told only

    def add(self, t: float, posture: Posture) -> None:
        if posture is not Posture.UNKNOWN:
            self._seen.append((t, posture in self.postures))
        while self._seen and (t - self._seen[0][0] > self.window_s or t < self._seen[0][0]):
            self._seen.popleft()

    @property
    def in_them(self) -> bool:
        """At least ``min_share`` of the postures told lately were the exercise's, or none
        could be told (a body filmed from the feet)."""
        if not self._seen:
            return True
        return sum(ok for _, ok in self._seen) >= self.min_share * len(self._seen)
