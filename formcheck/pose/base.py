"""The interface every pose backend satisfies."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

from formcheck.core.memory import use_one_malloc_arena

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
    """``import mediapipe``, without two imports formcheck never uses, and with one malloc
    arena from then on (``formcheck.core.memory``: the model's threads would each grow
    their own).

    - ``sounddevice``, imported by its audio tasks: that import looks for the portaudio
      library by running gcc and ld on every start, and formcheck records no audio (its
      voice cues use espeak-ng). mediapipe takes the missing module as "no audio".
    - ``matplotlib.pyplot``, imported by ``solutions.drawing_utils`` for its 3D landmark
      plot only: 32 MiB resident for as long as the model runs. A placeholder stands in
      while mediapipe imports; formcheck's own plots import the real one when they draw.

    A module imported before is left alone.
    """
    use_one_malloc_arena()
    placeholders = {"sounddevice": None, **_matplotlib_placeholders()}
    placeholders = {name: module for name, module in placeholders.items() if name not in sys.modules}
    sys.modules.update(placeholders)  # type: ignore[arg-type]  # None: import raises ImportError
    try:
        import mediapipe
    finally:
        for name, module in placeholders.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return mediapipe


def _matplotlib_placeholders() -> dict[str, ModuleType]:
    """Empty ``matplotlib`` and ``matplotlib.pyplot`` modules (``import matplotlib.pyplot as
    plt`` needs both)."""
    package, pyplot = ModuleType("matplotlib"), ModuleType("matplotlib.pyplot")
    package.pyplot = pyplot  # type: ignore[attr-defined]
    return {"matplotlib": package, "matplotlib.pyplot": pyplot}
