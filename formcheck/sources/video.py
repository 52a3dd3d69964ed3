"""Video sources: a recorded file read in order, with each frame's own timestamp.

Timestamps come from the container (``CAP_PROP_POS_MSEC``) so that hold durations stay
right in variable-frame-rate files; only when the container gives none, or its frame rate
is broken (zero, absurd), do we fall back to index / fps. Rotation metadata is honoured,
frames larger than ``MAX_SIDE`` are downscaled, and what had to be worked around is kept
in ``VideoFile.notes`` for the summary and the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from formcheck.core.errors import FormcheckError, InputError

FALLBACK_FPS = 30.0
MAX_SIDE = 1920  # larger frames (4K, 8K) are downscaled to this: the pose model sees 256 px anyway
# File signatures of still images, which OpenCV would otherwise open as a one-frame "video".
# A GIF is one only when it has a single frame: an animated GIF is analysed as a video.
IMAGE_SIGNATURES = {
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"BM": "BMP",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"\x00\x00\x00\x0cjP  \r\n\x87\n": "JPEG 2000",
    b"\xff\x4f\xff\x51": "JPEG 2000",
    b"v/1\x01": "OpenEXR",
    b"#?RADIANCE": "Radiance HDR",
    b"#?RGBE": "Radiance HDR",
    b"\x59\xa6\x6a\x95": "Sun raster",
}
NETPBM = re.compile(rb"P[1-7Ff]\s")  # PBM, PGM, PPM, PAM, PFM: 'P6' then whitespace
ANIMATED_KIND = "GIF"


def plausible_fps(fps: float) -> bool:
    """A frame rate timing can rest on: 0, NaN or 90000 in a header is a broken one."""
    return bool(np.isfinite(fps) and 1.0 <= fps <= 1000.0)


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


def _image_kind(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if NETPBM.match(head):
        return "Netpbm"
    return next((kind for magic, kind in IMAGE_SIGNATURES.items() if head.startswith(magic)), None)


def check_readable(path: Path) -> str | None:
    """Fail early, with the reason, for what OpenCV would report only as 'cannot open'.
    Returns the image kind of a file that may still be a one-frame image (a GIF)."""
    if not path.exists():
        raise InputError(f"video not found: {path}")
    if not path.is_file():
        raise InputError(f"not a video file: {path}")
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise InputError(f"cannot read video {path}: {exc.strerror}") from None
    if not head:
        raise InputError(f"video file is empty: {path}")
    kind = _image_kind(head)
    if kind is not None and kind != ANIMATED_KIND:
        raise still_image(path, kind)
    return kind


def still_image(path: Path, kind: str) -> InputError:
    return InputError(f"{path} is a still image ({kind}), not a video")


def first_frame(
    capture: cv2.VideoCapture, setting: tuple[int, float], unopened: FormcheckError, empty: FormcheckError
) -> np.ndarray:
    """Check that ``capture`` opened, apply one property, and read its first image.

    The capture is released before either error is raised, so a failed open never
    leaves a file or camera held.
    """
    if not capture.isOpened():
        capture.release()
        raise unopened
    capture.set(*setting)
    ok, first = capture.read()
    if not ok or first is None:
        capture.release()
        raise empty
    return first


class VideoFile:
    """Reads a video file frame by frame; raises ``InputError`` for anything unreadable."""

    def __init__(self, path: Path) -> None:
        kind = check_readable(path)
        self._path = path
        self._capture = cv2.VideoCapture(str(path))
        # Phone videos store portrait as landscape plus a rotation tag; honour it.
        first = first_frame(
            self._capture,
            (cv2.CAP_PROP_ORIENTATION_AUTO, 1),
            InputError(f"cannot read video (unsupported or corrupt): {path}"),
            InputError(f"video has no readable frames: {path}"),
        )
        self.notes: list[str] = []  # what the reader had to work around, for the summary and report
        self._stalled = 0  # frames whose container timestamp did not advance
        height, width = first.shape[:2]
        self._scale = min(1.0, MAX_SIDE / max(width, height))
        if self._scale < 1.0:
            self.notes.append(
                f"frames of {width}x{height} analysed at {max(width, height) * self._scale:.0f} px on the long side"
            )
        self._first = self._fit(first)
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self._fps_valid = plausible_fps(fps)
        if not self._fps_valid:
            self.notes.append(
                f"the video's frame rate ({fps:g} fps) is broken: its timing assumes {FALLBACK_FPS:g} fps"
            )
        self.info = SourceInfo(
            name=str(path),
            fps=fps if self._fps_valid else FALLBACK_FPS,
            frame_count=max(int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT)), 0),
            size=(self._first.shape[1], self._first.shape[0]),
        )
        if kind is not None and self.info.frame_count <= 1:
            self._capture.release()
            raise still_image(path, kind)

    def _fit(self, image: np.ndarray) -> np.ndarray:
        if self._scale >= 1.0:
            return image
        size = (round(image.shape[1] * self._scale), round(image.shape[0] * self._scale))
        return cv2.resize(image, size, interpolation=cv2.INTER_AREA)

    def frames(self) -> Iterator[VideoFrame]:
        """Frames in order; timestamps are strictly increasing."""
        index = 0
        last_t = -np.inf
        self._stalled = 0
        image: np.ndarray | None = self._first
        while image is not None:
            t = self._timestamp(index, last_t)
            yield VideoFrame(index, t, image)
            last_t = t
            index += 1
            ok, image = self._capture.read()
            image = self._fit(image) if ok and image is not None else None
        if self._stalled > max(1, index // 10):
            self.notes.append(
                f"the video's timestamps do not advance ({self._stalled} of {index} frames): its timing assumes the declared {self.info.fps:g} fps"
            )
        expected = self.info.frame_count
        if expected and index < expected - max(2, expected // 50):
            self.notes.append(
                f"the video ended after {index} of its {expected} frames (cut short or damaged?): the rest was not analysed"
            )

    def _timestamp(self, index: int, last_t: float) -> float:
        container_t = self._capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if self._fps_valid and np.isfinite(container_t) and container_t > last_t and (index == 0 or container_t > 0):
            return float(container_t)
        if self._fps_valid:  # a broken frame rate has a note of its own
            self._stalled += 1
        step = 1.0 / self.info.fps
        return float(index * step) if not np.isfinite(last_t) else float(last_t + step)

    def close(self) -> None:
        self._capture.release()

    def __enter__(self) -> VideoFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
