"""What the picture itself says, apart from the person: how bright it is, and whether
the shot just changed (a cut in an edited video).

After a cut the camera sees the person from elsewhere: landmarks jump, measures change
without anybody moving, and smoothing across the cut would blend two views. A hard cut
changes most of a small thumbnail at once; a person moving changes a few per cent.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

THUMB = (64, 36)


@dataclass(frozen=True)
class SceneParams:
    cut_diff: float = 15.0  # mean absolute grey-level change (0-255) between frames that is a cut


class SceneWatch:
    def __init__(self, params: SceneParams | None = None) -> None:
        self.params = params or SceneParams()
        self._previous: np.ndarray | None = None

    @property
    def thumb(self) -> np.ndarray | None:
        """The latest frame's small grey copy (float 0-255), for the stride's stillness test."""
        return self._previous

    def update(self, image_bgr: np.ndarray) -> tuple[float, bool]:
        """(mean brightness 0-255, whether this frame starts a new shot)."""
        # Sample every n-th pixel before averaging down: a fifth of the cost of a full
        # area resize, on the hot path of every frame, and plenty for a mean and a cut.
        step = max(1, min(image_bgr.shape[0] // (2 * THUMB[1]), image_bgr.shape[1] // (2 * THUMB[0])))
        small = cv2.resize(image_bgr[::step, ::step], THUMB, interpolation=cv2.INTER_AREA)
        grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float32)
        cut = self._previous is not None and float(np.abs(grey - self._previous).mean()) > self.params.cut_diff
        self._previous = grey
        return float(grey.mean()), cut
