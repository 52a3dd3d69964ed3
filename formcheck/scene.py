"""What the picture itself says, apart from the person: how bright it is, and whether
the shot just changed (a cut in an edited video).

After a cut the camera sees the person from elsewhere: landmarks jump, measures change
without anybody moving, and smoothing across the cut would blend two views. A hard cut
changes most of a small thumbnail at once; a person moving changes a few per cent.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

THUMB = (64, 36)


@dataclass(frozen=True)
class SceneParams:
    cut_diff: float = 15.0  # mean absolute grey-level change (0-255) between frames that is a cut


class SceneWatch:
    def __init__(self, params: SceneParams | None = None) -> None:
        self.params = params or SceneParams()
        self._previous: Optional[np.ndarray] = None

    def update(self, image_bgr: np.ndarray) -> tuple[float, bool]:
        """(mean brightness 0-255, whether this frame starts a new shot)."""
        grey = cv2.cvtColor(cv2.resize(image_bgr, THUMB, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY).astype(np.float32)
        cut = self._previous is not None and float(np.abs(grey - self._previous).mean()) > self.params.cut_diff
        self._previous = grey
        return float(grey.mean()), cut
