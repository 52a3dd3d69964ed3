"""The interface every pose backend satisfies."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # types only: choosing a backend on the command line loads no NumPy
    import numpy as np

    from formcheck.core.frame import PoseFrame


class PoseEstimator(Protocol):
    """Finds one person's landmarks in a frame.

    Backends run in video mode: they are fed frames in time order and may use the
    previous frame to track the person, which is both faster and steadier than
    detecting from scratch every frame.
    """

    def estimate(self, image_rgb: np.ndarray, index: int, timestamp_s: float) -> PoseFrame:
        """Landmarks in pixels; ``PoseFrame.empty`` when nobody is found."""
        ...

    def reset(self) -> None:
        """Forget the video seen so far, keeping the model loaded, so that the next frame
        starts a new video exactly as a fresh estimator would (a batch reuses one
        estimator per worker: loading the model costs more than a short clip's analysis)."""
        ...

    def close(self) -> None:
        """Release the model."""
        ...


def import_mediapipe() -> ModuleType:
    """``import mediapipe`` without the ``sounddevice`` import of its audio tasks: that
    import looks for the portaudio library by running gcc and ld on every start, and
    formcheck records no audio (its voice cues use espeak-ng). mediapipe takes the
    missing module as "no audio"; a ``sounddevice`` imported before is left alone."""
    blocked = "sounddevice" not in sys.modules
    if blocked:
        sys.modules["sounddevice"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import mediapipe
    finally:
        if blocked and sys.modules.get("sounddevice") is None:
            del sys.modules["sounddevice"]
    return mediapipe
