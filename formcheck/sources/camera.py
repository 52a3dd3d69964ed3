"""Live frame capture: a camera, or a file played at its own pace as if it were one.

``LatestFrameGrabber`` reads on its own thread and keeps only the newest frame, so a
slow consumer always gets what the camera sees *now* and the overlay never drifts
further and further behind the person; frames overwritten before anyone took them are
counted as dropped. Every frame is stamped with the monotonic wall clock (seconds since
the grabber started) at the moment it was grabbed, so the delay from grab to display
can be measured per frame.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from formcheck.core.errors import CameraError, FormcheckError
from formcheck.sources.video import FALLBACK_FPS, SourceInfo, VideoFile, VideoFrame, first_frame

Clock = Callable[[], float]
PAUSE_POLL_S = 0.02  # a paused file notices the pause within this long


class FrameReader(Protocol):
    """Something that yields frames in order (timestamps are replaced by the grabber)."""

    info: SourceInfo

    def frames(self) -> Iterator[VideoFrame]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class CameraSettings:
    """What to ask the camera for (``--camera-size``, ``--fps``); a camera that cannot
    gives its nearest mode, and the window and report show what it really sends."""

    size: tuple[int, int] | None = None
    fps: float | None = None

    def apply(self, capture: cv2.VideoCapture) -> None:
        if self.size is not None:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.size[0])
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.size[1])
        if self.fps is not None:
            capture.set(cv2.CAP_PROP_FPS, self.fps)


class CameraReader:
    """A camera by index. A camera that stops delivering for ``lost_after_s`` is gone."""

    def __init__(
        self,
        index: int,
        opener: Callable[[int], cv2.VideoCapture] | None = None,
        lost_after_s: float = 2.0,
        clock: Clock = time.monotonic,
        settings: CameraSettings | None = None,
    ) -> None:
        self._capture = (opener or cv2.VideoCapture)(index)
        (settings or CameraSettings()).apply(self._capture)
        self._name = f"camera {index}"
        self._lost_after_s = lost_after_s
        self._clock = clock
        # Keep the driver's queue short: we want the newest image, not a backlog.
        first = first_frame(
            self._capture,
            (cv2.CAP_PROP_BUFFERSIZE, 1),
            CameraError(f"cannot open {self._name}: is it connected and not in use by another program?"),
            CameraError(f"{self._name} opened but sends no images: is it connected and not in use by another program?"),
        )
        self._first: np.ndarray | None = first
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.info = SourceInfo(
            name=self._name,
            fps=fps if np.isfinite(fps) and 1.0 <= fps <= 240.0 else FALLBACK_FPS,
            frame_count=0,
            size=(first.shape[1], first.shape[0]),
        )

    def frames(self) -> Iterator[VideoFrame]:
        index = 0
        failing_since: float | None = None
        while True:
            if self._first is not None:
                ok, image, self._first = True, self._first, None
            else:
                ok, image = self._capture.read()
            if ok and image is not None:
                failing_since = None
                yield VideoFrame(index, 0.0, image)
                index += 1
                continue
            now = self._clock()
            failing_since = now if failing_since is None else failing_since
            if now - failing_since >= self._lost_after_s:
                raise CameraError(f"{self._name} stopped sending images (unplugged?)")
            time.sleep(0.01)

    def close(self) -> None:
        self._capture.release()


class PacedFile:
    """A video file delivered in real time: frame i is released at its own timestamp.

    Unlike a camera it can pause: ``pause`` holds the next frame back and ``resume``
    shifts the file's clock by the time paused, so that no part of the file is skipped
    (the space key, and the countdown before counting, which would otherwise play the
    start of the clip away)."""

    pausable = True

    def __init__(self, path: Path, loop: bool = False, fps: float | None = None, clock: Clock = time.monotonic) -> None:
        self._path = path
        self._loop = loop
        self._fps = fps  # play at this rate instead of the file's own timestamps
        self._clock = clock
        self._video = VideoFile(path)
        self.info = self._video.info
        self._lock = threading.Lock()
        self._playing = threading.Event()
        self._playing.set()
        self._paused_at: float | None = None
        self._paused_s = 0.0  # time spent paused so far: the file's clock is this much behind

    def pause(self) -> None:
        with self._lock:
            if self._paused_at is None:
                self._paused_at = self._clock()
                self._playing.clear()

    def resume(self) -> None:
        with self._lock:
            if self._paused_at is not None:
                self._paused_s += self._clock() - self._paused_at
                self._paused_at = None
                self._playing.set()

    def _wait_until(self, due: float) -> None:
        """Sleep until ``due`` on the file's clock (which stands still while paused)."""
        while True:
            self._playing.wait()
            wait = due + self._paused_s - self._clock()
            if wait <= 0:
                return
            time.sleep(min(wait, PAUSE_POLL_S))

    def frames(self) -> Iterator[VideoFrame]:
        start = self._clock()
        offset, index = 0.0, 0
        step = 1.0 / self.info.fps
        while True:
            last_t = 0.0
            for frame in self._video.frames():
                last_t = frame.timestamp_s
                self._wait_until(start + (index / self._fps if self._fps else offset + frame.timestamp_s))
                yield replace(frame, index=index)
                index += 1
            if not self._loop:
                return
            self._video.close()
            self._video = VideoFile(self._path)
            offset += last_t + step

    def close(self) -> None:
        self.resume()  # a reader waiting on a pause ends
        self._video.close()


