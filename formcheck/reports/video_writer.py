"""Writing the annotated video, checked, in a format browsers and phones play.

``.mp4`` (and any other suffix but ``.webm``) is H.264 in MP4 with the index at the
front ("faststart", so a browser starts playing before the whole file has arrived),
written with PyAV, whose wheel ships FFmpeg with libx264. ``.webm`` is VP8 (the web
app's result page). Each frame keeps the source frame's timestamp and size.

The fallback is OpenCV's MPEG-4 part 2 (``mp4v``), which every desktop player reads but
browsers and many phones do not: it is used only when this FFmpeg has no H.264 encoder
(``.webm`` then falls back to OpenCV's VP8). The writer's ``note`` says so, and the
summary prints it. An odd frame size loses its last row or column (H.264's usual 4:2:0
colour needs even sizes; OpenCV's mp4v writer does the same), also noted.

Either way the finished file is opened again and its frames counted before it may
replace anything (OpenCV drops its own write errors: a full disk gives a file with no
index and no complaint). The writer writes where it is told, normally a temporary file
staged by the command's ``OutputPlan``, which renames it into place only when the whole
run has succeeded.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

import numpy as np

from formcheck.core.errors import OutputError
from formcheck.core.files import failure_reason

# PyAV encoder and options per file suffix; anything else is H.264.
ENCODERS = {".webm": "libvpx"}
H264 = "libx264"
H264_OPTIONS = {"preset": "veryfast", "crf": "23"}  # fast enough to keep up with the pose model on one core
#: Up to this many pixels a frame x264 encodes on one thread: its frame threads cost more
#: CPU than they save there, CPU the pose model wants (854x480, veryfast: 2.4 ms a frame
#: on one thread against 2.9-3.5 ms on x264's own choice, and 7-13 % smaller files of
#: the samples' frames). On larger frames they pay (1920x1080: 13.6 ms a frame on one
#: thread, wall and CPU, against 14.6 ms wall on its own choice and 9.2 on two), so x264
#: chooses. 1280x720 (0.92 megapixels) was not measured; it gets one thread.
ONE_THREAD_PIXELS = 1_000_000
FASTSTART = {"movflags": "+faststart"}
FASTSTART_FORMATS = {".mp4", ".m4v", ".mov"}
TIME_BASE = Fraction(1, 90000)  # MP4's usual video clock: timestamps to 11 microseconds
FALLBACK_CODECS = {".webm": "VP80"}  # OpenCV's fourcc per suffix; anything else is mp4v
FALLBACK_NOTE = "the annotated video is written by OpenCV ({codec}), which browsers may not play: {why}"
ODD_NOTE = "the annotated video is {w}x{h}: H.264 needs an even frame size, the video's is {size[0]}x{size[1]}"


class FrameSink(Protocol):
    """What a video writer does: take frames, then finish (checked) or stop."""

    frames: int
    note: str | None

    def write(self, image_bgr: np.ndarray, t: float | None = None) -> None: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...
    def __enter__(self) -> FrameSink: ...
    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class Committing:
    """A writer as a context manager: a block that ends normally commits the file
    (``close``, which checks it), one that raises (an error, Ctrl-C) only stops writing
    (``abort``), and the block's own exception is the one reported. Subclasses
    define ``close`` and ``abort``."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def _fail(name: Path, folder: Path, exc: OSError | None = None) -> OutputError:
    return OutputError(f"cannot write video {name}: {failure_reason(exc, folder)}")


