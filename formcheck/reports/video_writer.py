"""Writing the annotated video, atomically: the target appears only when complete."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import cv2
import numpy as np

from formcheck.core.errors import OutputError
from formcheck.core.files import atomic_path

# The codec by file suffix: browsers play VP8 WebM (the web app's result page), while
# MPEG-4 part 2 in .mp4 is what every OpenCV build can write and every desktop player reads.
CODECS = {".webm": "VP80"}
DEFAULT_CODEC = "mp4v"


class AnnotatedVideoWriter:
    """A video writer that renames its temporary file into place on ``commit``."""

    def __init__(self, target: Path, fps: float, size: tuple[int, int]) -> None:
        self._stack = ExitStack()
        self._tmp = self._stack.enter_context(atomic_path(target))
        self._writer = cv2.VideoWriter(
            str(self._tmp), cv2.VideoWriter_fourcc(*CODECS.get(target.suffix.lower(), DEFAULT_CODEC)), fps, size
        )
        if not self._writer.isOpened():
            self._stack.close()
            raise OutputError(f"cannot write video {target}")
        self._size = size

    def write(self, image_bgr: np.ndarray) -> None:
        if (image_bgr.shape[1], image_bgr.shape[0]) != self._size:
            image_bgr = cv2.resize(image_bgr, self._size)
        self._writer.write(image_bgr)

    def commit(self) -> None:
        """Finish the file and move it into place."""
        self._writer.release()
        self._stack.close()

    def abort(self) -> None:
        """Drop the partial file; the target is left as it was."""
        self._writer.release()
        self._stack.pop_all()
        self._tmp.unlink(missing_ok=True)
