"""MediaPipe Tasks ``PoseLandmarker`` backend for a user-supplied ``.task`` model
(lite, full or heavy): the API later MediaPipe releases keep."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from formcheck.errors import InputError
from formcheck.frame import PoseFrame
from formcheck.pose.base import frame_from_normalised


class MediaPipeTasksEstimator:
    """PoseLandmarker in VIDEO running mode; needs monotonically increasing timestamps."""

    def __init__(self, model_path: Path, min_confidence: float = 0.5) -> None:
        if not model_path.is_file():
            raise InputError(f"pose model not found: {model_path}")
        from mediapipe.tasks.python import BaseOptions
        from mediapipe.tasks.python import vision

        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=1,
            min_pose_detection_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
        )
        try:
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise InputError(f"cannot load pose model {model_path}: {exc}") from None
        self._last_ms = -1

    def estimate(self, image_rgb: np.ndarray, index: int, timestamp_s: float) -> PoseFrame:
        import mediapipe as mp

        height, width = image_rgb.shape[:2]
        # The task rejects a timestamp that does not increase; duplicate stamps happen
        # in variable-frame-rate files.
        stamp_ms = max(int(round(timestamp_s * 1000)), self._last_ms + 1)
        self._last_ms = stamp_ms
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image_rgb))
        result = self._landmarker.detect_for_video(image, stamp_ms)
        if not result.pose_landmarks:
            return PoseFrame.empty(index, timestamp_s, (width, height))
        marks = result.pose_landmarks[0]
        points = np.array([(m.x, m.y, m.z) for m in marks], dtype=float)
        visibility = np.array([m.visibility if m.visibility is not None else 0.0 for m in marks], dtype=float)
        return frame_from_normalised(index, timestamp_s, (width, height), points, visibility)

    def close(self) -> None:
        self._landmarker.close()
