"""The person's own rest value of a measure, for thresholds relative to it.

How far the head drops in a cat stretch, or the shoulders rise in a bridge, says more
than where they end: people carry themselves differently, and the camera's height and
angle shift every image-plane measure. Rep thresholds and form checks marked
``relative`` are offsets from this level.
"""

from __future__ import annotations

import math
import statistics
from collections import deque


class RestLevel:
    """The median of the last ``window_s`` seconds of values seen at rest."""

    def __init__(self, window_s: float = 2.0) -> None:
        self.window_s = window_s
        self._samples: deque[tuple[float, float]] = deque()

    def add(self, t: float, value: float) -> None:
        self._samples.append((t, value))
        while self._samples and t - self._samples[0][0] > self.window_s:
            self._samples.popleft()

    def clear(self) -> None:
        self._samples.clear()

    @property
    def level(self) -> float:
        return statistics.median(v for _, v in self._samples) if self._samples else math.nan
