"""MP4 writing: H.264 through the ffmpeg binary when present, else OpenCV mp4v.

Why both: H.264 files are several times smaller and play everywhere, but
the renderer must still work on a machine without ffmpeg.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np


class VideoWriter:
    """Write BGR uint8 frames of a fixed size to an mp4 file."""

    def __init__(self, path: Path, width: int, height: int, fps: float, crf: int = 28) -> None:
        self.path = path
        ffmpeg = shutil.which("ffmpeg")
        self.codec = "h264" if ffmpeg else "mp4v"
        if ffmpeg:
            cmd = [
                ffmpeg, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24",
                "-s", f"{width}x{height}", "-r", f"{fps}", "-i", "-",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf),
                "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path),
            ]  # fmt: skip
            self.proc: subprocess.Popen | None = subprocess.Popen(cmd, stdin=subprocess.PIPE)
            self.cv: cv2.VideoWriter | None = None
        else:
            self.proc = None
            self.cv = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))

    def write(self, frame: np.ndarray) -> None:
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.write(frame.tobytes())
        else:
            assert self.cv is not None
            self.cv.write(frame)

    def close(self) -> None:
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            if self.proc.wait() != 0:
                raise RuntimeError(f"ffmpeg failed writing {self.path}")
        elif self.cv is not None:
            self.cv.release()
