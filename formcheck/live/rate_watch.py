"""Is live processing fast enough to count? Watches the rate of processed frames.

The rules need several frames in each phase of a rep (a rep must stay ``min_in_s``, by
default 0.3 s, in the position; leaving it must last ``min_out_s``, 0.2 s), so below a
rate the counts go wrong without a word: on a loaded laptop we saw 0.4 frames a second
and 0 of 5 reps. The real clips' landmark tracks, thinned to fewer frames a second, kept
15 of 22 counts exact at 8 to 15 frames a second (16 at their own 24-60) and 12 at 6
(README, "Live coaching"): the default of 10 leaves a margin, since a live rate is an
average over uneven gaps. The warning comes once the rate has been low for a whole window, says what
helps (``Reason.TOO_SLOW``, worded in ``feedback/wording.py``), and clears (with some
margin) once the rate is back.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from formcheck.core.reasons import Bottleneck


@dataclass(frozen=True)
class RateParams:
    min_fps: float = 10.0  # counting needs at least this many processed frames a second
    window_s: float = 3.0  # the rate is measured over this long (and must be low all of it)
    recover: float = 1.25  # the warning clears above min_fps times this


@dataclass(frozen=True)
class SlowNotice:
    fps: float
    bottleneck: Bottleneck


class RateWatch:
    """``update`` once per processed frame; ``slow`` while the rate is too low to count."""

    def __init__(self, params: RateParams = RateParams()) -> None:
        self.params = params
        self._frames: deque[tuple[float, int]] = deque()  # (time, frames dropped so far)
        self._start: float | None = None
        self.slow: SlowNotice | None = None

    def restart(self) -> None:
        """Forget the rate so far (after a pause: the frames did not stop for slowness)."""
        self._frames.clear()
        self._start = None

    def update(self, t: float, dropped: int) -> SlowNotice | None:
        """The notice when processing has just become too slow (None otherwise; ``slow``
        says whether it still is)."""
        p = self.params
        self._start = t if self._start is None else self._start
        self._frames.append((t, dropped))
        while self._frames[0][0] < t - p.window_s:
            self._frames.popleft()
        if t - self._start < p.window_s:
            return None  # not a whole window yet (the model's first frames are slow anyway)
        span = t - self._frames[0][0]
        fps = (len(self._frames) - 1) / span if span > 0 else 0.0
        if self.slow is not None:
            if fps >= p.min_fps * p.recover:
                self.slow = None
            return None
        if fps >= p.min_fps:
            return None
        dropping = dropped > self._frames[0][1]
        self.slow = SlowNotice(fps, Bottleneck.PROCESSING if dropping else Bottleneck.CAMERA)
        return self.slow