def _fraction(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(1001)  # 29.97 -> 30000/1001


def _has_encoder(name: str) -> bool:
    import av

    try:
        av.codec.Codec(name, "w")
    except (av.codec.codec.UnknownCodecError, ValueError):
        return False
    return True


class PyAVWriter(Committing):
    """H.264 (or VP8 for ``.webm``) through PyAV, frames timed by their own timestamps."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int], name: Path, encoder: str) -> None:
        import av

        self._av = av
        self._path, self._name, self._size = path, name, size
        self._even = (size[0] - size[0] % 2, size[1] - size[1] % 2) if encoder == H264 else size
        self.note = ODD_NOTE.format(w=self._even[0], h=self._even[1], size=size) if self._even != size else None
        self._step = 1.0 / fps
        self._last_pts = -1
        self.frames = 0
        options = FASTSTART if name.suffix.lower() in FASTSTART_FORMATS else {}
        try:
            self._container = av.open(str(path), "w", container_options=options)
            self._stream = self._container.add_stream(encoder, rate=_fraction(fps))
        except (OSError, av.FFmpegError) as exc:
            raise _fail(name, path.parent, exc if isinstance(exc, OSError) else None) from None
        self._stream.width, self._stream.height = self._even
        self._stream.pix_fmt = "yuv420p"
        self._stream.time_base = TIME_BASE
        self._stream.codec_context.time_base = TIME_BASE
        if encoder == H264:
            threads = {"threads": "1"} if self._even[0] * self._even[1] <= ONE_THREAD_PIXELS else {}
            self._stream.options = H264_OPTIONS | threads

    def write(self, image_bgr: np.ndarray, t: float | None = None) -> None:
        """Add a frame shown from ``t`` seconds (the next frame's time if not given)."""
        if (image_bgr.shape[1], image_bgr.shape[0]) != self._size:
            import cv2

            image_bgr = cv2.resize(image_bgr, self._size)
        if self._even != self._size:
            image_bgr = np.ascontiguousarray(image_bgr[: self._even[1], : self._even[0]])
        frame = self._av.VideoFrame.from_ndarray(image_bgr, format="bgr24")
        pts = self._last_pts + round(self._step / TIME_BASE) if t is None else round(t / TIME_BASE)
        frame.pts = max(pts, self._last_pts + 1)  # strictly increasing, as the muxer requires
        frame.time_base = TIME_BASE
        self._last_pts = frame.pts
        self._mux(self._stream.encode(frame))
        self.frames += 1

    def _mux(self, packets: list) -> None:
        try:
            self._container.mux(packets)
        except (OSError, self._av.FFmpegError) as exc:
            raise _fail(self._name, self._path.parent, exc if isinstance(exc, OSError) else None) from None

    def close(self) -> None:
        """Flush the encoder, finish the file, then check that it holds every frame."""
        try:
            self._mux(self._stream.encode(None))
            self._container.close()
        except (OSError, self._av.FFmpegError) as exc:
            raise _fail(self._name, self._path.parent, exc if isinstance(exc, OSError) else None) from None
        if count_frames(self._path) != self.frames:
            raise _fail(self._name, self._path.parent)

    def abort(self) -> None:
        """Stop writing; the file is left to whoever staged it."""
        try:
            self._container.close()
        except (OSError, self._av.FFmpegError):
            pass  # the run is failing already; its own error is the one to report


class OpenCVWriter(Committing):
    """OpenCV's MPEG-4 part 2 writer: the fallback (see the module docstring)."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int], name: Path, why: str) -> None:
        import cv2

        self._cv2 = cv2
        self._path, self._name, self._size = path, name, size
        codec = FALLBACK_CODECS.get(name.suffix.lower(), "mp4v")
        self._writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*codec), fps, size)
        if not self._writer.isOpened():
            raise _fail(name, path.parent)
        self.frames = 0
        self.note = FALLBACK_NOTE.format(codec=codec, why=why)

    def write(self, image_bgr: np.ndarray, t: float | None = None) -> None:
        """Add a frame (OpenCV times frames by the frame rate alone)."""
        if (image_bgr.shape[1], image_bgr.shape[0]) != self._size:
            image_bgr = self._cv2.resize(image_bgr, self._size)
        self._writer.write(image_bgr)
        self.frames += 1

    def close(self) -> None:
        """Finish the file, then check that it opens and holds every frame written."""
        self._writer.release()
        if count_frames(self._path) != self.frames:
            raise _fail(self._name, self._path.parent)

    def abort(self) -> None:
        """Stop writing; the file is left to whoever staged it."""
        self._writer.release()


def count_frames(path: Path) -> int:
    """The frames in a finished video file by its packets (no decoding), -1 if it does
    not open."""
    import av

    try:
        with av.open(str(path)) as container:
            return sum(1 for packet in container.demux(video=0) if packet.size)
    except (OSError, av.FFmpegError, IndexError):
        return -1


def open_video_writer(path: Path, fps: float, size: tuple[int, int], name: Path | None = None) -> FrameSink:
    """The writer for ``path`` (``name`` is the target the user asked for, named in errors
    and deciding the format): H.264 or VP8 through PyAV, else the mp4v fallback."""
    name = name or path
    encoder = ENCODERS.get(name.suffix.lower(), H264)
    if not _has_encoder(encoder):
        return OpenCVWriter(path, fps, size, name, f"this FFmpeg has no {encoder} encoder")
    return PyAVWriter(path, fps, size, name, encoder)
