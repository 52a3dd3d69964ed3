"""Stand-ins for the camera and the pose model, so the live loop runs end to end in tests.

``TrackEstimator`` answers with the landmarks of a recorded track for the frame index it
is given (the live loop passes the source's frame index, so dropped frames skip ahead
exactly as they would with the real model). It is registered as the ``track`` backend:
``--backend track --model TRACK.npz``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.pose import BACKENDS
from formcheck.sources.track import Track
from tests.synthetic import SIZE, bridge_track, schedule

FPS = 30.0


class TrackEstimator:
    def __init__(self, track: Track) -> None:
        self.track = track
        self.frames = list(track.frames())

    def estimate(self, image_rgb: np.ndarray, index: int, timestamp_s: float) -> PoseFrame:
        return replace(self.frames[min(index, len(self.frames) - 1)], index=index, timestamp_s=timestamp_s)

    def close(self) -> None:
        pass


def track_backend(model: Path | None, _min_confidence: float) -> TrackEstimator:
    """The ``track`` backend's factory: ``--model`` is the track file."""
    if model is None:
        raise ValueError("the track backend needs --model TRACK.npz")
    return TrackEstimator(Track.load(model))


class SlowTrackEstimator(TrackEstimator):
    """A pose stage slower than counting needs: ``TrackEstimator`` taking ``delay_s`` a frame."""

    def __init__(self, track: Track, delay_s: float) -> None:
        super().__init__(track)
        self.delay_s = delay_s

    def estimate(self, image_rgb: np.ndarray, index: int, timestamp_s: float) -> PoseFrame:
        time.sleep(self.delay_s)
        return super().estimate(image_rgb, index, timestamp_s)


SLOW_DELAY_S = 0.2  # 5 frames a second at most: below the 10 that counting needs


def slow_track_backend(model: Path | None, _min_confidence: float) -> SlowTrackEstimator:
    """The ``slowtrack`` backend: the ``track`` backend at ``SLOW_DELAY_S`` a frame."""
    return SlowTrackEstimator(track_backend(model, _min_confidence).track, SLOW_DELAY_S)


def install() -> None:
    """Register the ``track`` and ``slowtrack`` backends for this process (tests use
    monkeypatch instead)."""
    BACKENDS["track"] = track_backend
    BACKENDS["slowtrack"] = slow_track_backend


def two_bridges(path: Path, rest_s: float = 1.0) -> Track:
    """A landmark track: lying still, then 2 bridges with 2 s at the top."""
    up_down = [(0.6, 0.0, 1.0), (2.0, 1.0, 1.0), (0.6, 1.0, 0.0), (rest_s, 0.0, 0.0)]
    t, lift = schedule(FPS, [(rest_s, 0.0, 0.0)] + up_down * 2)
    track = bridge_track(lift, t, fps=FPS)
    track.save(path)
    return track


def textured_frame(rng: np.random.Generator) -> np.ndarray:
    """A mid-grey, textured image: passes the lighting check, and the overlay shows on it."""
    ramp = np.linspace(60, 190, SIZE[0])[None, :, None]
    noise = rng.integers(-20, 21, size=(SIZE[1], SIZE[0], 3))
    return np.clip(ramp + noise, 0, 255).astype(np.uint8)


def write_clip(path: Path, frames: int, fps: float = FPS) -> Path:
    rng = np.random.default_rng(1)
    base = textured_frame(rng)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, SIZE)
    for i in range(frames):
        writer.write(np.roll(base, i, axis=1))
    writer.release()
    return path


class FakeCamera:
    """A cv2.VideoCapture look-alike: ``frames`` images at ``fps``, then nothing (unplugged)."""

    def __init__(self, frames: int, fps: float = FPS, opens: bool = True) -> None:
        self._left = frames
        self._fps = fps
        self._opens = opens
        self._image = textured_frame(np.random.default_rng(2))
        self._next: float | None = None  # the stream starts with the first read, as a camera's does once opened

    def isOpened(self) -> bool:  # noqa: N802 (cv2's name)
        return self._opens

    def set(self, prop: int, value: float) -> bool:
        return True

    def get(self, prop: int) -> float:
        return self._fps if prop == cv2.CAP_PROP_FPS else 0.0

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self._left <= 0:
            time.sleep(0.005)
            return False, None
        self._next = (time.monotonic() if self._next is None else self._next) + 1.0 / self._fps
        time.sleep(max(self._next - time.monotonic(), 0.0))
        self._left -= 1
        return True, self._image.copy()

    def release(self) -> None:
        pass


def main(argv: list[str]) -> int:
    """``python -m tests.fakes ARGS...``: the formcheck CLI with the ``track`` backend."""
    from formcheck.cli.main import main as cli_main

    install()
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
