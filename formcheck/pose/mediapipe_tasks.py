"""MediaPipe Tasks ``PoseLandmarker`` backend: the API later MediaPipe releases keep.

It runs a user-supplied ``.task`` model (lite, full or heavy), or without one the full
model assembled from the wheel's own files (``formcheck.pose.bundled_model``), so it works
offline too.

It looks for up to ``max_people`` people in every frame, follows the one nearest to the
person it followed before, and reports how many it saw.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from formcheck.core.errors import InputError
from formcheck.core.frame import PoseFrame
from formcheck.pose.base import import_mediapipe
from formcheck.pose.bundled_model import open_pose_landmarker
from formcheck.pose.normalised import frame_from_normalised
from formcheck.pose.people import distinct_people, nearest_person


class MediaPipeTasksEstimator:
    """PoseLandmarker in VIDEO running mode; needs monotonically increasing timestamps."""

    def __init__(self, model_path: Path | None = None, min_confidence: float = 0.5, max_people: int = 3) -> None:
        if model_path is not None and not model_path.is_file():
            raise InputError(f"pose model not found: {model_path}")
        self._open = lambda: open_pose_landmarker(
            model_path, video=True, max_people=max_people, min_confidence=min_confidence
        )
        self._landmarker = self._open()
        self._last_ms = -1
        self._followed: np.ndarray | None = None  # normalised centre of the person followed

    def estimate(self, image_rgb: np.ndarray, index: int, timestamp_s: float) -> PoseFrame:
        mp = import_mediapipe()

        height, width = image_rgb.shape[:2]
        # The task rejects a timestamp that does not increase; duplicate stamps happen
        # in variable-frame-rate files.
        stamp_ms = max(int(round(timestamp_s * 1000)), self._last_ms + 1)
        self._last_ms = stamp_ms
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image_rgb))
        result = self._landmarker.detect_for_video(image, stamp_ms)
        if not result.pose_landmarks:
            return PoseFrame.empty(index, timestamp_s, (width, height)).with_people(0)
        poses = [np.array([(m.x, m.y, m.z) for m in marks], dtype=float) for marks in result.pose_landmarks]
        people = distinct_people([p[:, :2] for p in poses])
        chosen = people[nearest_person([poses[i][:, :2] for i in people], self._followed)]
        self._followed = poses[chosen][:, :2].mean(axis=0)
        marks = result.pose_landmarks[chosen]
        visibility = np.array([m.visibility if m.visibility is not None else 0.0 for m in marks], dtype=float)
        world = (
            np.array([(m.x, m.y, m.z) for m in result.pose_world_landmarks[chosen]], dtype=float)
            if len(result.pose_world_landmarks) > chosen
            else None
        )
        frame = frame_from_normalised(index, timestamp_s, (width, height), poses[chosen], visibility, world)
        return frame.with_people(len(people))

    def reset(self) -> None:
        """The task keeps tracking state and timestamps that only rise, with no way to
        clear them: a new video gets a new landmarker (the bundle's bytes are cached)."""
        self._landmarker.close()
        self._landmarker = self._open()
        self._last_ms = -1
        self._followed = None

    def close(self) -> None:
        self._landmarker.close()
