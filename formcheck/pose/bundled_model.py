"""MediaPipe's ``pose_landmarker`` task bundle, assembled from the mediapipe wheel itself,
and the one place a Tasks ``PoseLandmarker`` is opened (on that bundle or a user's file).

The Tasks API (the one later MediaPipe releases keep) wants a ``.task`` bundle that the
0.10.21 wheel does not ship and that later releases download at run time. The bundle is
only a zip of the same two networks the legacy ``solutions.pose`` runs (person detector
and full landmark model) plus metadata saying how to scale the input pixels, so it is
built here, in memory, from the wheel's own ``.tflite`` files: offline, nothing written
to disk, about 0.3 s each time a landmarker opens it. It is not kept: MediaPipe copies
what it needs, and the 9 MB of bytes kept for a second landmarker that a default
analysis never opens would stay resident to the end.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from formcheck.core.errors import InputError
from formcheck.pose.base import import_mediapipe

#: The wheel's models and the pixel scaling their graphs use: the detector takes pixels
#: mapped to [-1, 1], the landmark model pixels mapped to [0, 1]
#: (``mediapipe/modules/pose_detection`` and ``pose_landmark`` graphs).
#: The last number is how many output tensors each network has: the detector's boxes and
#: scores; the landmark model's landmarks, presence, segmentation, heatmap and world
#: landmarks. Each output needs a (feature) metadata entry.
_MODELS = {
    "pose_detector.tflite": ("pose_detection/pose_detection.tflite", 127.5, 127.5, 2),
    "pose_landmarks_detector.tflite": ("pose_landmark/pose_landmark_full.tflite", 0.0, 255.0, 5),
}


def bundled_task_model() -> bytes:
    """The ``pose_landmarker`` task bundle built from the wheel's models.

    Raises ``InputError`` when the wheel lacks a model file or its metadata writer (a
    mediapipe other than the pinned 0.10.21).
    """
    try:
        return _build()
    except (ImportError, OSError, RuntimeError, ValueError) as exc:
        raise InputError(
            f"cannot build the pose model bundle from the mediapipe wheel ({type(exc).__name__}: {exc}); reinstall mediapipe==0.10.21"
        ) from None


def _build() -> bytes:
    mediapipe = import_mediapipe()
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


def open_pose_landmarker(
    model_path: Path | None, video: bool, max_people: int, min_confidence: float, model: bytes | None = None
) -> Any:
    """A ``PoseLandmarker`` on ``model_path`` (None: the bundle, ``model`` if it is built
    already), in VIDEO mode (tracking between frames) or IMAGE mode (each call detects
    afresh); a model that will not load is an ``InputError`` naming it."""
    import_mediapipe()
    from mediapipe.tasks.python import BaseOptions, vision

    bundle = (model or bundled_task_model()) if model_path is None else None
    with _model_file(bundle) if bundle is not None else nullcontext(model_path) as path:
        base = BaseOptions(model_asset_path=str(path)) if path is not None else BaseOptions(model_asset_buffer=bundle)
        options = vision.PoseLandmarkerOptions(
            base_options=base,
            running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
            num_poses=max_people,
            min_pose_detection_confidence=min_confidence,
            min_pose_presence_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
        )
        try:
            return vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise InputError(f"cannot load pose model {model_path or '(bundled)'}: {exc}") from None


@contextmanager
def _model_file(model: bytes) -> Iterator[str | None]:
    """The bundle as an anonymous in-memory file (Linux's ``memfd``: never on disk), for
    MediaPipe to map instead of copying a buffer: 10-19 MiB less at and after the
    landmarker's load. None where there is no ``memfd_create``: the buffer is passed then."""
    if not hasattr(os, "memfd_create"):
        yield None
        return
    fd = os.memfd_create("formcheck-pose-landmarker.task", os.MFD_CLOEXEC)
    try:
        with os.fdopen(os.dup(fd), "wb") as file:  # writes it all (one os.write may stop short)
            file.write(model)
        yield f"/proc/self/fd/{fd}"
    finally:
        os.close(fd)  # MediaPipe's mapping keeps what it needs
