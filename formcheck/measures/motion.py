"""How much the body is moving, in trunk lengths per second.

Holding a position means the whole body is still, not just the one angle a rep is
counted on: in child's pose the arms may still be sliding forward while the hips are
already folded. Normalising by trunk length makes the number independent of the
person's size and distance from the camera, and of the view: the trunk's length is the
one it would have square-on (``body_scale``), not its foreshortened image.
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
_BODY = np.array(BODY, dtype=np.intp)


_SHOULDERS, _HIPS = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER], [L.LEFT_HIP, L.RIGHT_HIP]


def _trunk_length(points: np.ndarray) -> float:
    """Mid-shoulder to mid-hip."""
    return float(np.linalg.norm(points[_SHOULDERS].mean(axis=0) - points[_HIPS].mean(axis=0)))


def body_scale(frame: PoseFrame) -> float:
    """The trunk's length in pixels as it would look square-on to the camera.

    The trunk's image shrinks when the camera looks along it: filmed from the feet, a
    lying trunk is half its side-on length (a real bridge clip: 158 pixels against a
    shin of 297), so a still body read 2-3 times too fast and no hold started. The
    metric 3D landmarks keep the trunk's length whatever the view, and their axes are
    the camera's (x right, y down, a few degrees off on the dev clips): the least-squares
    scale from their x-y spread to the picture's, over the body's main landmarks, is the
    pixels a metre where the body lies, times the trunk's metric length. Never less than
    the trunk's image, nor without 3D landmarks.
    """
    image = _trunk_length(frame.xy)
    if frame.world is None:
        return image
    picture = frame.xy[_BODY] - frame.xy[_BODY].mean(axis=0)
    metric = frame.world[_BODY, :2] - frame.world[_BODY, :2].mean(axis=0)
    spread = float(np.sum(metric * metric))
    per_metre = float(np.sum(picture * metric)) / spread if spread > 0 else math.nan
    square_on = per_metre * _trunk_length(frame.world)
    return max(image, square_on) if math.isfinite(square_on) else image


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

    def update(self, frame: PoseFrame, scale: float | None = None) -> float:
        """The speed now; ``scale`` is the frame's ``body_scale`` if already known."""
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
        trunk = body_scale(frame) if scale is None else scale
        if not trunk > 0:
            return math.nan
        visible = frame.visibility[self.points] >= self.min_visibility
        if not visible.any():
            return math.nan
        speeds = np.hypot(*(frame.xy[self.points] - xy0).T)[visible] / (t - t0)
        return float(self.reduce(speeds) / trunk)
