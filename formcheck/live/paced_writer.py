"""The live session's annotated video, at the pace the session happened."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from formcheck.reports.video_writer import Committing, open_video_writer
from formcheck.sources.video import SourceInfo


class PacedWriter(Committing):
    """The annotated video at the source's frame rate: each image is repeated until the
    next one, so the file plays at the pace of the session however fast it was processed."""

    def __init__(self, path: Path, info: SourceInfo, name: Path | None = None) -> None:
        self._writer = open_video_writer(path, info.fps, info.size, name)
        self._step = 1.0 / info.fps
        self._next: float | None = None

    def write(self, image_bgr: np.ndarray, t: float) -> None:
        if self._next is None:
            self._next = t
        while self._next <= t:
            self._writer.write(image_bgr)
            self._next += self._step

    def close(self) -> None:
        self._writer.close()

    def abort(self) -> None:
        self._writer.abort()