MAX_CAMERA_INDEX = 63  # OpenCV's backends number cameras in small integers; larger overflow


def is_camera_index(source: str) -> bool:
    """``0``, ``1``... (ASCII digits only: ``int`` would reject '²', which ``isdigit`` accepts)."""
    return source.isascii() and source.isdigit()


def open_reader(source: str, loop: bool = False, settings: CameraSettings | None = None) -> FrameReader:
    """``0``, ``1``... is a camera index; anything else a video file played in real time."""
    if is_camera_index(source):
        if int(source) > MAX_CAMERA_INDEX:
            raise CameraError(f"no camera {source}: camera indices go from 0 to {MAX_CAMERA_INDEX}")
        return CameraReader(int(source), settings=settings)
    return PacedFile(Path(source), loop=loop)


def list_cameras(
    indices: range = range(10), opener: Callable[[int], cv2.VideoCapture] = cv2.VideoCapture
) -> list[tuple[int, SourceInfo]]:
    """The cameras that open and send an image, with what they send by default."""
    found = []
    for index in indices:
        try:
            reader = CameraReader(index, opener=opener)
        except CameraError:
            continue
        found.append((index, reader.info))
        reader.close()
    return found


class MirroredReader:
    """Frames flipped left to right: the window shows the person as a mirror does."""

    def __init__(self, reader: FrameReader) -> None:
        self._reader = reader
        self.info = reader.info
        self.pausable = getattr(reader, "pausable", False)

    def pause(self) -> None:
        self._reader.pause()  # type: ignore[attr-defined]

    def resume(self) -> None:
        self._reader.resume()  # type: ignore[attr-defined]

    def frames(self) -> Iterator[VideoFrame]:
        for frame in self._reader.frames():
            yield replace(frame, image_bgr=cv2.flip(frame.image_bgr, 1))

    def close(self) -> None:
        self._reader.close()


class LatestFrameGrabber:
    """Runs a reader on a thread and hands out only the newest frame."""

    def __init__(self, reader: FrameReader, clock: Clock = time.monotonic) -> None:
        self.reader = reader
        self.info = reader.info
        self.pausable = getattr(reader, "pausable", False)  # a file can pause; a camera cannot
        self._paused = False
        self._clock = clock
        self._cond = threading.Condition()
        self._latest: VideoFrame | None = None
        self._taken_index = -1
        self._error: FormcheckError | None = None
        self._finished = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="formcheck-capture", daemon=True)
        self.start_time = clock()
        self.grabbed = 0
        self.dropped = 0

    def start(self) -> LatestFrameGrabber:
        self.start_time = self._clock()
        self._thread.start()
        return self

    def now(self) -> float:
        """Seconds since the grabber started, on the clock frames are stamped with."""
        return self._clock() - self.start_time

    def _run(self) -> None:
        try:
            for frame in self.reader.frames():
                stamped = replace(frame, timestamp_s=self.now())
                with self._cond:
                    if self._fresh() is not None:
                        self.dropped += 1
                    self._latest = stamped
                    self.grabbed += 1
                    self._cond.notify_all()
                if self._stop.is_set():
                    break
        except FormcheckError as exc:
            self._error = exc
        finally:
            with self._cond:
                self._finished = True
                self._cond.notify_all()

    def read(self, timeout: float = 0.1) -> VideoFrame | None:
        """The newest frame not handed out yet; None after ``timeout`` or at the end.

        Raises the reader's error (e.g. the camera was unplugged) once all frames it
        delivered before failing have been handed out.
        """
        with self._cond:
            self._cond.wait_for(lambda: self._fresh() is not None or self._finished, timeout)
            frame = self._fresh()
            if frame is not None:
                self._taken_index = frame.index
                return frame
            if self._finished and self._error is not None:
                raise self._error
            return None

    def _fresh(self) -> VideoFrame | None:
        latest = self._latest
        return latest if latest is not None and latest.index != self._taken_index else None

    @property
    def finished(self) -> bool:
        """The source has ended and every frame was handed out (or dropped)."""
        with self._cond:
            return self._finished and self._fresh() is None

    def hold(self, paused: bool) -> None:
        """Pause or resume a source that can (a file); a camera goes on regardless."""
        if self.pausable and paused != self._paused:
            self._paused = paused
            (self.reader.pause if paused else self.reader.resume)()  # type: ignore[attr-defined]

    @property
    def paused(self) -> bool:
        return self._paused

    def stop(self) -> None:
        self._stop.set()
        self.hold(False)  # a paused reader would never reach the stop
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)
        if not self._thread.is_alive():  # never release the device under a running read
            self.reader.close()

    def __enter__(self) -> LatestFrameGrabber:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
