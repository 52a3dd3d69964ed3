"""Writing the annotated video, checked: OpenCV's writer drops its own write errors (a
full disk gives a file with no index and no complaint), so the finished file is opened
again and its frames counted before it may replace anything.

The writer writes where it is told, normally a temporary file staged by the command's
``OutputPlan``, which renames it into place only when the whole run has succeeded.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from formcheck.core.errors import OutputError
from formcheck.core.files import failure_reason

# The codec by file suffix: browsers play VP8 WebM (the web app's result page), while
# MPEG-4 part 2 in .mp4 is what every OpenCV build can write and every desktop player reads.
CODECS = {".webm": "VP80"}
DEFAULT_CODEC = "mp4v"


class AnnotatedVideoWriter:
    """A video writer whose ``close`` fails unless every frame reached the file."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int], name: Path | None = None) -> None:
        self._path = path
        self._name = name or path  # the target the user asked for, named in errors
        self._writer = cv2.VideoWriter(
            str(path), cv2.VideoWriter_fourcc(*CODECS.get(self._name.suffix.lower(), DEFAULT_CODEC)), fps, size
        )
        if not self._writer.isOpened():
            raise OutputError(f"cannot write video {self._name}: {failure_reason(None, path.parent)}")
        self._size = size
        self.frames = 0

    def write(self, image_bgr: np.ndarray) -> None:
        if (image_bgr.shape[1], image_bgr.shape[0]) != self._size:
            image_bgr = cv2.resize(image_bgr, self._size)
        self._writer.write(image_bgr)
        self.frames += 1

    def close(self) -> None:
        """Finish the file, then check that it opens and holds every frame written."""
        self._writer.release()
        if self._written() != self.frames:
            raise OutputError(f"cannot write video {self._name}: {failure_reason(None, self._path.parent)}")

    def _written(self) -> int:
        capture = cv2.VideoCapture(str(self._path))
        try:
            return int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) if capture.isOpened() else -1
        finally:
            capture.release()

    def abort(self) -> None:
        """Stop writing; the file is left to whoever staged it."""
        self._writer.release()
