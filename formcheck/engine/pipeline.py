"""The per-frame stage chain shared by every front end:
pose -> smoothing -> exercise rules -> session.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.core.frame import PoseFrame
from formcheck.engine.evaluator import EngineParams, ExerciseEvaluator, FrameState
from formcheck.engine.session import Session
from formcheck.exercises.schema import Exercise
from formcheck.pose import PoseEstimator
from formcheck.smoothing.one_euro import LandmarkFilter
from formcheck.smoothing.stage import SmoothingStage
from formcheck.sources.scene import SceneWatch
from formcheck.sources.video import SourceInfo, VideoFrame


@dataclass(frozen=True)
class Picture:
    """A decoded frame as the pose stage has looked at it, before the model: the scene's
    reading and the RGB copy the model takes. Looking needs only the picture, so recorded
    analysis does it on the decode thread, ahead of the model (about a millisecond a
    frame that no longer waits in line with the model's)."""

    frame: VideoFrame
    rgb: np.ndarray
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

    def look(self, frame: VideoFrame) -> Picture:
        scene = self.scene.update(frame.image_bgr)
        return Picture(frame, cv2.cvtColor(frame.image_bgr, cv2.COLOR_BGR2RGB), scene, self.scene.thumb)

    def model(self, picture: Picture) -> PoseFrame:
        """The pose model on a frame looked at already (the stride looks at every frame,
        but runs the model on only some)."""
        frame = picture.frame
        return self.estimator.estimate(picture.rgb, frame.index, frame.timestamp_s).with_scene(*picture.scene)


class Pipeline:
    """The stages after the source, for one exercise: pose, smoothing, rules, session.

    Shared by recorded analysis and live coaching; drawing is left to the front end.
    """

    def __init__(
        self,
        exercise: Exercise,
        source: SourceInfo,
        estimator: PoseEstimator | None = None,
        params: EngineParams | None = None,
        smoother: LandmarkFilter | None = None,
        mirrored: bool = False,
    ) -> None:
        self.estimator = estimator
        self.pose = PoseStage(estimator) if estimator is not None else None
        # mirrored: a selfie-mirrored source, whose pose model's sides are swapped
        self.smoothing = SmoothingStage(mirrored, smoother)
        self.evaluator = ExerciseEvaluator(exercise, params)
        self.session = Session(exercise, source)

    def process(self, frame: VideoFrame) -> FrameState:
        """Run the pose model on a video frame, then the rest of the stages."""
        return self.step(self.estimate(frame))

    def estimate(self, frame: VideoFrame) -> PoseFrame:
        """The pose stage alone (what a landmark track stores)."""
        if self.pose is None:
            raise RuntimeError("this pipeline was built without a pose estimator")
        return self.pose.estimate(frame)

    def step(self, pose: PoseFrame) -> FrameState:
        """The stages after the pose model, for one frame."""
        state = self.evaluator.update(self.smoothing.update(pose))
        self.session.add(state)
        return state

    def finish(self) -> Session:
        """End of stream: close holds and faults; returns the complete session."""
        self.session.close(self.evaluator.finish())
        return self.session

    def close(self) -> None:
        if self.estimator is not None:
            self.estimator.close()
