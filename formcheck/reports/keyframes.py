"""Key frames: a small picture of each rep at its peak, for the HTML report.

Only collected when the user asked for pictures (``--frames`` or a video output), and
kept small: while a rep is in progress only one candidate (the frame where the rep
measure is furthest into the position so far) is held, downscaled; when the rep
completes it is JPEG-encoded (a few kB) and kept, and a rep that is not counted drops
its candidate. At most ``max_reps`` reps keep a picture, so memory stays bounded in
long live sessions.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.core.events import EventKind
from formcheck.core.state import Sides
from formcheck.engine.evaluator import FrameState
from formcheck.exercises.schema import Exercise


@dataclass(frozen=True)
class KeyFrame:
    t: float
    side: str | None
    value: float  # the rep measure at this frame
    jpeg: bytes


@dataclass
class _Candidate:
    t: float = math.nan
    value: float = math.nan
    image: np.ndarray | None = None


def downscale(image: np.ndarray, max_side: int) -> np.ndarray:
    """A copy that fits in a ``max_side`` square (portrait videos stay small too)."""
    h, w = image.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1.0:
        return image.copy()
    return cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


class KeyFrameCollector:
    """Feed it every frame's state; ``frames`` holds one picture per counted rep."""

    def __init__(self, exercise: Exercise, max_side: int = 320, jpeg_quality: int = 80, max_reps: int = 300) -> None:
        self._measure = exercise.rep.measure
        self._sign = 1.0 if exercise.rep.direction == "rise" else -1.0
        self._one_sided = exercise.sides is Sides.EACH
        self.max_side = max_side
        self.jpeg_quality = jpeg_quality
        self.max_reps = max_reps
        self._open: dict[str | None, _Candidate] = {}
        self.frames: list[KeyFrame] = []

    def update(self, state: FrameState, render: Callable[[], np.ndarray]) -> None:
        """``render`` draws this frame (BGR); it is called only for a new peak candidate."""
        for event in state.events:
            if event.kind == EventKind.REP_STARTED and len(self.frames) < self.max_reps:
                self._open[event.side] = _Candidate()
        value = state.measures.get(self._measure, math.nan)
        key = state.side if self._one_sided else None
        candidate = self._open.get(key)
        if candidate is not None and not math.isnan(value):
            if candidate.image is None or self._sign * (value - candidate.value) > 0:
                candidate.t, candidate.value, candidate.image = state.t, value, downscale(render(), self.max_side)
        for event in state.events:
            if event.kind == EventKind.REP_COMPLETED:
                self._keep(self._open.pop(event.side, None), event.side)
            elif event.kind == EventKind.REP_REJECTED:
                self._open.pop(event.side, None)

    def _keep(self, candidate: _Candidate | None, side: str | None) -> None:
        if candidate is None or candidate.image is None:
            return
        ok, buf = cv2.imencode(".jpg", candidate.image, [cv2.IMWRITE_JPEG_QUALITY, self.jpeg_quality])
        if ok:
            self.frames.append(KeyFrame(candidate.t, side, candidate.value, buf.tobytes()))

    def for_span(self, start_s: float, end_s: float, side: str | None) -> KeyFrame | None:
        """The picture taken within a rep's time span (on its side), if any; report times are rounded to 0.01 s."""
        for frame in self.frames:
            if start_s - 0.01 <= frame.t <= end_s + 0.01 and (side is None or frame.side == side):
                return frame
        return None
