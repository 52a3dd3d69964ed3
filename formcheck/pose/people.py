"""How many people are in the picture, from the models the mediapipe wheel already carries.

``mp.solutions.pose`` follows one person and says nothing about anybody else, so a
second person in view (a partner, a child walking past, the physiotherapist beside the
patient) goes unnoticed while the tracker may jump to them. MediaPipe's Tasks
``PoseLandmarker`` finds several people, but it wants a ``.task`` bundle that the 0.10.21
wheel does not ship and that later releases download. The bundle is only a zip of the
same two networks the legacy solution runs (person detector and landmark model) plus
metadata saying how to scale the input pixels, so it is assembled here, in memory, from
the wheel's own ``.tflite`` files: offline, and with nothing written to disk.
"""
from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

#: The wheel's models and the pixel scaling their graphs use: the detector takes pixels
#: mapped to [-1, 1], the landmark model pixels mapped to [0, 1]
#: (``mediapipe/modules/pose_detection`` and ``pose_landmark`` graphs).
_MODELS = {
    "pose_detector.tflite": ("pose_detection/pose_detection.tflite", 127.5, 127.5, 2),
    "pose_landmarks_detector.tflite": ("pose_landmark/pose_landmark_full.tflite", 0.0, 255.0, 5),
}


class PeopleCounter(Protocol):
    """Counts the people in one picture."""

    def count(self, image_rgb: np.ndarray) -> int: ...

    def close(self) -> None: ...


@cache
def bundled_task_model() -> bytes:
    """The ``pose_landmarker`` task bundle built from the wheel's models (built once)."""
    import mediapipe
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    modules = Path(mediapipe.__file__).parent / "modules"
    models: dict[str, bytes] = {}
    for name, (relative, mean, std, outputs) in _MODELS.items():
        writer = metadata_writer.MetadataWriter.create(bytearray((modules / relative).read_bytes()))
        writer.add_general_info(Path(relative).stem).add_image_input(norm_mean=[mean], norm_std=[std])
        for i in range(outputs):
            writer.add_feature_output(name=f"output_{i}")
        models[name], _ = writer.populate()
    # MediaPipe's own bundler only writes to a path; an in-memory zip keeps the disk untouched.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as bundle:
        for name, content in models.items():
            bundle.writestr(name, bytes(content))
    return buffer.getvalue()


class BundledPeopleCounter:
    """Multi-person ``PoseLandmarker`` on single pictures (each call detects afresh)."""

    def __init__(self, max_people: int = 3, min_confidence: float = 0.5, same_person_iou: float = 0.5) -> None:
        from mediapipe.tasks.python import BaseOptions
        from mediapipe.tasks.python import vision

        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=bundled_task_model()),
            running_mode=vision.RunningMode.IMAGE,
            num_poses=max_people,
            min_pose_detection_confidence=min_confidence,
            min_pose_presence_confidence=min_confidence,
        )
        self._landmarker = vision.PoseLandmarker.create_from_options(options)
        self.same_person_iou = same_person_iou

    def count(self, image_rgb: np.ndarray) -> int:
        import mediapipe as mp

        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image_rgb))
        poses = [np.array([(m.x, m.y) for m in pose]) for pose in self._landmarker.detect(image).pose_landmarks]
        return len(distinct_people(poses, self.same_person_iou))

    def close(self) -> None:
        self._landmarker.close()


def distinct_people(poses_xy: list[np.ndarray], same_person_iou: float = 0.5) -> list[int]:
    """Indices of the poses that are not a repeat of an earlier one.

    The detector sometimes finds one person twice (seen on a lying person, side-on): two
    poses whose landmark boxes overlap by more than ``same_person_iou`` are one person.
    """
    kept: list[int] = []
    boxes = [np.concatenate([xy.min(axis=0), xy.max(axis=0)]) for xy in poses_xy]
    for i, box in enumerate(boxes):
        if all(box_iou(box, boxes[j]) <= same_person_iou for j in kept):
            kept.append(i)
    return kept


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    inter = np.clip(np.minimum(a[2:], b[2:]) - np.maximum(a[:2], b[:2]), 0.0, None).prod()
    union = np.prod(a[2:] - a[:2]) + np.prod(b[2:] - b[:2]) - inter
    return float(inter / union) if union > 0 else 0.0


class PeopleSampler:
    """Counts people every ``every_s`` seconds of video and holds the last count between.

    Counting costs about two pose-model runs, so it is sampled: every 2 s adds about 3 %
    to an analysis and still reports a second person within the setup check's 1 s
    debounce of the next sample.
    """

    def __init__(self, counter: PeopleCounter, every_s: float = 2.0) -> None:
        self._counter = counter
        self.every_s = every_s
        self._last_t: float | None = None
        self._last: int | None = None

    def update(self, image_rgb: np.ndarray, timestamp_s: float) -> int | None:
        """The people count for this frame; None until the first sample."""
        if self._last_t is None or timestamp_s - self._last_t >= self.every_s or timestamp_s < self._last_t:
            self._last, self._last_t = self._counter.count(image_rgb), timestamp_s
        return self._last

    def close(self) -> None:
        self._counter.close()
