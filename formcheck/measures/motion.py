"""How much the body is moving, in trunk lengths per second.

Holding a position means the whole body is still, not just the one angle a rep is
counted on: in child's pose the arms may still be sliding forward while the hips are
already folded. Normalising by trunk length makes the number independent of the
person's size and distance from the camera.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.core.landmarks import Landmark as L

BODY = [
    L.LEFT_SHOULDER,
    L.RIGHT_SHOULDER,
    L.LEFT_ELBOW,
    L.RIGHT_ELBOW,
    L.LEFT_WRIST,
    L.RIGHT_WRIST,
    L.LEFT_HIP,
    L.RIGHT_HIP,
    L.LEFT_KNEE,
    L.RIGHT_KNEE,
    L.LEFT_ANKLE,
    L.RIGHT_ANKLE,
    L.NOSE,
]


class BodyMotion:
    """Landmark speed over a short window, in trunk lengths per second.

    By default the median over the whole body (is the person still?); given ``points``
    and ``fastest=True``, the fastest of those landmarks (is this joint moving?).
    """

    def __init__(
        self, window_s: float = 0.3, min_visibility: float = 0.5, points: Sequence[int] = BODY, fastest: bool = False
    ) -> None:
        self.window_s = window_s
        self.min_visibility = min_visibility
        self.points = np.array(points, dtype=np.intp)  # an index array: a list is converted on every call
        self.reduce = np.ndarray.max if fastest else np.median  # the method: np.max's own wrapping costs more
        self._history: deque[tuple[float, np.ndarray]] = deque()

    def update(self, frame: PoseFrame) -> float:
        if not frame.has_person:
            self._history.clear()
            return math.nan
        t = frame.timestamp_s
        self._history.append((t, frame.xy[self.points].copy()))
        while len(self._history) > 2 and t - self._history[1][0] >= self.window_s:
            self._history.popleft()
        t0, xy0 = self._history[0]
        if t - t0 < self.window_s * 0.5:
            return math.nan
        trunk = np.hypot(
            *(
                (frame.xy[L.LEFT_SHOULDER] + frame.xy[L.RIGHT_SHOULDER]) / 2
                - (frame.xy[L.LEFT_HIP] + frame.xy[L.RIGHT_HIP]) / 2
            )
        )
        if not trunk > 0:
            return math.nan
        visible = frame.visibility[self.points] >= self.min_visibility
        if not visible.any():
            return math.nan
        speeds = np.hypot(*(frame.xy[self.points] - xy0).T)[visible] / (t - t0)
        return float(self.reduce(speeds) / trunk)
