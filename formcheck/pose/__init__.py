"""Pose backends, chosen by name.

Only the modules in this package import a model library; the rest of formcheck sees
``PoseFrame`` objects. Add a backend by writing a module with a class that satisfies
``PoseEstimator`` and registering a factory in ``BACKENDS``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from formcheck.core.errors import InputError
from formcheck.pose.base import PoseEstimator


def _solution(model: Path | None, min_confidence: float) -> PoseEstimator:
    from formcheck.pose.mediapipe_solution import MediaPipeSolutionEstimator

    if model is not None:
        raise InputError("the 'mediapipe' backend uses its bundled model; use --backend tasks for a .task model")
    return MediaPipeSolutionEstimator(min_confidence=min_confidence)


def _tasks(model: Path | None, min_confidence: float) -> PoseEstimator:
    from formcheck.pose.mediapipe_tasks import MediaPipeTasksEstimator

    return MediaPipeTasksEstimator(model, min_confidence=min_confidence)


BACKENDS: dict[str, Callable[[Path | None, float], PoseEstimator]] = {
    "mediapipe": _solution,
    "tasks": _tasks,
}
DEFAULT_BACKEND = "mediapipe"


def create_estimator(
    name: str = DEFAULT_BACKEND, model: Path | None = None, min_confidence: float = 0.5
) -> PoseEstimator:
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise InputError(f"unknown pose backend {name!r}; choose one of: {', '.join(BACKENDS)}") from None
    return factory(model, min_confidence)


def backend_label(name: str = DEFAULT_BACKEND, model: Path | None = None) -> str:
    """What produced a pose track, e.g. ``mediapipe (mediapipe 0.10.21)``: the backend,
    the model library's version and, for a supplied model, its file's digest. Tracks
    carry it, and a saved track is reused only by a run that would compute the same."""
    label = f"{name} (mediapipe {version('mediapipe')})"
    if model is not None:
        if not model.is_file():
            raise InputError(f"pose model not found: {model}")
        label += f" model {model.name} sha256:{hashlib.sha256(model.read_bytes()).hexdigest()[:16]}"
    return label
