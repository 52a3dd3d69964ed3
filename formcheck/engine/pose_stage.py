"""The pose stage: the picture's own work (``look``) and the pose model's (``model``),
apart so that recorded analysis can look at the next frames while the model works."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.pose import PoseEstimator
from formcheck.sources.scene import SceneWatch
from formcheck.sources.video import VideoFrame


@dataclass(frozen=True)
class Picture:
    """A decoded frame as the pose stage has looked at it, before the model: the scene's
    reading and the RGB copy the model takes. Looking needs only the picture, so recorded
    analysis does it on the decode thread, ahead of the model (about a millisecond a
    frame that no longer waits in line with the model's)."""

    frame: VideoFrame
    #: None: not made (the live stride makes it only for the frames the model sees).
    rgb: np.ndarray | None
    scene: tuple[float, bool]  # (mean brightness, whether a new shot starts here)
    thumb: np.ndarray  # the scene watch's small grey copy, for the stride's stillness test


class PoseStage:
    """The picture's stage: the pose model's landmarks, with the scene's brightness and
    cuts. What a landmark track records, so a track replays exactly what a video gives.

    ``look`` (the picture alone) and ``model`` (the pose model) are apart so that a
    recorded analysis can look at the next frames while the model works on this one;
    each sees every frame once, in order."""

    def __init__(self, estimator: PoseEstimator) -> None:
        self.estimator = estimator
        self.scene = SceneWatch()

    def estimate(self, frame: VideoFrame) -> PoseFrame:
        return self.model(self.look(frame))

    def look(self, frame: VideoFrame, rgb: bool = True) -> Picture:
        """The scene's reading of the frame, and the RGB copy for the model unless not ``rgb``."""
        scene = self.scene.update(frame.image_bgr)
        return Picture(frame, _rgb(frame) if rgb else None, scene, self.scene.thumb)

    def model(self, picture: Picture) -> PoseFrame:
        """The pose model on a frame looked at already (the stride looks at every frame,
        but runs the model on only some)."""
        frame = picture.frame
        rgb = picture.rgb if picture.rgb is not None else _rgb(frame)
        return self.estimator.estimate(rgb, frame.index, frame.timestamp_s).with_scene(*picture.scene)


def _rgb(frame: VideoFrame) -> np.ndarray:
    return cv2.cvtColor(frame.image_bgr, cv2.COLOR_BGR2RGB)
