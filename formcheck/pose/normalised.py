"""MediaPipe's normalised landmarks as a ``PoseFrame`` in pixels: the one place the two
MediaPipe backends turn their output into formcheck's frame type."""

from __future__ import annotations

import numpy as np

from formcheck.core.frame import PoseFrame


def frame_from_normalised(
    index: int,
    timestamp_s: float,
    image_size: tuple[int, int],
    points: np.ndarray,
    visibility: np.ndarray,
    world: np.ndarray | None = None,
) -> PoseFrame:
    """Build a ``PoseFrame`` from (33, 3) normalised x, y, z as MediaPipe returns them.

    MediaPipe's z uses roughly the same scale as x, so it is scaled by the width too.
    ``world``: the (33, 3) metric landmarks, when the backend gives them.
    """
    width, height = image_size
    xy = points[:, :2] * np.array([width, height], dtype=float)
    z = points[:, 2] * width
    return PoseFrame(index, timestamp_s, image_size, xy, z, np.clip(visibility, 0.0, 1.0), world=world)
