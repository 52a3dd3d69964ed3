"""MediaPipe's legacy ``solutions.pose`` backend: the default, because the 0.10.21 wheel
carries its model and so works offline."""

from __future__ import annotations

from typing import Any

import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.pose.base import import_mediapipe
from formcheck.pose.normalised import frame_from_normalised
from formcheck.pose.people import BundledCounterLoad, PeopleSampler


def _world_of(landmarks: object) -> np.ndarray | None:
    """MediaPipe's metric 3D landmarks (metres, origin between the hips), if given."""
    if landmarks is None:
        return None
    return np.array([(m.x, m.y, m.z) for m in landmarks.landmark], dtype=float)  # type: ignore[attr-defined]


class MediaPipeSolutionEstimator:
    """BlazePose full model (``model_complexity=1``) in video (tracking) mode.

    It follows one person; how many people are in view is counted on the side, every
    ``people_every_s`` seconds (None: never), so the setup check can say so.
    """

    def __init__(self, min_confidence: float = 0.5, people_every_s: float | None = 2.0) -> None:
        mp = import_mediapipe()

        # Our own One Euro filter smooths landmarks downstream; MediaPipe's smoothing
        # on top of it would only add lag.
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=1,
            smooth_landmarks=False,
            min_detection_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
        )
        load = BundledCounterLoad(min_confidence)
        self._people = PeopleSampler(load, people_every_s, prepare=load.prepare) if people_every_s else None

    def estimate(self, image_rgb: np.ndarray, index: int, timestamp_s: float) -> PoseFrame:
        height, width = image_rgb.shape[:2]

        def model() -> Any:
            return self._pose.process(image_rgb)

        result, people = self._people.update(image_rgb, timestamp_s, model) if self._people else (model(), None)
        if result.pose_landmarks is None:
            return PoseFrame.empty(index, timestamp_s, (width, height)).with_people(people)
        marks = result.pose_landmarks.landmark
        points = np.array([(m.x, m.y, m.z) for m in marks], dtype=float)
        visibility = np.array([m.visibility for m in marks], dtype=float)
        world = _world_of(result.pose_world_landmarks)
        return frame_from_normalised(index, timestamp_s, (width, height), points, visibility, world).with_people(people)

    def reset(self) -> None:
        self._pose.reset()
        if self._people:
            self._people.reset()

    def close(self) -> None:
        self._pose.close()
        if self._people:
            self._people.close()
