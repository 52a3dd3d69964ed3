"""Writing the annotated video, atomically: the target appears only when complete."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import cv2
import numpy as np

from formcheck.core.errors import OutputError
from formcheck.core.files import atomic_path


class AnnotatedVideoWriter:
    """An mp4 writer that renames its temporary file into place on ``commit``."""

    def __init__(self, target: Path, fps: float, size: tuple[int, int]) -> None:
        self._stack = ExitStack()
        self._tmp = self._stack.enter_context(atomic_path(target))
        self._writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
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
