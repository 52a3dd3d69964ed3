"""Video sources: a recorded file read in order, with each frame's own timestamp.

Timestamps come from the container (``CAP_PROP_POS_MSEC``) so that hold durations stay
right in variable-frame-rate files; only when the container gives none do we fall back
to index / fps.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from formcheck.errors import InputError

FALLBACK_FPS = 30.0


@dataclass(frozen=True)
class VideoFrame:
    index: int
    timestamp_s: float
    image_bgr: np.ndarray


@dataclass(frozen=True)
class SourceInfo:
    name: str
    fps: float
    frame_count: int  # 0 when unknown (cameras, some streams)
    size: tuple[int, int]  # (width, height)


class VideoFile:
    """Reads a video file frame by frame; raises ``InputError`` for anything unreadable."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise InputError(f"video not found: {path}")
        if not path.is_file():
            raise InputError(f"not a video file: {path}")
        self._path = path
        self._capture = cv2.VideoCapture(str(path))
        if not self._capture.isOpened():
            raise InputError(f"cannot read video (unsupported or corrupt): {path}")
        ok, first = self._capture.read()
        if not ok or first is None:
            self._capture.release()
            raise InputError(f"video has no readable frames: {path}")
        self._first = first
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self._fps_valid = bool(np.isfinite(fps) and 1.0 <= fps <= 1000.0)
        self.info = SourceInfo(
            name=str(path),
            fps=fps if self._fps_valid else FALLBACK_FPS,
            frame_count=max(int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT)), 0),
            size=(first.shape[1], first.shape[0]),
        )

    def frames(self) -> Iterator[VideoFrame]:
        """Frames in order; timestamps are strictly increasing."""
        index = 0
        last_t = -np.inf
        image: np.ndarray | None = self._first
        while image is not None:
            t = self._timestamp(index, last_t)
            yield VideoFrame(index, t, image)
            last_t = t
            index += 1
            ok, image = self._capture.read()
            if not ok:
                image = None

    def _timestamp(self, index: int, last_t: float) -> float:
        container_t = self._capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if np.isfinite(container_t) and container_t > last_t and (index == 0 or container_t > 0):
            return float(container_t)
        step = 1.0 / self.info.fps
        return float(index * step) if not np.isfinite(last_t) else float(last_t + step)

    def close(self) -> None:
        self._capture.release()

    def __enter__(self) -> "VideoFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
