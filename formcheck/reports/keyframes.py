"""Key frames: a picture of each rep at its peak and of each hold at its middle, for the
HTML report.

Only collected when the user asked for pictures (``--frames`` or a video output), and
kept small: while a rep is in progress only one candidate (the frame where the rep
measure is furthest into the position so far) is held, downscaled; when the rep
completes it is JPEG-encoded (some tens of kB) and kept, and a rep that is not counted
drops its candidate. While a hold runs, a JPEG is kept every ``hold_every_s`` (thinned
to every other one, at twice the spacing, past ``max_hold_samples``), and when it ends
the one nearest its middle stays. At most ``max_reps`` reps and holds keep a picture,
so memory stays bounded in long live sessions.

Each picture keeps the counts the overlay on it shows: the rep in the picture is not
counted yet (a rep counts when it ends), and the caption must say what the picture says.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from formcheck.core.events import EventKind, HoldEnded, payloads
from formcheck.core.state import Counts, Side, Sides
from formcheck.engine.evaluator import FrameState
from formcheck.exercises.schema import Exercise


@dataclass(frozen=True)
class KeyFrame:
    t: float
    side: Side | None
    value: float  # the rep measure at this frame (NaN for an exercise without reps)
    jpeg: bytes
    counts: Counts = field(default_factory=Counts)  # what the overlay on the picture reads


@dataclass
class _Candidate:
    t: float = math.nan
    value: float = math.nan
    image: np.ndarray | None = None
    counts: Counts = field(default_factory=Counts)


@dataclass
class _HoldSamples:
    every_s: float
    frames: list[KeyFrame] = field(default_factory=list)

    def due(self, t: float) -> bool:
        return not self.frames or t - self.frames[-1].t >= self.every_s - 1e-6

    def add(self, frame: KeyFrame, most: int) -> None:
        self.frames.append(frame)
        if len(self.frames) > most:
            self.frames, self.every_s = self.frames[::2], self.every_s * 2


def downscale(image: np.ndarray, max_side: int) -> np.ndarray:
    """A copy that fits in a ``max_side`` square (portrait videos stay small too)."""
    h, w = image.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1.0:
        return image.copy()
    return cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


class KeyFrameCollector:
    """Feed it every frame's state; ``frames`` holds one picture per counted rep,
    ``hold_frames`` one per hold (its middle)."""

    def __init__(
        self,
        exercise: Exercise,
        max_side: int = 640,
        jpeg_quality: int = 80,
        max_reps: int = 300,
        hold_every_s: float = 0.5,
        max_hold_samples: int = 40,
    ) -> None:
        self._measure = exercise.rep.measure if exercise.rep else None
        self._sign = 1.0 if exercise.rep is not None and exercise.rep.direction == "rise" else -1.0
        self._one_sided = exercise.sides is Sides.EACH
        self.max_side = max_side
        self.jpeg_quality = jpeg_quality
        self.max_reps = max_reps
        self.hold_every_s = hold_every_s
        self.max_hold_samples = max_hold_samples
        self._open: dict[Side | None, _Candidate] = {}
        self._holding: dict[Side | None, _HoldSamples] = {}
        self.frames: list[KeyFrame] = []
        self.hold_frames: list[KeyFrame] = []

    def update(self, state: FrameState, render: Callable[[], np.ndarray]) -> None:
        """``render`` draws this frame (BGR); it is called only for a frame that may be kept."""
        room = len(self.frames) + len(self.hold_frames) < self.max_reps
        for event in state.events:
            if event.kind == EventKind.REP_STARTED and room:
                self._open[event.side] = _Candidate()
            elif event.kind == EventKind.HOLD_STARTED and room:
                self._holding[event.side] = _HoldSamples(self.hold_every_s)
        value = state.measures.get(self._measure, math.nan) if self._measure else math.nan
        key = state.side if self._one_sided else None
        image: np.ndarray | None = None
        candidate = self._open.get(key)
        if candidate is not None and not math.isnan(value):
            if candidate.image is None or self._sign * (value - candidate.value) > 0:
                image = downscale(render(), self.max_side)
                candidate.t, candidate.value, candidate.image, candidate.counts = state.t, value, image, state.counts
        samples = self._holding.get(key)
        if samples is not None and state.hold_elapsed > 0 and samples.due(state.t):
            jpeg = self._jpeg(image if image is not None else downscale(render(), self.max_side))
            if jpeg is not None:
                samples.add(KeyFrame(state.t, key, value, jpeg, state.counts), self.max_hold_samples)
        for event in state.events:
            if event.kind == EventKind.REP_COMPLETED:
                self._keep(self._open.pop(event.side, None), event.side)
            elif event.kind == EventKind.REP_REJECTED:
                self._open.pop(event.side, None)
        for event, hold in payloads(state.events, HoldEnded):
            self._keep_middle(self._holding.pop(event.side, None), hold)

    def _jpeg(self, image: np.ndarray) -> bytes | None:
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.jpeg_quality])
        return buf.tobytes() if ok else None

    def _keep(self, candidate: _Candidate | None, side: Side | None) -> None:
        if candidate is None or candidate.image is None:
            return
        jpeg = self._jpeg(candidate.image)
        if jpeg is not None:
            self.frames.append(KeyFrame(candidate.t, side, candidate.value, jpeg, candidate.counts))

    def _keep_middle(self, samples: _HoldSamples | None, hold: HoldEnded) -> None:
        if samples is None or not samples.frames:
            return
        middle = (hold.start_s + hold.end_s) / 2
        self.hold_frames.append(min(samples.frames, key=lambda f: abs(f.t - middle)))

    def for_span(self, start_s: float, end_s: float, side: str | None) -> KeyFrame | None:
        """The rep picture taken within a time span (on its side), if any; report times are rounded to 0.01 s."""
        return _within(self.frames, start_s, end_s, side)

    def hold_for_span(self, start_s: float, end_s: float, side: str | None) -> KeyFrame | None:
        """The picture of the middle of the hold that spans these times (on its side), if any;
        a hold that the end of the video closed was never ended here: its middle is chosen now."""
        kept = _within(self.hold_frames, start_s, end_s, side)
        if kept is not None:
            return kept
        open_frames = [f for samples in self._holding.values() for f in samples.frames]
        within = [f for f in open_frames if start_s - 0.01 <= f.t <= end_s + 0.01 and (side is None or f.side == side)]
        middle = (start_s + end_s) / 2
        return min(within, key=lambda f: abs(f.t - middle), default=None)


def _within(frames: list[KeyFrame], start_s: float, end_s: float, side: str | None) -> KeyFrame | None:
    for frame in frames:
        if start_s - 0.01 <= frame.t <= end_s + 0.01 and (side is None or frame.side == side):
            return frame
    return None
